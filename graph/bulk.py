"""Batched writers: ``UNWIND $rows AS row MERGE …`` per allow-listed label and relationship type.

Seeds (and any bulk load) hand over plain rows. Rows are checked here, in Python, against the graph
model contract (docs/graph-model.md) before anything is written, so a bad row stops the load with a
sentence naming it instead of half-writing a batch. Each batch is one managed transaction that
MERGEs on `id` (nodes) or on the pair of endpoints (relationships): a load interrupted part-way and
run again converges to the same graph.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from graph import ancestry, case_types, facets
from graph.errors import GraphError
from graph.model import (
    NODE_RULES,
    PER_VALUE_RELATIONSHIPS,
    REFERENCE_KEYS,
    RELATIONSHIP_RULES,
    NodeRules,
    Prop,
    RelationshipKey,
    derived_properties,
    source_id,
)
from graph.store import Store

log = logging.getLogger(__name__)

BATCH_SIZE = 5_000

Row = Mapping[str, Any]
Progress = Callable[[str, int, int], None]
"""Called after each batch with (what is written, rows done, rows in all)."""


class BulkRowError(GraphError):
    """A row does not fit the graph model; nothing of its load was written."""

    code = "INVALID_ROW"


# --- what a write adds in Cypher (what each label and relationship may hold: graph.model) -----------

# More of the ON CREATE SET of a new node (", n.x = …"), by label: the kept lists start empty.
_ON_CREATE: dict[str, LiteralString] = {
    "Actor": ", n." + case_types.ON_CREATE + ", n." + ancestry.ON_CREATE,
    "Conflict": ", n." + ancestry.ON_CREATE,
    "Project": ", n." + ancestry.ON_CREATE,
    "Resource": ", n." + ancestry.ON_CREATE,
}

# What a relationship's writes change beyond it, given `touched`, the batch's distinct start nodes: the
# case types of the actors involved (graph.case_types).
_AFTER: dict[RelationshipKey, LiteralString] = {
    ("Actor", "INVOLVED_IN", "Conflict"): "CALL (touched) { UNWIND touched AS a " + case_types.refresh("a") + "} ",
    ("Conflict", "OF_TYPE", "ConflictType"): "CALL (touched) { UNWIND touched AS c "
    + case_types.refresh_involved("c")
    + "} ",
    # … and the territory ancestry of the records placed (graph.ancestry)
    ("Actor", "BASED_IN", "Territory"): "CALL (touched) { UNWIND touched AS a " + ancestry.refresh("a", "Actor") + "} ",
    ("Conflict", "LOCATED_IN", "Territory"): "CALL (touched) { UNWIND touched AS c "
    + ancestry.refresh_documenting("c")
    + ancestry.refresh("c", "Conflict")
    + "} ",
    ("Project", "LOCATED_IN", "Territory"): "CALL (touched) { UNWIND touched AS c "
    + ancestry.refresh_documenting("c")
    + ancestry.refresh("c", "Project")
    + "} ",
    ("Resource", "DOCUMENTS", "Conflict"): "CALL (touched) { UNWIND touched AS r "
    + ancestry.refresh("r", "Resource")
    + "} ",
    ("Resource", "DOCUMENTS", "Project"): "CALL (touched) { UNWIND touched AS r "
    + ancestry.refresh("r", "Resource")
    + "} ",
    # … and the facets of the records given themes (graph.facets)
    ("Actor", "WORKS_ON", "Theme"): "CALL (touched) { UNWIND touched AS a " + facets.refresh("a", "Actor") + "} ",
    ("Project", "ABOUT", "Theme"): "CALL (touched) { UNWIND touched AS p " + facets.refresh("p", "Project") + "} ",
    ("Resource", "ABOUT", "Theme"): "CALL (touched) { UNWIND touched AS r " + facets.refresh("r", "Resource") + "} ",
}

# What a node's write changes beyond its own properties: the facets of the records whose kind it sets.
_AFTER_NODE: dict[str, LiteralString] = {label: facets.refresh("n", label) for label in facets.LABELS}


def node_label(label: str) -> LiteralString:
    """The allow-listed label equal to `label`, or refuse: labels cannot be query parameters."""
    for allowed in NODE_RULES:
        if allowed == label:
            return allowed
    raise ValueError(f"no batched writer for the label {label!r}; known: {', '.join(NODE_RULES)}")


def rel_key(start: str, rel_type: str, end: str) -> RelationshipKey:
    """The allow-listed (start label, type, end label) equal to the given one, or refuse."""
    for key in RELATIONSHIP_RULES:
        if key == (start, rel_type, end):
            return key
    raise ValueError(f"no batched writer for ({start})-[:{rel_type}]->({end})")


# --- Cypher, built once from the allow-lists above --------------------------------------------------


def _node_query(label: LiteralString, rules: NodeRules) -> LiteralString:
    owner: LiteralString = ", n.source = s.name" if rules.owned else ""
    return (
        "MATCH (s:Source {id: $sourceId}) "
        "UNWIND $rows AS row "
        "MERGE (n:" + label + " {id: row.id}) "
        "ON CREATE SET n.createdAt = datetime(), n.updatedAt = datetime(), n.createdBy = $by"
        + _ON_CREATE.get(label, "")
        + " "
        "SET n += row.props, n.updatedBy = $by"
        + owner
        + " "
        + _AFTER_NODE.get(label, "")
        + "MERGE (n)-[f:FROM_SOURCE]->(s) "
        "ON CREATE SET f.externalId = row.id, f.importedAt = datetime() "
        "RETURN count(n) AS written"
    )


def _rel_query(key: RelationshipKey) -> LiteralString:
    start, rel_type, end = key
    start_key = REFERENCE_KEYS.get(start, "id")
    end_key = REFERENCE_KEYS.get(end, "id")
    merge_key = PER_VALUE_RELATIONSHIPS.get(rel_type)
    merge_props: LiteralString = " {" + merge_key + ": row.props." + merge_key + "}" if merge_key else ""
    return (
        "UNWIND $rows AS row "
        "MATCH (a:" + start + " {" + start_key + ": row.from}) "
        "MATCH (b:" + end + " {" + end_key + ": row.to}) "
        "MERGE (a)-[r:" + rel_type + merge_props + "]->(b) "
        "SET r += row.props "
        + (
            "WITH collect(DISTINCT a) AS touched, count(r) AS written " + _AFTER[key] + "RETURN written"
            if key in _AFTER
            else "RETURN count(r) AS written"
        )
    )


_NODE_QUERIES: dict[str, LiteralString] = {label: _node_query(label, rules) for label, rules in NODE_RULES.items()}
_REL_QUERIES: dict[RelationshipKey, LiteralString] = {key: _rel_query(key) for key in RELATIONSHIP_RULES}

_ENSURE_SOURCE: LiteralString = """
MERGE (s:Source {name: $name})
ON CREATE SET s.id = $id, s.createdAt = datetime(), s.createdBy = $by
SET s.kind = $kind, s.licence = $licence, s.importedAt = datetime(), s.updatedAt = datetime(), s.updatedBy = $by
RETURN s.id AS id
"""

_DELETE_SOURCE_BATCH: LiteralString = """
MATCH (:Source {name: $name})<-[:FROM_SOURCE]-(n)
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
"""

_DELETE_SOURCE: LiteralString = "MATCH (s:Source {name: $name}) DETACH DELETE s"

# Reference nodes other loads link to, found by the key relationships use (`_KEYS`).
_FOUND: dict[str, LiteralString] = {
    "Territory": "UNWIND $keys AS key MATCH (n:Territory {id: key}) RETURN collect(n.id) AS found",
    "ConflictType": "UNWIND $keys AS key MATCH (n:ConflictType {code: key}) RETURN collect(n.code) AS found",
    "Theme": "UNWIND $keys AS key MATCH (n:Theme {code: key}) RETURN collect(n.code) AS found",
}
_COUNT: dict[str, LiteralString] = {
    label: "MATCH (n:" + label + ") RETURN count(n) AS n" for label in (*NODE_RULES, "Territory")
}


# --- validation ------------------------------------------------------------------------------------


def _check(what: str, index: int, ident: Any, row: Row, props: Mapping[str, Prop], skip: frozenset[str]) -> None:
    unknown = [key for key in row if key not in props and key not in skip]
    if unknown:
        raise BulkRowError(
            f"{what} row {index} ({ident}): unknown propert{'ies' if len(unknown) > 1 else 'y'} "
            f"{', '.join(sorted(unknown))}; allowed: {', '.join(sorted(props))}."
        )
    for name, prop in props.items():
        problem = prop.problem(row.get(name))
        if problem:
            raise BulkRowError(f"{what} row {index} ({ident}): {name!r} {problem}.")


def node_rows(label: str, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Validate node rows (`id` plus contract properties) and shape them for the writer.

    Raises `BulkRowError` naming the first bad row (its position and id) and the property at fault.
    """
    checked = node_label(label)
    rules = NODE_RULES[checked]
    shaped: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        ident = row.get("id")
        if not isinstance(ident, str) or not ident:
            raise BulkRowError(f"{label} row {index}: 'id' must be a non-empty string (got {ident!r}).")
        if ident in seen:
            raise BulkRowError(f"{label} row {index} (id {ident}): the id appears twice in this load.")
        seen.add(ident)
        _check(label, index, f"id {ident}", row, rules.props, frozenset({"id"}))
        props = {key: value for key, value in row.items() if key != "id"}
        props.update(derived_properties(checked, row))
        shaped.append({"id": ident, "props": props})
    return shaped


