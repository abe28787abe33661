"""Import speed against its ceiling (`tec bench`, part `import`).

The ceiling of an import is what Neo4j needs at the least to write the same rows: the creating
queries of `graph.imports.upsert_batch` alone (`graph.imports.create_batch`), in the same batches,
one transaction at a time, fed rows the importer prepared beforehand (no reading, no mapping, no
look-up). The full import (`importers.partners.import_file`) reads the file, maps and checks every
row, looks up what the source already holds and writes. Both run on the same file, one after the
other, several times (ceiling, import, ceiling, import, …) so that both see the same moments of a
machine whose speed drifts; each is deleted once measured, so every run starts from the same graph.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

from graph import imports as graph_imports
from graph.bulk import delete_source
from graph.store import Store
from importers.batches import GraphRows
from importers.partners import DEFAULT_BATCH_SIZE, import_file, prepared_rows, resolve_mapping


@contextmanager
def cpu_seconds(neo4j_pid: int | None, into: dict[str, Any]) -> Iterator[None]:
    """CPU seconds spent inside the block by Neo4j's process (`neo4j_cpu_s`) and by this one with the
    children it waited for, i.e. the import's mapping process (`python_cpu_s`: reading, mapping,
    checking, packing rows for the driver), and the load average."""
    neo4j = psutil.Process(neo4j_pid) if neo4j_pid is not None else None

    def now() -> tuple[float, float]:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        times = neo4j.cpu_times() if neo4j is not None else None
        python = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
        return (times.user + times.system if times else 0.0), python

    neo4j_before, own_before = now()
    yield
    neo4j_after, own_after = now()
    if neo4j is not None:
        into["neo4j_cpu_s"] = round(neo4j_after - neo4j_before, 2)
    into["python_cpu_s"] = round(own_after - own_before, 2)
    into["load_average"] = round(psutil.getloadavg()[0], 1)


async def timed_import(
    store: Store, path: Path, preset: str, rows: int, source: str, neo4j_pid: int | None = None
) -> dict[str, Any]:
    """One full import of `path`, timed, then deleted."""
    cpu: dict[str, Any] = {}
    with cpu_seconds(neo4j_pid, cpu):
        started = time.perf_counter()
        summary = await import_file(store, path, preset, source=source)
        seconds = time.perf_counter() - started
    await delete_source(store, source)
    return {
        "rows": rows,
        "created": summary.created,
        "rejected": summary.rejected,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        **cpu,
    }


Prepared = tuple[dict[str, Any] | None, list[GraphRows]]


async def write_as_new(
    store: Store,
    path: Path,
    preset: str,
    source: str,
    cpu: dict[str, Any] | None = None,
    neo4j_pid: int | None = None,
    prepared: Prepared | None = None,
) -> tuple[int, float]:
    """The rows an import of `path` writes, prepared first (or given: `prepared`), then written by the
    creating queries alone into `source` (which must hold none of them): (records created, seconds
    spent writing); `cpu` receives the CPU seconds of the writing (`cpu_seconds`)."""
    spec = resolve_mapping(preset).source
    if prepared is None:
        prepared = await prepared_rows(store, path, preset, source, batch_size=DEFAULT_BATCH_SIZE)
    network, batches = prepared
    created = sum(len(batch.actors) + len(batch.conflicts) for batch in batches) + (network is not None)
    with cpu_seconds(neo4j_pid, cpu if cpu is not None else {}):
        started = time.perf_counter()
        # the source set up in the first write's transaction, as the import does (`importers.partners`)
        setup: graph_imports.SourceSetup | None = graph_imports.SourceSetup(source, spec.kind, spec.licence)
        if network is not None:
            await graph_imports.create_batch(store, source, actors=[network], setup=setup)
            setup = None
        for batch in batches:
            await graph_imports.create_batch(store, source, actors=batch.actors, conflicts=batch.conflicts, setup=setup)
            setup = None
        if setup is not None:
            await graph_imports.ensure_source(store, source, spec.kind, spec.licence)
        seconds = time.perf_counter() - started
    return created, seconds


async def settle(neo4j_pid: int | None, *, idle_share: float = 0.1, limit: float = 5.0) -> None:
    """Wait until Neo4j's process has caught up with what came before (a deletion leaves it merging
    indexes and collecting garbage for a while): its CPU below `idle_share` of a core over 0.2 s, or
    `limit` seconds. Each timed ceiling and import starts after one, so neither inherits the
    other's deletion."""
    if neo4j_pid is None:
        await asyncio.sleep(1.0)
        return
    neo4j = psutil.Process(neo4j_pid)
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        before = sum(neo4j.cpu_times()[:2])
        await asyncio.sleep(0.2)
        if sum(neo4j.cpu_times()[:2]) - before < 0.2 * idle_share:
            return


