"""The async Neo4j driver's life cycle and the read/write helpers every graph module uses.

One `Store` per process, created in the Starlette lifespan (or by a CLI command). Reads go through
`execute_query` with READ routing so a cluster's followers serve them; writes run in managed
transactions, whose functions must be idempotent because the driver may retry them.
Every call counts as one database round trip in `round_trips` (per request, via a context
variable), which the tests and the benchmark read.
"""

from __future__ import annotations

import asyncio
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

from graph.errors import ConstraintConflict, GraphError, QueryTimeout, StoreUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Record = dict[str, Any]


@dataclass
class RoundTrips:
    """Database calls made while handling one request (or one benchmark step)."""

    count: int = 0
    queries: list[str] = field(default_factory=list)


_round_trips: ContextVar[RoundTrips | None] = ContextVar("round_trips", default=None)


@asynccontextmanager
async def counting_round_trips() -> AsyncIterator[RoundTrips]:
    counter = RoundTrips()
    token = _round_trips.set(counter)
    try:
        yield counter
    finally:
        _round_trips.reset(token)


def _count(name: str) -> None:
    counter = _round_trips.get()
    if counter is not None:
        counter.count += 1
        counter.queries.append(name)


_TIMEOUT_CODES = (
    "Neo.ClientError.Transaction.TransactionTimedOut",
    "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
    "Neo.TransientError.Transaction.LockClientStopped",
    # 5.26 reports a transaction stopped by its timeout while it waited for a lock as a client error
    "Neo.ClientError.Transaction.LockClientStopped",
)


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

    def _query(self, text: LiteralString, timeout: float | None) -> Query:
        return Query(text, timeout=timeout if timeout is not None else self.tx_timeout)

    async def read(
        self,
        name: str,
        query: LiteralString,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[Record]:
        """Run a read query (routed to readers) and return its records as dicts."""
        return await self._execute(name, query, params, RoutingControl.READ, timeout)

    async def write(
        self,
        name: str,
        query: LiteralString,
        params: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> list[Record]:
        """Run one write query in a managed transaction (it may be retried: keep it idempotent)."""
        return await self._execute(name, query, params, RoutingControl.WRITE, timeout)

    async def _execute(
        self,
        name: str,
        query: LiteralString,
        params: Mapping[str, Any] | None,
        routing: RoutingControl,
        timeout: float | None,
    ) -> list[Record]:
        _count(name)
        started = time.perf_counter()
        try:
            result = await self.driver.execute_query(
                self._query(query, timeout),
                dict(params or {}),
                routing_=routing,
                database_=self.database,
                result_transformer_=neo4j.AsyncResult.data,
            )
        except Exception as error:
            raise translate(error) from error
        log.debug("query %s took %.1f ms", name, (time.perf_counter() - started) * 1000)
        return result

    async def transaction(self, name: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
        """Run `work` in one managed write transaction: all of it commits, or none of it."""
        _count(name)
        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(work)
        except GraphError:
            raise
        except Exception as error:
            raise translate(error) from error

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
