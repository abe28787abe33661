"""A bounded fuzz run: hypothesis-graphql writes documents for every query and mutation, and none may
make the service fail (no HTTP 5xx, no INTERNAL_SERVER_ERROR), anonymous or with an admin key.

Each generated document is sent twice: as written (argument values as literals), and with every
string literal lifted into a variable whose value may be swapped for hostile text (lone
surrogates, control characters, very long words). Documents are drawn for one operation (root
field) at a time, `FUZZ_EXAMPLES` of each (default 20: with 64 operations, about 2,500 documents);
the run is derandomized, so it is the same every time, and `make fuzz` runs a long one. It prints
its figures (operations, documents, statuses, error codes, seconds).
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import graphql
import httpx
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import strategies as gql_st

from graph.store import Store
from resolvers.root.schema import build_schema
from tec.app.main import create_app
from tec.settings import Settings
from tests.domain import BREST, NANTES, RENNES, SAINT_MALO, involve, make_actor, make_call, make_conflict

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))  # per operation; each is sent twice

HOSTILE_TEXT = st.one_of(
    st.text(st.characters(min_codepoint=0, max_codepoint=0xFFFF, exclude_categories=()), max_size=30),
    st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=()), min_size=1, max_size=3),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=10),
    st.integers(100, 3000).map(lambda n: "x" * n),
    st.sampled_from(["", " ", "\x00", "*", '"', "\\", "' OR 1=1 --", "`a`", "+(a*", "Actor:", "QWN0b3I6"]),
)


def _string_node(text: str) -> graphql.ValueNode:
    return graphql.StringValueNode(value=text)


CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "Date": st.one_of(st.dates().map(date.isoformat), HOSTILE_TEXT).map(_string_node),
    "JSON": st.one_of(st.integers(), HOSTILE_TEXT).map(
        lambda v: graphql.IntValueNode(value=str(v)) if isinstance(v, int) else _string_node(v)
    ),
}


def _type_node(type_: graphql.GraphQLInputType) -> graphql.TypeNode:
    if isinstance(type_, graphql.GraphQLNonNull):
        inner = _type_node(type_.of_type)
        assert isinstance(inner, graphql.NamedTypeNode | graphql.ListTypeNode)
        return graphql.NonNullTypeNode(type=inner)
    if isinstance(type_, graphql.GraphQLList):
        return graphql.ListTypeNode(type=_type_node(type_.of_type))
    assert isinstance(type_, graphql.GraphQLNamedType)
    return graphql.NamedTypeNode(name=graphql.NameNode(value=type_.name))


def lift_strings(schema: graphql.GraphQLSchema, document: graphql.DocumentNode) -> tuple[str, dict[str, str]]:
    """The document with each string literal turned into a variable of the argument's type, and
    the variables' values (the literals)."""
    type_info = graphql.TypeInfo(schema)
    definitions: list[graphql.VariableDefinitionNode] = []
    values: dict[str, str] = {}

    class Lift(graphql.Visitor):
        def enter_string_value(self, node: graphql.StringValueNode, *_: Any) -> graphql.VariableNode | None:
            input_type = type_info.get_input_type()
            if input_type is None:
                return None
            name = f"v{len(values)}"
            values[name] = node.value
            definitions.append(
                graphql.VariableDefinitionNode(
                    variable=graphql.VariableNode(name=graphql.NameNode(value=name)), type=_type_node(input_type)
                )
            )
            return graphql.VariableNode(name=graphql.NameNode(value=name))

    edited = graphql.visit(document, graphql.TypeInfoVisitor(type_info, Lift()))
    operation = edited.definitions[0]
    assert isinstance(operation, graphql.OperationDefinitionNode)
    lifted = graphql.OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=tuple(definitions),
        directives=operation.directives,
        selection_set=operation.selection_set,
    )
    return graphql.print_ast(graphql.DocumentNode(definitions=(lifted,))), values


@dataclass
class Tally:
    operations: int = 0
    documents: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def record(self, body: dict[str, Any], response: httpx.Response) -> None:
        self.documents += 1
        self.statuses[response.status_code] += 1
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        codes = [str((e.get("extensions") or {}).get("code")) for e in answer.get("errors") or []]
        self.codes.update(codes)
        if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in codes or not isinstance(answer, dict):
            request = json.dumps(body, ensure_ascii=True)[:3000]
            self.failures.append(f"HTTP {response.status_code} for {request}\n→ {response.text[:1500]}")