def rel_rows(key: RelationshipKey, rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Validate relationship rows (`from`, `to` keys of the endpoints, plus properties in `props`)."""
    start, rel_type, end = rel_key(*key)
    rules = RELATIONSHIP_RULES[(start, rel_type, end)]
    what = f"({start})-[:{rel_type}]->({end})"
    merge_key = PER_VALUE_RELATIONSHIPS.get(rel_type)
    shaped: list[dict[str, Any]] = []
    seen: set[tuple[str, str, Any]] = set()
    for index, row in enumerate(rows):
        source, target = row.get("from"), row.get("to")
        if not (isinstance(source, str) and source and isinstance(target, str) and target):
            raise BulkRowError(f"{what} row {index}: 'from' and 'to' must be non-empty strings.")
        pair = f"{source} -> {target}"
        props = row.get("props") or {}
        extra = [name for name in row if name not in ("from", "to", "props")]
        if extra:
            raise BulkRowError(f"{what} row {index} ({pair}): unexpected keys {', '.join(extra)}; use 'props'.")
        _check(what, index, pair, props, rules, frozenset())
        identity = (source, target, props.get(merge_key) if merge_key else None)
        if identity in seen:
            raise BulkRowError(f"{what} row {index} ({pair}): the same relationship appears twice in this load.")
        seen.add(identity)
        shaped.append({"from": source, "to": target, "props": dict(props)})
    return shaped


# --- writing ---------------------------------------------------------------------------------------


@dataclass
class LoadTally:
    """What one batched writer call did: rows given, rows that landed, time spent."""

    name: str
    rows: int = 0
    written: int = 0
    seconds: float = 0.0

    @property
    def missing(self) -> int:
        """Relationship rows dropped because an endpoint does not exist."""
        return self.rows - self.written


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class BulkWriter:
    """Writes validated rows in batches, attributing every node to one Source and one author."""

    def __init__(
        self,
        store: Store,
        *,
        source: str,
        by: str,
        source_kind: str = "DEMO",
        licence: str | None = None,
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.store = store
        self.source = source
        self.source_kind = source_kind
        self.licence = licence
        self.by = by
        self.batch_size = batch_size
        self.progress = progress
        self._source_id: str | None = None

    async def ensure_source(self) -> str:
        """Create (or refresh) the Source node; return its id."""
        rows = await self.store.write(
            "bulk.ensureSource",
            _ENSURE_SOURCE,
            {
                "name": self.source,
                "id": source_id(self.source),
                "kind": self.source_kind,
                "licence": self.licence,
                "by": self.by,
            },
        )
        self._source_id = str(rows[0]["id"])
        return self._source_id

    async def nodes(self, label: str, rows: Iterable[Row]) -> LoadTally:
        """MERGE nodes of `label` on `id`, with their properties, `nameKey`/`searchText`, and FROM_SOURCE."""
        checked = node_label(label)
        shaped = node_rows(checked, rows)
        sid = self._source_id or await self.ensure_source()
        return await self._run(checked, _NODE_QUERIES[checked], shaped, {"sourceId": sid, "by": self.by})

    async def relationships(self, start: str, rel_type: str, end: str, rows: Iterable[Row]) -> LoadTally:
        """MERGE one relationship per (from, to) pair and set its properties."""
        key = rel_key(start, rel_type, end)
        shaped = rel_rows(key, rows)
        return await self._run(f"{key[0]}-{key[1]}->{key[2]}", _REL_QUERIES[key], shaped, {})

    async def _run(
        self, name: str, query: LiteralString, rows: Sequence[dict[str, Any]], params: dict[str, Any]
    ) -> LoadTally:
        report = LoadTally(name=name, rows=len(rows))
        started = time.perf_counter()
        done = 0
        for batch in _batches(rows, self.batch_size):
            result = await self.store.write(f"bulk.{name}", query, {**params, "rows": list(batch)}, timeout=300.0)
            report.written += int(result[0]["written"]) if result else 0
            done += len(batch)
            if self.progress is not None:
                self.progress(name, done, report.rows)
        report.seconds = time.perf_counter() - started
        log.info("bulk %s: %d rows, %d written in %.1f s", name, report.rows, report.written, report.seconds)
        return report


async def missing_keys(store: Store, label: str, keys: Sequence[str]) -> list[str]:
    """The keys (ids of territories, codes of conflict types and themes) with no node, in the given order."""
    if label not in _FOUND:
        raise ValueError(f"cannot check keys of {label!r}; known: {', '.join(_FOUND)}")
    if not keys:
        return []
    rows = await store.read(f"bulk.found{label}", _FOUND[label], {"keys": list(keys)})
    found = set(rows[0]["found"]) if rows else set()
    return [key for key in keys if key not in found]


async def count_nodes(store: Store, label: str) -> int:
    """How many nodes carry `label` (an allow-listed one)."""
    if label not in _COUNT:
        raise ValueError(f"cannot count {label!r}; known: {', '.join(_COUNT)}")
    rows = await store.read(f"bulk.count{label}", _COUNT[label])
    return int(rows[0]["n"]) if rows else 0


async def delete_source(store: Store, name: str, *, batch_size: int = BATCH_SIZE) -> int:
    """Delete every node linked FROM_SOURCE to the Source `name`, then the Source; return nodes deleted.

    Batched (each batch its own transaction), so it can be interrupted and run again.
    """
    deleted = 0
    while True:
        rows = await store.write(
            "bulk.deleteSource", _DELETE_SOURCE_BATCH, {"name": name, "limit": batch_size}, timeout=300.0
        )
        count = int(rows[0]["deleted"]) if rows else 0
        deleted += count
        if count == 0:
            break
    await store.write("bulk.deleteSourceNode", _DELETE_SOURCE, {"name": name})
    if deleted:
        # a resource of another source may have documented a deleted conflict or project (graph.ancestry)
        await ancestry.recompute(store, ("Resource",))
    return deleted
