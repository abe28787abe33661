"""The analysts' root fields: aggregates, experience gaps, neighbourhoods and cooperation paths.

`resolvers.root.schema.Query` inherits them, so they live beside their resolvers' imports here rather than in
the shared root module (the same arrangement as `resolvers.root.domain`).
"""

from __future__ import annotations

import strawberry

from resolvers import analytics as analytics_resolvers
from resolvers import exploration as exploration_resolvers
from schema.analytics import ActorCounts, ConflictCounts, ExperienceGaps, ExperienceLeaders
from schema.exploration import CooperationPathResult, NeighbourhoodResult


@strawberry.type
class AnalystQuery:
    conflict_counts: ConflictCounts = strawberry.field(
        resolver=analytics_resolvers.conflict_counts,
        description=(
            "Conflicts counted by conflict type (at a taxonomy level) × territory (at a level) × start year, "
            "filtered by type, family, status and period. One database round trip whatever the number of groups."
        ),
    )
    actor_counts: ActorCounts = strawberry.field(
        resolver=analytics_resolvers.actor_counts,
        description="Actors counted by kind × territory of their base. One database round trip.",
    )
    experience_leaders: list[ExperienceLeaders] = strawberry.field(
        resolver=analytics_resolvers.experience_leaders,
        description=(
            "Per conflict type × territory where the cases happened: the actors involved in the most cases. "
            "One database round trip."
        ),
    )
    experience_gaps: ExperienceGaps = strawberry.field(
        resolver=analytics_resolvers.experience_gaps,
        description=(
            "« Déserts d'expérience »: territories with recent or open conflicts of a type and no experienced "
            "actor within the radius, most uncovered conflicts first (docs/analysts.md). One database round trip."
        ),
    )
    neighbourhood: NeighbourhoodResult = strawberry.field(
        resolver=exploration_resolvers.neighbourhood,
        description="A node's neighbourhood to depth 3, as nodes and edges a graph viewer can draw.",
    )
    cooperation_path: CooperationPathResult = strawberry.field(
        resolver=exploration_resolvers.cooperation_path,
        description="The shortest chain of COOPERATES_WITH or MEMBER_OF links (either direction) between two actors.",
    )
