"""Cypher for territories: the reference geography (communes, EPCI, départements, régions).

Reads serve the API (one territory, filtered and ranked lists, parents, children, neighbours, each
batched for DataLoaders); writes are the batched, idempotent upserts of the reference import.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j.spatial import WGS84Point

from graph.near import Near
from graph.pagination import Page, decode_cursor, make_page
from graph.store import Store
from graph.tallies import WriteTally

# The parent a territory names when no level is asked for: a commune's département, a département's région.
DEFAULT_PARENT_LEVEL: dict[str, str] = {"COMMUNE": "DEPARTEMENT", "DEPARTEMENT": "REGION"}

IMPORTED_BY = "import:reference"


def territory_id(level: str, code: str) -> str:
    return f"{level}-{code}"


# --- single lookups --------------------------------------------------------------------------------

_BY_CODE: LiteralString = "MATCH (t:Territory {level: $level, code: $code}) RETURN t {.*} AS territory"

_BY_CODE_ANY_LEVEL: LiteralString = """
MATCH (t:Territory {code: $code})
WHERE $level IS NULL OR t.level = $level
RETURN t {.*} AS territory ORDER BY t.id
"""


async def territory_by_code(store: Store, level: str, code: str) -> dict[str, Any] | None:
    rows = await store.read("territories.byCode", _BY_CODE, {"level": level, "code": code})
    return rows[0]["territory"] if rows else None


async def territories_with_code(store: Store, code: str, level: str | None = None) -> list[dict[str, Any]]:
    """Every territory with this code (a région and a département can share one, e.g. 53), by id."""
    rows = await store.read("territories.withCode", _BY_CODE_ANY_LEVEL, {"code": code, "level": level})
    return [row["territory"] for row in rows]


# --- lists -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TerritoryFilter:
    """All given filters must hold. `within_id` is the id of a containing territory (any level);
    `search` is a folded query (`graph.text.fold`), matched word-prefix-wise against `nameKey`."""

    level: str | None = None
    within_id: str | None = None
    near: Near | None = None
    search: str | None = None


def _filters(filters: TerritoryFilter) -> tuple[LiteralString, LiteralString, dict[str, Any]]:
    """(MATCH clause, WHERE predicate, parameters) selecting the territories of a filter."""
    params: dict[str, Any] = {}
    match: LiteralString = "MATCH (t:Territory)"
    clauses: list[LiteralString] = []
    if filters.within_id is not None:
        # A région holds its départements and, through them, their communes; a département or an
        # EPCI holds its communes.
        match = "MATCH (container:Territory {id: $withinId}) MATCH (t:Territory)-[:PART_OF*1..2]->(container)"
        params["withinId"] = filters.within_id
    if filters.near is not None:
        if filters.near.lat is None or filters.near.lon is None or filters.near.radius_km is None:
            raise ValueError("a territory search is centred on a point and has a radius")
        # A distance predicate on the property itself lets the planner seek the point index.
        clauses.append("point.distance(t.location, $center) <= $radius")
        params["center"] = WGS84Point((filters.near.lon, filters.near.lat))
        params["radius"] = filters.near.radius_km * 1000.0
    if filters.level is not None:
        clauses.append("t.level = $level")
        params["level"] = filters.level
    if filters.search is not None:
        tokens = filters.search.split()
        if not tokens:
            raise ValueError("a search needs at least one letter or digit")
        clauses.append("t.nameKey CONTAINS $longest")
        clauses.append("all(token IN $tokens WHERE (' ' + t.nameKey) CONTAINS (' ' + token))")
        params.update(query=filters.search, tokens=tokens, longest=max(tokens, key=len))
    where: LiteralString = " AND ".join(clauses) if clauses else "true"
    return match, where, params


async def territory_page(
    store: Store, filters: TerritoryFilter, *, first: int, after: str | None, with_total: bool = True
) -> Page:
    """One page of territories, with the total in the same round trip.

    Order: by distance when `near` is given (each item then has `_distanceKm`); else by search rank
    (exact name, name starting with the query, a word starting with it, other matches) then
    population, largest first; else by folded name. Ties are broken by id.
    """
    match, where, params = _filters(filters)
    if filters.near is not None:
        sort: LiteralString = "point.distance(t.location, $center) AS s1, 0 AS s2"
        order: LiteralString = "s1, t.id"
        keyset: LiteralString = "(s1 > $after1 OR (s1 = $after1 AND t.id > $afterId))"
    elif filters.search is not None:
        sort = (
            "CASE WHEN t.nameKey = $query THEN 0 WHEN t.nameKey STARTS WITH $query THEN 1 "
            "WHEN (' ' + t.nameKey) CONTAINS (' ' + $query) THEN 2 ELSE 3 END AS s1, "
            "coalesce(t.population, -1) AS s2"
        )
        order = "s1, s2 DESC, t.id"
        keyset = "(s1 > $after1 OR (s1 = $after1 AND (s2 < $after2 OR (s2 = $after2 AND t.id > $afterId))))"
    else:
        sort = "t.nameKey AS s1, 0 AS s2"
        order = "s1, t.id"
        keyset = "(s1 > $after1 OR (s1 = $after1 AND t.id > $afterId))"
    if after is not None:
        after1, after2, after_id = decode_cursor(after, 3)
        params.update(after1=after1, after2=after2, afterId=after_id)
    else:
        keyset = "true"
    total_part: LiteralString = (
        "CALL () { " + match + " WHERE " + where + " RETURN count(DISTINCT t) AS total } "
        if with_total
        else "WITH null AS total "
    )
    query: LiteralString = (
        total_part + "CALL () { " + match + " WHERE " + where + " WITH DISTINCT t "
        "WITH t, " + sort + " WHERE " + keyset + " "
        "WITH t, s1, s2 ORDER BY " + order + " LIMIT $limit "
        "RETURN collect(t {.*, _s1: s1, _s2: s2}) AS items } "
        "RETURN total, items"
    )
    params["limit"] = first + 1
    rows = await store.read("territories.page", query, params)
    row = rows[0]
    items = [_with_distance(item, filters.near is not None) for item in row["items"]]
    return make_page(items, first, ("_s1", "_s2", "id"), row["total"])


def _with_distance(item: dict[str, Any], near: bool) -> dict[str, Any]:
    if near:
        item["_distanceKm"] = item["_s1"] / 1000.0
    return item


# --- relations, batched for DataLoaders ------------------------------------------------------------

_PARENTS: LiteralString = """
UNWIND $keys AS key
MATCH (t:Territory {id: key.id})-[:PART_OF*1..2]->(p:Territory {level: key.level})
RETURN key.id AS id, key.level AS level, p {.*} AS parent
"""


async def parents(store: Store, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """{(territory id, level): the enclosing territory of that level} for the keys that have one."""
    if not keys:
        return {}
    rows = await store.read(
        "territories.parents", _PARENTS, {"keys": [{"id": id_, "level": level} for id_, level in set(keys)]}
    )
    return {(row["id"], row["level"]): row["parent"] for row in rows}


# The most neighbours listed per territory (communes have at most a few dozen); a documented cap of
# the cost model (docs/api.md).
MAX_NEIGHBOURS = 100

_NEIGHBOURS: LiteralString = """
MATCH (t:Territory)-[:NEIGHBOUR_OF]-(n:Territory) WHERE t.id IN $ids
WITH t, n ORDER BY n.nameKey, n.id
RETURN t.id AS id, collect(n {.*})[..$max] AS neighbours
"""


async def neighbours(store: Store, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """{territory id: its neighbours by name} (territories without neighbours are absent)."""
    if not ids:
        return {}
    rows = await store.read("territories.neighbours", _NEIGHBOURS, {"ids": list(set(ids)), "max": MAX_NEIGHBOURS})
    return {row["id"]: row["neighbours"] for row in rows}


@dataclass(frozen=True)
class ChildrenKey:
    """One `children` request: a territory, an optional level, a page."""

    id: str
    level: str | None
    first: int
    after: str | None


# Without a level: the territories directly PART_OF this one. With a level: every territory of that
# level inside it (a région's communes, through its départements).
_CHILDREN: LiteralString = """
UNWIND $keys AS key
CALL (key) {
  MATCH (t:Territory)-[:PART_OF*1..2]->(p:Territory {id: key.id})
  WHERE CASE WHEN key.level IS NULL THEN EXISTS { (t)-[:PART_OF]->(p) } ELSE t.level = key.level END
  WITH DISTINCT t ORDER BY t.nameKey, t.id
  WITH collect(t {.*, _s1: t.nameKey, _s2: 0}) AS found
  RETURN size(found) AS total,
         [c IN found WHERE key.afterName IS NULL OR c._s1 > key.afterName
                         OR (c._s1 = key.afterName AND c.id > key.afterId)][0..key.limit] AS items
}
RETURN key.index AS index, items, total
"""


async def children_pages(store: Store, keys: Sequence[ChildrenKey]) -> list[Page]:
    """One page of children per key, in key order, in one round trip."""
    if not keys:
        return []
    params: list[dict[str, Any]] = []
    for index, key in enumerate(keys):
        after_name, after_id = (None, None)
        if key.after is not None:
            after_name, _, after_id = decode_cursor(key.after, 3)
        params.append(
            {
                "index": index,
                "id": key.id,
                "level": key.level,
                "limit": key.first + 1,
                "afterName": after_name,
                "afterId": after_id,
            }
        )
    rows = await store.read("territories.children", _CHILDREN, {"keys": params})
    by_index = {row["index"]: row for row in rows}
    return [
        make_page(by_index[i]["items"], key.first, ("_s1", "_s2", "id"), by_index[i]["total"])
        for i, key in enumerate(keys)
    ]


# --- counts (import checks, bootstrap) -------------------------------------------------------------

_COUNTS: LiteralString = """
CALL () { MATCH (t:Territory) WITH t.level AS level, count(*) AS n RETURN collect([level, n]) AS levels }
RETURN levels,
       COUNT { ()-[:PART_OF]->(:Territory) } AS partOf,
       COUNT { (:Territory)-[:NEIGHBOUR_OF]->(:Territory) } AS neighbourOf
