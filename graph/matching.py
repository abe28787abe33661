"""Who has already dealt with this type of conflict near here: the one Cypher query behind matching.

`experienced_actors` answers `experiencedActors` and, given a beneficiary, `sponsorshipCandidates`;
each request runs ONE read query, one constant per variant (experts, sponsors by type, sponsors by
theme) built from the pieces below. The score is explained in `docs/matching.md`; its weights
(`graph.scoring`) reach Cypher as the `$weights` map parameter, never as text.

Shape of the query: resolve the asked type (its subtypes, and its siblings' trees when related types
are wanted) and the origin point; gather the candidate cases within the radius through the point
indexes on `Conflict.location` and `Actor.location` (plus completed sponsorships and met needs, which
count as experience); score each case, keep each actor's best relation per case, sum the cases with
diminishing returns; rank. Only when the page is not full within the radius does a second subquery
(same round trip) look further, from the asked types, up to the widened radius. Only the page's
actors then get their base, their cases' places (each only when the request can show it) and their
records: with a projection (`MatchRequest.actor_fields`/`case_fields`), the values of just those
properties, as lists the query text does not depend on (one cached plan); else maps of the whole
records (timestamps only when the request shows them: the driver is slow to decode them). The query
is read in one auto-commit exchange (`Store.read_once`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, LiteralString

from graph.near import Near
from graph.pagination import InvalidCursor, decode_cursor, encode_cursor
from graph.scoring import MatchingWeights
from graph.store import Store

__all__ = ["MatchRequest", "MatchResult", "MatchingWeights", "experienced_actors", "match_params"]

# Theme needs (mécénat): the conflict categories whose cases are experience of that theme. Method
# themes (mediation, concertation…) take every conflict: the role weights then favour mediators.
THEME_CONFLICT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "WATER": ("WATER_WORKS", "WATER_SHARING"),
    "ENERGY": ("ENERGY",),
    "MOBILITY": ("TRANSPORT", "MOBILITY_SHARING"),
    "AGRICULTURE_FOOD": ("FARMING_FACILITY", "FARMLAND", "AGRI_NEIGHBOURHOOD"),
    "BIODIVERSITY": ("NATURE_ACCESS", "FOREST_USE", "EXTRACTION"),
    "URBANISM": ("URBAN", "PUBLIC_SPACE"),
    "TOURISM": ("TOURISM_LEISURE", "TOURISM_PRESSURE"),
    "WASTE_CIRCULAR": ("WASTE",),
    "CLIMATE_ADAPTATION": ("WATER_SHARING",),
    "MEDIATION": ("AMENAGEMENT", "USAGE"),
    "CONCERTATION": ("AMENAGEMENT", "USAGE"),
    "PARTICIPATION": ("AMENAGEMENT", "USAGE"),
    "DEBAT_PUBLIC": ("AMENAGEMENT",),
}


@dataclass(frozen=True)
class MatchRequest:
    near: Near
    radius_km: float
    conflict_type: str | None = None
    theme: str | None = None
    include_related: bool = True
    since: int | None = None
    kinds: tuple[str, ...] | None = None
    roles: tuple[str, ...] | None = None
    first: int = 10
    after: str | None = None
    widen_to_km: float | None = None  # when the page is not full within the radius, look this far (None: never)
    timestamps: bool = True  # return the actors' and cases' createdAt/updatedAt (slow to decode; rarely shown)
    places: bool = True  # look up each piece of evidence's place (a territory)
    bases: bool = True  # look up each actor's base commune
    beneficiary: str | None = None  # set: sponsor candidates for this actor
    # Set: return only these properties of each actor and of each case's node (their ids always), in
    # place of the whole records; the GraphQL resolvers set them from what the document selects.
    actor_fields: tuple[str, ...] | None = None
    case_fields: tuple[str, ...] | None = None
    case_types: bool = True  # each case's type as a record (False: its code only)
    current_year: int = field(default_factory=lambda: dt.date.today().year)


@dataclass(frozen=True)
class MatchResult:
    conflict_type: dict[str, Any] | None  # the asked type's record (None: unknown or not asked)
    theme: dict[str, Any] | None
    origin_found: bool
    beneficiary: dict[str, Any] | None
    origin: Any  # a neo4j WGS84 point
    within_radius: int
    searched_beyond: bool
    items: list[dict[str, Any]]  # one page, best first; each with `band` 0 (within) or 1 (beyond)
    cursors: list[str]
    has_next: bool


# --- the query, in pieces -------------------------------------------------------------------------
# Parameters always have the same types ('' or [] or 0 for "not given", never null): Neo4j caches a
# plan per query text and parameter types, and planning this query takes seconds.

_ORIGIN: LiteralString = """
CALL () {
  OPTIONAL MATCH (t:Territory) WHERE t.code = $territory OR t.id = $territory
  RETURN t AS origin
  ORDER BY CASE t.level WHEN 'COMMUNE' THEN 0 WHEN 'EPCI' THEN 1 WHEN 'DEPARTEMENT' THEN 2 ELSE 3 END LIMIT 1
}
"""

_HERE: LiteralString = (
    "origin IS NOT NULL AS originFound, "
    "CASE WHEN $territory = '' THEN point({latitude: $lat, longitude: $lon}) ELSE origin.location END AS here"
)

_TYPES: LiteralString = """
CALL (asked) {
  OPTIONAL MATCH (sub:ConflictType)-[:SUBTYPE_OF*1..3]->(asked)
  RETURN collect(DISTINCT sub) AS subtypes
}
CALL (asked) {
  OPTIONAL MATCH (asked)-[:SUBTYPE_OF]->(:ConflictType)<-[:SUBTYPE_OF]-(sibling:ConflictType)
  WHERE $includeRelated AND sibling <> asked
  OPTIONAL MATCH (cousin:ConflictType)-[:SUBTYPE_OF*0..3]->(sibling)
  RETURN collect(DISTINCT cousin) AS related
}
"""

_BENEFICIARY: LiteralString = """
OPTIONAL MATCH (ben:Actor {id: $beneficiary})
CALL (ben) {
  OPTIONAL MATCH (ben)-[:GOVERNS]->(governed:Territory)
  RETURN max(governed.population) AS benPopulation
}
"""


def _prelude(theme: bool, sponsors: bool) -> LiteralString:
    """Bind asked, theme, ben, benPopulation, originFound, here, subtypes and types (the type nodes)."""
    text: LiteralString = "OPTIONAL MATCH (asked:ConflictType {code: $conflictType})\n"
    if theme:
        text += "OPTIONAL MATCH (theme:Theme {code: $theme})\n"
    else:
        text += "WITH asked, null AS theme\n"
    if sponsors:  # around the beneficiary's base
        text += _BENEFICIARY + (
            "WITH asked, theme, ben, benPopulation, ben.location IS NOT NULL AS originFound, ben.location AS here\n"
        )
    else:
        text += "WITH asked, theme, null AS ben, null AS benPopulation\n"
        text += _ORIGIN + "WITH asked, theme, ben, benPopulation, " + _HERE + "\n"
    text += _TYPES
    if theme:
        text += (
            "CALL (theme) {\n"
            "  OPTIONAL MATCH (themed:ConflictType)-[:SUBTYPE_OF*0..3]->(category:ConflictType)\n"
            "  WHERE theme IS NOT NULL AND category.code IN $themeCategories\n"
            "  RETURN collect(DISTINCT themed) AS themed\n"
            "}\n"
        )
    else:
        text += "WITH *, [] AS themed\n"
    return (
        text + "WITH asked, theme, ben, benPopulation, originFound, here, subtypes,\n"
        "     [x IN [asked] + subtypes + related + themed WHERE x IS NOT NULL] AS types\n"
    )


_YEAR: LiteralString = (
    "coalesce(r.to, c.endedOn.year, CASE WHEN c.status IN ['ACTIVE', 'LATENT'] THEN $currentYear END, r.from, c.year)"
)
_CASE_COLUMNS: LiteralString = (
    "RETURN a, t, c AS case, 'CONFLICT' AS caseKind, c AS placeOf, r.role AS role, "
    + _YEAR
    + " AS year, c.outcome AS outcome, c.location AS location"
)
_SPONSORSHIP_COLUMNS: LiteralString = (
    "'SPONSORSHIP' AS caseKind, b AS placeOf, 'SPONSOR' AS role, s.completedOn.year AS year, s.outcome AS outcome, "
    "b.location AS location"
)

# A need met with the platform's help (graph.needs) is a case for those who gave it — the sponsor, the
# task force's members — at the place of the actor that posted it, like a completed sponsorship. A need met
# by a sponsorship that has itself completed is not counted twice: the sponsorship is the case.
_MET_NEED: LiteralString = (
    "nd.outcome IN ['NEED_MET', 'PARTLY_MET'] AND NOT (h:Sponsorship AND h.status = 'COMPLETED') "
    "AND (size($roles) = 0 OR 'SPONSOR' IN $roles)"
)
_MET_NEED_PATTERN: LiteralString = (
    "<-[:ON]-(nd:Need {status: 'CLOSED'})-[:MET_BY]->(h)<-[:SPONSORS|MEMBER_OF_TASK_FORCE]-(a:Actor), "
    "(nd)<-[:POSTED]-(b:Actor)"
)
_NEED_COLUMNS: LiteralString = (
    "'NEED' AS caseKind, b AS placeOf, 'SPONSOR' AS role, nd.closedOn.year AS year, nd.outcome AS outcome, "
    "b.location AS location"
)


def _actor_filter(sponsors: bool) -> LiteralString:
    if sponsors:
        return "(size($kinds) = 0 OR a.kind IN $kinds) AND a.openToSponsorship = true AND a.id <> $beneficiary"
    return "(size($kinds) = 0 OR a.kind IN $kinds)"


def _cases(bound: LiteralString, theme: bool, sponsors: bool, ring: bool) -> LiteralString:
    """Candidate (actor, case) rows whose case or actor base lies within `bound` km (a parameter).

    Within the radius, the two conflict branches are served by the point indexes `conflict_location`
    and `actor_location`. They are disjoint: the actor branch keeps only cases whose conflict lies
    outside the bound (the conflict branch has the others, about 7 in 8) before it expands their
    type, the costly step; and before that it skips, by their `caseTypes` (graph.case_types), the
    actors that never had a case of the asked types (about 9 in 10 of those around a city). The
    ring beyond it is wide (4 × the radius: 16 × the area), so there one pass starts from the asked
    types instead, which reads fewer records than two index scans of the wide disc. Completed
    sponsorships are few and reached from their type or theme; resources from their theme.
    """
    near_a: LiteralString = "point.distance(a.location, here) <= " + bound + " * 1000.0"
    actor: LiteralString = _actor_filter(sponsors) + " AND NOT a IN excluded"
    roles: LiteralString = "(size($roles) = 0 OR r.role IN $roles)"
    if ring:
        conflicts: LiteralString = (
            "  UNWIND types AS t\n"
            "  MATCH (t)<-[:OF_TYPE]-(c:Conflict)<-[r:INVOLVED_IN]-(a:Actor)\n"
            "  WHERE " + actor + " AND " + roles + "\n"
            "    AND (point.distance(c.location, here) <= " + bound + " * 1000.0 OR " + near_a + ")\n"
            "  " + _CASE_COLUMNS + "\n"
        )
    else:
        conflicts = (
            "  MATCH (c:Conflict) USING POINT INDEX c:Conflict(location)\n"
            "  WHERE point.distance(c.location, here) <= " + bound + " * 1000.0\n"
            "  MATCH (c)-[:OF_TYPE]->(t) WHERE t IN types\n"
            "  MATCH (a:Actor)-[r:INVOLVED_IN]->(c) WHERE " + actor + " AND " + roles + "\n"
            "  " + _CASE_COLUMNS + "\n  UNION\n"
            "  WITH here, types, excluded, [x IN types | x.code] AS typeCodes\n"
            "  MATCH (a:Actor) USING POINT INDEX a:Actor(location) WHERE " + near_a + " AND " + actor + "\n"
            "    AND (a.caseTypes IS NULL OR any(x IN a.caseTypes WHERE x IN typeCodes))\n"
            "  MATCH (a)-[r:INVOLVED_IN]->(c:Conflict)\n"
            "  WHERE "
            + roles
            + " AND NOT coalesce(point.distance(c.location, here) <= "
            + bound
            + " * 1000.0, false)\n"
            "  MATCH (c)-[:OF_TYPE]->(t) WHERE t IN types\n"
            "  " + _CASE_COLUMNS + "\n"
        )
    text: LiteralString = (
        "CALL (here, types, theme, excluded) {\n" + conflicts + "  UNION\n"
        "  UNWIND types AS t\n"
        "  MATCH (t)<-[:ON]-(s:Sponsorship {status: 'COMPLETED'})<-[:SPONSORS]-(a:Actor), (s)-[:BENEFITS]->(b:Actor)\n"
        "  WHERE " + actor + " AND (size($roles) = 0 OR 'SPONSOR' IN $roles)\n"
        "  RETURN a, t, s AS case, " + _SPONSORSHIP_COLUMNS + "\n  UNION\n"
        "  UNWIND types AS t\n"
        "  MATCH (t)" + _MET_NEED_PATTERN + "\n"
        "  WHERE " + actor + " AND " + _MET_NEED + "\n"
        "  RETURN a, t, nd AS case, " + _NEED_COLUMNS + "\n"
    )
    if theme:
        works_on: LiteralString = (
            "  MATCH (a:Actor)-[:WORKS_ON]->(theme)\n"
            if ring
            else "  MATCH (a:Actor)-[:WORKS_ON]->(theme) USING POINT INDEX a:Actor(location)\n"
        )
        text = (
            text + "  UNION\n"
            "  MATCH (theme)<-[:ON]-(s:Sponsorship {status: 'COMPLETED'})<-[:SPONSORS]-(a:Actor),\n"
            "        (s)-[:BENEFITS]->(b:Actor)\n"
            "  WHERE " + actor + " AND (size($roles) = 0 OR 'SPONSOR' IN $roles)\n"
            "  RETURN a, null AS t, s AS case, " + _SPONSORSHIP_COLUMNS + "\n  UNION\n"
            "  MATCH (theme)" + _MET_NEED_PATTERN + "\n"
            "  WHERE " + actor + " AND " + _MET_NEED + "\n"
            "  RETURN a, null AS t, nd AS case, " + _NEED_COLUMNS + "\n  UNION\n"
            "  MATCH (theme)<-[:ABOUT]-(res:Resource)<-[:AUTHORED]-(a:Actor)\n"
            "  WHERE " + near_a + " AND " + actor + " AND (size($roles) = 0 OR 'AUTHOR' IN $roles)\n"
            "  RETURN a, null AS t, res AS case, 'RESOURCE' AS caseKind, a AS placeOf, 'AUTHOR' AS role,\n"
            "         res.publishedOn.year AS year, null AS outcome, null AS location\n  UNION\n"
            + works_on
            + "  WHERE "
            + near_a
            + " AND "
            + actor
            + " AND (size($roles) = 0 OR 'WORKS_ON' IN $roles)\n"
            "  RETURN a, null AS t, theme AS case, 'THEME' AS caseKind, a AS placeOf, 'WORKS_ON' AS role,\n"
            "         $currentYear AS year, null AS outcome, null AS location\n"
        )
    return text + "}\n"


_SCORE: LiteralString = """
WITH asked, subtypes, ben, benPopulation, excluded, a, t, case, caseKind, placeOf, role, year, outcome,
     point.distance(location, here) / 1000.0 AS caseKm, point.distance(a.location, here) / 1000.0 AS baseKm
