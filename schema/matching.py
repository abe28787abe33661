"""GraphQL types of matching: ranked, explained answers to "who has already dealt with this, near here?".

Built from the records of `graph.matching` (one query per request); every number a front end shows
comes with the factors that made it (docs/matching.md).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.types.base import get_object_definition
from strawberry.utils.str_converters import to_camel_case

from graph.exploration import CooperationPath as PathRecord
from graph.matching import MatchResult
from schema.actor import Actor
from schema.conflict import Conflict
from schema.exploration import CooperationPath
from schema.scalars import GeoPoint
from schema.sponsorship import Sponsorship
from schema.taxonomy import ConflictType, Theme
from schema.territory import Territory

T = TypeVar("T")


@strawberry.enum(description="How a case's type relates to the type (or theme) asked about.")
class MatchKind(Enum):
    EXACT = "EXACT"
    SUBTYPE = "SUBTYPE"
    RELATED = "RELATED"
    THEME = "THEME"


@strawberry.enum(
    description="What earned the experience: a conflict, a completed sponsorship, a need met with the actor's help "
    "(as sponsor or task-force member), a resource, a theme."
)
class CaseKind(Enum):
    CONFLICT = "CONFLICT"
    SPONSORSHIP = "SPONSORSHIP"
    NEED = "NEED"
    RESOURCE = "RESOURCE"
    THEME = "THEME"


@strawberry.enum(description="The part an actor played in a case (INVOLVED_IN roles, plus sponsorship and themes).")
class MatchingRole(Enum):
    MEDIATOR = "MEDIATOR"
    FACILITATOR = "FACILITATOR"
    PUBLIC_AUTHORITY = "PUBLIC_AUTHORITY"
    EXPERT = "EXPERT"
    PROJECT_OWNER = "PROJECT_OWNER"
    OPPONENT = "OPPONENT"
    SUPPORTER = "SUPPORTER"
    SPONSOR = "SPONSOR"
    AUTHOR = "AUTHOR"
    WORKS_ON = "WORKS_ON"


@strawberry.enum(description="Which place a case's distance was measured from.")
class MeasuredFrom(Enum):
    CASE = "CASE"
    BASE = "BASE"


@strawberry.enum(description="One factor of a score; the score is the product of its factors.")
class ScoreFactorName(Enum):
    TYPE = "TYPE"
    DISTANCE = "DISTANCE"
    RECENCY = "RECENCY"
    OUTCOME = "OUTCOME"
    ROLE = "ROLE"
    CASES = "CASES"
    PEER = "PEER"
    SIZE = "SIZE"
    TRUST = "TRUST"


_GLOBAL_TYPE = {
    "CONFLICT": "Conflict",
    "SPONSORSHIP": "Sponsorship",
    "NEED": "Need",
    "RESOURCE": "Resource",
    "THEME": "Theme",
}


# What the matching types read of an actor's and a case's record, given the field names a document
# selects (`schema.selection.asked_field_names`): the properties named like a selected field of the
# types built from those records (a GraphQL field shows the property of its own name), plus these.
_ACTOR_KEYS = ("id", "name", "kind")  # Actor.from_record requires them
_ACTOR_KEYS_BY_FIELD: dict[str, tuple[str, ...]] = {
    "alertPreferences": ("alertRadiusKm", "alertConflictTypes", "alertsMuted"),
}
_CASE_KEYS = ("id",)
_CASE_KEYS_BY_FIELD: dict[str, tuple[str, ...]] = {
    "title": ("title", "need", "description", "label", "code"),  # Evidence.title, whatever the case's kind
    "startedYear": ("startedOn", "year"),
}


def _graphql_names(*types: type) -> frozenset[str]:
    names: set[str] = set()
    for kind in types:
        definition = get_object_definition(kind, strict=True)
        names.update(field.graphql_name or to_camel_case(field.python_name) for field in definition.fields)
    return frozenset(names)


def record_fields(asked: frozenset[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actor and case properties to fetch for a document that selects `asked` (field names on any type)."""
    actor = _ACTOR_FIELD_NAMES & asked
    case = _CASE_FIELD_NAMES & asked
    actor_keys = {*_ACTOR_KEYS, *actor, *(key for name in actor for key in _ACTOR_KEYS_BY_FIELD.get(name, ()))}
    case_keys = {*_CASE_KEYS, *case, *(key for name in asked for key in _CASE_KEYS_BY_FIELD.get(name, ()))}
    return tuple(sorted(actor_keys)), tuple(sorted(case_keys))