"""


@dataclass(frozen=True)
class TerritoryCounts:
    by_level: dict[str, int]
    part_of: int
    neighbour_of: int

    @property
    def territories(self) -> int:
        return sum(self.by_level.values())


async def territory_counts(store: Store) -> TerritoryCounts:
    rows = await store.read("territories.counts", _COUNTS)
    row = rows[0]
    return TerritoryCounts(
        by_level={level: int(n) for level, n in row["levels"]},
        part_of=int(row["partOf"]),
        neighbour_of=int(row["neighbourOf"]),
    )


# --- reference import: batched idempotent writes ----------------------------------------------------

# Shared by every reference upsert: properties are rewritten, and `updatedAt`/`updatedBy` move, only
# when a value differs, so a second import leaves every property as it was.
CHANGED_KEYS: LiteralString = (
    "[k IN keys(row.props) WHERE coalesce(n[k] <> row.props[k], n[k] IS NOT NULL OR row.props[k] IS NOT NULL)]"
)
SET_IF_CHANGED: LiteralString = (
    "WITH n, row, n.updatedAt IS NULL AS created, " + CHANGED_KEYS + " AS changed "
    "FOREACH (_ IN CASE WHEN size(changed) > 0 THEN [1] ELSE [] END | "
    "  SET n += row.props, n.updatedAt = datetime(), n.updatedBy = $by) "
    "RETURN sum(CASE WHEN created THEN 1 ELSE 0 END) AS created, "
    "       sum(CASE WHEN NOT created AND size(changed) > 0 THEN 1 ELSE 0 END) AS updated"
)

_UPSERT_TERRITORIES: LiteralString = (
    "UNWIND $rows AS row "
    "MERGE (n:Territory {level: row.level, code: row.code}) "
    "ON CREATE SET n.id = row.id, n.createdAt = datetime(), n.createdBy = $by " + SET_IF_CHANGED
)


async def upsert_territories(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """MERGE territories on (level, code). Each row: `id`, `level`, `code`, `props` (every other
    property, `location` as a `WGS84Point`; `None` removes a property)."""
    result = await store.write("territories.upsert", _UPSERT_TERRITORIES, {"rows": rows, "by": IMPORTED_BY})
    return WriteTally(created=int(result[0]["created"]), updated=int(result[0]["updated"]))


_LINK_PARENTS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Territory {level: row.level, code: row.code}) USING INDEX SEEK c:Territory(level, code)
OPTIONAL MATCH (p:Territory {level: row.parentLevel, code: row.parentCode}) USING INDEX SEEK p:Territory(level, code)
OPTIONAL MATCH (c)-[existing:PART_OF]->(p)
FOREACH (_ IN CASE WHEN p IS NOT NULL AND existing IS NULL THEN [1] ELSE [] END | MERGE (c)-[:PART_OF]->(p))
RETURN sum(CASE WHEN p IS NOT NULL AND existing IS NULL THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN p IS NULL THEN row.parentLevel + '-' + row.parentCode END) AS missing
"""