WHERE $since = 0 OR year >= $since
WITH *, CASE WHEN caseKm IS NOT NULL AND (baseKm IS NULL OR caseKm <= baseKm) THEN caseKm ELSE baseKm END AS km
"""

_FACTORS: LiteralString = """
WITH a, ben, benPopulation, case, caseKind, placeOf, role, year, outcome, km, t,
     CASE WHEN km = caseKm THEN 'CASE' ELSE 'BASE' END AS measuredFrom,
     CASE WHEN t IS NULL OR t = asked THEN 'EXACT' WHEN t IN subtypes THEN 'SUBTYPE'
          WHEN asked IS NULL THEN 'THEME' ELSE 'RELATED' END AS match
WITH *,
     CASE match WHEN 'EXACT' THEN $weights.typeExact WHEN 'SUBTYPE' THEN $weights.typeSubtype
                WHEN 'THEME' THEN $weights.typeTheme ELSE $weights.typeRelated END AS fType,
     exp(-km / $tauKm) AS fDistance,
     CASE WHEN year IS NULL THEN $weights.unknownYear WHEN year >= $currentYear THEN 1.0
          ELSE 0.5 ^ (toFloat($currentYear - year) / $weights.halfLifeYears) END AS fRecency,
     coalesce($weights.outcomes[coalesce(outcome, 'UNKNOWN')], $weights.outcomes.UNKNOWN) AS fOutcome,
     coalesce($weights.roles[coalesce(role, 'OTHER')], $weights.roles.OTHER) AS fRole
