"""Link and unlink: the relationships an editor maintains between records, each in one transaction.

Each relationship kind is a `RelationSpec` (an allow-list: labels and types are never taken from
input). A change is allowed when the editor may change at least one of the spec's `owners` ends (an
actor-scoped editor may declare its own involvement in someone else's conflict; a source editor may
attach a resource of its source to any conflict). Relationships carry createdAt/createdBy and
updatedAt/updatedBy; unlinking stamps updatedAt/updatedBy on the end the editor owns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import ancestry, case_types, facets
from graph.editing import Editor, NotAllowed, UnknownReference, owns, write_tx
from graph.store import Store, run_in_tx


@dataclass(frozen=True)
class RelationSpec:
    start: LiteralString
    rel: LiteralString
    end: LiteralString
    end_key: LiteralString = "id"  # "code" for taxonomy ends
    key_props: tuple[LiteralString, ...] = ()  # tell apart several links between the same two records
    undirected: bool = False
    owners: tuple[str, ...] = ("start", "end")
    end_kinds: tuple[str, ...] = ()  # the end must have one of these `kind`s (a network is a RESEAU)
    on_create: LiteralString = ""  # extra properties stamped when the link is created
    after: LiteralString = ""  # Cypher run after a link or an unlink, with `a` and `b` bound (derived properties)


RELATIONS: dict[str, RelationSpec] = {
    "involvement": RelationSpec("Actor", "INVOLVED_IN", "Conflict", key_props=("role",), after=case_types.refresh("a")),
    "cooperation": RelationSpec("Actor", "COOPERATES_WITH", "Actor", key_props=("kind",), undirected=True),
    "membership": RelationSpec("Actor", "MEMBER_OF", "Actor", end_kinds=("RESEAU",)),
    "authorship": RelationSpec("Actor", "AUTHORED", "Resource"),
    "runs": RelationSpec("Actor", "RUNS", "Project"),
    "takesPartIn": RelationSpec("Actor", "TAKES_PART_IN", "Project"),
    "resourceTheme": RelationSpec(
        "Resource", "ABOUT", "Theme", end_key="code", owners=("start",), after=facets.refresh("a", "Resource")
    ),
    "resourceConflictType": RelationSpec("Resource", "ABOUT", "ConflictType", end_key="code", owners=("start",)),
    "documentsConflict": RelationSpec("Resource", "DOCUMENTS", "Conflict", after=ancestry.refresh("a", "Resource")),
    "documentsProject": RelationSpec("Resource", "DOCUMENTS", "Project", after=ancestry.refresh("a", "Resource")),
    "applicationByProject": RelationSpec(
        "Project", "APPLIED_TO", "CommonsCall", owners=("start",), on_create=", r.submittedAt = datetime()"
    ),
    "applicationByCall": RelationSpec(
        "Project", "APPLIED_TO", "CommonsCall", owners=("end",), on_create=", r.submittedAt = datetime()"
    ),
}


def relation(kind: str) -> RelationSpec:
    """The allow-listed relation `kind`, or refuse before any query is sent."""
    spec = RELATIONS.get(kind)
    if spec is None:
        raise ValueError(f"unknown relation {kind!r}; known: {', '.join(RELATIONS)}")
    return spec


def _ends(spec: RelationSpec) -> LiteralString:
    return "MATCH (a:" + spec.start + " {id: $from}) MATCH (b:" + spec.end + " {" + spec.end_key + ": $to}) "


def _check_query(spec: RelationSpec) -> LiteralString:
    return (
        "OPTIONAL MATCH (a:"
        + spec.start
        + " {id: $from}) OPTIONAL MATCH (b:"
        + spec.end
        + " {"
        + spec.end_key
        + ": $to}) RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, "
        + owns("a")
        + " AS ownsFrom, "
        + owns("b")
        + " AS ownsTo, b.kind AS toKind"
    )


def _arrow(spec: RelationSpec, key_map: LiteralString) -> LiteralString:
    head: LiteralString = "]-" if spec.undirected else "]->"
    return "(a)-[r:" + spec.rel + key_map + head + "(b)"


def _link_query(spec: RelationSpec) -> LiteralString:
    keys: LiteralString = ""
    if spec.key_props:
        parts: list[LiteralString] = [prop + ": $keys." + prop for prop in spec.key_props]
        keys = " {" + ", ".join(parts) + "}"
    return (
        _ends(spec) + "MERGE " + _arrow(spec, keys) + " "
        "ON CREATE SET r.createdAt = datetime(), r.createdBy = $by" + spec.on_create + " "
        "SET r += $props, r.updatedAt = datetime(), r.updatedBy = $by "
        "WITH a, b " + spec.after + "RETURN a.id AS fromId, b." + spec.end_key + " AS toKey"
    )


def _unlink_query(spec: RelationSpec) -> LiteralString:
    conditions: LiteralString = "true"
    for prop in spec.key_props:
        conditions += " AND ($keys." + prop + " IS NULL OR r." + prop + " = $keys." + prop + ")"
    return (
        _ends(spec) + "OPTIONAL MATCH " + _arrow(spec, "") + " WHERE " + conditions + " "
        "WITH a, b, collect(r) AS found FOREACH (x IN found | DELETE x) "
        "FOREACH (x IN CASE WHEN size(found) > 0 THEN (CASE WHEN $touchStart THEN [a] ELSE [b] END) ELSE [] END | "
        "SET x.updatedAt = datetime(), x.updatedBy = $by) "
        "WITH a, b, size(found) AS removed " + spec.after + "RETURN removed"
    )


async def _check(tx: AsyncManagedTransaction, spec: RelationSpec, from_id: str, to_key: str, editor: Editor) -> bool:
    """Refuse unknown ends and foreign records; return whether the editor owns the start end."""
    params = {"from": from_id, "to": to_key, **editor.params()}
    row = (await run_in_tx(tx, _check_query(spec), params))[0]
    if not row["fromFound"]:
        raise UnknownReference("from", f"No {spec.start} has the id given.")
    if not row["toFound"]:
        raise UnknownReference("to", f"No {spec.end} has the {spec.end_key} {to_key!r}.")
    if spec.end_kinds and row["toKind"] not in spec.end_kinds:
        raise UnknownReference("to", f"The {spec.end} must be of kind {', '.join(spec.end_kinds)}.")
    if spec.start == spec.end and from_id == to_key:
        raise UnknownReference("to", f"A {spec.start} cannot be linked to itself.")
    owned = {"start": bool(row["ownsFrom"]), "end": bool(row["ownsTo"])}
    if not any(owned[side] for side in spec.owners):
        whose = " or ".join(spec.start if side == "start" else spec.end for side in spec.owners)
        raise NotAllowed(f"This key may not change links of this {whose}: it belongs to another source or actor.")
    return owned["start"]


async def link(
    store: Store,
    kind: str,
    editor: Editor,
    *,
    from_id: str,
    to_key: str,
    keys: dict[str, Any] | None = None,
    props: dict[str, Any] | None = None,
) -> int:
    """Create (or update the properties of) one relationship of `kind`; one transaction. Returns 1."""
    spec = relation(kind)

    async def work(tx: AsyncManagedTransaction) -> int:
        await _check(tx, spec, from_id, to_key, editor)
        params = {"from": from_id, "to": to_key, "keys": keys or {}, "props": props or {}, "by": editor.by}
        rows = await run_in_tx(tx, _link_query(spec), params)
        return len(rows)

    return await write_tx(store, f"relations.link.{kind}", work)


async def unlink(
    store: Store, kind: str, editor: Editor, *, from_id: str, to_key: str, keys: dict[str, Any] | None = None
) -> int:
    """Remove the relationships of `kind` between two records (those matching `keys`); how many went."""
    spec = relation(kind)

    async def work(tx: AsyncManagedTransaction) -> int:
        owns_start = await _check(tx, spec, from_id, to_key, editor)
        params = {"from": from_id, "to": to_key, "keys": keys or {}, "by": editor.by, "touchStart": owns_start}
        rows = await run_in_tx(tx, _unlink_query(spec), params)
        return int(rows[0]["removed"])

    return await write_tx(store, f"relations.unlink.{kind}", work)