# The reference writes seek the (level, code) index by name (`USING INDEX SEEK`): right after a load
# Neo4j's statistics may still say the territories are few, and a plan made from them scanned the
# whole index for each row (88-95 s for one batch of 10,000 links before the plan was discarded as
# stale). A plain `USING INDEX` hint did not prevent it: an index scan satisfies it too.

# A first load (no PART_OF in the graph yet): nothing to look for before creating, so no read of
# PART_OF and no Eager barrier; checking existing links to parents with thousands of children made
# a first load take minutes instead of seconds.
_CREATE_PARENTS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Territory {level: row.level, code: row.code}) USING INDEX SEEK c:Territory(level, code)
OPTIONAL MATCH (p:Territory {level: row.parentLevel, code: row.parentCode}) USING INDEX SEEK p:Territory(level, code)
FOREACH (_ IN CASE WHEN p IS NOT NULL THEN [1] ELSE [] END | CREATE (c)-[:PART_OF]->(p))
RETURN sum(CASE WHEN p IS NOT NULL THEN 1 ELSE 0 END) AS created,
       collect(CASE WHEN p IS NULL THEN row.parentLevel + '-' + row.parentCode END) AS missing
"""


async def link_parents(
    store: Store, rows: list[dict[str, Any]], *, first_load: bool = False
) -> tuple[WriteTally, list[str]]:
    """Make each `(level, code)` PART_OF its `(parentLevel, parentCode)`. Returns the counts and the
    ids of named parents that do not exist. `first_load`: the graph has no PART_OF link at all (the
    links are created without looking for existing ones)."""
    query = _CREATE_PARENTS if first_load else _LINK_PARENTS
    result = await store.write("territories.linkParents", query, {"rows": rows})
    row = result[0]
    return WriteTally(created=int(row["created"])), list(row["missing"])


_UNLINK_STALE_PARENTS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Territory {level: row.level, code: row.code})-[old:PART_OF]->(o:Territory {level: row.parentLevel})
USING INDEX SEEK c:Territory(level, code)
WHERE row.parentCode IS NULL OR o.code <> row.parentCode
DELETE old
RETURN count(*) AS removed
"""


