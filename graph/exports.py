"""Cypher for exports: records read in keyset-paginated chunks (ordered by id), so an export of the
whole directory never holds more than one chunk in memory.

Each reader is an async generator of lists of plain records; the writers in `resolvers/export_formats.py` turn
them into CSV, GeoJSON or GraphML as they come. Filters are parameters; the few identifiers a query
needs (the variable a filter applies to) are fixed strings chosen here, never input.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.analytics import ConflictSelection
from graph.store import Store

DEFAULT_CHUNK = 1000


@dataclass(frozen=True)
class Place:
    """A territory a record must lie in (its base commune or place, then PART_OF up to that level)."""

    level: str
    code: str


@dataclass(frozen=True)
class ActorScope:
    kinds: tuple[str, ...] = ()
    place: Place | None = None
    conflict_type: str | None = None  # involved in a conflict of this type or a subtype

    def params(self) -> dict[str, Any]:
        return {
            "kinds": list(self.kinds),
            "placeLevel": self.place.level if self.place else None,
            "placeCode": self.place.code if self.place else None,
            "conflictType": self.conflict_type,
        }


def _actor_filter(var: LiteralString) -> LiteralString:
    return (
        "(size($kinds) = 0 OR " + var + ".kind IN $kinds) "
        "AND ($placeCode IS NULL OR EXISTS { (" + var + ")-[:BASED_IN]->(:Territory)-[:PART_OF*0..2]->"
        "(:Territory {level: $placeLevel, code: $placeCode}) }) "
        "AND ($conflictType IS NULL OR EXISTS { (" + var + ")-[:INVOLVED_IN]->(:Conflict)-[:OF_TYPE]->"
        "(:ConflictType)-[:SUBTYPE_OF*0..]->(:ConflictType {code: $conflictType}) })"
    )


def _provenance(var: LiteralString) -> LiteralString:
    """The source a record came from and the partner's id for it (its owning source first), or nulls."""
    return (
        "OPTIONAL MATCH (" + var + ")-[f:FROM_SOURCE]->(s:Source) "
        "WITH s, f ORDER BY s.name = " + var + ".source DESC, s.name LIMIT 1 "
        "RETURN {source: s.name, externalId: f.externalId} AS provenance"
    )


_ACTORS: LiteralString = (
    "MATCH (a:Actor) WHERE a.id > $after AND " + _actor_filter("a") + " "
    "WITH a ORDER BY a.id LIMIT $chunk "
    "OPTIONAL CALL (a) { MATCH (a)-[:BASED_IN]->(t:Territory) RETURN t LIMIT 1 } "
    "CALL (a) { " + _provenance("a") + " } "
    "RETURN a.id AS id, a.name AS name, a.kind AS kind, a.description AS description, a.website AS website, "
    "a.siren AS siren, a.siret AS siret, a.rna AS rna, coalesce(a.openToSponsorship, false) AS openToSponsorship, "
    "t.code AS baseCode, t.name AS baseName, coalesce(a.location, t.location) AS location, "
    "CASE WHEN $private THEN a.email END AS email, CASE WHEN $private THEN a.phone END AS phone, "
    "CASE WHEN $private THEN a.contactName END AS contactName, a.createdAt AS createdAt, "
    "provenance.source AS source, provenance.externalId AS externalId "
    "ORDER BY a.id"
)

# Links whose both ends are exported, chunked by their source actor.
_ACTOR_LINKS: LiteralString = (
    "MATCH (a:Actor) WHERE a.id > $after AND " + _actor_filter("a") + " "
    "WITH a ORDER BY a.id LIMIT $chunk "
    "WITH collect(a) AS sources "
    "UNWIND sources AS a "
    "OPTIONAL MATCH (a)-[r:COOPERATES_WITH|MEMBER_OF]->(b:Actor) WHERE " + _actor_filter("b") + " "
    "WITH sources, collect(CASE WHEN r IS NOT NULL THEN {id: elementId(r), type: type(r), source: a.id, "
    "  target: b.id, kind: r.kind, since: r.since, until: r.until} END) AS links "
    "RETURN size(sources) AS count, sources[-1].id AS last, links"
)


async def _keyset(
    store: Store, name: str, query: LiteralString, params: dict[str, Any], chunk: int
) -> AsyncIterator[list[dict[str, Any]]]:
    after = ""
    while True:
        rows = await store.read(name, query, {**params, "after": after, "chunk": chunk})
        if rows:
            yield rows
        if len(rows) < chunk:
            return
        after = rows[-1]["id"]


