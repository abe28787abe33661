"""Needs (besoins): what an actor needs help with, from posting to closing, each step one transaction.

An actor (usually a local authority) posts a need: a conflict type or a theme, free text, a place (a
territory, else its base), a date by which it wants help and the kinds of help it asks for. Its
events (NEED_POSTED with the alerts computed beforehand by `graph.alerts`, NEED_UPDATED, NEED_CLOSED)
are appended by `graph.outbox` in the same transaction. A sponsorship or a task force created from a
need `ANSWERS` it; closing a need with the help that met it records `(need)-[:MET_BY]->(help)`, and
`graph.matching` then counts a met need as a case for the actors who gave that help (a sponsor, the
members of a task force), like a completed sponsorship.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import outbox
from graph.editing import (
    SET_CREATED,
    SET_UPDATED,
    Editor,
    NotAllowed,
    RecordMissing,
    References,
    audit_create,
    check_owned,
    owns,
    resolve_references,
    write_tx,
)
from graph.errors import FieldRefused, GraphError
from graph.listing import DISTANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.outbox import NewEvent
from graph.pagination import Page
from graph.store import Store, run_in_tx

MET: tuple[str, ...] = ("NEED_MET", "PARTLY_MET")  # the outcomes that may name the help that met the need


class NeedRefused(FieldRefused):
    """The request breaks a rule of needs (an input field is named); nothing was written."""


class NeedClosed(GraphError):
    """The need is closed: it can no longer change; nothing was written."""

    code = "INVALID_TRANSITION"

    def __init__(self, need_id: str) -> None:
        super().__init__("This need is closed; a closed need cannot change (post a new one).")
        self.need_id = need_id


NEED_LIST = ListSpec(
    label="Need",
    sorts={
        "POSTED_AT": SortKey("coalesce(n.postedAt.epochMillis, 0)", descending=True),
        "DUE_ON": SortKey("coalesce(toString(n.dueOn), '9999')"),
        "DISTANCE": DISTANCE,
    },
    default_sort="POSTED_AT",
    area_filter="EXISTS { MATCH (n)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..3]->(area) }",
    area_source="MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:LOCATED_IN]-(n:Need)",
    located=True,
)


@dataclass(frozen=True)
class NeedFilter:
    statuses: tuple[str, ...] = ()
    conflict_types: tuple[str, ...] = ()  # a type or a broader one: its subtypes are included
    themes: tuple[str, ...] = ()
    actor: str | None = None  # the actor that posted it
    help: tuple[str, ...] = ()

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        where = FilterClauses()
        where.any_of("n.status IN $statuses", "statuses", self.statuses)
        where.any_of(
            "EXISTS { MATCH (n)-[:ON]->(:ConflictType)-[:SUBTYPE_OF*0..3]->(ct:ConflictType) "
            "WHERE ct.code IN $conflictTypes }",
            "conflictTypes",
            self.conflict_types,
        )
        where.any_of("EXISTS { MATCH (n)-[:ON]->(th:Theme) WHERE th.code IN $themes }", "themes", self.themes)
        where.equal("EXISTS { MATCH (n)<-[:POSTED]-(:Actor {id: $actor}) }", "actor", self.actor)
        where.any_of("any(h IN n.help WHERE h IN $help)", "help", self.help)
        return where.result()


async def need_page(store: Store, filters: NeedFilter, request: ListRequest) -> Page:
    request.clauses, request.params = filters.clauses()
    return await list_page(store, NEED_LIST, request, name="needs.page")


@dataclass(frozen=True)
class NewNeed:
    actor: str
    description: str
    help: tuple[str, ...]
    conflict_type: str | None = None
    theme: str | None = None
    territory: str | None = None  # a territory code or id; None: the actor's base
    conflict: str | None = None  # the conflict the need is about
    due_on: Any = None  # a date


_POST: LiteralString = (
    """
MATCH (a:Actor {id: $actor})
OPTIONAL MATCH (t:Territory {id: $territory})
OPTIONAL MATCH (a)-[:BASED_IN]->(base:Territory)
WITH a, coalesce(t, base) AS place LIMIT 1
CREATE (a)-[:POSTED]->(n:Need)
SET n = $props, n.id = $id, n.status = 'OPEN', n.postedAt = datetime(),
    n.location = coalesce(place.location, a.location)
