"""What every write of the domain API shares: who writes, what they may touch, one transaction each.

An `Editor` is the writing side of an API key. An admin may change anything; an editor may change a
record of its own source (`record.source`), its own actor, or a record it created itself
(`record.createdBy`). The check runs inside the write's own transaction (`owns(...)` below), so a
record cannot change hands between the check and the write, and a refused write leaves nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, TypeVar

from neo4j import AsyncManagedTransaction, unit_of_work

from graph import ancestry, audit, case_types, outbox
from graph.errors import FieldRefused, GraphError
from graph.model import derived_properties
from graph.outbox import NewEvent
from graph.store import Record, Store, run_in_tx

T = TypeVar("T")
# Inside a save's transaction, after the write: (tx, the record before — {} when created —, after) → its events.
Announce = Callable[[AsyncManagedTransaction, dict[str, Any], dict[str, Any]], Awaitable[Sequence[NewEvent]]]


@dataclass(frozen=True)
class Editor:
    """Who is writing (`by` goes to createdBy/updatedBy) and the scope of their key."""

    by: str
    admin: bool = False
    source: str | None = None
    actor_id: str | None = None

    def params(self) -> dict[str, Any]:
        return {"by": self.by, "admin": self.admin, "scopeSource": self.source, "scopeActor": self.actor_id}


class NotAllowed(GraphError):
    """The editor's scope does not cover the record; nothing was written."""

    code = "FORBIDDEN"


class UnknownReference(FieldRefused):
    """An input field names something that does not exist (a territory, a type, a record)."""


class RecordMissing(GraphError):
    """The record a write is about does not exist."""

    code = "NOT_FOUND"

    def __init__(self, label: str, record_id: str) -> None:
        super().__init__(f"No {label} has the id {record_id!r}.")
        self.record_id = record_id


_OWNERSHIP_VARIABLES: tuple[LiteralString, ...] = ("n", "a", "b")


def owns(var: str) -> LiteralString:
    """A Cypher boolean: may the editor (`$admin`, `$scopeSource`, `$scopeActor`, `$by`) change `var`?"""
    for allowed in _OWNERSHIP_VARIABLES:
        if allowed == var:
            return (
                "(" + allowed + " IS NOT NULL AND ($admin OR coalesce(" + allowed + ".source = $scopeSource, false) "
                "OR coalesce("
                + allowed
                + ".id = $scopeActor, false) OR coalesce("
                + allowed
                + ".createdBy = $by, false)))"
            )
    raise ValueError(f"unknown variable {var!r}")


async def write_tx(store: Store, name: str, work: Callable[[AsyncManagedTransaction], Awaitable[T]]) -> T:
    """Run `work` in one managed write transaction bounded by the store's server-side timeout."""
    bounded = unit_of_work(timeout=store.tx_timeout)(work) if store.tx_timeout else work
    return await store.transaction(name, bounded)


async def run(tx: AsyncManagedTransaction, query: LiteralString, params: Mapping[str, Any]) -> list[Record]:
    return await run_in_tx(tx, query, params)


_OWNED_LABELS: tuple[LiteralString, ...] = ("Actor", "Conflict", "Project", "Resource", "CommonsCall")
_CHECK: dict[str, LiteralString] = {
    label: "OPTIONAL MATCH (n:" + label + " {id: $id}) RETURN n IS NOT NULL AS found, " + owns("n") + " AS allowed, "
    "n {.*} AS record"
    for label in _OWNED_LABELS
}


def owned_label(label: str) -> LiteralString:
    """The allow-listed label of an owned record equal to `label`, or refuse before any query is sent."""
    for allowed in _OWNED_LABELS:
        if allowed == label:
            return allowed
    raise ValueError(f"no owned records have the label {label!r}; known: {', '.join(_OWNED_LABELS)}")


async def check_owned(tx: AsyncManagedTransaction, label: str, record_id: str, editor: Editor) -> dict[str, Any]:
    """Inside a write: the record's properties, or RecordMissing / NotAllowed (which roll it back)."""
    rows = await run_in_tx(tx, _CHECK[owned_label(label)], {"id": record_id, **editor.params()})
    row = rows[0]
    if not row["found"]:
        raise RecordMissing(label, record_id)
    if not row["allowed"]:
        raise NotAllowed(f"This key may not change this {label}: it belongs to another source or actor.")
    record: dict[str, Any] = row["record"]
    return record