@strawberry.type(description="The factors of one case; their product is the case's score.")
class CaseFactors:
    type: float = strawberry.field(description="Exact type 1, subtype 0.9, sibling type 0.5 (defaults).")
    distance: float = strawberry.field(description="exp(-distanceKm / τ), τ = radius / 2 by default.")
    recency: float = strawberry.field(description="0.5 ** (years ago / half-life of 8 years).")
    outcome: float = strawberry.field(description="Settled by negotiation 1 … ongoing 0.6.")
    role: float = strawberry.field(description="Mediator, facilitator 1; public authority, expert 0.8 …")


def _started_year(kind: str, node: dict[str, Any]) -> int | None:
    """The year a conflict or sponsorship began: its start date's year, else the year the partner gave."""
    if kind not in ("CONFLICT", "SPONSORSHIP"):
        return None
    started = node.get("startedOn")
    year = getattr(started, "year", None)
    if isinstance(year, int):
        return year
    given = node.get("year")
    return given if isinstance(given, int) else None


@strawberry.type(description="One case that earned an actor its place: what, where, when, which role, and its weight.")
class Evidence:
    """Each field is worked out from the record when a query selects it, not before (`schema.execution`
    reads these one-line resolvers as plain values): a ranking page holds up to a hundred pieces of
    evidence, and most queries show a few of their fields."""

    entry: strawberry.Private[dict[str, Any]]

    @property
    def _case(self) -> dict[str, Any]:
        case: dict[str, Any] = self.entry["case"]
        return case

    @property
    def _node(self) -> dict[str, Any]:
        node: dict[str, Any] = self._case.get("node") or {}
        return node

    @strawberry.field
    def kind(self) -> CaseKind:
        return _CASE_KINDS.get(self._case["kind"]) or CaseKind(self._case["kind"])

    @strawberry.field(description="Global id of the conflict, sponsorship, resource or theme.")
    def case_id(self) -> relay.GlobalID:
        case = self._case
        return relay.GlobalID(_GLOBAL_TYPE[str(case["kind"])], str(case["id"]))

    @strawberry.field
    def title(self) -> str:
        return _title(str(self._case["kind"]), self._node)

    @strawberry.field
    def match(self) -> MatchKind:
        return MatchKind(self._case["match"])

    @strawberry.field
    def role(self) -> MatchingRole:
        role = self._case["role"]
        return _ROLES.get(role) or MatchingRole(role)

    @strawberry.field(
        description="The year used for recency: the latest year the actor worked on it, the current year for a "
        "case still open (see `startedYear` for when it began)."
    )
    def year(self) -> int | None:
        year: int | None = self._case.get("year")
        return year

    @strawberry.field(
        description="The year the case started, as its source gives it (start date, else the case's year); "
        "none when unknown."
    )
    def started_year(self) -> int | None:
        return _started_year(str(self._case["kind"]), self._node)

    @strawberry.field(description="Conflict outcome, or sponsorship outcome (NEED_MET…).")
    def outcome(self) -> str | None:
        outcome: str | None = self._case.get("outcome")
        return outcome

    @strawberry.field
    def distance_km(self) -> float:
        return round(float(self._case["distanceKm"]), 2)

    @strawberry.field(description="CASE: the case's place was the closer; BASE: the actor's base commune was.")
    def measured_from(self) -> MeasuredFrom:
        return MeasuredFrom(self._case["measuredFrom"])

    @strawberry.field(description="Product of the factors.")
    def case_score(self) -> float:
        return round(float(self._case["contribution"]), 4)

    @strawberry.field(description="1 for the actor's best case, 2 for the next…")
    def rank(self) -> int:
        return int(self.entry["rank"]) + 1

    @strawberry.field(description="Diminishing returns: 1, 0.7, 0.49… (case_decay ** (rank-1)).")
    def rank_weight(self) -> float:
        return round(float(self.entry["rankWeight"]), 4)

    @strawberry.field(description="caseScore × rankWeight: what this case adds to the score.")
    def contribution(self) -> float:
        return round(float(self._case["contribution"]) * float(self.entry["rankWeight"]), 4)

    @strawberry.field(description="The case, when it is a conflict.")
    def conflict(self) -> Conflict | None:
        return Conflict.from_record(self._node) if self._case["kind"] == "CONFLICT" else None

    @strawberry.field(description="The case, when it is a completed sponsorship.")
    def sponsorship(self) -> Sponsorship | None:
        return Sponsorship.from_record(self._node) if self._case["kind"] == "SPONSORSHIP" else None

    @strawberry.field
    def conflict_type(self) -> ConflictType | None:
        type_record = self._case.get("type")
        return ConflictType.from_record(type_record) if type_record else None

    @strawberry.field(description="Where it happened (the actor's base for themes).")
    def place(self) -> Territory | None:
        place = self.entry.get("place")
        return Territory.from_record(place) if place else None

    @strawberry.field
    def factors(self) -> CaseFactors:
        factors = self._case["factors"]
        return CaseFactors(
            type=factors["type"],
            distance=round(factors["distance"], 4),
            recency=round(factors["recency"], 4),
            outcome=factors["outcome"],
            role=factors["role"],
        )

    @classmethod
    def from_record(cls, entry: dict[str, Any]) -> Evidence:
        return cls(entry=entry)


