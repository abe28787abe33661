"""Cypher for the taxonomies: conflict types (a three-level tree) and themes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.store import Store
from graph.tallies import WriteTally
from graph.territories import IMPORTED_BY, SET_IF_CHANGED

CONFLICT_FAMILIES: tuple[str, ...] = ("AMENAGEMENT", "USAGE")

# The most conflict types (or themes) one list returns: the shipped taxonomy has 74 types and 15 themes;
# a documented cap of the cost model (docs/api.md).
MAX_TAXONOMY = 500

_CONFLICT_TYPES: LiteralString = """
MATCH (c:ConflictType)
WHERE ($family IS NULL OR c.family = $family)
  AND ($level IS NULL OR c.level = $level)
  AND ($parent IS NULL OR EXISTS { (c)-[:SUBTYPE_OF]->(:ConflictType {code: $parent}) })
RETURN c {.*} AS type
ORDER BY c.level, c.family, c.code
LIMIT $max
"""

_CONFLICT_TYPES_BY_CODES: LiteralString = """
MATCH (c:ConflictType) WHERE c.code IN $codes
RETURN c {.*} AS type
"""

_PARENTS: LiteralString = """
MATCH (c:ConflictType)-[:SUBTYPE_OF]->(p:ConflictType) WHERE c.code IN $codes
RETURN c.code AS code, p {.*} AS parent
"""

_CHILDREN: LiteralString = """
MATCH (c:ConflictType)<-[:SUBTYPE_OF]-(k:ConflictType) WHERE c.code IN $codes
WITH c, k ORDER BY k.code
RETURN c.code AS code, collect(k {.*})[..$max] AS children
"""

_THEMES: LiteralString = "MATCH (t:Theme) RETURN t {.*} AS theme ORDER BY t.code LIMIT $max"

_THEMES_BY_CODES: LiteralString = "MATCH (t:Theme) WHERE t.code IN $codes RETURN t {.*} AS theme"


async def conflict_types(
    store: Store, *, family: str | None = None, level: int | None = None, parent: str | None = None
) -> list[dict[str, Any]]:
    """The conflict types matching every given filter, by level, family and code."""
    rows = await store.read(
        "taxonomy.conflictTypes",
        _CONFLICT_TYPES,
        {"family": family, "level": level, "parent": parent, "max": MAX_TAXONOMY},
    )
    return [row["type"] for row in rows]


async def conflict_types_by_codes(store: Store, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{code: properties} for the codes that exist (missing ones are absent)."""
    if not codes:
        return {}
    rows = await store.read("taxonomy.conflictTypesByCodes", _CONFLICT_TYPES_BY_CODES, {"codes": list(set(codes))})
    return {row["type"]["code"]: row["type"] for row in rows}


async def parents(store: Store, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{code: parent properties} for the given conflict types that have a parent."""
    if not codes:
        return {}
    rows = await store.read("taxonomy.parents", _PARENTS, {"codes": list(set(codes))})
    return {row["code"]: row["parent"] for row in rows}


async def children(store: Store, codes: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """{code: [child properties, by code]} for the given conflict types (leaves are absent)."""
    if not codes:
        return {}
    rows = await store.read("taxonomy.children", _CHILDREN, {"codes": list(set(codes)), "max": MAX_TAXONOMY})
    return {row["code"]: row["children"] for row in rows}


async def themes(store: Store) -> list[dict[str, Any]]:
    rows = await store.read("taxonomy.themes", _THEMES, {"max": MAX_TAXONOMY})
    return [row["theme"] for row in rows]


async def themes_by_codes(store: Store, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    if not codes:
        return {}
    rows = await store.read("taxonomy.themesByCodes", _THEMES_BY_CODES, {"codes": list(set(codes))})
    return {row["theme"]["code"]: row["theme"] for row in rows}


# --- reference import: batched idempotent writes ----------------------------------------------------

_UPSERT_CONFLICT_TYPES: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (n:ConflictType {code: row.code}) "
    "ON CREATE SET n.id = row.code, n.createdAt = datetime(), n.createdBy = $by " + SET_IF_CHANGED
)

_UPSERT_THEMES: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (n:Theme {code: row.code}) "
    "ON CREATE SET n.id = row.code, n.createdAt = datetime(), n.createdBy = $by " + SET_IF_CHANGED
)

_LINK_SUBTYPES: LiteralString = """
UNWIND $rows AS row
MATCH (c:ConflictType {code: row.code})
OPTIONAL MATCH (c)-[old:SUBTYPE_OF]->(o:ConflictType)
  WHERE row.parent IS NULL OR o.code <> row.parent
DELETE old
WITH c, row, count(old) AS removed
OPTIONAL MATCH (p:ConflictType {code: row.parent})
OPTIONAL MATCH (c)-[existing:SUBTYPE_OF]->(p)
FOREACH (_ IN CASE WHEN p IS NOT NULL AND existing IS NULL THEN [1] ELSE [] END | MERGE (c)-[:SUBTYPE_OF]->(p))
RETURN sum(removed) AS removed, sum(CASE WHEN p IS NOT NULL AND existing IS NULL THEN 1 ELSE 0 END) AS created
"""


async def upsert_conflict_types(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """MERGE conflict types on code (id = code). Each row: `code`, `props` (the other properties)."""
    result = await store.write(
        "taxonomy.upsertConflictTypes", _UPSERT_CONFLICT_TYPES, {"rows": rows, "by": IMPORTED_BY}
    )
    return WriteTally(created=int(result[0]["created"]), updated=int(result[0]["updated"]))


async def upsert_themes(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """MERGE themes on code (id = code). Each row: `code`, `props` (the other properties)."""
    result = await store.write("taxonomy.upsertThemes", _UPSERT_THEMES, {"rows": rows, "by": IMPORTED_BY})
    return WriteTally(created=int(result[0]["created"]), updated=int(result[0]["updated"]))


async def link_subtypes(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """Make each conflict type `code` SUBTYPE_OF its `parent` (None: a root), replacing an old parent."""
    result = await store.write("taxonomy.linkSubtypes", _LINK_SUBTYPES, {"rows": rows})
    return WriteTally(created=int(result[0]["created"]), removed=int(result[0]["removed"]))


_COUNTS: LiteralString = """
RETURN COUNT { (:ConflictType) } AS conflictTypes, COUNT { (:Theme) } AS themes,
       COUNT { (:ConflictType)-[:SUBTYPE_OF]->(:ConflictType) } AS subtypeOf
"""


async def taxonomy_counts(store: Store) -> dict[str, int]:
    """{"conflictTypes": n, "themes": n, "subtypeOf": n}."""
    rows = await store.read("taxonomy.counts", _COUNTS)
    return {key: int(value) for key, value in rows[0].items()}
