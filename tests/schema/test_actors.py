"""The first vertical slice: actors through GraphQL, on a real Neo4j."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")  # real communes (35238 Rennes); never overwrite them

CREATE = """
mutation Create($input: CreateActorInput!) {
  createActor(input: $input) {
    __typename
    ... on ActorCreated { actor { id name kind basedIn { code name } } }
    ... on ValidationFailed { message errors { field message } }
    ... on Forbidden { message }
  }
}
"""


async def count_actors(store: Store) -> int:
    rows = await store.read("tests.count", "MATCH (a:Actor) RETURN count(a) AS n")
    return int(rows[0]["n"])


async def test_an_editor_creates_an_actor_based_in_a_commune(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    token = await api_key("editor")
    payload = {"name": "Association Bretonne de Médiation", "kind": "ASSOCIATION", "basedIn": "35238"}
    response = await gql(CREATE, {"input": payload}, token=token)
    result = response.json()["data"]["createActor"]
    assert result["__typename"] == "ActorCreated"
    assert result["actor"]["name"] == "Association Bretonne de Médiation"
    assert result["actor"]["basedIn"] == {"code": "35238", "name": "Rennes"}
    rows = await store.read(
        "tests.actor", "MATCH (a:Actor)-[:BASED_IN]->(t) RETURN a.createdBy AS by, a.createdAt AS at, t.code AS code"
    )
    assert rows[0]["code"] == "35238"
    assert rows[0]["by"].startswith("apikey:")
    assert rows[0]["at"] is not None


async def test_invalid_input_gets_field_messages_and_writes_nothing(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    token = await api_key("editor")
    payload = {
        "name": "X",
        "kind": "ASSOCIATION",
        "website": "not a url",
        "siren": "123456789",
        "rna": "12345",
        "email": "nobody-at-example",
        "basedIn": "Rennes",
    }
    response = await gql(CREATE, {"input": payload}, token=token)
    result = response.json()["data"]["createActor"]
    assert result["__typename"] == "ValidationFailed"
    fields = {error["field"]: error["message"] for error in result["errors"]}
    assert set(fields) == {"name", "website", "siren", "rna", "email", "basedIn"}
    assert "at least 2 characters" in fields["name"]
    assert "check digit" in fields["siren"]
    assert "W followed by 9 digits" in fields["rna"]
    assert await count_actors(store) == 0


async def test_an_unknown_commune_is_refused_and_nothing_is_written(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    token = await api_key("admin")
    payload = {"name": "Collectif du Lac", "kind": "COLLECTIF_CITOYEN", "basedIn": "99999"}
    result = (await gql(CREATE, {"input": payload}, token=token)).json()["data"]["createActor"]
    assert result["__typename"] == "ValidationFailed"
    assert result["errors"][0]["field"] == "basedIn"
    assert "99999" in result["errors"][0]["message"]
    assert await count_actors(store) == 0


async def test_anonymous_and_readers_cannot_write(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    payload = {"name": "Mairie de Nulle Part", "kind": "COLLECTIVITE"}
    anonymous = (await gql(CREATE, {"input": payload})).json()["data"]["createActor"]
    reader = (await gql(CREATE, {"input": payload}, token=await api_key("reader"))).json()["data"]["createActor"]
    assert anonymous["__typename"] == "Forbidden"
    assert reader["__typename"] == "Forbidden"
    assert "editor" in anonymous["message"]
    assert await count_actors(store) == 0


async def _create(gql: GraphQL, token: str, **fields: Any) -> dict[str, Any]:
    response = await gql(CREATE, {"input": {"kind": "ASSOCIATION", **fields}}, token=token)
    actor: dict[str, Any] = response.json()["data"]["createActor"]["actor"]
    return actor


async def test_actors_page_through_a_relay_connection(gql: GraphQL, api_key: Callable[..., Awaitable[str]]) -> None:
    token = await api_key("editor")
    names = [f"Association {letter}" for letter in "EDCBA"]
    for name in names:
        await _create(gql, token, name=name)
    query = """
    query Page($after: String) {
      actors(first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { name } }
      }
    }"""
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql(query, {"after": after})).json()["data"]["actors"]
        assert page["totalCount"] == 5
        seen += [edge["node"]["name"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == sorted(names)
    assert pages == 3


async def test_a_forged_cursor_is_refused_with_a_clear_message(gql: GraphQL) -> None:
    body = (await gql('{ actors(after: "bm90LWEtY3Vyc29y") { totalCount } }')).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "cursor" in body["errors"][0]["message"]


async def test_node_finds_an_actor_by_its_global_id(gql: GraphQL, api_key: Callable[..., Awaitable[str]]) -> None:
    actor = await _create(gql, await api_key("editor"), name="Réseau des Tiers-Lieux")
    query = "query N($id: ID!) { node(id: $id) { __typename ... on Actor { name } } }"
    found = (await gql(query, {"id": actor["id"]})).json()["data"]["node"]
    assert found == {"__typename": "Actor", "name": "Réseau des Tiers-Lieux"}
    missing = (await gql(query, {"id": "QWN0b3I6bm8tc3VjaC1pZA=="})).json()
    assert missing["data"]["node"] is None


async def test_contact_fields_need_a_role(gql: GraphQL, api_key: Callable[..., Awaitable[str]]) -> None:
    await _create(gql, await api_key("editor"), name="Médiateurs Associés", email="contact@mediateurs.example.fr")
    query = "{ actors { edges { node { name email } } } }"
    anonymous = (await gql(query)).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["data"]["actors"]["edges"][0]["node"]["email"] is None
    reader = (await gql(query, token=await api_key("reader"))).json()
    assert "errors" not in reader
    assert reader["data"]["actors"]["edges"][0]["node"]["email"] == "contact@mediateurs.example.fr"