async def actor_chunks(
    store: Store, scope: ActorScope, *, include_private: bool, chunk: int = DEFAULT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """The actors in scope, by id, `chunk` at a time; contact fields only when `include_private`."""
    async for rows in _keyset(store, "exports.actors", _ACTORS, scope.params() | {"private": include_private}, chunk):
        yield rows


async def _link_chunks(
    store: Store, name: str, query: LiteralString, params: dict[str, Any], chunk: int
) -> AsyncIterator[list[dict[str, Any]]]:
    after = ""
    while True:
        rows = await store.read(name, query, {**params, "after": after, "chunk": chunk})
        if not rows:
            return
        if rows[0]["links"]:
            yield rows[0]["links"]
        if rows[0]["count"] < chunk:
            return
        after = rows[0]["last"]


async def actor_link_chunks(
    store: Store, scope: ActorScope, *, chunk: int = DEFAULT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """COOPERATES_WITH and MEMBER_OF links between actors in scope, `chunk` source actors at a time."""
    async for links in _link_chunks(store, "exports.actorLinks", _ACTOR_LINKS, scope.params(), chunk):
        yield links


@dataclass(frozen=True)
class ConflictScope(ConflictSelection):
    place: Place | None = None

    def params(self) -> dict[str, Any]:
        return {
            **self.selection_params(),
            "placeLevel": self.place.level if self.place else None,
            "placeCode": self.place.code if self.place else None,
        }


_CONFLICTS: LiteralString = (
    """
MATCH (c:Conflict)-[:OF_TYPE]->(t:ConflictType)
WHERE c.id > $after
  AND ($family IS NULL OR t.family = $family)
  AND (size($statuses) = 0 OR c.status IN $statuses)
  AND ($since IS NULL OR c.year >= $since)
  AND ($until IS NULL OR c.year <= $until)
  AND ($type IS NULL OR EXISTS { (t)-[:SUBTYPE_OF*0..]->(:ConflictType {code: $type}) })
  AND ($placeCode IS NULL OR EXISTS {
        (c)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..2]->(:Territory {level: $placeLevel, code: $placeCode}) })
WITH c, t ORDER BY c.id LIMIT $chunk
OPTIONAL CALL (c) { MATCH (c)-[:LOCATED_IN]->(p:Territory) RETURN p LIMIT 1 }
CALL (c) { """
    + _provenance("c")
    + """ }
RETURN c.id AS id, c.title AS title, c.status AS status, c.intensity AS intensity, c.year AS year,
       c.startedOn AS startedOn, c.endedOn AS endedOn, c.outcome AS outcome, c.mobilisations AS mobilisations,
       t.code AS typeCode, t.label AS typeLabel, t.family AS family, p.code AS placeCode, p.name AS placeName,
       p.level AS placeLevel, coalesce(c.location, p.location) AS location, c.summary AS summary,
       provenance.source AS source, provenance.externalId AS externalId
ORDER BY c.id
"""
)


async def conflict_chunks(
    store: Store, scope: ConflictScope, *, chunk: int = DEFAULT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """The conflicts in scope, by id, `chunk` at a time, with their type and place."""
    async for rows in _keyset(store, "exports.conflicts", _CONFLICTS, scope.params(), chunk):
        yield rows


@dataclass(frozen=True)
class TerritoryScope:
    level: str = "DEPARTEMENT"
    within: Place | None = None

    def params(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "withinLevel": self.within.level if self.within else None,
            "withinCode": self.within.code if self.within else None,
        }


def _territory_filter(var: LiteralString) -> LiteralString:
    return (
        var + ".level = $level AND ($withinCode IS NULL OR EXISTS { (" + var + ")-[:PART_OF*0..2]->"
        "(:Territory {level: $withinLevel, code: $withinCode}) })"
    )


_TERRITORIES: LiteralString = (
    "MATCH (t:Territory) WHERE t.id > $after AND " + _territory_filter("t") + " "
    "WITH t ORDER BY t.id LIMIT $chunk "
    "CALL (t) { OPTIONAL MATCH (t)-[:PART_OF*1..2]->(p:Territory) RETURN collect(p {.level, .code}) AS parents } "
    "RETURN t.id AS id, t.code AS code, t.level AS level, t.name AS name, t.population AS population, "
    "t.zone AS zone, t.location AS location, "
    "head([p IN parents WHERE p.level = 'EPCI' | p.code]) AS epci, "
    "head([p IN parents WHERE p.level = 'DEPARTEMENT' | p.code]) AS departement, "
    "head([p IN parents WHERE p.level = 'REGION' | p.code]) AS region "
    "ORDER BY t.id"
)

_TERRITORY_LINKS: LiteralString = (
    "MATCH (t:Territory) WHERE t.id > $after AND " + _territory_filter("t") + " "
    "WITH t ORDER BY t.id LIMIT $chunk "
    "WITH collect(t) AS sources "
    "UNWIND sources AS a "
    "OPTIONAL MATCH (a)-[r:PART_OF|NEIGHBOUR_OF]->(b:Territory) WHERE " + _territory_filter("b") + " "
    "WITH sources, collect(CASE WHEN r IS NOT NULL THEN {id: elementId(r), type: type(r), source: a.id, "
    "  target: b.id} END) AS links "
    "RETURN size(sources) AS count, sources[-1].id AS last, links"
)


async def territory_chunks(
    store: Store, scope: TerritoryScope, *, chunk: int = DEFAULT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """The territories of one level (optionally within another), by id, `chunk` at a time."""
    async for rows in _keyset(store, "exports.territories", _TERRITORIES, scope.params(), chunk):
        yield rows


async def territory_link_chunks(
    store: Store, scope: TerritoryScope, *, chunk: int = DEFAULT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """NEIGHBOUR_OF (communes) and PART_OF links between exported territories."""
    async for links in _link_chunks(store, "exports.territoryLinks", _TERRITORY_LINKS, scope.params(), chunk):
        yield links


_REFERENCES: LiteralString = """
OPTIONAL MATCH (k:ConflictType {code: $type})
OPTIONAL MATCH (t:Territory {level: $placeLevel, code: $placeCode})
RETURN $type IS NULL OR k IS NOT NULL AS typeKnown, $placeCode IS NULL OR t IS NOT NULL AS placeKnown
"""


async def unknown_references(store: Store, conflict_type: str | None, place: Place | None) -> list[str]:
    """What an export filter names that does not exist (an unknown code must not read as "no records")."""
    params = {
        "type": conflict_type,
        "placeLevel": place.level if place else None,
        "placeCode": place.code if place else None,
    }
    row = (await store.read("exports.references", _REFERENCES, params))[0]
    problems = []
    if not row["typeKnown"]:
        problems.append(f"no conflict type has the code {conflict_type!r}")
    if not row["placeKnown"] and place is not None:
        problems.append(f"no {place.level.lower()} has the code {place.code!r}")
    return problems