WITH a, ben, benPopulation, case, {id: case.id, kind: caseKind, node: case, placeOf: placeOf, type: t,
     match: match, role: role, year: year, outcome: outcome, distanceKm: km, measuredFrom: measuredFrom,
     factors: {type: fType, distance: fDistance, recency: fRecency, outcome: fOutcome, role: fRole},
     contribution: fType * fDistance * fRecency * fOutcome * fRole} AS ev
ORDER BY ev.contribution DESC, ev.role
WITH a, ben, benPopulation, case, collect(ev)[0] AS ev
ORDER BY ev.contribution DESC, ev.id
WITH a, ben, benPopulation, collect(ev) AS found
WITH a, ben, benPopulation, size(found) AS casesFound, found[0..$weights.maxCases] AS counted
WITH a, ben, benPopulation, casesFound,
     [j IN range(0, size(counted) - 1) | {case: counted[j], rank: j, rankWeight: $weights.caseDecay ^ j}] AS evidence
WITH a, ben, benPopulation, casesFound, evidence,
     reduce(s = 0.0, e IN evidence | s + e.case.contribution * e.rankWeight) AS experience,
     reduce(m = null, e IN evidence | CASE WHEN m IS NULL OR e.case.distanceKm < m THEN e.case.distanceKm ELSE m END)
       AS km
