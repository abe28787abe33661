"""Helpers for importer tests: the graph outside the reference data, as comparable values."""

from __future__ import annotations

from typing import Any

from graph.store import Store

REFERENCE_LABELS = ["Territory", "ConflictType", "Theme", "SchemaMigration", "Revision", "AuditEntry"]
TIMESTAMPS = frozenset({"createdAt", "updatedAt", "importedAt"})

_NODES = """
MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $reference)
RETURN labels(n) AS labels, properties(n) AS props
"""
_RELATIONSHIPS = """
MATCH (a) WHERE NOT any(label IN labels(a) WHERE label IN $reference)
MATCH (a)-[r]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, properties(r) AS props
"""

State = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _props(props: dict[str, Any], timestamps: bool) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((key, repr(value)) for key, value in props.items() if timestamps or key not in TIMESTAMPS))


async def graph_state(store: Store, *, timestamps: bool) -> State:
    """Every non-reference node and every relationship leaving one, sorted; timestamps optional."""
    nodes = await store.read("tests.nodes", _NODES, {"reference": REFERENCE_LABELS})
    rels = await store.read("tests.relationships", _RELATIONSHIPS, {"reference": REFERENCE_LABELS})
    return (
        sorted((tuple(sorted(row["labels"])), _props(row["props"], timestamps)) for row in nodes),
        sorted((row["type"], row["start"], row["end"], _props(row["props"], timestamps)) for row in rels),
    )
