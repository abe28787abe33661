"""GraphQL types of the analyst aggregates: counts by conflict type × territory × year, actors by kind ×
territory, experience leaders per type and territory, and experience gaps (« déserts d'expérience »).

Built from the records of `graph.analytics`, which answers each aggregate in one query; the nested
conflict types, territories, actors and conflicts come from that same query's records.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from schema.actor import Actor, ActorKind
from schema.conflict import Conflict
from schema.enums import ConflictStatus, InvolvementRole
from schema.taxonomy import ConflictFamily, ConflictType
from schema.territory import Territory
from schema.values import to_enum, to_int


@strawberry.enum(description="A level of the conflict-type taxonomy to count at.")
class TaxonomyLevel(Enum):
    FAMILY = "FAMILY"
    CATEGORY = "CATEGORY"
    TYPE = "TYPE"


@strawberry.input(description="Which conflicts to count; every given filter must hold.")
class ConflictCountWhere:
    conflict_type: str | None = strawberry.field(
        default=None,
        description="A conflict-type code at any level; its subtypes count too (ENERGY takes ONSHORE_WIND).",
    )
    family: ConflictFamily | None = None
    statuses: list[ConflictStatus] | None = None
    since: int | None = strawberry.field(default=None, description="First start year counted (inclusive).")
    until: int | None = strawberry.field(default=None, description="Last start year counted (inclusive).")


def _territory(record: dict[str, Any] | None) -> Territory | None:
    return Territory.from_record(record) if record else None


@strawberry.type(description="How many conflicts of one type, in one territory, started in one year.")
class ConflictCount:
    conflict_type: ConflictType = strawberry.field(description="At the taxonomy level asked for.")
    territory: Territory | None = strawberry.field(
        description="At the territory level asked for; null: no territory at that level (or none asked)."
    )
    year: int | None = strawberry.field(description="Start year; null when not grouped by year or unknown.")
    conflicts: int

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ConflictCount:
        return cls(
            conflict_type=ConflictType.from_record(record["type"]),
            territory=_territory(record["territory"]),
            year=to_int(record["year"]),
            conflicts=int(record["conflicts"]),
        )


@strawberry.type(description="Conflict counts, largest groups first.")
class ConflictCounts:
    groups: list[ConflictCount]
    group_count: int = strawberry.field(description="How many groups there are (beyond `limit` too).")
    total_conflicts: int = strawberry.field(description="Conflicts counted, in all groups.")


@strawberry.type(description="How many actors of one kind are based in one territory.")
class ActorCount:
    kind: ActorKind
    territory: Territory | None = strawberry.field(description="Null: no base at the territory level asked for.")
    actors: int

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ActorCount:
        return cls(
            kind=to_enum(ActorKind, record["kind"], ActorKind.AUTRE) or ActorKind.AUTRE,
            territory=_territory(record["territory"]),
            actors=int(record["actors"]),
        )


@strawberry.type(description="Actor counts, largest groups first.")
class ActorCounts:
    groups: list[ActorCount]
    group_count: int
    total_actors: int


@strawberry.type(description="An actor and the cases of a type it took part in, within a territory.")
class ExperienceLeader:
    actor: Actor
    cases: int = strawberry.field(description="Distinct conflicts of the type (or a subtype) in the territory.")
    roles: list[InvolvementRole] = strawberry.field(description="The roles it played in them.")
    last_year: int | None = strawberry.field(description="Start year of its most recent case.")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ExperienceLeader:
        roles = [to_enum(InvolvementRole, role) for role in record["roles"]]
        return cls(
            actor=Actor.from_record(record["actor"]),
            cases=int(record["cases"]),
            roles=sorted((role for role in roles if role), key=lambda role: role.value),
            last_year=to_int(record["lastYear"]),
        )


@strawberry.type(description="The most experienced actors for one conflict type in one territory.")
class ExperienceLeaders:
    conflict_type: ConflictType
    territory: Territory
    actor_count: int = strawberry.field(description="Every actor with at least one such case there.")
    leaders: list[ExperienceLeader] = strawberry.field(description="Most cases first (then most recent).")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ExperienceLeaders:
        return cls(
            conflict_type=ConflictType.from_record(record["type"]),
            territory=Territory.from_record(record["territory"]),
            actor_count=int(record["actorCount"]),
            leaders=[ExperienceLeader.from_record(leader) for leader in record["leaders"]],
        )


@strawberry.type(description="A conflict with no experienced actor within the radius.")
class UncoveredConflict:
    conflict: Conflict
    nearest_help_km: float | None = strawberry.field(
        description="Distance to the nearest experienced actor (its base or one of its cases); null: none anywhere."
    )

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> UncoveredConflict:
        distance = record["nearestHelpKm"]
        return cls(
            conflict=Conflict.from_record(record["conflict"]),
            nearest_help_km=None if distance is None else round(float(distance), 1),
        )


@strawberry.type(description="A territory where help on a conflict type would have to come from far.")
class ExperienceGap:
    territory: Territory
    conflicts: int = strawberry.field(description="Recent or open conflicts of the type located there.")
    uncovered_count: int = strawberry.field(description="Those with no experienced actor within the radius.")
    uncovered: list[UncoveredConflict] = strawberry.field(description="The uncovered ones, farthest help first.")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ExperienceGap:
        return cls(
            territory=Territory.from_record(record["territory"]),
            conflicts=int(record["conflicts"]),
            uncovered_count=int(record["uncoveredCount"]),
            uncovered=[UncoveredConflict.from_record(item) for item in record["uncovered"]],
        )


@strawberry.type(description="Experience gaps for one conflict type, most uncovered conflicts first.")
class ExperienceGaps:
    conflict_type: ConflictType
    radius_km: float
    since: int = strawberry.field(description="Conflicts started this year or later count, and open ones of any year.")
    gaps: list[ExperienceGap]
