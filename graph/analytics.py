"""Cypher for analysts: counts by conflict type × territory × year, actors by kind × territory, the most
experienced actors per conflict type and territory, and experience gaps (« déserts d'expérience »).

Each function runs ONE query whatever the number of groups. Territory levels and taxonomy levels come
from allow-lists and reach Cypher as parameters; nothing user-supplied is formatted into a query.

How a record reaches a territory level: a conflict through `LOCATED_IN` (a commune, or a larger
territory) then `PART_OF*0..2` (commune → EPCI, commune → département → région); an actor through
`BASED_IN` then the same `PART_OF` hops. How a conflict reaches a taxonomy level: its `OF_TYPE` then
`SUBTYPE_OF*0..` up to the level asked for; a conflict typed more coarsely than that level is counted
under its own type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, LiteralString

from graph.errors import GraphError, NotFoundError
from graph.model import (
    CONFLICT_FAMILIES,
    CONFLICT_STATUSES,
    INVOLVEMENT_ROLES,
    OPEN_CONFLICT_STATUSES,
    TAXONOMY_LEVELS,
    TERRITORY_LEVELS_LARGEST_FIRST,
)
from graph.store import Store

# How deep in the taxonomy each level is (FAMILY 1, CATEGORY 2, TYPE 3).
_TAXONOMY_DEPTHS: dict[str, int] = {level: depth for depth, level in enumerate(TAXONOMY_LEVELS, start=1)}
MAX_GROUPS = 5000


class AnalyticsInputError(GraphError):
    """A filter or grouping an analytics query cannot use."""

    code = "BAD_USER_INPUT"


def _check(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise AnalyticsInputError(f"{what} must be one of {', '.join(allowed)} (got {value!r}).")
    return value


@dataclass(frozen=True)
class ConflictSelection:
    """The conflict filters of the aggregates and of the exports, as the parameters their queries share
    (`$type`, `$family`, `$statuses`, `$since`, `$until` over a conflict and its type)."""

    conflict_type: str | None = None  # a code at any level: that type and all its subtypes
    family: str | None = None
    statuses: tuple[str, ...] = ()
    since: int | None = None  # start year, inclusive
    until: int | None = None  # start year, inclusive

    def selection_params(self) -> dict[str, Any]:
        return {
            "type": self.conflict_type,
            "family": self.family,
            "statuses": list(self.statuses),
            "since": self.since,
            "until": self.until,
        }


@dataclass(frozen=True)
class CountedConflicts(ConflictSelection):
    """Which conflicts an aggregate counts; every given filter must hold."""

    def params(self) -> dict[str, Any]:
        for status in self.statuses:
            _check(status, CONFLICT_STATUSES, "status")
        if self.family is not None:
            _check(self.family, CONFLICT_FAMILIES, "family")
        if self.since is not None and self.until is not None and self.since > self.until:
            raise AnalyticsInputError(f"`since` ({self.since}) is after `until` ({self.until}).")
        return self.selection_params()


# The conflicts a CountedConflicts keeps, as `c` with its type `t`.
_FILTERED_CONFLICTS: LiteralString = """
MATCH (c:Conflict)-[:OF_TYPE]->(t:ConflictType)
WHERE ($family IS NULL OR t.family = $family)
  AND (size($statuses) = 0 OR c.status IN $statuses)
  AND ($since IS NULL OR c.year >= $since)
  AND ($until IS NULL OR c.year <= $until)
  AND ($type IS NULL OR EXISTS { (t)-[:SUBTYPE_OF*0..]->(:ConflictType {code: $type}) })
"""

# Whether the conflict type a filter names exists (an unknown code must not read as "no conflicts").
_KNOWN_TYPE: LiteralString = """
CALL () {
  OPTIONAL MATCH (k:ConflictType {code: $type})
  RETURN $type IS NULL OR k IS NOT NULL AS knownType
}
"""

_CONFLICT_COUNTS: LiteralString = (
    _KNOWN_TYPE
    + "CALL () {"
    + _FILTERED_CONFLICTS
    + """
  OPTIONAL MATCH (t)-[:SUBTYPE_OF*0..]->(g:ConflictType {level: $typeLevel})
  WITH c, coalesce(g, t) AS g
  OPTIONAL MATCH (c)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..2]->(z:Territory {level: $territoryLevel})
  WITH c, g, head(collect(z)) AS z
  WITH g, z, CASE WHEN $byYear THEN c.year END AS year, count(c) AS conflicts
  ORDER BY conflicts DESC, g.code, z.code, year
  RETURN collect({type: g, territory: z, year: year, conflicts: conflicts}) AS groups
}
RETURN knownType, size(groups) AS groupCount, reduce(n = 0, x IN groups | n + x.conflicts) AS total,
       [x IN groups[..$limit] | {type: properties(x.type), territory: properties(x.territory), year: x.year,
                                 conflicts: x.conflicts}] AS groups
