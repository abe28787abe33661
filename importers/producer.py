"""Where an import's rows are read, mapped and shaped while the previous batch is written.

The import writes one batch to Neo4j while the next one is prepared (read, mapped, validated,
hashed). Two producers give the same batches, in the same order, with the same ledger:

- `ProcessProducer` (the default where the platform can fork): a child process, forked once the
  file is open and the reference data read, runs `ImportRun.prepare` and `ImportRun.finalize` and
  sends each batch's rows through a pipe. The parent only writes. The child holds no lock the event
  loop needs (a thread shares the interpreter's lock with the loop that sends the queries), and on a
  machine whose cores are shared it is one more process the scheduler gives time to. Coordinates to
  resolve go up to the parent, which asks Neo4j and sends the answer back; so do the commune names,
  the first time a row gives a postal code and a name (the import reads the codes alone up front).
- `ThreadProducer`: the same steps in a worker thread of the import's own process.

The ledger of external ids is a SQLite file: the child opens its own connection to it, and the
parent reads it (`--full`) once the child has finished and committed.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import multiprocessing
import pickle
import sys
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

from graph import imports as graph_imports
from importers.batches import GraphRows, ImportRun
from importers.places import Commune

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()


@dataclass(slots=True)
class Produced:
    """One batch ready to write: the rows read, the skips, the rows for the graph, how far the file is read."""

    rows: int
    skips: Counter[str]
    graph: GraphRows
    bytes_read: int


class Producer(Protocol):
    async def next(self) -> Produced | None: ...

    def close(self) -> None: ...


class ThreadProducer:
    """Each batch prepared in a worker thread of this process."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        loop = asyncio.get_running_loop()

        def names() -> list[Commune]:  # in the worker thread: the event loop asks Neo4j
            return asyncio.run_coroutine_threadsafe(graph_imports.communes(run.store), loop).result()

        run.mapper.places.load_names = names

    async def next(self) -> Produced | None:
        run = self.run
        batch = await asyncio.to_thread(run.prepare)
        if batch is None:
            return None
        nearest = await run.resolve_points(batch)
        rows = await asyncio.to_thread(run.finalize, batch, nearest)
        return Produced(batch.rows, batch.skips, rows, run.stream.bytes_read)

    def close(self) -> None:
        return None


class ProducerFailed(RuntimeError):
    """The child process stopped without saying why (killed, out of memory)."""


def _produce(run: ImportRun, conn: Connection, parent_end: Connection) -> None:
    """The child's loop: every batch of the file, then ("end",); an exception as ("error", exception).

    The parent's end of the pipe, inherited through the fork, is closed first: if the parent dies
    (killed mid-import), the child's next send or receive fails and the child ends, rather than
    waiting forever on a pipe it holds open itself."""
    parent_end.close()

    def names() -> list[Commune]:  # the parent asks Neo4j
        conn.send(("communes",))
        communes: list[Commune] = conn.recv()
        return communes

    run.mapper.places.load_names = names
    try:
        run.ledger.reopen()  # a SQLite connection must not cross a fork: the child opens its own
        while (batch := run.prepare()) is not None:
            points, max_meters = run.points(batch)
            nearest: dict[str, str] = {}
            if points:
                conn.send(("points", points, max_meters))
                nearest = conn.recv()
            rows = run.finalize(batch, nearest)
            conn.send(("batch", Produced(batch.rows, batch.skips, rows, run.stream.bytes_read)))
        run.ledger.commit()
        conn.send(("end",))
    except (BrokenPipeError, EOFError, ConnectionResetError):
        return  # the parent is gone: nobody to tell
    except BaseException as error:  # every failure goes to the parent, which raises it
        with contextlib.suppress(OSError):
            conn.send(("error", _portable(error)))
    finally:
        conn.close()


def _portable(error: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError with its type and message."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 — our own bytes, just made
    except Exception:  # an exception whose constructor takes other arguments
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class ProcessProducer:
    """Each batch prepared in a child process forked for this import (see the module's docstring)."""

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        run.ledger.commit()  # what the parent wrote (the network's row) is visible to the child
        for stream in (sys.stdout, sys.stderr):  # a buffer copied into the child would be written twice
            with contextlib.suppress(Exception):
                stream.flush()
        self._conn, child = multiprocessing.Pipe(duplex=True)
        self._process: BaseProcess = multiprocessing.get_context("fork").Process(
            target=_produce, args=(run, child, self._conn), name="tec-import-mapper", daemon=True
        )
        # The parent's objects are left out of the child's garbage collections: a collection that walked
        # them would touch (and so copy) every page the two processes share after the fork.
        gc.freeze()
        try:
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()
        self._done = False

    async def next(self) -> Produced | None:
        while not self._done:
            message = await asyncio.to_thread(self._receive)
            kind = message[0]
            if kind == "batch":
                produced: Produced = message[1]
                return produced
            if kind == "points":
                nearest = await graph_imports.nearest_communes(self.run.store, message[1], message[2])
                self._conn.send(nearest)
                continue
            if kind == "communes":  # a row gives a postal code and a name: the child needs the names
                self._conn.send(await graph_imports.communes(self.run.store))
                continue
            self._done = True
            self._process.join()
            if kind == "error":
                raise message[1]
        return None

    def _receive(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = self._conn.recv()
        except EOFError:
            self._process.join(5)
            raise ProducerFailed(
                f"the import's mapping process stopped unexpectedly (exit code {self._process.exitcode})"
            ) from None
        return message

    def close(self) -> None:
        """Stop the child if it still runs (the import failed or was cancelled) and release the pipe."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(5)
        self._conn.close()


def producer_for(run: ImportRun, *, process: bool) -> Producer:
    return ProcessProducer(run) if process and CAN_FORK else ThreadProducer(run)