"""

# Sponsor candidates: under capacity, then the peer, size and trust preferences (docs/matching.md).
_SPONSOR_FACTORS: LiteralString = """
WITH a, ben, benPopulation, casesFound, evidence, experience, km,
     COUNT { (a)-[:SPONSORS]->(s:Sponsorship) WHERE s.status IN ['ACCEPTED', 'ACTIVE'] } AS busy
WHERE busy < coalesce(a.sponsorshipCapacity, 2)
CALL (a) {
  OPTIONAL MATCH (a)-[:GOVERNS]->(governed:Territory)
  RETURN max(governed.population) AS population
}
OPTIONAL MATCH path = shortestPath((ben)-[:COOPERATES_WITH|MEMBER_OF*..3]-(a))
WITH a, casesFound, evidence, experience, km, busy, population, path,
     CASE WHEN population > 0 AND benPopulation > 0
       THEN toFloat(CASE WHEN population < benPopulation THEN population ELSE benPopulation END)
            / CASE WHEN population < benPopulation THEN benPopulation ELSE population END END AS ratio
WITH a, casesFound, evidence, experience, km, {
       active: busy, capacity: coalesce(a.sponsorshipCapacity, 2), population: population, populationRatio: ratio,
       peer: CASE WHEN a.kind = ben.kind THEN $weights.peer ELSE 1.0 END,
       size: CASE WHEN ratio IS NULL THEN 1.0 ELSE 1.0 + $weights.size * ratio END,
       trust: CASE WHEN path IS NULL THEN 1.0 ELSE 1.0 + $weights.trust / length(path) END,
       hops: length(path),
       pathNodes: [n IN nodes(path) | n {.*}],
       pathLinks: [l IN relationships(path) | {type: type(l), source: startNode(l).id, target: endNode(l).id,
                                               properties: properties(l)}]
     } AS extra
