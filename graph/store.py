"""The async Neo4j driver's life cycle and the read/write helpers every graph module uses.

One `Store` per process, created in the Starlette lifespan (or by a CLI command). Reads go through
`execute_query` with READ routing so a cluster's followers serve them; writes run in managed
transactions, whose functions must be idempotent because the driver may retry them.
Every call counts as one database round trip in `round_trips` (per request, via a context
variable), which the tests and the benchmark read.

Every write also moves the graph revision, a single `(:Revision {id: 'graph'})` node incremented in
the same transaction, so that a reader (the response cache, `tec.app.response_cache`) can tell with one
cheap read whether anything changed since, whichever process wrote it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, LiteralString, TypeVar

import neo4j
from neo4j import AsyncDriver, AsyncGraphDatabase, AsyncManagedTransaction, Query, RoutingControl
from neo4j import exceptions as neo4j_errors
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from graph import audit, idempotency
from graph.deadlines import bounded_timeout
from graph.errors import ConstraintConflict, GraphError, QueryTimeout, StoreUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Record = dict[str, Any]


@dataclass
class RoundTrips:
    """Database calls made while handling one request (or one benchmark step).

    With `want_revision`, the first reads also read the graph revision, in their own transaction and
    before their query, so a response built from them can be cached under it without a call of its
    own; `revision` is then the one they saw (`revision_known`), unless they saw different ones.
    """

    count: int = 0
    queries: list[str] = field(default_factory=list)
    want_revision: bool = False
    revision: str | None = None
    revision_known: bool = False
    revision_mixed: bool = False
    wrote: bool = False
    db_seconds: float = 0.0  # time with a Neo4j call under way (the call and the decoding of its records)
    in_flight: int = 0
    busy_since: float = 0.0

    def saw_revision(self, revision: str | None) -> None:
        if not self.revision_known:
            self.revision, self.revision_known = revision, True
        elif revision != self.revision:
            self.revision_mixed = True


_round_trips: ContextVar[RoundTrips | None] = ContextVar("round_trips", default=None)


@asynccontextmanager
async def counting_round_trips() -> AsyncIterator[RoundTrips]:
    counter = RoundTrips()
    token = _round_trips.set(counter)
    try:
        yield counter
    finally:
        _round_trips.reset(token)


def _count(name: str, *, write: bool = False) -> RoundTrips | None:
    counter = _round_trips.get()
    if counter is not None:
        counter.count += 1
        counter.queries.append(name)
        counter.wrote = counter.wrote or write
    return counter


@asynccontextmanager
async def waiting_for_database(counter: RoundTrips | None) -> AsyncIterator[None]:
    """Count the time of a database call in the request's `db_seconds` (the `Server-Timing` header):
    the time during which at least one call was under way, so calls that overlap (DataLoaders of
    sibling fields) are not counted twice."""
    if counter is None:
        yield
        return
    if counter.in_flight == 0:
        counter.busy_since = time.perf_counter()
    counter.in_flight += 1
    try:
        yield
    finally:
        counter.in_flight -= 1
        if counter.in_flight == 0:
            counter.db_seconds += time.perf_counter() - counter.busy_since


def mark_uncacheable() -> None:
    """The current request's answer must not be cached: it reads data whose changes move no revision
    (the delivery log, written by the delivery workers)."""
    counter = _round_trips.get()
    if counter is not None:
        counter.wrote = True


def count_round_trip(name: str) -> None:
    """Count a database call made on the current request's behalf outside it (a shared read)."""
    _count(name)


# The revision is (epoch, counter): the epoch is new whenever the node is (re)created, e.g. after a
# database wipe, so a revision value never comes back.
REVISION_BUMP: LiteralString = (
    "MERGE (rev:Revision {id: 'graph'}) ON CREATE SET rev.epoch = randomUUID(), rev.value = 0 "
    "SET rev.value = rev.value + 1"
)
REVISION_READ: LiteralString = (
    "OPTIONAL MATCH (rev:Revision {id: 'graph'}) RETURN rev.epoch + ':' + toString(rev.value) AS revision"
)


async def bump_revision(tx: AsyncManagedTransaction) -> None:
    result = await tx.run(REVISION_BUMP)
    await result.consume()


async def _read_revision(tx: AsyncManagedTransaction) -> str | None:
    record = await (await tx.run(REVISION_READ)).single()
    return None if record is None else record["revision"]