_DELETE: dict[str, LiteralString] = {label: "MATCH (n:" + label + " {id: $id}) DETACH DELETE n" for label in _CHECK}
# A conflict's actors lose its type from their case types (graph.case_types) when it was their last such case.
# The resources documenting a deleted conflict or project lose its territories (graph.ancestry).
_DOCUMENTING: LiteralString = "COLLECT { MATCH (r:Resource)-[:DOCUMENTS]->(n) RETURN DISTINCT r } AS documenting "
_REFRESH_DOCUMENTING: LiteralString = (
    "CALL (documenting) { UNWIND documenting AS r " + ancestry.refresh("r", "Resource") + "} "
)
_DELETE["Conflict"] = (
    "MATCH (n:Conflict {id: $id}) "
    "WITH n, COLLECT { MATCH (x:Actor)-[:INVOLVED_IN]->(n) RETURN DISTINCT x } AS involved, " + _DOCUMENTING + ""
    "DETACH DELETE n "
    "WITH involved, documenting "
    + _REFRESH_DOCUMENTING
    + "WITH involved UNWIND involved AS x "
    + case_types.refresh("x")
)
_DELETE["Project"] = (
    "MATCH (n:Project {id: $id}) WITH n, " + _DOCUMENTING + "DETACH DELETE n WITH documenting " + _REFRESH_DOCUMENTING
)


async def delete_owned(store: Store, label: str, record_id: str, editor: Editor) -> None:
    """Delete a record and its relationships, if the editor may; one transaction."""
    label = owned_label(label)

    async def work(tx: AsyncManagedTransaction) -> None:
        await check_owned(tx, label, record_id, editor)
        await run_in_tx(tx, _DELETE[label], {"id": record_id})
        audit.note(record_id)

    await write_tx(store, f"{label.lower()}.delete", work)


@dataclass(frozen=True)
class LinkField:
    """A relationship an input field replaces as a whole: `$links.<param>` is a list of target keys."""

    param: LiteralString
    rel: LiteralString
    target: LiteralString
    key: LiteralString = "id"
    copy_location: bool = False  # keep `n.location` equal to the target's (BASED_IN, LOCATED_IN)


def links_fragment(fields: tuple[LinkField, ...]) -> LiteralString:
    """Cypher replacing, for node `n`, each relationship whose list is given in `$links` (absent: unchanged)."""
    text: LiteralString = ""
    for link in fields:
        given: LiteralString = "WITH n WHERE $links." + link.param + " IS NOT NULL "
        text += (
            "CALL (n) { " + given + "OPTIONAL MATCH (n)-[old:" + link.rel + "]->(:" + link.target + ") DELETE old } "
        )
        text += (
            "CALL (n) { " + given + "UNWIND $links." + link.param + " AS key "
            "MATCH (t:" + link.target + " {" + link.key + ": key}) MERGE (n)-[:" + link.rel + "]->(t) } "
        )
        if link.copy_location:
            text += (
                "CALL (n) { " + given + "OPTIONAL MATCH (n)-[:" + link.rel + "]->(t:" + link.target + ") "
                "WITH n, t LIMIT 1 SET n.location = t.location } "
            )
    return text


_REFERENCES: LiteralString = """
CALL () {
  UNWIND $territories AS code
  CALL (code) {
    MATCH (t:Territory) WHERE t.id = code OR t.code = code
    RETURN t ORDER BY CASE t.level WHEN 'COMMUNE' THEN 0 WHEN 'EPCI' THEN 1 WHEN 'DEPARTEMENT' THEN 2 ELSE 3 END
    LIMIT 1
  }
  RETURN collect({code: code, id: t.id, level: t.level}) AS territories
}
RETURN territories,
       COLLECT { MATCH (x:Theme) WHERE x.code IN $themes RETURN x.code } AS themes,
       COLLECT { MATCH (x:ConflictType) WHERE x.code IN $types RETURN x.code } AS types,
       COLLECT { MATCH (x) WHERE x.id IN $records RETURN {id: x.id, labels: labels(x)} } AS records
"""


@dataclass
class References:
    """Codes an input names, by input field: checked together in the write's transaction."""

    territories: dict[str, list[str]]
    themes: dict[str, list[str]]
    conflict_types: dict[str, list[str]]
    records: dict[str, tuple[str, list[str]]]  # field: (label, ids)
    communes_only: frozenset[str] = frozenset()


def link_references(
    links: dict[str, list[str]],
    *,
    territories: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    conflict_types: tuple[str, ...] = (),
    communes_only: frozenset[str] = frozenset(),
) -> References:
    """The codes named by the given link fields of an input; fields the input leaves out are not checked."""

    def named(fields: tuple[str, ...]) -> dict[str, list[str]]:
        return {field_name: links[field_name] for field_name in fields if field_name in links}

    return References(
        territories=named(territories),
        themes=named(themes),
        conflict_types=named(conflict_types),
        records={},
        communes_only=communes_only,
    )


