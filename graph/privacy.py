"""Personal data (RGPD): everything held about a contact, exported or erased in one place.

The personal fields are an actor's contact fields (`PERSONAL_FIELDS`). `PLACES` lists every place
the service keeps them, each with how an erasure treats it; `docs/privacy.md` is its prose twin.
An erasure removes the fields from the actor, then sweeps every other node and relationship for
strings holding one of the values (as written, or JSON-escaped as in idempotency records and event
payloads) and replaces it with `[erased]` — all in one transaction with its audit entry, which names
the fields, never the values. The actor's non-personal record, its relationships and its cases stay.

A new store of copies is added to `PLACES` (the events outbox and the webhook delivery log are); the sweep
already redacts any string property, so a JSON payload is covered as soon as it lives in the graph.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import audit
from graph.errors import NotFoundError
from graph.store import Store, run_in_tx

PERSONAL_FIELDS: tuple[LiteralString, ...] = ("email", "phone", "contactName")
MASK = "[erased]"
MIN_SWEPT_LENGTH = 4  # shorter values are removed from the actor but not searched for elsewhere


@dataclass(frozen=True)
class Place:
    """Somewhere personal data is kept, and what an erasure does there."""

    name: str
    holds: str
    on_erase: str


PLACES: tuple[Place, ...] = (
    Place("actor", "the Actor node's email, phone and contactName properties", "the properties are removed"),
    Place(
        "idempotency records",
        "`IdempotencyRecord.steps`: the stored answer of a mutation sent with an Idempotency-Key (24 h)",
        "the values are replaced by [erased] in the stored JSON (a retry replays the redacted answer)",
    ),
    Place(
        "events outbox",
        "`Event.payload` (graph.outbox): what each write announced, read by subscribers and webhooks; payloads "
        "carry codes, statuses and ids, never contact fields",
        "none expected; any copy of a value is replaced by [erased] (the sweep); events already delivered to a "
        "subscriber or a webhook receiver are outside the service (docs/privacy.md)",
    ),
    Place(
        "webhook delivery log",
        "`Delivery.log` (graph.delivery): the attempts of each webhook delivery (status, error text)",
        "any copy of a value is replaced by [erased] (the sweep)",
    ),
    Place(
        "any other node or relationship",
        "a copy of a value in any string property (source records, free text, future event payloads)",
        "the values are replaced by [erased] (the sweep)",
    ),
    Place(
        "response cache",
        "whole GraphQL answers kept in each service process, tagged with the graph revision",
        "the erasure moves the revision, so no cached answer is served again; the erasing process also "
        "empties its cache",
    ),
    Place("audit trail", "record ids and field names only", "nothing to erase: it never holds values"),
    Place("logs", "nothing: requests are logged without variables or bodies", "nothing to erase"),
    Place("backups", "a full copy of the graph", "kept until rotated out; re-apply erasures after a restore"),
)

_ACTOR: LiteralString = "MATCH (a:Actor {id: $id}) RETURN a {.*} AS actor"
_RELATIONSHIPS: LiteralString = (
    "MATCH (a:Actor {id: $id})-[r]-(other) "
    "RETURN type(r) AS type, CASE WHEN startNode(r) = a THEN 'OUT' ELSE 'IN' END AS direction, "
    "other.id AS otherId, labels(other) AS otherLabels, coalesce(other.name, other.title) AS otherName, "
    "properties(r) AS properties ORDER BY type, otherId"
)
_ERASE_ACTOR: LiteralString = (
    "MATCH (a:Actor {id: $id}) "
    "WITH a, [k IN $fields WHERE a[k] IS NOT NULL] AS held, [k IN $fields | a[k]] AS values "
    "REMOVE a.email, a.phone, a.contactName "
    "SET a.updatedAt = datetime() "
    "RETURN held, [v IN values WHERE v IS NOT NULL] AS values"
)
_HOLDS: LiteralString = (
    "any(k IN keys(x) WHERE CASE "
    "WHEN valueType(x[k]) STARTS WITH 'STRING' THEN any(v IN $needles WHERE x[k] CONTAINS v) "
    "WHEN valueType(x[k]) STARTS WITH 'LIST<STRING' THEN any(s IN x[k] WHERE any(v IN $needles WHERE s CONTAINS v)) "
    "ELSE false END)"
)
_NODES_HOLDING: LiteralString = (
    "MATCH (x) WHERE " + _HOLDS + " RETURN elementId(x) AS element, x.id AS id, labels(x) AS labels, "
    "properties(x) AS properties"
)
_RELATIONSHIPS_HOLDING: LiteralString = (
    "MATCH ()-[x]->() WHERE " + _HOLDS + " RETURN elementId(x) AS element, type(x) AS type, properties(x) AS properties"
)
_SET_NODE: LiteralString = "MATCH (x) WHERE elementId(x) = $element SET x = $properties"
_SET_RELATIONSHIP: LiteralString = "MATCH ()-[x]->() WHERE elementId(x) = $element SET x = $properties"
_AUDIT_ABOUT: LiteralString = (
    "MATCH (e:AuditEntry) WHERE $id IN e.records RETURN e {.*} AS entry ORDER BY e.at DESC LIMIT 1000"
)


def needles(values: list[str]) -> list[str]:
    """The forms a value takes in stored strings: as written, and JSON-escaped (with and without ASCII escapes)."""
    forms: set[str] = set()
    for value in values:
        if len(value) < MIN_SWEPT_LENGTH:
            continue
        forms.update({value, json.dumps(value, ensure_ascii=False)[1:-1], json.dumps(value)[1:-1]})
    return sorted(forms, key=len, reverse=True)


def _redacted(value: Any, forms: list[str]) -> Any:
    if isinstance(value, str):
        for form in forms:
            value = value.replace(form, MASK)
        return value
    if isinstance(value, list):
        return [_redacted(item, forms) for item in value]
    if isinstance(value, dict):  # a node's or relationship's properties
        return {key: _redacted(item, forms) for key, item in value.items()}
    return value


def plain(value: Any) -> Any:
    """A stored value as JSON can hold it (temporal values in ISO 8601, points as coordinates)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if hasattr(value, "srid"):
        return {"srid": value.srid, "coordinates": list(value)}
    if isinstance(value, bytes):
        return value.hex()
    return value