async def timed_ceiling(
    store: Store,
    path: Path,
    preset: str,
    rows: int,
    source: str,
    neo4j_pid: int | None = None,
    prepared: Prepared | None = None,
) -> dict[str, Any]:
    """The creating queries alone on the rows an import of `path` writes: timed (not preparing them), deleted."""
    cpu: dict[str, Any] = {}
    created, seconds = await write_as_new(store, path, preset, source, cpu, neo4j_pid, prepared)
    await delete_source(store, source)
    return {
        "rows": rows,
        "created": created,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        **cpu,
    }


async def import_against_ceiling(
    store: Store, path: Path, preset: str, rows: int, runs: int, neo4j_pid: int | None = None
) -> dict[str, Any]:
    """`runs` pairs (ceiling, then import) on the same file: each run's figures, the medians and the ratio.

    `ratio` is the median import rate over the median ceiling rate; `ratios` the ratio of each pair
    (the spread a shared machine gives)."""
    stamp = int(time.time())
    ceilings: list[dict[str, Any]] = []
    imports: list[dict[str, Any]] = []
    # The ceiling's rows are prepared once, before the runs: preparing them before each timed ceiling
    # gave Neo4j a second or two to finish with the previous deletion that the import, timed right
    # after a deletion, did not get. Both now start the same way: after a deletion, Neo4j settled.
    prepared = await prepared_rows(store, path, preset, f"bench-{preset}-{stamp}", batch_size=DEFAULT_BATCH_SIZE)
    for run in range(runs):
        source = f"bench-{preset}-{stamp}-{run}"
        await settle(neo4j_pid)
        ceilings.append(await timed_ceiling(store, path, preset, rows, f"{source}-ceiling", neo4j_pid, prepared))
        await settle(neo4j_pid)
        imports.append(await timed_import(store, path, preset, rows, source, neo4j_pid))
        print(f"  {preset} run {run + 1}/{runs}: ceiling {ceilings[-1]}, import {imports[-1]}", flush=True)
    ceiling_rate = statistics.median(run["rows_per_s"] for run in ceilings)
    import_rate = statistics.median(run["rows_per_s"] for run in imports)
    return {
        "preset": preset,
        "rows": rows,
        "runs": runs,
        "ceiling_rows_per_s": round(ceiling_rate),
        "import_rows_per_s": round(import_rate),
        "ratio": round(import_rate / ceiling_rate, 2),
        "ratios": [round(i["rows_per_s"] / c["rows_per_s"], 2) for c, i in zip(ceilings, imports, strict=True)],
        # medians of the CPU seconds: what the machine's cores were asked for, by Neo4j and by this process
        "cpu_s": {
            f"{name}_{key}": _median(runs_, key)
            for name, runs_ in (("ceiling", ceilings), ("import", imports))
            for key in ("neo4j_cpu_s", "python_cpu_s")
        },
        "ceiling_runs": ceilings,
        "import_runs": imports,
    }


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [run[key] for run in runs if key in run]
    return round(statistics.median(values), 2) if values else None
