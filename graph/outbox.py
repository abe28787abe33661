"""The events outbox: what happened, written in the transaction that made it happen.

A write that others should hear about (a need posted, a sponsorship accepted, a task force formed, a
conflict created…) appends its events with `append` inside its own managed transaction, so an event
exists exactly when its change committed: a write that fails or rolls back announces nothing, and a
write that committed cannot lose its event. Delivery (GraphQL subscriptions, webhooks) reads the
outbox afterwards, in `seq` order.

`seq` is one counter for the whole graph, kept on a single `(:EventSequence {name: 'events'})` node.
Incrementing it takes that node's write lock, held until the transaction ends, so writers that emit
events commit one after another and `seq` order is commit order: a reader that has seen event N and
asks for everything after N can never miss an event that commits later with a smaller number.
Writes that emit no event never touch the counter.

An event holds ids and a small JSON payload of non-personal facts; personal fields (contact names,
emails, phones) are never copied into it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.store import Store, run_in_tx

# Every kind an event may have; GraphQL exposes them as the `EventKind` enum (same names).
KINDS: tuple[str, ...] = (
    "NEED_POSTED",
    "NEED_UPDATED",
    "NEED_CLOSED",
    "SPONSORSHIP_PROPOSED",
    "SPONSORSHIP_ACCEPTED",
    "SPONSORSHIP_DECLINED",
    "SPONSORSHIP_STARTED",
    "SPONSORSHIP_COMPLETED",
    "TASK_FORCE_CREATED",
    "TASK_FORCE_MEMBER_ADDED",
    "TASK_FORCE_MEMBER_REMOVED",
    "CONFLICT_CREATED",
    "CONFLICT_STATUS_CHANGED",
    "ALERT",
)


class UnknownEventKind(ValueError):
    """A programming error: an event kind outside `KINDS`."""


@dataclass(frozen=True)
class NewEvent:
    """An event to append. `records` are the records concerned as (label, id) pairs — the label is the
    record's GraphQL type (`Need`, `Sponsorship`, `Actor`…), the id its stored `n.id` — the main one first;
    `actors` the stored ids of the actors to tell; `payload` JSON-serialisable, non-personal facts."""

    kind: str
    records: tuple[tuple[str, str], ...]
    actors: tuple[str, ...] = ()
    payload: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UnknownEventKind(f"unknown event kind {self.kind!r}; known: {', '.join(KINDS)}")

    def params(self) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "kind": self.kind,
            "records": [f"{label}:{record_id}" for label, record_id in self.records],
            "actors": sorted(set(self.actors)),
            "payload": json.dumps(dict(self.payload), ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        }


_APPEND: LiteralString = """
MERGE (counter:EventSequence {name: 'events'})
SET counter.last = coalesce(counter.last, 0) + size($events)
WITH counter.last - size($events) AS base
UNWIND range(0, size($events) - 1) AS i
WITH base, i, $events[i] AS e
CREATE (event:Event {id: e.id, seq: base + i + 1, at: datetime(), kind: e.kind, records: e.records,
                     actors: e.actors, payload: e.payload})
RETURN event.id AS id, event.seq AS seq
ORDER BY seq
"""


async def append(tx: AsyncManagedTransaction, events: Sequence[NewEvent]) -> list[dict[str, Any]]:
    """Append `events` in the caller's transaction; returns their `{id, seq}` in order. Nothing to append,
    nothing touched (the counter's lock is only taken by writes that announce something)."""
    if not events:
        return []
    return await run_in_tx(tx, _APPEND, {"events": [event.params() for event in events]})


_AFTER: LiteralString = """
MATCH (event:Event)
WHERE event.seq > $after
  AND ($kinds IS NULL OR event.kind IN $kinds)
  AND ($actor IS NULL OR $actor IN event.actors)
RETURN event {.id, .seq, .kind, .records, .actors, .payload, at: toString(event.at)} AS event
ORDER BY event.seq
LIMIT $limit
"""


@dataclass(frozen=True)
class Event:
    """A committed event. `records` are "Label:id" strings (a global id before its base64 encoding)."""

    id: str
    seq: int
    at: str
    kind: str
    records: tuple[str, ...]
    actors: tuple[str, ...]
    payload: dict[str, Any]


def _event(row: Mapping[str, Any]) -> Event:
    return Event(
        id=row["id"],
        seq=int(row["seq"]),
        at=row["at"],
        kind=row["kind"],
        records=tuple(row["records"] or ()),
        actors=tuple(row["actors"] or ()),
        payload=json.loads(row["payload"] or "{}"),
    )


async def events_after(
    store: Store,
    after: int,
    *,
    kinds: Sequence[str] | None = None,
    actor: str | None = None,
    limit: int = 100,
) -> list[Event]:
    """The committed events with `seq > after` (of `kinds`, addressed to `actor`, when given), oldest first."""
    params = {"after": after, "kinds": list(kinds) if kinds is not None else None, "actor": actor, "limit": limit}
    rows = await store.read_once("outbox.after", _AFTER, params)  # polled every tick: one exchange
    return [_event(row["event"]) for row in rows]


async def last_seq(store: Store) -> int:
    """The highest `seq` committed so far (0 when nothing was ever announced)."""
    rows = await store.read("outbox.last", "MATCH (c:EventSequence {name: 'events'}) RETURN c.last AS last")
    return int(rows[0]["last"]) if rows and rows[0]["last"] is not None else 0
