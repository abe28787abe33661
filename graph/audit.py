"""The audit trail: who changed what, and when, written in the same transaction as the change.

Whoever drives a write names itself once with `acting_as(...)`: the HTTP layer with the caller's API
key (`apikey:<id>`), an importer with its source (`import:<name>`), a seed with `seed:<name>`, the
command line with `cli`. `graph.store` then adds one `(:AuditEntry)` to every write transaction that
changed something while a writer is named: the operation (the transaction's name, e.g.
`actor.update`), the record ids and the names of the fields it changed — never their values, so the
trail holds no personal data. Writers say what they changed with `note(...)`; when they say nothing,
the ids found in what the write returned are kept.

Entries older than the retention (`TEC_AUDIT_RETENTION_DAYS`) are deleted a few at a time by the
writes themselves, and all at once by `tec audit prune`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.pagination import InvalidCursor, Page, decode_cursor, encode_cursor

if TYPE_CHECKING:
    from graph.store import Store

DEFAULT_RETENTION_DAYS = 365
MAX_RECORDS = 100  # record ids one entry lists (a larger import batch lists its first 100)
MAX_FIELDS = 50  # field names one entry lists
PRUNE_ON_WRITE = 20  # expired entries each write deletes, so the trail stays bounded without a job


@dataclass
class Changes:
    """What one write transaction changed, as its writers noted it (reset when the driver retries)."""

    records: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)
    operation: str | None = None

    def clear(self) -> None:
        self.records.clear()
        self.fields.clear()
        self.operation = None


_who: ContextVar[str | None] = ContextVar("audit_who", default=None)
_changes: ContextVar[Changes | None] = ContextVar("audit_changes", default=None)


@contextmanager
def acting_as(who: str) -> Iterator[None]:
    """Attribute every write made while this is open to `who` (`apikey:<id>`, `import:<source>`, `cli`)."""
    token = _who.set(who)
    try:
        yield
    finally:
        _who.reset(token)


def current_actor() -> str | None:
    return _who.get()


@contextmanager
def collecting(changes: Changes) -> Iterator[Changes]:
    """Collect the changes writers note during one write transaction (used by `graph.store`)."""
    token = _changes.set(changes)
    try:
        yield changes
    finally:
        _changes.reset(token)


def note(record_id: str | None, fields: Iterable[str] = (), *, operation: str | None = None) -> None:
    """Inside a write: say which record it changes and which fields (names only, never values)."""
    changes = _changes.get()
    if changes is None:
        return
    if record_id is not None and record_id not in changes.records:
        changes.records.append(record_id)
    changes.fields.update(fields)
    if operation is not None:
        changes.operation = operation


def _ids_in(value: Any, found: list[str]) -> None:
    if len(found) >= MAX_RECORDS:
        return
    if isinstance(value, dict):
        record_id = value.get("id")
        if isinstance(record_id, str):
            if record_id not in found:
                found.append(record_id)
            return
        for item in value.values():
            if isinstance(item, dict | list):
                _ids_in(item, found)
    elif isinstance(value, list | tuple):
        for item in value:
            _ids_in(item, found)


def records_of(changes: Changes, result: Any) -> list[str]:
    """The record ids an entry lists: the noted ones, else the ids in what the write returned."""
    if changes.records:
        return changes.records[:MAX_RECORDS]
    found: list[str] = []
    _ids_in(result, found)
    return found


CREATE_ENTRY: LiteralString = (
    "CREATE (e:AuditEntry {id: $id, at: datetime(), actor: $actor, operation: $operation, "
    "records: $records, fields: $fields}) "
    "WITH e CALL (e) { MATCH (old:AuditEntry) WHERE old.at < datetime() - duration({days: $days}) "
    "WITH old LIMIT $prune DELETE old }"
)


async def record(
    tx: AsyncManagedTransaction, who: str, operation: str, changes: Changes, result: Any, retention_days: int
) -> None:
    """Add the entry of this transaction (one statement, which also prunes a few expired entries)."""
    params = {
        "id": str(uuid.uuid4()),
        "actor": who,
        "operation": changes.operation or operation,
        "records": records_of(changes, result),
        "fields": sorted(changes.fields)[:MAX_FIELDS],
        "days": retention_days,
        "prune": PRUNE_ON_WRITE,
    }
    await (await tx.run(CREATE_ENTRY, params)).consume()


# Reading the trail (admins): newest first, keyset pages on (at, id).

_LIST: LiteralString = (
    "MATCH (e:AuditEntry) "
    "WHERE ($record IS NULL OR $record IN e.records) AND ($actor IS NULL OR e.actor = $actor) "
    "AND ($since IS NULL OR e.at >= $since) "
    "AND ($afterAt IS NULL OR e.at < datetime($afterAt) OR (e.at = datetime($afterAt) AND e.id < $afterId)) "
    "RETURN e {.*} AS entry, toString(e.at) AS at ORDER BY e.at DESC, e.id DESC LIMIT $limit"
)
_COUNT: LiteralString = (
    "MATCH (e:AuditEntry) "
    "WHERE ($record IS NULL OR $record IN e.records) AND ($actor IS NULL OR e.actor = $actor) "
    "AND ($since IS NULL OR e.at >= $since) RETURN count(e) AS total"
)
_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?")
_PRUNE: LiteralString = (
    "MATCH (old:AuditEntry) WHERE old.at < datetime() - duration({days: $days}) "
    "WITH old LIMIT $limit DELETE old RETURN count(*) AS deleted"
)


@dataclass(frozen=True)
class AuditFilter:
    record: str | None = None
    actor: str | None = None
    since: datetime | None = None


async def entries(store: Store, where: AuditFilter, first: int, after: str | None, *, with_total: bool) -> Page:
    """A page of entries, newest first, after the cursor `after` (InvalidCursor when it is not one of ours)."""
    after_at: str | None = None
    after_id: str | None = None
    if after is not None:
        at_text, after_id = decode_cursor(after, 2)
        if not _INSTANT.fullmatch(str(at_text)):
            raise InvalidCursor()
        after_at = str(at_text)  # Neo4j's own text of the instant, read back exactly by datetime()
    params: dict[str, Any] = {
        "record": where.record,
        "actor": where.actor,
        "since": where.since,
        "afterAt": after_at,
        "afterId": after_id,
        "limit": first + 1,
    }
    rows = await store.read("audit.entries", _LIST, params)
    total = None
    if with_total:
        total = int((await store.read("audit.count", _COUNT, params))[0]["total"])
    items = [row["entry"] for row in rows[:first]]
    cursors = [encode_cursor([row["at"], row["entry"]["id"]]) for row in rows[:first]]
    return Page(items=items, cursors=cursors, has_next=len(rows) > first, total=total)


async def prune(store: Store, retention_days: int, batch: int = 10_000) -> int:
    """Delete every entry older than the retention (in batches); return how many."""
    deleted = 0
    while True:
        rows = await store.transaction(
            "audit.prune", lambda tx: _prune_batch(tx, retention_days, batch), changed=lambda _: False
        )
        deleted += rows
        if rows < batch:
            return deleted


async def _prune_batch(tx: AsyncManagedTransaction, days: int, limit: int) -> int:
    result = await tx.run(_PRUNE, {"days": days, "limit": limit})
    row = await result.single(strict=True)
    return int(row["deleted"])
