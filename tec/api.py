"""The GraphQL schema: root Query and Mutation, bound to the resolvers, with limits and error codes."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry import relay
from strawberry.extensions import AddValidationRules, MaxAliasesLimiter, QueryDepthLimiter

from resolvers import nodes as node_resolvers
from resolvers import taxonomy as taxonomy_resolvers
from resolvers import territories as territory_resolvers
from schema.errors import ErrorCodes
from schema.limits import cost_limit_rule
from schema.pagination import Connection
from schema.taxonomy import ConflictType, Theme
from schema.territory import Territory
from tec.analyst_api import AnalystQuery
from tec.domain_api import DOMAIN_TYPES, DomainMutation, DomainQuery
from tec.matching_api import MatchingMutation, MatchingQuery
from tec.settings import Settings


@strawberry.type
class Query(DomainQuery, AnalystQuery, MatchingQuery):
    node: relay.Node | None = strawberry.field(resolver=node_resolvers.node, description="Any object by its global id.")
    territory: Territory | None = strawberry.field(
        resolver=territory_resolvers.territory, description="One territory by INSEE code (SIREN for an EPCI)."
    )
    territories: Connection[Territory] = strawberry.field(
        resolver=territory_resolvers.territories,
        description=(
            "Territories by level, containing territory, distance and name. With `near`: nearest first, "
            "each with `distanceKm`. With `search` (case-, accent- and hyphen-insensitive, word prefixes): "
            "exact names first, then names starting with it, then other matches, larger population first. "
            "Otherwise by name."
        ),
    )
    conflict_types: list[ConflictType] = strawberry.field(
        resolver=taxonomy_resolvers.conflict_types,
        description="The conflict-type taxonomy (families, categories, types), filtered; walk it with parent/children.",
    )
    conflict_type: ConflictType | None = strawberry.field(
        resolver=taxonomy_resolvers.conflict_type, description="One conflict type by code, e.g. ONSHORE_WIND."
    )
    themes: list[Theme] = strawberry.field(resolver=taxonomy_resolvers.themes, description="Every theme, by code.")


@strawberry.type
class Mutation(DomainMutation, MatchingMutation):
    pass


TYPES: list[type] = [*DOMAIN_TYPES, Territory]


def build_schema(settings: Settings) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=TYPES,
        extensions=[
            partial(QueryDepthLimiter, max_depth=settings.max_depth),
            partial(MaxAliasesLimiter, max_alias_count=settings.max_aliases),
            partial(AddValidationRules, [cost_limit_rule(settings.max_cost)]),
            ErrorCodes,
        ],
    )