WITH a, casesFound, evidence, experience, km, extra, experience * extra.peer * extra.size * extra.trust AS score
"""

_EXPERT_FACTORS: LiteralString = """
WITH a, casesFound, evidence, experience, km, null AS extra, experience AS score
"""

_RANK: LiteralString = """
ORDER BY score DESC, a.id
RETURN collect({actor: a, score: score, experience: experience, distanceKm: km, casesFound: casesFound,
                evidence: evidence, sponsor: extra}) AS rows
"""


def _score(bound: LiteralString, band_filter: LiteralString, theme: bool, sponsors: bool) -> LiteralString:
    """Score the case rows, keep each actor's best relation per case, rank actors: one `rows` list."""
    return (
        _cases(bound, theme, sponsors, ring=bound == "$outerKm")
        + _SCORE
        + "WHERE "
        + band_filter
        + _FACTORS
        + (_SPONSOR_FACTORS if sponsors else _EXPERT_FACTORS)
        + _RANK
    )


_PAGE: LiteralString = """
WITH asked, subtypes, theme, ben, benPopulation, originFound, here, types, within,
     [x IN within WHERE $after.band < 0 OR ($after.band = 0 AND (x.score < $after.score
        OR (x.score = $after.score AND x.actor.id > $after.id)))] AS withinAfter
CALL (asked, subtypes, theme, ben, benPopulation, here, types, within, withinAfter) {
  WITH asked, subtypes, theme, ben, benPopulation, here, types, withinAfter, [x IN within | x.actor] AS excluded
  WHERE size(withinAfter) < $limit AND $outerKm > $radiusKm AND here IS NOT NULL
"""

