"""Resolvers of the analyst aggregates: validate the arguments, run the one query, build the types."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from graph import analytics
from schema.actor import ActorKind
from schema.analytics import (
    ActorCount,
    ActorCounts,
    ConflictCount,
    ConflictCounts,
    ConflictCountWhere,
    ExperienceGap,
    ExperienceGaps,
    ExperienceLeaders,
    TaxonomyLevel,
)
from schema.context import Info
from schema.enums import InvolvementRole
from schema.errors import bad_input
from schema.taxonomy import ConflictFamily, ConflictType
from schema.territory import TerritoryLevel

RECENT_YEARS = 5


def _limit(value: int, most: int = analytics.MAX_GROUPS) -> int:
    if not 1 <= value <= most:
        raise bad_input(f"`limit` must be between 1 and {most}.")
    return value


async def conflict_counts(
    info: Info,
    where: ConflictCountWhere | None = None,
    type_level: Annotated[
        TaxonomyLevel, strawberry.argument(description="Count at this level of the taxonomy (rolling subtypes up).")
    ] = TaxonomyLevel.TYPE,
    territory_level: Annotated[
        TerritoryLevel | None, strawberry.argument(description="Group by territory at this level; null: no grouping.")
    ] = TerritoryLevel.REGION,
    by_year: Annotated[bool, strawberry.argument(description="Group by start year too.")] = True,
    limit: Annotated[int, strawberry.argument(description="Most groups returned (largest first).")] = 1000,
) -> ConflictCounts:
    filters = where or ConflictCountWhere()
    result = await analytics.conflict_counts(
        info.context.store,
        analytics.CountedConflicts(
            conflict_type=filters.conflict_type,
            family=filters.family.value if filters.family else None,
            statuses=tuple(status.value for status in filters.statuses or []),
            since=filters.since,
            until=filters.until,
        ),
        type_level=type_level.value,
        territory_level=territory_level.value if territory_level else None,
        by_year=by_year,
        limit=_limit(limit),
    )
    return ConflictCounts(
        groups=[ConflictCount.from_record(group) for group in result.groups],
        group_count=result.group_count,
        total_conflicts=result.total,
    )


async def actor_counts(
    info: Info,
    territory_level: TerritoryLevel = TerritoryLevel.REGION,
    kinds: list[ActorKind] | None = None,
    limit: int = 1000,
) -> ActorCounts:
    result = await analytics.actor_counts(
        info.context.store,
        territory_level=territory_level.value,
        kinds=tuple(kind.value for kind in kinds or []),
        limit=_limit(limit),
    )
    return ActorCounts(
        groups=[ActorCount.from_record(group) for group in result.groups],
        group_count=result.group_count,
        total_actors=result.total,
    )


async def experience_leaders(
    info: Info,
    conflict_type: Annotated[
        str | None, strawberry.argument(description="A conflict-type code at any level (its subtypes count).")
    ] = None,
    family: ConflictFamily | None = None,
    type_level: TaxonomyLevel = TaxonomyLevel.TYPE,
    territory_level: Annotated[
        TerritoryLevel, strawberry.argument(description="Where the cases happened, at this level.")
    ] = TerritoryLevel.REGION,
    territory_code: Annotated[
        str | None, strawberry.argument(description="Only this territory (at that level).")
    ] = None,
    roles: Annotated[
        list[InvolvementRole] | None,
        strawberry.argument(description="Only cases where the actor had one of these roles."),
    ] = None,
    top: Annotated[int, strawberry.argument(description="Actors kept per group (1–50).")] = 5,
    limit: Annotated[int, strawberry.argument(description="Most groups returned.")] = 100,
) -> list[ExperienceLeaders]:
    if not 1 <= top <= 50:
        raise bad_input("`top` must be between 1 and 50.")
    groups = await analytics.most_experienced(
        info.context.store,
        conflict_type=conflict_type,
        family=family.value if family else None,
        type_level=type_level.value,
        territory_level=territory_level.value,
        territory_code=territory_code,
        roles=tuple(role.value for role in roles or []),
        top=top,
        limit=_limit(limit, 1000),
    )
    return [ExperienceLeaders.from_record(group) for group in groups]


async def experience_gaps(
    info: Info,
    conflict_type: Annotated[str, strawberry.argument(description="A conflict-type code at any level.")],
    territory_level: TerritoryLevel = TerritoryLevel.DEPARTEMENT,
    radius_km: Annotated[
        float, strawberry.argument(description="Help farther than this does not count as nearby.")
    ] = 50.0,
    since: Annotated[
        int | None,
        strawberry.argument(description="Conflicts started this year or later count (default: five years ago)."),
    ] = None,
    roles: Annotated[
        list[InvolvementRole] | None,
        strawberry.argument(description="Only actors who had one of these roles in their cases count as help."),
    ] = None,
    limit: int = 50,
    examples: Annotated[int, strawberry.argument(description="Uncovered conflicts listed per territory.")] = 10,
) -> ExperienceGaps:
    if not 0 <= examples <= 100:
        raise bad_input("`examples` must be between 0 and 100.")
    first_year = since if since is not None else dt.date.today().year - RECENT_YEARS
    result = await analytics.experience_gaps(
        info.context.store,
        analytics.GapQuery(
            conflict_type=conflict_type,
            territory_level=territory_level.value,
            radius_km=radius_km,
            since=first_year,
            roles=tuple(role.value for role in roles or []),
            limit=_limit(limit, 1000),
            examples=examples,
        ),
    )
    return ExperienceGaps(
        conflict_type=ConflictType.from_record(result.conflict_type),
        radius_km=radius_km,
        since=first_year,
        gaps=[ExperienceGap.from_record(gap) for gap in result.gaps],
    )
