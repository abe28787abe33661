"""Exactly-once writes: what an `Idempotency-Key` makes every write transaction of a request do.

The HTTP layer (`tec.app.idempotency`) opens a `KeyedRequest` for a mutation that carries a key; while
it is open, every write transaction of the request is step n of that request (0, 1, … in the order
the resolvers write) and, in its own transaction, first claims the `(:IdempotencyRecord {scope, key})`
node (MERGE under a uniqueness constraint, then a write lock on it):

- the record is bound to another request (a different query or variables) → `KeyReused`, nothing
  is written;
- step n is already recorded (the first attempt committed it, whatever became of its response) → the
  transaction rolls back and the write returns what step n returned the first time, so the resolver
  builds the same answer without writing again;
- otherwise the write runs, and what it returned is appended to the record, in the same transaction.

So a write and its record commit together or not at all, and two attempts with the same key cannot
both write: the second waits for the first's lock, then replays its step.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date as py_date
from datetime import datetime as py_datetime
from typing import TYPE_CHECKING, Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from graph.errors import GraphError

if TYPE_CHECKING:
    from graph.store import Store

ANONYMOUS_SCOPE = "anonymous"
PURGE_BATCH = 100


class KeyReused(GraphError):
    """The key was first used for another request; nothing was written."""

    code = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used for a different request (another query or other "
            "variables); use a new key for a new write, or resend exactly the first request."
        )


@dataclass
class KeyedRequest:
    """One HTTP request carrying an Idempotency-Key: its scope (the API key id or anonymous), the key,
    a hash of the request it is bound to, and the next write step."""

    scope: str
    key: str
    request: str
    ttl_seconds: int
    next_step: int = 0
    replayed: int = 0

    def params(self) -> dict[str, Any]:
        return {"scope": self.scope, "key": self.key, "request": self.request, "ttl": self.ttl_seconds}


_current: ContextVar[KeyedRequest | None] = ContextVar("idempotency", default=None)


@contextmanager
def keyed_request(keyed: KeyedRequest) -> Iterator[KeyedRequest]:
    """Make every write transaction run while this is open a step of `keyed`."""
    token = _current.set(keyed)
    try:
        yield keyed
    finally:
        _current.reset(token)


def current() -> KeyedRequest | None:
    return _current.get()


# MERGE under the (scope, key) constraint serialises creators; `SET claimedAt` takes the node's write
# lock, so a second attempt waits here until the first commits or rolls back. An expired record is
# taken over as new.
CLAIM: LiteralString = (
    "MERGE (r:IdempotencyRecord {scope: $scope, key: $key}) "
    "ON CREATE SET r.request = $request, r.steps = [], r.createdAt = datetime(), "
    "r.expiresAt = datetime() + duration({seconds: $ttl}) "
    "SET r.claimedAt = datetime() "
    "WITH r, r.expiresAt < datetime() AS expired "
    "SET r.request = CASE WHEN expired THEN $request ELSE r.request END, "
    "r.steps = CASE WHEN expired THEN [] ELSE r.steps END, "
    "r.createdAt = CASE WHEN expired THEN datetime() ELSE r.createdAt END, "
    "r.expiresAt = CASE WHEN expired THEN datetime() + duration({seconds: $ttl}) ELSE r.expiresAt END "
    "RETURN r.request AS request, size(r.steps) AS done, r.steps[$step] AS stored"
)
RECORD_STEP: LiteralString = "MATCH (r:IdempotencyRecord {scope: $scope, key: $key}) SET r.steps = r.steps + [$result]"
FIND: LiteralString = (
    "MATCH (r:IdempotencyRecord {scope: $scope, key: $key}) WHERE r.expiresAt >= datetime() "
    "RETURN r.request AS request, size(r.steps) AS steps"
)
PURGE: LiteralString = (
    "MATCH (r:IdempotencyRecord) WHERE r.expiresAt < datetime() WITH r LIMIT $limit DELETE r RETURN count(*) AS purged"
)


class Replayed(Exception):
    """Raised inside a claimed transaction whose step is already recorded: roll back, return `stored`."""

    def __init__(self, stored: str) -> None:
        super().__init__("step already committed")
        self.stored = stored


async def claim(tx: AsyncManagedTransaction, keyed: KeyedRequest, step: int) -> None:
    """Claim step `step` of `keyed` in this transaction; raises `KeyReused` or `Replayed`."""
    result = await tx.run(CLAIM, {**keyed.params(), "step": step})
    row = await result.single(strict=True)
    if row["request"] != keyed.request:
        raise KeyReused()
    if row["done"] > step:
        raise Replayed(str(row["stored"]))
    if step == 0:
        purged = await tx.run(PURGE, {"limit": PURGE_BATCH})
        await purged.consume()


async def record_step(tx: AsyncManagedTransaction, keyed: KeyedRequest, result: Any) -> None:
    """Append what this step's write returned to the record (same transaction as the write)."""
    done = await tx.run(RECORD_STEP, {"scope": keyed.scope, "key": keyed.key, "result": encode(result)})
    await done.consume()