_CASE_KINDS = {member.value: member for member in CaseKind}
_ROLES = {member.value: member for member in MatchingRole}


def _title(kind: str, node: dict[str, Any]) -> str:
    if kind == "SPONSORSHIP":
        return str(node.get("need") or "Mécénat d'expérience")
    if kind == "THEME":
        return str(node.get("label") or node.get("code"))
    if kind == "NEED":
        return str(node.get("description") or "Besoin")
    return str(node.get("title") or "")


@strawberry.type(description="One factor of a score, with what it rests on.")
class ScoreFactor:
    name: ScoreFactorName
    value: float
    detail: str


def score_factors(item: dict[str, Any], tau_km: float, half_life: float) -> list[ScoreFactor]:
    """The score as a product: the best case's five factors, the other cases' bonus, sponsor preferences."""
    best = item["evidence"][0]["case"] if item["evidence"] else None
    factors: list[ScoreFactor] = []
    if best is not None:
        best_factors = best["factors"]
        type_code = (best.get("type") or {}).get("code")
        factors += [
            ScoreFactor(
                name=ScoreFactorName.TYPE,
                value=best_factors["type"],
                detail=f"{best['match']} {type_code or ''}".strip(),
            ),
            ScoreFactor(
                name=ScoreFactorName.DISTANCE,
                value=round(best_factors["distance"], 4),
                detail=f"{best['distanceKm']:.1f} km from the {best['measuredFrom'].lower()} place, τ = {tau_km:g} km",
            ),
            ScoreFactor(
                name=ScoreFactorName.RECENCY,
                value=round(best_factors["recency"], 4),
                detail=f"year {best.get('year') or 'unknown'}, half-life {half_life:g} years",
            ),
            ScoreFactor(
                name=ScoreFactorName.OUTCOME,
                value=best_factors["outcome"],
                detail=str(best.get("outcome") or "UNKNOWN"),
            ),
            ScoreFactor(name=ScoreFactorName.ROLE, value=best_factors["role"], detail=str(best["role"])),
        ]
        best_score = float(best["contribution"])
        bonus = float(item["experience"]) / best_score if best_score > 0 else 1.0
        factors.append(
            ScoreFactor(
                name=ScoreFactorName.CASES,
                value=round(bonus, 4),
                detail=f"{len(item['evidence'])} case(s) counted of {item['casesFound']} found, diminishing returns",
            )
        )
    sponsor = item.get("sponsor")
    if sponsor:
        ratio = sponsor.get("populationRatio")
        hops = sponsor.get("hops")
        factors += [
            ScoreFactor(
                name=ScoreFactorName.PEER,
                value=sponsor["peer"],
                detail="same kind as the beneficiary" if sponsor["peer"] > 1 else "another kind of actor",
            ),
            ScoreFactor(
                name=ScoreFactorName.SIZE,
                value=round(sponsor["size"], 4),
                detail=f"population ratio {ratio:.2f}" if ratio is not None else "population unknown",
            ),
            ScoreFactor(
                name=ScoreFactorName.TRUST,
                value=round(sponsor["trust"], 4),
                detail=f"{hops} cooperation hop(s) away" if hops is not None else "no cooperation path within 3 hops",
            ),
        ]
    return factors


@strawberry.type(description="An actor who has dealt with the type of conflict asked about, with the why.")
class ExperiencedActor:
    actor: Actor
    score: float
    distance_km: float = strawberry.field(description="Distance of the closest relevant place (a case or the base).")
    beyond_radius: bool = strawberry.field(description="Found beyond the radius, because too few were within it.")
    cases_found: int = strawberry.field(description="Matching cases found; the best `evidence` ones count.")
    evidence: list[Evidence] = strawberry.field(description="Exactly the cases that counted, best first.")
    item: strawberry.Private[dict[str, Any]]
    scales: strawberry.Private[tuple[float, float]]  # (τ km, recency half-life) for the factors' details

    @strawberry.field(description="The actor's base commune.")
    def based_in(self) -> Territory | None:
        return _base(self.item)

    @strawberry.field(description="score = the product of these values.")
    def score_factors(self) -> list[ScoreFactor]:
        return score_factors(self.item, *self.scales)

    @classmethod
    def from_record(cls, item: dict[str, Any], tau_km: float, half_life: float) -> ExperiencedActor:
        return cls(
            actor=Actor.from_record(item["actor"]),
            score=round(float(item["score"]), 6),
            distance_km=round(float(item["distanceKm"]), 2),
            beyond_radius=item["band"] == 1,
            cases_found=int(item["casesFound"]),
            evidence=[Evidence.from_record(entry) for entry in item["evidence"]],
            item=item,
            scales=(tau_km, half_life),
        )