_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
    # 5.26 reports a transaction stopped by its timeout while it waited for a lock as a client error
    "Neo.ClientError.Transaction.LockClientStopped",
)


# Values `Record.data()` returns as they are; the driver gives maps as dicts and lists as lists.
_UNCHANGED: frozenset[type] = frozenset(
    {str, int, float, bool, type(None), bytes} | {Date, DateTime, Time, Duration, CartesianPoint, WGS84Point}
)


class _GraphValue(Exception):
    """A node, relationship or path inside a value: `Record.data()` knows how to export it."""


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _UNCHANGED:
        return value
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if kind is list:
        return [_plain(item) for item in value]
    raise _GraphValue


# The longest stretch of record decoding between two turns of the event loop (and records decoded between
# two looks at the clock): a read of thousands of records leaves other requests, `/healthz` first, a turn.
TURN_SECONDS = 0.005
RECORDS_PER_LOOK = 16


async def _records(result: neo4j.AsyncResult) -> list[Record]:
    """The records as dicts, like `AsyncResult.data()` but without its per-value isinstance cascade
    (a good part of a directory page's CPU); records holding graph objects go through `data()`.

    The driver decodes one record at a time as it is asked for the next, so the event loop gets a turn
    every `TURN_SECONDS` of decoding; a query meant to return a lot should return it as many records."""
    keys = result.keys()
    rows: list[Record] = []
    turn = time.perf_counter()
    async for record in result:
        try:
            rows.append({key: _plain(value) for key, value in zip(keys, record, strict=True)})
        except _GraphValue:
            rows.append(record.data())
        if len(rows) % RECORDS_PER_LOOK == 0 and time.perf_counter() - turn > TURN_SECONDS:
            await asyncio.sleep(0)
            turn = time.perf_counter()
    return rows


async def _driver_records(result: neo4j.AsyncResult) -> list[Record]:
    """The records as dicts of the driver's own values, the event loop getting a turn every `TURN_SECONDS`
    of decoding (as in `_records`; the clock is read at every record: these are few and may be large)."""
    keys = result.keys()
    rows: list[Record] = []
    turn = time.perf_counter()
    async for record in result:
        rows.append(dict(zip(keys, record, strict=True)))
        if time.perf_counter() - turn > TURN_SECONDS:
            await asyncio.sleep(0)
            turn = time.perf_counter()
    return rows


def translate(error: Exception) -> GraphError:
    """Map a driver exception to the graph layer's own; unknown ones are re-raised by the caller."""
    if isinstance(error, neo4j_errors.ServiceUnavailable | neo4j_errors.SessionExpired):
        return StoreUnavailable()
    if isinstance(error, OSError | asyncio.TimeoutError):
        return StoreUnavailable()
    if isinstance(error, neo4j_errors.Neo4jError):
        code = error.code or ""
        if code in _TIMEOUT_CODES or "TransactionTimedOut" in code:
            return QueryTimeout()
        if code == "Neo.ClientError.Schema.ConstraintValidationFailed":
            return ConstraintConflict("A record with the same key already exists.")
        if code.startswith("Neo.TransientError.General.DatabaseUnavailable"):
            return StoreUnavailable()
    if isinstance(error, neo4j_errors.DriverError) and "connection" in str(error).lower():
        return StoreUnavailable()
    raise error


