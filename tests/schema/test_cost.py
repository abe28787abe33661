"""The cost model: every list field is priced at what it can return, and variables at their values."""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema, get_nullable_type, is_list_type, parse

from graph.store import Store
from resolvers.root.schema import build_schema
from schema.bounds import LIST_BOUNDS
from schema.limits import Pricing, UnpricedList
from tec.app.main import create_app
from tec.settings import Settings

# What each list field of the schema can return at most with its arguments left to their defaults
# (a page of 20 when `first` is left out), as its resolver enforces it. A new list field must be
# added here, and to schema/bounds.py.
PAGE = 20
# with this media type a request error is a 400 (with application/json a 200: GraphQL over HTTP)
GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}

# Every list field that takes a `first` argument (with no default of its own) and the edges and nodes of every
# connection and ranking return at most a page: they are read off the schema rather than listed here again.
MOST: dict[str, int] = {
    "Sponsorship.conflictTypes": PAGE,
    "Sponsorship.themes": PAGE,
    "TaskForce.focusesOn": PAGE,
    "Need.metBy": PAGE,
    "ActorCounts.groups": 1000,  # `limit` default
    "ConflictCounts.groups": 1000,
    "Query.experienceLeaders": 100,
    "ExperienceLeaders.leaders": 5,  # `top` default
    "ExperienceLeader.roles": 7,  # one per InvolvementRole
    "ExperienceGaps.gaps": 50,
    "ExperienceGap.uncovered": 10,  # `examples` default
    "Subgraph.nodes": 101,  # `limit` default, and the start node
    "Subgraph.edges": 1010,  # ten per node
    "GraphNode.labels": 2,
    "CooperationPath.actors": 7,  # maxHops up to 6, and both ends
    "CooperationPath.links": 6,
    "ExperiencedActor.evidence": 50,  # TEC_MATCHING_WEIGHTS max_cases is at most 50
    "SponsorCandidate.evidence": 50,
    "ExperiencedActor.scoreFactors": 9,
    "SponsorCandidate.scoreFactors": 9,
    "TaskForceProposal.members": 5,  # `size` default
    "TaskForceProposal.unfilledRoles": 5,
    "TaskForceCreated.unfilledRoles": 5,
    "ProposedMember.cases": 20,
    "Query.conflictTypes": 500,
    "Query.themes": 500,
    "ConflictType.children": 500,
    "ConflictType.facets": 3,
    "ConflictType.aliases": 32,
    "Conflict.mobilisations": 6,
    "Query.sources": 500,
    "Actor.sourceRecords": 20,
    "Conflict.sourceRecords": 20,
    "Project.sourceRecords": 20,
    "Resource.sourceRecords": 20,
    "Territory.neighbours": 100,
    "InvalidTransition.allowed": 5,
    "ValidationFailed.errors": 100,
    "Need.help": 3,  # one per NeedHelp
    "AlertPreferences.conflictTypes": 50,  # setAlertPreferences takes at most 50
    "EventConnection.edges": 20,
    "EventConnection.nodes": 20,
    "Event.records": 20,
    "Event.actors": 100,
    "Query.webhooks": 200,
    "Query.webhookDeliveries": 50,
    "Webhook.kinds": 14,
    "WebhookDelivery.log": 20,
    "AuditEntry.records": 100,  # graph.audit.MAX_RECORDS
    "AuditEntry.fields": 50,  # graph.audit.MAX_FIELDS
    "PersonalDataErased.erasedFields": 3,  # email, phone, contactName
}


def list_fields() -> list[tuple[str, str]]:
    schema = build_schema(Settings())._schema
    found = []
    for type_name, kind in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(kind, GraphQLObjectType | GraphQLInterfaceType):
            continue
        for field_name, field in kind.fields.items():
            if is_list_type(get_nullable_type(field.type)):
                found.append((type_name, field_name))
    return found


def paged_fields(schema: GraphQLSchema) -> dict[str, int]:
    """The list fields that return a page when `first` is left out: PAGE each."""
    found = {}
    for type_name, field_name in list_fields():
        kind = schema.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType | GraphQLInterfaceType)
        first = kind.fields[field_name].args.get("first")
        connection = type_name.endswith(("Connection", "Ranking")) and field_name in ("edges", "nodes")
        if connection or (first is not None and not isinstance(first.default_value, int)):
            found[f"{type_name}.{field_name}"] = PAGE
    return found