"""
)


@dataclass(frozen=True)
class Groups:
    """The first `limit` groups of an aggregate, how many groups there are, and how many records in all."""

    groups: list[dict[str, Any]]
    group_count: int
    total: int


async def conflict_counts(
    store: Store,
    filters: CountedConflicts,
    *,
    type_level: str = "TYPE",
    territory_level: str | None = "REGION",
    by_year: bool = True,
    limit: int = 1000,
) -> Groups:
    """Conflicts counted by conflict type (at `type_level`) × territory (at `territory_level`) × start year.

    A conflict with no territory at that level (or `territory_level` None) is counted under a null
    territory, and with `by_year` False the year is null: the groups always add up to the total.
    """
    level = _TAXONOMY_DEPTHS.get(type_level)
    if level is None:
        raise AnalyticsInputError(f"typeLevel must be one of {', '.join(TAXONOMY_LEVELS)}.")
    if territory_level is not None:
        _check(territory_level, TERRITORY_LEVELS_LARGEST_FIRST, "territoryLevel")
    params = filters.params() | {
        "typeLevel": level,
        "territoryLevel": territory_level,
        "byYear": by_year,
        "limit": min(limit, MAX_GROUPS),
    }
    row = (await store.read("analytics.conflictCounts", _CONFLICT_COUNTS, params))[0]
    if not row["knownType"]:
        raise NotFoundError(f"No conflict type has the code {filters.conflict_type!r}.")
    return Groups(groups=row["groups"], group_count=row["groupCount"], total=row["total"])


_ACTOR_COUNTS: LiteralString = """
MATCH (a:Actor)
WHERE size($kinds) = 0 OR a.kind IN $kinds
OPTIONAL MATCH (a)-[:BASED_IN]->(:Territory)-[:PART_OF*0..2]->(z:Territory {level: $territoryLevel})
WITH a, head(collect(z)) AS z
WITH a.kind AS kind, z, count(a) AS actors
ORDER BY actors DESC, kind, z.code
WITH collect({kind: kind, territory: z, actors: actors}) AS groups
RETURN size(groups) AS groupCount, reduce(n = 0, x IN groups | n + x.actors) AS total,
       [x IN groups[..$limit] | {kind: x.kind, territory: properties(x.territory), actors: x.actors}] AS groups
"""


async def actor_counts(
    store: Store, *, territory_level: str = "REGION", kinds: tuple[str, ...] = (), limit: int = 1000
) -> Groups:
    """Actors counted by kind × territory of their base (null territory: no base at that level)."""
    _check(territory_level, TERRITORY_LEVELS_LARGEST_FIRST, "territoryLevel")
    params = {"territoryLevel": territory_level, "kinds": list(kinds), "limit": min(limit, MAX_GROUPS)}
    row = (await store.read("analytics.actorCounts", _ACTOR_COUNTS, params))[0]
    return Groups(groups=row["groups"], group_count=row["groupCount"], total=row["total"])


_EXPERIENCED: LiteralString = (
    _KNOWN_TYPE
    + """
