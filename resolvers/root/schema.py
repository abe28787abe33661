"""The GraphQL schema: root Query and Mutation, bound to the resolvers, with limits and error codes."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import suppress
from functools import lru_cache, partial
from typing import Any

import strawberry
from graphql import ASTValidationRule, DocumentNode, GraphQLError, parse
from starlette.websockets import WebSocket
from strawberry import relay
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension
from strawberry.extensions.max_aliases import create_validator as max_aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.types.graphql import OperationType

from resolvers import audit as audit_resolvers
from resolvers import events as event_resolvers
from resolvers import nodes as node_resolvers
from resolvers import privacy as privacy_resolvers
from resolvers import taxonomy as taxonomy_resolvers
from resolvers import territories as territory_resolvers
from resolvers.root.analysts import AnalystQuery
from resolvers.root.domain import DOMAIN_TYPES, DomainMutation, DomainQuery
from resolvers.root.matching import MatchingMutation, MatchingQuery
from resolvers.root.needs import NeedsMutation, NeedsQuery
from schema.audit import AuditedWriter, AuditEntry
from schema.cooperative import CooperativeExecution
from schema.errors import ErrorCodes
from schema.event import AddWebhookResult, Event, EventKind, Webhook, WebhookDelivery
from schema.hardening import HardenedSchema, introspection_rules
from schema.inputs import DeleteResult
from schema.limits import cost_limit
from schema.operation_names import OperationNames
from schema.pagination import Connection
from schema.privacy import ErasePersonalDataResult, ExportPersonalDataResult
from schema.taxonomy import ConflictType, Theme
from schema.territory import Territory
from schema.validation import ValidationOffLoop
from tec.settings import Settings


@strawberry.type
class Query(DomainQuery, AnalystQuery, MatchingQuery, NeedsQuery):
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
    events: Connection[Event] = strawberry.field(
        resolver=event_resolvers.event_history,
        description=(
            "Past events you may read (an API key is needed; same rule as the `events` subscription), oldest "
            "first, after `after` (an event id or seq). Totals are not counted."
        ),
    )
    webhooks: list[Webhook] = strawberry.field(
        resolver=event_resolvers.webhooks, description="The webhooks (admin role); their secrets are never shown."
    )
    webhook_deliveries: list[WebhookDelivery] = strawberry.field(
        resolver=event_resolvers.webhook_deliveries,
        description="The delivery log (admin role), newest events first: attempts, statuses, next try.",
    )
    audit_log: Connection[AuditEntry] = strawberry.field(
        resolver=audit_resolvers.audit_log,
        description=(
            "The audit trail (admins): every write with who made it, when, the records and the names of the fields "
            "it changed (never their values), newest first; kept TEC_AUDIT_RETENTION_DAYS days."
        ),
    )


@strawberry.type
class Mutation(DomainMutation, MatchingMutation, NeedsMutation):
    add_webhook: AddWebhookResult = strawberry.mutation(
        resolver=event_resolvers.add_webhook,
        description="POST the events of `kinds` to `url`, signed with `secret` (admin role; docs/needs-and-alerts.md).",
    )
    remove_webhook: DeleteResult = strawberry.mutation(
        resolver=event_resolvers.remove_webhook,
        description="Stop a webhook (admin role); its pending deliveries are cancelled, its log kept.",
    )
    export_personal_data: ExportPersonalDataResult = strawberry.mutation(
        resolver=privacy_resolvers.export_personal_data,
        description="Everything held about an actor's contact, as JSON (admin; an audit entry records it).",
    )
    erase_personal_data: ErasePersonalDataResult = strawberry.mutation(
        resolver=privacy_resolvers.erase_personal_data,
        description=(
            "Remove an actor's contact fields everywhere the service keeps them (copies included); the actor, its "
            "links and cases stay (admin; an audit entry records it without the values)."
        ),
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description=(
            "Events as they commit, those your API key may read (send it in connection_init's payload). "
            "`kinds`, `actor`: only those; `after`: an event id (or seq) seen before — first the events committed "
            "after it, then new ones, none missed or repeated."
        )
    )
    async def events(
        self,
        info: strawberry.Info,
        kinds: list[EventKind] | None = None,
        actor: strawberry.ID | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[Event, None]:
        return await event_resolvers.events(info, kinds, actor, after)


TYPES: list[type] = [*DOMAIN_TYPES, Territory]


# Documents kept parsed and validated: a front end sends a handful of distinct queries over and over.
DOCUMENT_CACHE_SIZE = 256


@lru_cache(maxsize=DOCUMENT_CACHE_SIZE)
def _parsed(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(options))


class ParsedDocuments(SchemaExtension):
    """Reuse the parsed document of a query text seen before (strawberry's ParserCache raises parse
    errors where our error codes cannot see them: a document that does not parse is left to strawberry)."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query:
            with suppress(GraphQLError):
                context.graphql_document = _parsed(context.query, tuple(sorted(context.parse_options.items())))
        yield


class SubscriptionsOnlyOverWebSocket(SchemaExtension):
    """Queries and mutations go over HTTP, where the request deadline, the response cap, rate limits and
    Idempotency-Key apply; a WebSocket carries subscriptions only."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        request = getattr(context.context, "request", None)
        if isinstance(request, WebSocket) and context.operation_type is not OperationType.SUBSCRIPTION:
            raise GraphQLError(
                "Only subscriptions are served over WebSocket; send queries and mutations with HTTP POST.",
                extensions={"code": "BAD_REQUEST"},
            )
        yield


# Schemas already built, by the settings they were built from (see `build_schema`).
_BUILT: dict[str, strawberry.Schema] = {}
_BUILT_MAX = 16


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema of the service under `settings`: built once per process for the same settings and
    shared (it holds no per-request state; building one takes 0.1-0.2 s, which an app per test or per
    `create_app` call paid again)."""
    key = settings.model_dump_json()
    schema = _BUILT.get(key)
    if schema is None:
        if len(_BUILT) >= _BUILT_MAX:
            _BUILT.pop(next(iter(_BUILT)))
        schema = _BUILT[key] = _build(settings)
    return schema


def _build(settings: Settings) -> strawberry.Schema:
    # The limit rules are built once, not per request (strawberry's QueryDepthLimiter and
    # MaxAliasesLimiter make new rule classes each time, which would defeat the validation cache).
    rules: list[type[ASTValidationRule]] = [
        depth_rule(settings.max_depth, None),
        max_aliases_rule(settings.max_aliases),
        *introspection_rules(settings),
    ]
    return HardenedSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=TYPES,
        extensions=[
            ParsedDocuments,
            partial(AddValidationRules, rules),
            partial(MaxTokensLimiter, settings.max_tokens),
            partial(ValidationOffLoop, DOCUMENT_CACHE_SIZE),
            cost_limit(settings.max_cost, settings.max_page_size),  # after validation, with the variables
            ErrorCodes,
            SubscriptionsOnlyOverWebSocket,
            OperationNames,
            AuditedWriter,
        ],
        suggestions=settings.field_suggestions,
        execution_context_class=CooperativeExecution,
    )