async def unlink_stale_parents(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """Delete each `(level, code)`'s PART_OF links to a territory of `parentLevel` other than
    `parentCode` (`parentCode` None: every parent of that level)."""
    result = await store.write("territories.unlinkStaleParents", _UNLINK_STALE_PARENTS, {"rows": rows})
    return WriteTally(removed=int(result[0]["removed"]))


_LINK_NEIGHBOURS: LiteralString = """
UNWIND $pairs AS pair
MATCH (a:Territory {level: 'COMMUNE', code: pair[0]}) USING INDEX SEEK a:Territory(level, code)
MATCH (b:Territory {level: 'COMMUNE', code: pair[1]}) USING INDEX SEEK b:Territory(level, code)
OPTIONAL MATCH (a)-[existing:NEIGHBOUR_OF]-(b)
WITH a, b, count(existing) AS found
FOREACH (_ IN CASE WHEN found = 0 THEN [1] ELSE [] END | MERGE (a)-[:NEIGHBOUR_OF]->(b))
RETURN count(*) AS matched, sum(CASE WHEN found = 0 THEN 1 ELSE 0 END) AS created
"""


async def link_neighbours(store: Store, pairs: list[tuple[str, str]]) -> tuple[WriteTally, int]:
    """Store each commune pair once as `(lower code)-[:NEIGHBOUR_OF]->(higher code)`. Returns the
    counts and how many pairs named two existing communes."""
    result = await store.write("territories.linkNeighbours", _LINK_NEIGHBOURS, {"pairs": [list(p) for p in pairs]})
    row = result[0]
    return WriteTally(created=int(row["created"])), int(row["matched"])


_PRUNE_NEIGHBOURS: LiteralString = """
UNWIND $rows AS row
MATCH (c:Territory {level: 'COMMUNE', code: row.code})-[r:NEIGHBOUR_OF]->(o:Territory)
USING INDEX SEEK c:Territory(level, code)
WHERE NOT o.code IN row.neighbours
DELETE r
RETURN count(r) AS removed
"""


async def prune_neighbours(store: Store, rows: list[dict[str, Any]]) -> WriteTally:
    """Delete the NEIGHBOUR_OF links stored from each `code` to a commune not in its `neighbours`."""
    result = await store.write("territories.pruneNeighbours", _PRUNE_NEIGHBOURS, {"rows": rows})
    return WriteTally(removed=int(result[0]["removed"]))


# One record holding the list: the driver reads records one by one (~0.1 ms each), and a snapshot of a
# few territories against the full reference data leaves 36,000 ids (4 s as records).
_NOT_IN: LiteralString = """
MATCH (t:Territory) WHERE NOT t.id IN $ids
WITH t.id AS id ORDER BY id
RETURN collect(id) AS ids
"""


async def territories_not_in(store: Store, ids: Sequence[str]) -> list[str]:
    """Ids of the territories in the graph that are not in `ids` (gone from the reference data), sorted."""
    rows = await store.read("territories.notIn", _NOT_IN, {"ids": list(ids)})
    return list(rows[0]["ids"]) if rows else []