# What a write returns (records as dicts, ids, counts) as JSON, every value tagged with its type so it
# comes back as the same Python and Neo4j values.


def _tag(value: Any) -> list[Any]:
    if value is None:
        return ["n"]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", repr(value)]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, bytes):
        return ["y", value.hex()]
    if isinstance(value, dict):
        return ["d", [[str(key), _tag(item)] for key, item in value.items()]]
    if isinstance(value, list):
        return ["l", [_tag(item) for item in value]]
    if isinstance(value, tuple):
        return ["t", [_tag(item) for item in value]]
    if isinstance(value, DateTime):
        return ["DateTime", value.iso_format()]
    if isinstance(value, Date):
        return ["Date", value.iso_format()]
    if isinstance(value, Time):
        return ["Time", value.iso_format()]
    if isinstance(value, Duration):
        return ["Duration", [value.months, value.days, value.seconds, value.nanoseconds]]
    if isinstance(value, WGS84Point):
        return ["WGS84Point", list(value)]
    if isinstance(value, CartesianPoint):
        return ["CartesianPoint", list(value)]
    if isinstance(value, py_datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, py_date):
        return ["date", value.isoformat()]
    raise TypeError(f"a write returned a {type(value).__name__}, which an idempotency record cannot keep")


def _untag(tagged: list[Any]) -> Any:
    kind = tagged[0]
    if kind == "n":
        return None
    payload: Any = tagged[1]
    if kind in ("b", "i", "s"):
        return payload
    if kind == "f":
        return float(payload)
    if kind == "y":
        return bytes.fromhex(payload)
    if kind == "d":
        return {key: _untag(item) for key, item in payload}
    if kind == "l":
        return [_untag(item) for item in payload]
    if kind == "t":
        return tuple(_untag(item) for item in payload)
    if kind == "DateTime":
        return DateTime.from_iso_format(payload)
    if kind == "Date":
        return Date.from_iso_format(payload)
    if kind == "Time":
        return Time.from_iso_format(payload)
    if kind == "Duration":
        months, days, seconds, nanoseconds = payload
        return Duration(months=months, days=days, seconds=seconds, nanoseconds=nanoseconds)
    if kind == "WGS84Point":
        return WGS84Point(payload)
    if kind == "CartesianPoint":
        return CartesianPoint(payload)
    if kind == "datetime":
        return py_datetime.fromisoformat(payload)
    if kind == "date":
        return py_date.fromisoformat(payload)
    raise ValueError(f"unknown tag {kind!r} in an idempotency record")


def encode(value: Any) -> str:
    return json.dumps(_tag(value), ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Any:
    return _untag(json.loads(text))


async def bound_request(store: Store, scope: str, key: str) -> str | None:
    """The hash of the request an unexpired key is bound to, or None (a read, before the request runs)."""
    rows = await store.read("idempotency.find", FIND, {"scope": scope, "key": key})
    return str(rows[0]["request"]) if rows else None