class Store:
    """Thin wrapper over one `AsyncDriver`: reads, writes, managed transactions, error mapping."""

    def __init__(self, driver: AsyncDriver, *, database: str | None = None, tx_timeout: float | None = None):
        self.driver = driver
        self.database = database
        self.tx_timeout = tx_timeout
        self.audit_retention_days = audit.DEFAULT_RETENTION_DAYS  # set from TEC_AUDIT_RETENTION_DAYS

    @classmethod
    def connect(
        cls,
        uri: str,
        user: str,
        password: str,
        *,
        database: str | None = None,
        tx_timeout: float | None = None,
        connect_timeout: float = 3.0,
        retry_seconds: float = 2.0,
    ) -> Store:
        driver = AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=connect_timeout * 2,
            max_transaction_retry_time=retry_seconds,
            liveness_check_timeout=30.0,
            max_connection_pool_size=50,
            notifications_min_severity="OFF",
        )
        return cls(driver, database=database, tx_timeout=tx_timeout)

    async def close(self) -> None:
        await self.driver.close()

    async def wait_until_ready(self, seconds: float) -> None:
        """Verify connectivity, retrying with backoff for up to `seconds` (service start-up)."""
        deadline = time.monotonic() + seconds
        delay = 0.2
        while True:
            try:
                await self.driver.verify_connectivity()
                return
            except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as error:
                if time.monotonic() + delay > deadline:
                    raise StoreUnavailable(
                        f"no answer from Neo4j after {seconds:.0f} s: {type(error).__name__}"
                    ) from None
                log.info("waiting for Neo4j (%s)", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)

    async def ping(self) -> bool:
        try:
            await self.driver.execute_query("RETURN 1", database_=self.database, routing_=RoutingControl.READ)
            return True
        except Exception:  # any failure means "not ready"; /readyz reports it
            return False

    def _timeout(self, timeout: float | None) -> float | None:
        """The transaction timeout: the one asked for (else the store's), within the request's deadline."""
        return bounded_timeout(timeout if timeout is not None else self.tx_timeout)

    def _query(self, text: LiteralString, timeout: float | None) -> Query:
        return Query(text, timeout=self._timeout(timeout))

    async def read(
        self, name: str, query: LiteralString, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[Record]:
        """Run a read query (routed to readers) and return its records as dicts."""
        return await self._execute(name, query, params, RoutingControl.READ, timeout)

    async def read_once(
        self, name: str, query: LiteralString, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[Record]:
        """Run one read query as an auto-commit transaction and return its records as the driver decoded them.

        `read` runs a managed transaction: two exchanges with the server (begin + run + pull, then commit)
        and a copy of every value to find graph objects. Here: one exchange (run + pull, on a session with
        the same bookmarks as `read`), and each record becomes a dict of the driver's own values, copied
        once. For a single query whose columns are maps, lists and plain values (no nodes, relationships
        or paths: those stay the driver's objects). A failure the driver calls retryable (a leader
        switch, a transient error) is retried once, as `read` would; a read has no effect to repeat.
        In a request that wants the graph revision (the response cache), it is read as `read` does."""
        counter = _count(name)
        if counter is not None and counter.want_revision and not counter.revision_known:
            return await self._read_with_revision(counter, query, params, timeout)
        values = dict(params or {})
        for attempt in (1, 2):
            try:
                async with (
                    waiting_for_database(counter),
                    self.driver.session(
                        database=self.database,
                        default_access_mode=neo4j.READ_ACCESS,
                        bookmark_manager=self.driver.execute_query_bookmark_manager,
                    ) as session,
                ):
                    result = await session.run(self._query(query, timeout), values)
                    return await _driver_records(result)
            except (neo4j_errors.Neo4jError, neo4j_errors.DriverError) as error:
                if attempt == 1 and error.is_retryable():
                    log.info("query %s: retrying once after %s", name, type(error).__name__)
                    continue
                raise translate(error) from error
            except Exception as error:
                raise translate(error) from error
        raise AssertionError("unreachable")  # pragma: no cover

    async def write(
        self, name: str, query: LiteralString, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[Record]:
        """Run one write query in a managed transaction (it may be retried: keep it idempotent)."""
        counter = _count(name, write=True)
        updated = False

        @neo4j.unit_of_work(timeout=self._timeout(timeout))
        async def work(tx: AsyncManagedTransaction) -> list[Record]:
            nonlocal updated
            result = await tx.run(query, dict(params or {}))
            rows = await _records(result)
            updated = (await result.consume()).counters.contains_updates  # a write that changed nothing keeps caches
            return rows

        return await self._write_transaction(name, counter, work, changed=lambda _: updated)

    async def _write_transaction(
        self,
        name: str,
        counter: RoundTrips | None,
        work: Callable[[AsyncManagedTransaction], Awaitable[T]],
        changed: Callable[[T], bool] | None = None,
    ) -> T:
        """Run `work` and bump the revision in one managed write transaction. In a request carrying an
        Idempotency-Key (`graph.idempotency`), the transaction is a step of it: claimed first, recorded
        with what `work` returned, and replayed from the record when that step already committed. The graph
        revision moves with it, unless `changed` says from `work`'s result that nothing changed. When a writer
        is named (`graph.audit.acting_as`), a transaction that changed something also adds its audit entry."""
        keyed = idempotency.current()
        who = audit.current_actor()
        changes = audit.Changes()
        step = -1
        if keyed is not None:
            step = keyed.next_step
            keyed.next_step += 1

        @functools.wraps(work)  # keeps a `unit_of_work` timeout
        async def work_and_bump(tx: AsyncManagedTransaction) -> T:
            if keyed is not None:
                await idempotency.claim(tx, keyed, step)
            changes.clear()  # a retried attempt notes its changes afresh
            done = await work(tx)
            if keyed is not None:
                await idempotency.record_step(tx, keyed, done)
            if changed is None or changed(done):
                await bump_revision(tx)
                if who is not None:
                    await audit.record(tx, who, name, changes, done, self.audit_retention_days)
            return done

        declared = getattr(work, "timeout", None)
        bounded = bounded_timeout(declared if declared is not None else self.tx_timeout)
        if bounded is not None:
            work_and_bump.timeout = bounded  # type: ignore[attr-defined]  # read by the driver

        try:
            with audit.collecting(changes):
                async with waiting_for_database(counter), self.driver.session(database=self.database) as session:
                    return await session.execute_write(work_and_bump)
        except idempotency.Replayed as replayed:
            assert keyed is not None
            keyed.replayed += 1
            stored: T = idempotency.decode(replayed.stored)
            return stored
        except GraphError:
            raise
        except Exception as error:
            raise translate(error) from error

    async def _execute(
        self,
        name: str,
        query: LiteralString,
        params: Mapping[str, Any] | None,
        routing: RoutingControl,
        timeout: float | None,
    ) -> list[Record]:
        counter = _count(name)
        if counter is not None and counter.want_revision and not counter.revision_known:
            return await self._read_with_revision(counter, query, params, timeout)
        started = time.perf_counter()
        try:
            async with waiting_for_database(counter):
                result = await self.driver.execute_query(
                    self._query(query, timeout),
                    dict(params or {}),
                    routing_=routing,
                    database_=self.database,
                    result_transformer_=_records,
                )
        except Exception as error:
            raise translate(error) from error
        log.debug("query %s took %.1f ms", name, (time.perf_counter() - started) * 1000)
        return result

    async def _read_with_revision(
        self, counter: RoundTrips, query: LiteralString, params: Mapping[str, Any] | None, timeout: float | None
    ) -> list[Record]:
        """One read transaction: the graph revision, then the query (so the query saw that revision or a later one)."""

        @neo4j.unit_of_work(timeout=self._timeout(timeout))
        async def work(tx: AsyncManagedTransaction) -> tuple[str | None, list[Record]]:
            revision = await _read_revision(tx)
            return revision, await _records(await tx.run(query, dict(params or {})))

        try:
            async with (
                waiting_for_database(counter),
                self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session,
            ):
                revision, rows = await session.execute_read(work)
        except Exception as error:
            raise translate(error) from error
        counter.saw_revision(revision)
        return rows

    async def revision(self) -> str | None:
        """The graph revision now (None before the first write through a `Store`); one round trip."""
        counter = _count("graph.revision")
        try:
            # an auto-commit read: one exchange with the server, not three (begin, run, commit)
            async with (
                waiting_for_database(counter),
                self.driver.session(database=self.database, default_access_mode=neo4j.READ_ACCESS) as session,
            ):
                record = await (await session.run(REVISION_READ)).single()
        except Exception as error:
            raise translate(error) from error
        return None if record is None else record["revision"]

    async def transaction(
        self,
        name: str,
        work: Callable[[AsyncManagedTransaction], Awaitable[T]],
        *,
        changed: Callable[[T], bool] | None = None,
    ) -> T:
        """Run `work` in one managed write transaction: all of it commits, or none of it.

        The graph revision moves with it, unless `changed` says from `work`'s result that nothing changed.
        """
        return await self._write_transaction(name, _count(name, write=True), work, changed)

    async def run_schema(self, statement: LiteralString) -> None:
        """Run a schema command (constraint, index) in its own auto-commit transaction."""
        try:
            async with self.driver.session(database=self.database) as session:
                result = await session.run(statement)
                await result.consume()
        except Exception as error:
            raise translate(error) from error


async def run_in_tx(tx: AsyncManagedTransaction, query: LiteralString, params: Mapping[str, Any]) -> list[Record]:
    """Helper for transaction functions: run one statement and return its records."""
    result = await tx.run(query, dict(params))
    return await result.data()