"""
    + SET_CREATED
    + """
FOREACH (_ IN CASE WHEN place IS NULL THEN [] ELSE [1] END | CREATE (n)-[:LOCATED_IN]->(place))
WITH n, place.code AS territory
OPTIONAL MATCH (ct:ConflictType {code: $conflictType})
OPTIONAL MATCH (th:Theme {code: $theme})
OPTIONAL MATCH (c:Conflict {id: $conflict})
FOREACH (_ IN CASE WHEN ct IS NULL THEN [] ELSE [1] END | CREATE (n)-[:ON]->(ct))
FOREACH (_ IN CASE WHEN th IS NULL THEN [] ELSE [1] END | CREATE (n)-[:ON]->(th))
FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | CREATE (n)-[:ABOUT]->(c))
RETURN n {.*} AS need, territory
"""
)


def _facts(need: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """An event's payload: the need's non-personal facts (its text is the poster's; it stays in the graph)."""
    return {
        "status": need.get("status"),
        "help": list(need.get("help") or []),
        "conflictType": facts.get("conflictType"),
        "theme": facts.get("theme"),
        "territory": facts.get("territory"),
        "conflict": facts.get("conflict"),
    }


def _records(need_id: str, actor: str | None, conflict: str | None) -> tuple[tuple[str, str], ...]:
    records: list[tuple[str, str]] = [("Need", need_id)]
    if actor:
        records.append(("Actor", actor))
    if conflict:
        records.append(("Conflict", conflict))
    return tuple(records)


async def post_need(
    store: Store, need: NewNeed, editor: Editor, alerts: Sequence[tuple[str, dict[str, Any]]] = ()
) -> dict[str, Any]:
    """Create an OPEN need for `need.actor` (the editor must act for it) and announce it, with `alerts`
    (actor id, evidence) computed beforehand: NEED_POSTED, then one ALERT per alerted actor."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        await check_owned(tx, "Actor", need.actor, editor)
        refs = References(
            territories={"territory": [need.territory]} if need.territory else {},
            themes={"theme": [need.theme]} if need.theme else {},
            conflict_types={"conflictType": [need.conflict_type]} if need.conflict_type else {},
            records={"conflict": ("Conflict", [need.conflict])} if need.conflict else {},
        )
        territory_ids = await resolve_references(tx, refs)
        props: dict[str, Any] = {"description": need.description, "help": list(need.help)}
        if need.due_on is not None:
            props["dueOn"] = need.due_on
        params = {
            "actor": need.actor,
            "territory": territory_ids.get(need.territory or "", ""),
            "conflictType": need.conflict_type or "",
            "theme": need.theme or "",
            "conflict": need.conflict or "",
            "id": str(uuid.uuid4()),
            "props": props,
            **audit_create(editor),
        }
        row = (await run_in_tx(tx, _POST, params))[0]
        record: dict[str, Any] = row["need"]
        facts = {
            "conflictType": need.conflict_type,
            "theme": need.theme,
            "territory": row["territory"],  # where it was placed (the poster's base when none was given), a code
            "conflict": need.conflict,
        }
        events = [
            NewEvent(
                "NEED_POSTED",
                records=_records(record["id"], need.actor, need.conflict),
                actors=(need.actor,),
                payload=_facts(record, facts),
            ),
            *alert_events(("Need", record["id"]), alerts),
        ]
        await outbox.append(tx, events)
        return record

    return await write_tx(store, "needs.post", work)


def alert_events(subject: tuple[str, str], alerts: Sequence[tuple[str, dict[str, Any]]]) -> list[NewEvent]:
    """One ALERT per alerted actor about `subject` (label, id), its payload the evidence that ranked it."""
    return [
        NewEvent(
            "ALERT",
            records=(subject, ("Actor", actor_id)),
            actors=(actor_id,),
            payload={"about": subject[0], **evidence},
        )
        for actor_id, evidence in alerts
    ]


_LOCK_NEED: LiteralString = (
    """
MATCH (n:Need {id: $id})
SET n._lock = true REMOVE n._lock
WITH n
OPTIONAL MATCH (a:Actor)-[:POSTED]->(n)
RETURN n {.*} AS need, a.id AS actor, ("""
    + owns("n")
    + " OR "
    + owns("a")
    + """) AS allowed,
       head([(n)-[:ON]->(x:ConflictType) | x.code]) AS conflictType,
       head([(n)-[:ON]->(x:Theme) | x.code]) AS theme,
       head([(n)-[:LOCATED_IN]->(x:Territory) | x.code]) AS territory,
       head([(n)-[:ABOUT]->(x:Conflict) | x.id]) AS conflict,
       [(h)-[:ANSWERS]->(n) | {id: h.id, label: head(labels(h))}] AS answers
"""
)


async def _locked(tx: AsyncManagedTransaction, need_id: str, editor: Editor) -> dict[str, Any]:
    """Inside a write: the need (locked), refusing a missing, foreign or closed one."""
    rows = await run_in_tx(tx, _LOCK_NEED, {"id": need_id, **editor.params()})
    if not rows:
        raise RecordMissing("Need", need_id)
    row: dict[str, Any] = rows[0]
    if not row["allowed"]:
        raise NotAllowed("This key may not change this need: it acts for neither the actor that posted it nor admin.")
    if row["need"].get("status") != "OPEN":
        raise NeedClosed(need_id)
    return row


_UPDATE: LiteralString = "MATCH (n:Need {id: $id}) SET n += $props " + SET_UPDATED + "RETURN n {.*} AS need"


async def update_need(store: Store, need_id: str, props: dict[str, Any], editor: Editor) -> dict[str, Any]:
    """Change an open need's text, due date or kinds of help (`props`: None removes a property)."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        row = await _locked(tx, need_id, editor)
        params = {"id": need_id, "props": props, "by": editor.by}
        record: dict[str, Any] = (await run_in_tx(tx, _UPDATE, params))[0]["need"]
        changed = sorted(key for key, value in props.items() if _native(row["need"].get(key)) != value)
        payload = {**_facts(record, row), "changed": changed}
        event = NewEvent(
            "NEED_UPDATED",
            records=_records(need_id, row["actor"], row["conflict"]),
            actors=tuple(a for a in (row["actor"],) if a),
            payload=payload,
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "needs.update", work)


def _native(value: Any) -> Any:
    """A stored value as Python compares it (a neo4j Date as a date)."""
    return value.to_native() if hasattr(value, "to_native") else value


_CLOSE: LiteralString = (
    """
MATCH (n:Need {id: $id})
SET n.status = 'CLOSED', n.outcome = $outcome, n.closedOn = date(), n.closedAt = datetime(),
    n.closingNote = $note
"""
    + SET_UPDATED
    + """
WITH n
CALL (n) {
  UNWIND $metBy AS helpId
  MATCH (h)-[:ANSWERS]->(n) WHERE h.id = helpId
  MERGE (n)-[:MET_BY]->(h)
}
RETURN n {.*} AS need,
       COLLECT { MATCH (n)-[:MET_BY]->(h)<-[:SPONSORS|MEMBER_OF_TASK_FORCE]-(a:Actor) RETURN DISTINCT a.id } AS helpers
"""
)


async def close_need(
    store: Store, need_id: str, outcome: str, met_by: Sequence[str], note: str | None, editor: Editor
) -> dict[str, Any]:
    """Close an open need with its outcome and the help (sponsorships, task forces answering it) that met it."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        row = await _locked(tx, need_id, editor)
        answers = {item["id"]: item["label"] for item in row["answers"]}
        if met_by and outcome not in MET:
            raise NeedRefused("metBy", f"Only a need closed as {' or '.join(MET)} was met by some help.")
        for index, help_id in enumerate(met_by):
            if help_id not in answers:
                raise NeedRefused(
                    f"metBy.{index}",
                    "This sponsorship or task force does not answer this need (propose or create it from the need).",
                )
        params = {"id": need_id, "outcome": outcome, "metBy": list(met_by), "note": note, "by": editor.by}
        result = (await run_in_tx(tx, _CLOSE, params))[0]
        record: dict[str, Any] = result["need"]
        helps = tuple((answers[help_id], help_id) for help_id in met_by)
        event = NewEvent(
            "NEED_CLOSED",
            records=(*_records(need_id, row["actor"], row["conflict"]), *helps),
            actors=tuple(sorted({*(a for a in (row["actor"],) if a), *result["helpers"]})),
            payload={**_facts(record, row), "outcome": outcome, "metBy": [f"{label}:{i}" for label, i in helps]},
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "needs.close", work)


_ANSWERABLE: LiteralString = """
OPTIONAL MATCH (n:Need {id: $id})
OPTIONAL MATCH (a:Actor)-[:POSTED]->(n)
RETURN n {.*} AS need, a.id AS actor,
       head([(n)-[:ON]->(x:ConflictType) | x.code]) AS conflictType,
       head([(n)-[:ON]->(x:Theme) | x.code]) AS theme,
       head([(n)-[:ABOUT]->(x:Conflict) | x.id]) AS conflict
"""


async def answerable(tx: AsyncManagedTransaction, need_id: str, field: str) -> dict[str, Any]:
    """Inside a write that answers a need (a sponsorship, a task force): the need, if it exists and is open."""
    row: dict[str, Any] = (await run_in_tx(tx, _ANSWERABLE, {"id": need_id}))[0]
    if row["need"] is None:
        raise NeedRefused(field, f"No need has the id {need_id!r}.")
    if row["need"].get("status") != "OPEN":
        raise NeedRefused(field, "This need is closed; it can no longer be answered.")
    return row


_LINK: dict[str, LiteralString] = {
    label: "MATCH (h:" + label + " {id: $help}), (n:Need {id: $need}) MERGE (h)-[:ANSWERS]->(n)"
    for label in ("Sponsorship", "TaskForce")
}


async def link_answer(tx: AsyncManagedTransaction, label: str, help_id: str, need_id: str) -> None:
    """Inside the write that created a sponsorship or task force (`label`): it answers the need."""
    await run_in_tx(tx, _LINK[label], {"help": help_id, "need": need_id})


async def need_facts(store: Store, need_id: str) -> dict[str, Any]:
    """A need's record with its poster, type or theme and conflict ({need: None} when it does not exist)."""
    rows = await store.read("needs.facts", _ANSWERABLE, {"id": need_id})
    row: dict[str, Any] = rows[0]
    return row


_DEMO_SUBJECTS: LiteralString = """
MATCH (a:Actor {kind: 'COLLECTIVITE', source: $source})-[r:INVOLVED_IN {role: 'PUBLIC_AUTHORITY'}]->(c:Conflict)
WHERE c.status IN ['ACTIVE', 'LATENT'] AND a.location IS NOT NULL
MATCH (c)-[:OF_TYPE]->(t:ConflictType)
WITH a, c, t ORDER BY a.id, c.id
WITH a, head(collect({conflict: c.id, title: c.title, type: t.code, label: t.label})) AS first
RETURN a.id AS actor, a.name AS name, first.conflict AS conflict, first.title AS title, first.type AS type,
       first.label AS label
ORDER BY actor
LIMIT $limit
"""


async def demo_subjects(store: Store, source: str, limit: int) -> list[dict[str, Any]]:
    """Authorities of a seeded network with an open conflict they deal with as the public authority (the
    demo's needs are about these), in a stable order."""
    rows = await store.read("needs.demoSubjects", _DEMO_SUBJECTS, {"source": source, "limit": limit})
    return [dict(row) for row in rows]


_DELETE_CREATED_BY: LiteralString = """
MATCH (n:Need {createdBy: $by})
DETACH DELETE n
RETURN count(*) AS deleted
"""


async def delete_created_by(store: Store, by: str) -> int:
    """Delete the needs a writer (`createdBy`) posted, e.g. a previous demo seed's."""
    rows = await store.write("needs.deleteCreatedBy", _DELETE_CREATED_BY, {"by": by})
    return int(rows[0]["deleted"]) if rows else 0