async def export_actor(store: Store, actor_id: str) -> dict[str, Any]:
    """Everything held about an actor's contact: its record, links, copies elsewhere and audit entries."""
    found = await store.read("privacy.actor", _ACTOR, {"id": actor_id})
    if not found:
        raise NotFoundError(f"No Actor has the id {actor_id!r}.")
    actor = found[0]["actor"]
    values = [str(actor[k]) for k in PERSONAL_FIELDS if actor.get(k)]
    forms = needles(values)
    relationships = await store.read("privacy.relationships", _RELATIONSHIPS, {"id": actor_id})
    copies: list[dict[str, Any]] = []
    if forms:
        for row in await store.read("privacy.nodesHolding", _NODES_HOLDING, {"needles": forms}):
            if row["id"] != actor_id or "Actor" not in row["labels"]:
                copies.append(
                    {"kind": "node", "labels": row["labels"], "id": row["id"], "properties": row["properties"]}
                )
        for row in await store.read("privacy.relationshipsHolding", _RELATIONSHIPS_HOLDING, {"needles": forms}):
            copies.append({"kind": "relationship", "type": row["type"], "properties": row["properties"]})
    entries = await store.read("privacy.audit", _AUDIT_ABOUT, {"id": actor_id})
    document = {
        "exportedAt": datetime.now(UTC).isoformat(timespec="seconds"),
        "personalFields": list(PERSONAL_FIELDS),
        "actor": actor,
        "relationships": relationships,
        "copiesElsewhere": copies,
        "auditEntries": [row["entry"] for row in entries],
    }

    async def noted(tx: AsyncManagedTransaction) -> None:
        audit.note(actor_id, operation="privacy.export")

    with audit.acting_as(audit.current_actor() or "system"):
        await store.transaction("privacy.export", noted)
    exported: dict[str, Any] = plain(document)
    return exported


@dataclass
class Erasure:
    actor_id: str
    erased_fields: list[str] = field(default_factory=list)
    redacted_nodes: list[str] = field(default_factory=list)  # element ids
    redacted_relationships: int = 0


async def erase_actor(store: Store, actor_id: str) -> Erasure:
    """Remove an actor's contact fields everywhere the graph holds them (one transaction, audited)."""

    async def work(tx: AsyncManagedTransaction) -> Erasure:
        rows = await run_in_tx(tx, _ERASE_ACTOR, {"id": actor_id, "fields": list(PERSONAL_FIELDS)})
        if not rows:
            raise NotFoundError(f"No Actor has the id {actor_id!r}.")
        erasure = Erasure(actor_id, erased_fields=list(rows[0]["held"]))
        forms = needles([str(v) for v in rows[0]["values"]])
        if forms:
            for row in await run_in_tx(tx, _NODES_HOLDING, {"needles": forms}):
                await run_in_tx(
                    tx, _SET_NODE, {"element": row["element"], "properties": _redacted(row["properties"], forms)}
                )
                erasure.redacted_nodes.append(str(row["element"]))
            for row in await run_in_tx(tx, _RELATIONSHIPS_HOLDING, {"needles": forms}):
                props = _redacted(row["properties"], forms)
                await run_in_tx(tx, _SET_RELATIONSHIP, {"element": row["element"], "properties": props})
                erasure.redacted_relationships += 1
        audit.note(actor_id, erasure.erased_fields, operation="privacy.erase")
        return erasure

    with audit.acting_as(audit.current_actor() or "system"):
        return await store.transaction("privacy.erase", work)