# What the GraphQL types read of a territory and a conflict type: their timestamps stay in the
# database (hydrating a datetime costs the driver more than the rest of a node).
_TERRITORY_FIELDS: LiteralString = (
    "{.id, .code, .level, .name, .population, .zone, .location, .centroidSource, .epciNature}"
)
_TYPE_FIELDS: LiteralString = "{.id, .code, .label, .family, .level, .facets, .aliases}"


def _record(var: LiteralString, fields: LiteralString) -> LiteralString:
    """A node as what the request reads of it: with `$projected`, the list of its values for the property
    names in the list parameter `fields` (the query text stays the same whatever is selected, so
    one cached plan serves every document); else a map of it without its search keys, with its
    timestamps only when the request shows them."""
    return (
        "CASE WHEN $projected THEN [k IN "
        + fields
        + " | "
        + var
        + "[k]] ELSE "
        + var
        + " {.*, searchText: null, caseTypes: null, "
        "createdAt: CASE WHEN $timestamps THEN " + var + ".createdAt END, "
        "updatedAt: CASE WHEN $timestamps THEN " + var + ".updatedAt END} END"
    )


_FINISH: LiteralString = (
    """
WITH asked, theme, ben, originFound, here, size(within) AS withinCount, beyond IS NOT NULL AS searchedBeyond,
     withinAfter, [x IN coalesce(beyond, []) WHERE $after.band <> 1 OR x.score < $after.score
        OR (x.score = $after.score AND x.actor.id > $after.id)] AS beyondAfter
WITH asked, theme, ben, originFound, here, withinCount, searchedBeyond,
     ([x IN withinAfter[0..$limit] | x {.*, band: 0}]
      + [x IN beyondAfter[0..$limit] | x {.*, band: 1}])[0..$limit] AS page
CALL (page) {
  UNWIND range(0, size(page) - 1) AS i
  WITH i, page[i] AS item, page[i].actor AS a
  OPTIONAL MATCH (a)-[:BASED_IN]->(base:Territory) WHERE $bases
  WITH i, item, a, head(collect(base)) AS base
  CALL (item) {
    UNWIND item.evidence AS ev
    WITH ev, ev.case AS found, ev.case.node AS node, ev.case.type AS caseType, ev.case.placeOf AS placeOf
    OPTIONAL MATCH (placeOf)-[:LOCATED_IN|BASED_IN]->(place:Territory) WHERE $places
    WITH ev, found, node, caseType, place ORDER BY place.level DESC
    WITH ev, found, node, caseType, head(collect(place)) AS place
    RETURN collect({rank: ev.rank, rankWeight: ev.rankWeight, place: place """
    + _TERRITORY_FIELDS
    + """,
                    case: found {.id, .kind, .match, .role, .year, .outcome, .distanceKm, .measuredFrom, .factors,
                                 .contribution, node: """
    + _record("node", "$caseFields")
    + """,
                                 type: CASE WHEN $caseTypeCodes THEN caseType {.code} ELSE caseType """
    + _TYPE_FIELDS
    + """ END}}) AS evidence
  }
  RETURN collect(item {.*, position: i, actor: """
    + _record("a", "$actorFields")
    + """, base: base """
    + _TERRITORY_FIELDS
    + """, evidence: evidence}) AS items
}
RETURN asked {.*} AS askedType, theme {.*} AS askedTheme, originFound, here,
       ben {.*} AS beneficiary, withinCount, searchedBeyond, items
"""
)