async def _network(store: Store) -> None:
    """A small graph so that reads find something: actors, conflicts with roles, a call for commons."""
    rennes = await make_actor(store, "Ville de Rennes", kind="COLLECTIVITE", based_in=RENNES)
    mediators = await make_actor(store, "Médiateurs de l'Ouest", description="médiation éolien", based_in=NANTES)
    brest = await make_actor(store, "Collectif du Port", kind="COLLECTIF_CITOYEN", based_in=BREST)
    wind = await make_conflict(store, "Parc éolien de la Rance", territory=SAINT_MALO)
    quarry = await make_conflict(store, "Carrière de Brest", type_code="QUARRY", territory=BREST)
    await involve(store, mediators, wind, "MEDIATOR", 2021)
    await involve(store, rennes, wind, "PUBLIC_AUTHORITY", 2020)
    await involve(store, brest, quarry, "OPPONENT", 2022)
    await make_call(store, "Appel à communs 2026")


def _run(
    kind: str,
    schema: graphql.GraphQLSchema,
    send: Callable[[dict[str, Any], bool], Coroutine[Any, Any, httpx.Response]],
    loop: asyncio.AbstractEventLoop,
    tally: Tally,
) -> None:
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    build = gql_st.queries if kind == "query" else gql_st.mutations

    def call(body: dict[str, Any], admin: bool) -> None:
        response = asyncio.run_coroutine_threadsafe(send(body, admin), loop).result(timeout=120)
        tally.record(body, response)

    # One run per operation: every one gets its share, and a document of one root field costs
    # hypothesis-graphql a fifth of the time of one drawn over the whole schema.
    for name in sorted(root.fields):
        documents = build(schema, fields=[name], custom_scalars=CUSTOM_SCALARS, codec=None, print_ast=lambda node: node)

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(document=documents, admin=st.booleans(), data=st.data())
        def fuzz(document: graphql.DocumentNode, admin: bool, data: st.DataObject) -> None:
            call({"query": graphql.print_ast(document)}, admin)
            lifted, values = lift_strings(schema, document)
            variables = {key: data.draw(st.one_of(st.just(value), HOSTILE_TEXT)) for key, value in values.items()}
            call({"query": lifted, "variables": variables}, admin)

        fuzz()
        tally.operations += 1


@pytest_asyncio.fixture
async def client(store: Store, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The service without rate limits (tested in test_ratelimits.py): every document is answered, none
    is turned away with a 429 before it reaches the code under test."""
    app = create_app(settings.model_copy(update={"rate_limit": 0}), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


@pytest.mark.parametrize("kind", ["query", "mutation"])
async def test_no_generated_document_makes_the_service_fail(
    kind: str,
    client: httpx.AsyncClient,
    store: Store,
    settings: Settings,
    reference_data: None,
    api_key: Callable[..., Awaitable[str]],
) -> None:
    await _network(store)
    admin_token = await api_key("admin")
    schema = build_schema(settings)._schema

    async def send(body: dict[str, Any], admin: bool) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if admin:
            headers["authorization"] = f"Bearer {admin_token}"
        return await client.post("/graphql", content=json.dumps(body).encode(), headers=headers)

    tally = Tally()
    started = time.perf_counter()
    await asyncio.to_thread(_run, kind, schema, send, asyncio.get_running_loop(), tally)
    seconds = time.perf_counter() - started
    print(
        f"\nfuzz {kind}: {tally.documents} documents over {tally.operations} operations in {seconds:.0f} s; "
        f"HTTP {dict(sorted(tally.statuses.items()))}; "
        f"codes {dict(tally.codes.most_common())}; {len(tally.failures)} failures"
    )
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    assert tally.operations == len(root.fields) > 20
    # two sends an example; an operation with few possible documents may have fewer examples
    assert tally.documents >= EXAMPLES * tally.operations
    assert "RATE_LIMITED" not in tally.codes
    assert not tally.failures, f"{len(tally.failures)} failing documents; the first:\n{tally.failures[0]}"