CALL () {
  MATCH (a:Actor)-[inv:INVOLVED_IN]->(c:Conflict)-[:OF_TYPE]->(t:ConflictType)
  WHERE (size($roles) = 0 OR inv.role IN $roles)
    AND ($family IS NULL OR t.family = $family)
    AND ($type IS NULL OR EXISTS { (t)-[:SUBTYPE_OF*0..]->(:ConflictType {code: $type}) })
  OPTIONAL MATCH (t)-[:SUBTYPE_OF*0..]->(g:ConflictType {level: $typeLevel})
  WITH a, inv, c, coalesce(g, t) AS g
  MATCH (c)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..2]->(z:Territory {level: $territoryLevel})
  WHERE $territoryCode IS NULL OR z.code = $territoryCode
  WITH g, z, a, count(DISTINCT c) AS cases, collect(DISTINCT inv.role) AS roles, max(c.year) AS lastYear
  ORDER BY cases DESC, lastYear DESC, a.name, a.id
  WITH g, z, count(a) AS actorCount, collect({actor: a, cases: cases, roles: roles, lastYear: lastYear})[..$top] AS best
  WITH g, z, actorCount,
       [x IN best | {actor: properties(x.actor), cases: x.cases, roles: x.roles, lastYear: x.lastYear}] AS leaders
  ORDER BY g.code, z.code
  LIMIT $limit
  RETURN collect({type: g {.*}, territory: z {.*}, actorCount: actorCount, leaders: leaders}) AS groups
}
RETURN knownType, groups
"""
)


async def most_experienced(
    store: Store,
    *,
    conflict_type: str | None = None,
    family: str | None = None,
    type_level: str = "TYPE",
    territory_level: str = "REGION",
    territory_code: str | None = None,
    roles: tuple[str, ...] = (),
    top: int = 5,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """Per conflict type × territory where the cases happened: the `top` actors by number of cases.

    An actor's experience of a group is the number of distinct conflicts of that type (or a subtype)
    located in that territory it was INVOLVED_IN (in any of `roles`, all roles when empty); ties go to
    the more recent last case, then the name.
    """
    level = _TAXONOMY_DEPTHS.get(type_level)
    if level is None:
        raise AnalyticsInputError(f"typeLevel must be one of {', '.join(TAXONOMY_LEVELS)}.")
    _check(territory_level, TERRITORY_LEVELS_LARGEST_FIRST, "territoryLevel")
    for role in roles:
        _check(role, INVOLVEMENT_ROLES, "role")
    params = {
        "type": conflict_type,
        "family": family,
        "typeLevel": level,
        "territoryLevel": territory_level,
        "territoryCode": territory_code,
        "roles": list(roles),
        "top": top,
        "limit": min(limit, MAX_GROUPS),
    }
    row = (await store.read("analytics.mostExperienced", _EXPERIENCED, params))[0]
    if not row["knownType"]:
        raise NotFoundError(f"No conflict type has the code {conflict_type!r}.")
    groups: list[dict[str, Any]] = row["groups"]
    return groups


# Experience gaps. For each conflict of the type (or a subtype) that is open (LATENT, ACTIVE) or
# started in `since` or later and has a location, the distance to the nearest help: an actor INVOLVED_IN
# ANOTHER conflict of the type or a subtype, measured from the actor's base or from that other case's
# place, whichever is nearer (the matching's "near here" reading); as in the matching, a completed
# sponsorship ON the type is experience too, placed at the sponsor's and the beneficiary's bases (only
# when no role filter is given: sponsoring is not an INVOLVED_IN role). A conflict is uncovered when no
# help lies within the radius. Territories rank by uncovered conflicts, then by all counted conflicts.
_GAPS: LiteralString = """
OPTIONAL MATCH (root:ConflictType {code: $type})
CALL (root) {
  WITH root WHERE root IS NOT NULL
  CALL (root) {
    MATCH (a:Actor)-[:SPONSORS]->(s:Sponsorship {status: 'COMPLETED'})-[:ON]->(:ConflictType)
          -[:SUBTYPE_OF*0..]->(root)
    WHERE size($roles) = 0
    OPTIONAL MATCH (s)-[:BENEFITS]->(b:Actor)
    RETURN collect([p IN [a.location, b.location] WHERE p IS NOT NULL]) AS sponsored
  }
  MATCH (c:Conflict)-[:OF_TYPE]->(:ConflictType)-[:SUBTYPE_OF*0..]->(root)
  WHERE c.location IS NOT NULL AND (c.status IN $openStatuses OR c.year >= $since)
  // Covered? Asked of the point indexes: experienced actors based, or other cases lived, within the radius.
  WITH root, sponsored, c,
       EXISTS {
         MATCH (a:Actor)-[inv:INVOLVED_IN]->(e:Conflict)
         WHERE point.distance(a.location, c.location) <= $radius AND e <> c
           AND (size($roles) = 0 OR inv.role IN $roles)
           AND EXISTS { (e)-[:OF_TYPE]->(:ConflictType)-[:SUBTYPE_OF*0..]->(root) }
       }
       OR EXISTS {
         MATCH (e:Conflict)<-[inv:INVOLVED_IN]-(:Actor)
         WHERE point.distance(e.location, c.location) <= $radius AND e <> c
           AND (size($roles) = 0 OR inv.role IN $roles)
           AND EXISTS { (e)-[:OF_TYPE]->(:ConflictType)-[:SUBTYPE_OF*0..]->(root) }
       }
       OR any(points IN sponsored WHERE any(p IN points WHERE point.distance(p, c.location) <= $radius)) AS covered
  WITH root, sponsored, collect({c: c, covered: covered}) AS counted
  // How far is help for the uncovered ones: every experience point, measured once per uncovered conflict.
  CALL (root, counted) {
    WITH root WHERE any(x IN counted WHERE NOT x.covered)
    MATCH (a:Actor)-[inv:INVOLVED_IN]->(e:Conflict)-[:OF_TYPE]->(:ConflictType)-[:SUBTYPE_OF*0..]->(root)
    WHERE size($roles) = 0 OR inv.role IN $roles
    WITH e, collect(DISTINCT a.location) AS bases
    RETURN collect({conflict: e.id, points: [p IN bases + [e.location] WHERE p IS NOT NULL]}) AS cases
  }
  WITH counted, cases + [points IN sponsored | {conflict: null, points: points}] AS experience
  UNWIND counted AS item
  WITH item.c AS c, item.covered AS covered, experience
  CALL (c, covered, experience) {
    WITH c, experience WHERE NOT covered
    UNWIND experience AS x
    WITH c, x WHERE x.conflict IS NULL OR x.conflict <> c.id
    UNWIND x.points AS p
    RETURN min(point.distance(p, c.location)) AS nearest
  }
  MATCH (c)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..2]->(z:Territory {level: $territoryLevel})
  WITH DISTINCT z, c, covered, nearest
  ORDER BY coalesce(nearest, 1.0e12) DESC, c.year DESC, c.id
  WITH z, count(c) AS conflicts,
       collect(CASE WHEN NOT covered THEN {conflict: c, nearestHelpKm: nearest / 1000.0} END) AS uncovered
  WHERE size(uncovered) > 0
  WITH z, conflicts, size(uncovered) AS uncoveredCount, uncovered
  ORDER BY uncoveredCount DESC, conflicts DESC, z.code
  LIMIT $limit
  RETURN collect({territory: z {.*}, conflicts: conflicts, uncoveredCount: uncoveredCount,
                  uncovered: [x IN uncovered[..$examples] | {conflict: properties(x.conflict),
                                                              nearestHelpKm: x.nearestHelpKm}]}) AS gaps
}
RETURN root IS NOT NULL AS knownType, root {.*} AS type, gaps
"""


@dataclass(frozen=True)
class GapQuery:
    """An experience-gap question: which territories lack nearby help for this conflict type."""

    conflict_type: str
    territory_level: str = "DEPARTEMENT"
    radius_km: float = 50.0
    since: int = 2021
    roles: tuple[str, ...] = field(default_factory=tuple)
    limit: int = 50
    examples: int = 10

    def params(self) -> dict[str, Any]:
        _check(self.territory_level, TERRITORY_LEVELS_LARGEST_FIRST, "territoryLevel")
        for role in self.roles:
            _check(role, INVOLVEMENT_ROLES, "role")
        if not 0 < self.radius_km <= 1000:
            raise AnalyticsInputError("radiusKm must be more than 0 and at most 1000.")
        return {
            "type": self.conflict_type,
            "territoryLevel": self.territory_level,
            "radius": self.radius_km * 1000.0,
            "since": self.since,
            "openStatuses": list(OPEN_CONFLICT_STATUSES),
            "roles": list(self.roles),
            "limit": min(self.limit, MAX_GROUPS),
            "examples": self.examples,
        }


@dataclass(frozen=True)
class Gaps:
    """The conflict type asked about and its gaps: `{territory, conflicts, uncoveredCount, uncovered:
    [{conflict, nearestHelpKm}]}` records, most uncovered first."""

    conflict_type: dict[str, Any]
    gaps: list[dict[str, Any]]


async def experience_gaps(store: Store, query: GapQuery) -> Gaps:
    """Territories with counted conflicts left without help within the radius, most uncovered first.

    Raises NotFoundError when the conflict type does not exist (an empty answer would read as "no gap").
    """
    row = (await store.read("analytics.experienceGaps", _GAPS, query.params()))[0]
    if not row["knownType"]:
        raise NotFoundError(f"No conflict type has the code {query.conflict_type!r}.")
    return Gaps(conflict_type=row["type"], gaps=row["gaps"])