def _match_query(theme: bool, sponsors: bool) -> LiteralString:
    """The whole query for one variant: the within-radius ranking, then the ring only when needed."""
    within = _score("$radiusKm", "km <= $radiusKm", theme, sponsors)
    beyond = _score("$outerKm", "km > $radiusKm AND km <= $outerKm", theme, sponsors)
    return (
        "CYPHER replan=skip\n"
        + _prelude(theme, sponsors)
        + "CALL (asked, subtypes, theme, ben, benPopulation, here, types) {\n"
        + "WITH asked, subtypes, theme, ben, benPopulation, here, types, [] AS excluded\n"
        + within
        + "}\nWITH asked, subtypes, theme, ben, benPopulation, originFound, here, types, rows AS within\n"
        + _PAGE
        + beyond
        + "}\nWITH asked, subtypes, theme, ben, benPopulation, originFound, here, types, within, withinAfter, "
        + "CASE WHEN size(withinAfter) < $limit AND $outerKm > $radiusKm AND here IS NOT NULL "
        + "THEN rows END AS beyond\n"
        + _FINISH
    )


EXPERTS_QUERY: LiteralString = _match_query(theme=False, sponsors=False)
SPONSORS_BY_TYPE_QUERY: LiteralString = _match_query(theme=False, sponsors=True)
SPONSORS_BY_THEME_QUERY: LiteralString = _match_query(theme=True, sponsors=True)


_NO_CURSOR: dict[str, Any] = {"band": -1, "score": 0.0, "id": ""}


def _cursor_after(after: str | None) -> dict[str, Any]:
    if after is None:
        return _NO_CURSOR
    band, score, actor_id = decode_cursor(after, 3)
    if band not in (0, 1) or not isinstance(score, int | float) or not isinstance(actor_id, str):
        raise InvalidCursor()
    return {"band": band, "score": float(score), "id": actor_id}


def _with_id(fields: tuple[str, ...] | None) -> list[str]:
    return ["id", *(name for name in fields if name != "id")] if fields is not None else []