_ACTOR_FIELD_NAMES = _graphql_names(Actor)
_CASE_FIELD_NAMES = _graphql_names(Conflict, Sponsorship)


def _base(item: dict[str, Any]) -> Territory | None:
    base = item.get("base")
    return Territory.from_record(base) if base else None


@strawberry.type(description="A candidate sponsor: experienced, open to sponsorship, under capacity, and why.")
class SponsorCandidate:
    actor: Actor
    score: float = strawberry.field(description="experience × peer × size × trust.")
    experience: float = strawberry.field(description="The matching score alone.")
    distance_km: float
    beyond_radius: bool
    cases_found: int
    active_sponsorships: int = strawberry.field(description="Accepted or active sponsorships it runs now.")
    capacity: int
    population: int | None = strawberry.field(description="Population of the territory it governs, if any.")
    cooperation_path: CooperationPath | None = strawberry.field(
        description="The shortest chain of cooperation from the beneficiary (3 hops at most), if any."
    )
    evidence: list[Evidence]
    item: strawberry.Private[dict[str, Any]]
    scales: strawberry.Private[tuple[float, float]]

    @strawberry.field
    def based_in(self) -> Territory | None:
        return _base(self.item)

    @strawberry.field
    def score_factors(self) -> list[ScoreFactor]:
        return score_factors(self.item, *self.scales)

    @classmethod
    def from_record(cls, item: dict[str, Any], tau_km: float, half_life: float) -> SponsorCandidate:
        sponsor = item["sponsor"]
        path = None
        if sponsor.get("hops") is not None:
            path = CooperationPath.from_record(PathRecord(actors=sponsor["pathNodes"], links=sponsor["pathLinks"]))
        return cls(
            actor=Actor.from_record(item["actor"]),
            score=round(float(item["score"]), 6),
            experience=round(float(item["experience"]), 6),
            distance_km=round(float(item["distanceKm"]), 2),
            beyond_radius=item["band"] == 1,
            cases_found=int(item["casesFound"]),
            active_sponsorships=int(sponsor["active"]),
            capacity=int(sponsor["capacity"]),
            population=sponsor.get("population"),
            cooperation_path=path,
            evidence=[Evidence.from_record(entry) for entry in item["evidence"]],
            item=item,
            scales=(tau_km, half_life),
        )


@strawberry.type(description="A ranked item and the cursor to continue after it.")
class RankedEdge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A ranked page: within the radius first, then (when too few) the nearest beyond it.")
class Ranking(Generic[T]):
    edges: list[RankedEdge[T]]
    page_info: relay.PageInfo
    within_radius: int = strawberry.field(description="How many qualify within the radius (all pages).")
    radius_km: float
    searched_up_to_km: float | None = strawberry.field(
        description="Set when too few lay within the radius: how far the answer looked for the next ones."
    )
    note: str | None = strawberry.field(description="Says, in a sentence, when the radius was not enough.")
    origin: GeoPoint | None
    conflict_type: ConflictType | None
    theme: Theme | None

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def ranking(
    result: MatchResult,
    items: list[T],
    *,
    radius_km: float,
    outer_km: float,
    first: int,
    after: str | None,
    what: str,
) -> Ranking[T]:
    edges = [RankedEdge(cursor=cursor, node=item) for item, cursor in zip(items, result.cursors, strict=True)]
    beyond = sum(1 for item in result.items if item["band"] == 1)
    note = None
    if result.searched_beyond and (beyond or result.within_radius < first):
        note = f"Only {result.within_radius} {what} within {radius_km:g} km; " + (
            f"the next {beyond} come from up to {outer_km:g} km and are marked beyondRadius."
            if beyond
            else f"none either up to {outer_km:g} km."
        )
    return Ranking(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=result.has_next,
            has_previous_page=after is not None,
            start_cursor=result.cursors[0] if result.cursors else None,
            end_cursor=result.cursors[-1] if result.cursors else None,
        ),
        within_radius=result.within_radius,
        radius_km=radius_km,
        searched_up_to_km=outer_km if result.searched_beyond else None,
        note=note,
        origin=GeoPoint.from_value(result.origin),
        conflict_type=ConflictType.from_record(result.conflict_type) if result.conflict_type else None,
        theme=Theme.from_record(result.theme) if result.theme else None,
    )