def test_every_list_field_of_the_schema_is_priced_at_least_at_what_it_can_return() -> None:
    schema = build_schema(Settings())._schema
    pricing = Pricing(schema)
    fields = list_fields()
    most = {**paged_fields(schema), **MOST}
    assert len(fields) > 60
    unknown = [f"{t}.{f}" for t, f in fields if f"{t}.{f}" not in most]
    assert not unknown, f"list fields without a known cap (add them to MOST and schema/bounds.py): {unknown}"
    for type_name, field_name in fields:
        kind = schema.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType | GraphQLInterfaceType)
        field = kind.fields[field_name]
        defaults = {name: a.default_value for name, a in field.args.items() if isinstance(a.default_value, int)}
        price = pricing.multiplier(type_name, field, field_name, defaults, ())
        assert price >= most[f"{type_name}.{field_name}"], f"{type_name}.{field_name} priced {price}"


def test_a_list_field_missing_from_the_bounds_cannot_be_priced() -> None:
    schema = build_schema(Settings())._schema
    pricing = Pricing(schema, {k: v for k, v in LIST_BOUNDS.items() if k != "Territory.neighbours"})
    with pytest.raises(UnpricedList, match=r"Territory\.neighbours"):
        pricing.price(parse('{ territory(code: "35238") { neighbours { name } } }'), None, None)


NESTED = "query Fan($n: Int, $m: Int = 100) { actors(first: $n) { nodes { conflicts(first: $m) { role } } } }"
LITERAL = "{ actors(first: 100) { nodes { conflicts(first: 100) { role } } } }"


def test_variables_are_priced_at_their_values_and_defaults() -> None:
    pricing = Pricing(build_schema(Settings())._schema)
    literal = pricing.price(parse(LITERAL), None, None)
    assert pricing.price(parse(NESTED), None, {"n": 100}) == literal
    assert pricing.price(parse(NESTED), None, {"n": 100, "m": 100}) == literal
    assert pricing.price(parse(NESTED), None, {"n": 100, "m": 1}) < literal / 50
    assert literal > 100 * 100


def test_fragments_fanning_out_are_priced_in_linear_time_and_in_full() -> None:
    depth = 12
    fragments = [f"fragment F{depth} on Actor {{ name }}"]
    for level in range(depth - 1, -1, -1):
        fragments.append(f"fragment F{level} on Actor {{ ...F{level + 1} ... on Actor {{ ...F{level + 1} }} }}")
    document = parse("{ actors(first: 1) { nodes { ...F0 } } } " + " ".join(fragments))
    pricing = Pricing(build_schema(Settings())._schema)
    assert pricing.price(document, None, None) >= 2**depth  # an upper bound: each spread counts


def test_introspection_is_priced_at_its_exact_size_and_stops_counting_past_the_budget() -> None:
    from graphql import get_introspection_query

    pricing = Pricing(build_schema(Settings())._schema)
    full = pricing.price(parse(get_introspection_query()), None, None)
    assert 5_000 < full < 50_000  # GraphiQL's introspection fits the default budget
    assert 1_000 < pricing.price(parse(get_introspection_query()), None, None, 1_000) <= full


async def test_a_page_size_given_as_a_variable_is_refused_like_the_same_literal(
    store: Store, settings: Settings
) -> None:
    app = create_app(settings.model_copy(update={"max_cost": 5_000}), store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=GRAPHQL_RESPONSE
    ) as http:
        by_variable = await http.post("/graphql", json={"query": NESTED, "variables": {"n": 100}})
        by_literal = await http.post("/graphql", json={"query": LITERAL})
        small = await http.post("/graphql", json={"query": NESTED, "variables": {"n": 2, "m": 3}})
    assert by_variable.status_code == by_literal.status_code == 400
    refused = by_variable.json()["errors"][0]
    assert refused["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert refused["extensions"]["cost"] == by_literal.json()["errors"][0]["extensions"]["cost"]
    assert small.status_code == 200, small.text
    assert small.json()["data"] == {"actors": {"nodes": []}}


async def test_lists_without_first_count_at_their_cap(store: Store, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_cost": 50_000}), store)
    query = '{ territory(code: "35238") { neighbours { neighbours { neighbours { name } } } } }'
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers=GRAPHQL_RESPONSE
    ) as http:
        response = await http.post("/graphql", json={"query": query})
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > 100 * 100 * 100