def _as_maps(items: list[dict[str, Any]], actor_fields: list[str], case_fields: list[str]) -> None:
    """Projected values back to maps keyed by property name (the query returns them as lists)."""
    for item in items:
        item["actor"] = dict(zip(actor_fields, item["actor"], strict=True))
        for entry in item["evidence"]:
            case = entry["case"]
            case["node"] = dict(zip(case_fields, case["node"], strict=True))


def match_params(request: MatchRequest, weights: MatchingWeights) -> dict[str, Any]:
    """The query's parameters (also used by the benchmark to run the same Cypher directly)."""
    near = request.near
    return {
        "conflictType": request.conflict_type or "",
        "theme": request.theme or "",
        "themeCategories": list(THEME_CONFLICT_CATEGORIES.get(request.theme or "", ())),
        "includeRelated": request.include_related,
        "territory": near.territory or "",
        "lat": float(near.lat if near.lat is not None else 0.0),
        "lon": float(near.lon if near.lon is not None else 0.0),
        "beneficiary": request.beneficiary or "",
        "radiusKm": float(request.radius_km),
        "outerKm": float(max(request.widen_to_km or 0.0, request.radius_km)),
        "tauKm": float(request.radius_km * weights.distance_scale),
        "since": int(request.since or 0),
        "kinds": list(request.kinds or ()),
        "roles": list(request.roles or ()),
        "currentYear": int(request.current_year),
        "limit": request.first + 1,
        "timestamps": request.timestamps,
        "places": request.places,
        "bases": request.bases,
        "projected": request.actor_fields is not None and request.case_fields is not None,
        "actorFields": _with_id(request.actor_fields),
        "caseFields": _with_id(request.case_fields),
        "caseTypeCodes": not request.case_types,
        "after": _cursor_after(request.after),
        "weights": weights.as_params(),
    }


async def experienced_actors(store: Store, request: MatchRequest, weights: MatchingWeights) -> MatchResult:
    """Rank the actors who dealt with the type (or theme) near the place: one read, one round trip."""
    if request.beneficiary is None:
        name, query = "matching.experiencedActors", EXPERTS_QUERY
    elif request.theme is not None:
        name, query = "matching.sponsorsByTheme", SPONSORS_BY_THEME_QUERY
    else:
        name, query = "matching.sponsorsByType", SPONSORS_BY_TYPE_QUERY
    params = match_params(request, weights)
    rows = await store.read_once(name, query, params)
    row = rows[0]
    items = sorted(row["items"], key=lambda item: item["position"])
    page = items[: request.first]
    if params["projected"]:
        _as_maps(page, params["actorFields"], params["caseFields"])
    for item in page:
        item["evidence"].sort(key=lambda entry: entry["rank"])
    cursors = [encode_cursor([item["band"], item["score"], item["actor"]["id"]]) for item in page]
    return MatchResult(
        conflict_type=row["askedType"],
        theme=row["askedTheme"],
        origin_found=bool(row["originFound"]) or not (request.near.territory or request.beneficiary),
        beneficiary=row["beneficiary"],
        origin=row["here"],
        within_radius=int(row["withinCount"]),
        searched_beyond=bool(row["searchedBeyond"]),
        items=page,
        cursors=cursors,
        has_next=len(items) > request.first,
    )


async def warm_up(store: Store) -> None:
    """Plan the matching queries once (planning takes seconds; Neo4j then reuses the cached plan).

    Called at service start-up, so the first user does not pay for it. The parameters have the
    same types as real requests', which is what the plan cache keys on.
    """
    weights = MatchingWeights()
    near = Near(lat=48.1118, lon=-1.68189)
    requests = (
        MatchRequest(near=near, radius_km=50.0, conflict_type="ONSHORE_WIND", widen_to_km=200.0),
        MatchRequest(near=near, radius_km=50.0, conflict_type="ONSHORE_WIND", beneficiary="warm-up"),
        MatchRequest(near=near, radius_km=50.0, theme="CONCERTATION", beneficiary="warm-up"),
    )
    for request in requests:
        await experienced_actors(store, request, weights)