async def resolve_references(tx: AsyncManagedTransaction, refs: References) -> dict[str, str]:
    """{territory code: territory id}; UnknownReference (rolling the write back) for the first unknown code."""
    codes = sorted({code for values in refs.territories.values() for code in values})
    themes = sorted({code for values in refs.themes.values() for code in values})
    types = sorted({code for values in refs.conflict_types.values() for code in values})
    ids = sorted({record_id for _, values in refs.records.values() for record_id in values})
    if not (codes or themes or types or ids):
        return {}
    params = {"territories": codes, "themes": themes, "types": types, "records": ids}
    row = (await run_in_tx(tx, _REFERENCES, params))[0]
    found = {item["code"]: item for item in row["territories"]}
    for field_name, values in refs.territories.items():
        for code in values:
            item = found.get(code)
            if item is None:
                raise UnknownReference(field_name, f"No territory has the code {code!r}.")
            if field_name in refs.communes_only and item["level"] != "COMMUNE":
                raise UnknownReference(field_name, f"{code!r} is not the INSEE code of a commune.")
    for field_name, values in refs.themes.items():
        for code in values:
            if code not in row["themes"]:
                raise UnknownReference(field_name, f"No theme has the code {code!r}.")
    for field_name, values in refs.conflict_types.items():
        for code in values:
            if code not in row["types"]:
                raise UnknownReference(field_name, f"No conflict type has the code {code!r}.")
    labels = {item["id"]: item["labels"] for item in row["records"]}
    for field_name, (label, values) in refs.records.items():
        for record_id in values:
            if label not in labels.get(record_id, []):
                raise UnknownReference(field_name, f"No {label} has the id given in `{field_name}`.")
    return {code: item["id"] for code, item in found.items()}


def audit_create(editor: Editor) -> dict[str, Any]:
    """Parameters `SET_CREATED` reads."""
    return {"by": editor.by, "ownerSource": editor.source}


SET_CREATED: LiteralString = (
    "SET n.createdAt = datetime(), n.updatedAt = datetime(), n.createdBy = $by, n.updatedBy = $by, "
    "n.source = coalesce(n.source, $ownerSource) "
)
SET_UPDATED: LiteralString = "SET n.updatedAt = datetime(), n.updatedBy = $by "


@dataclass(frozen=True)
class EditableNode:
    """How the API saves a node of one label: its replaceable relationships and the Cypher around its write.

    Its derived properties (`nameKey`, `searchText`) come from `graph.model.derived_properties`."""

    label: LiteralString
    links: tuple[LinkField, ...]
    after_set: LiteralString = ""  # Cypher SET computed from other properties (e.g. a conflict's year)
    on_create: LiteralString = ""  # Cypher SET for a new node only (e.g. an actor's empty case types)
    after_links: LiteralString = ""  # Cypher run once the links are replaced (e.g. the case types they change)


def _create_query(spec: EditableNode) -> LiteralString:
    return (
        "CREATE (n:"
        + spec.label
        + ") SET n = $props, n.id = $id "
        + SET_CREATED
        + spec.on_create
        + spec.after_set
        + "WITH n "
        + links_fragment(spec.links)
        + spec.after_links
        + "RETURN n {.*, searchText: null, caseTypes: null, areaCodes: null, facetCodes: null} AS record"
    )


def _update_query(spec: EditableNode) -> LiteralString:
    return (
        "MATCH (n:"
        + spec.label
        + " {id: $id}) SET n += $props "
        + SET_UPDATED
        + spec.after_set
        + "WITH n "
        + links_fragment(spec.links)
        + spec.after_links
        + "RETURN n {.*, searchText: null, caseTypes: null, areaCodes: null, facetCodes: null} AS record"
    )


async def save_node(
    store: Store,
    spec: EditableNode,
    *,
    record_id: str | None,
    props: dict[str, Any],
    links: dict[str, list[str]],
    refs: References,
    editor: Editor,
    announce: Announce | None = None,
) -> dict[str, Any]:
    """Create (`record_id` None) or update a node and replace the given relationships, in one transaction.

    `props` holds only the properties to set (None removes one); `links` the relationship lists to
    replace, by `LinkField.param`, with territory codes (resolved here) or target keys. `announce`
    gives the events (graph.outbox) the change writes in the same transaction.
    """

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        current: dict[str, Any] = {}
        if record_id is not None:
            current = await check_owned(tx, spec.label, record_id, editor)
        territory_ids = await resolve_references(tx, refs)
        resolved: dict[str, list[str]] = {}
        for link in spec.links:
            if link.param in links:
                values = links[link.param]
                resolved[link.param] = [territory_ids[v] for v in values] if link.target == "Territory" else values
        merged = {**current, **props}
        full_props = {**props, **derived_properties(spec.label, merged)}
        params: dict[str, Any] = {
            "props": full_props if record_id is not None else {k: v for k, v in full_props.items() if v is not None},
            "links": resolved,
            **audit_create(editor),
        }
        if record_id is None:
            params["id"] = str(uuid.uuid4())
            rows = await run_in_tx(tx, _create_query(spec), params)
        else:
            params["id"] = record_id
            rows = await run_in_tx(tx, _update_query(spec), params)
        record: dict[str, Any] = rows[0]["record"]
        if announce is not None:
            await outbox.append(tx, await announce(tx, current, record))
        audit.note(str(record["id"]), [*props, *links])
        return record

    verb = "update" if record_id is not None else "create"
    return await write_tx(store, f"{spec.label.lower()}.{verb}", work)
