"""Helpers for importer tests: the graph outside the reference data, as comparable values."""

from __future__ import annotations

from typing import Any, LiteralString

from graph.store import Store

REFERENCE_LABELS = ["Territory", "ConflictType", "Theme", "SchemaMigration", "Revision", "AuditEntry"]
TIMESTAMPS = frozenset({"createdAt", "updatedAt", "importedAt"})

# The rows come 2,000 a record (the async driver's cost is per record: ~0.1 ms each).
_CHUNKS: LiteralString = "UNWIND range(0, size(rows) - 1, 2000) AS first RETURN rows[first..first + 2000] AS chunk"
_NODES: LiteralString = (
    "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $reference) "
    "WITH collect({labels: labels(n), props: properties(n)}) AS rows " + _CHUNKS
)
_RELATIONSHIPS: LiteralString = (
    "MATCH (a) WHERE NOT any(label IN labels(a) WHERE label IN $reference) "
    "MATCH (a)-[r]->(b) "
    "WITH collect({type: type(r), start: a.id, end: b.id, props: properties(r)}) AS rows " + _CHUNKS
)

State = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _props(props: dict[str, Any], timestamps: bool) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((key, repr(value)) for key, value in props.items() if timestamps or key not in TIMESTAMPS))


async def graph_state(store: Store, *, timestamps: bool) -> State:
    """Every non-reference node and every relationship leaving one, sorted; timestamps optional."""
    nodes = [
        row
        for record in await store.read("tests.nodes", _NODES, {"reference": REFERENCE_LABELS})
        for row in record["chunk"]
    ]
    rels = [
        row
        for record in await store.read("tests.relationships", _RELATIONSHIPS, {"reference": REFERENCE_LABELS})
        for row in record["chunk"]
    ]
    return (
        sorted((tuple(sorted(row["labels"])), _props(row["props"], timestamps)) for row in nodes),
        sorted((row["type"], row["start"], row["end"], _props(row["props"], timestamps)) for row in rels),
    )
