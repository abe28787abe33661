"""The text-hygiene rule at the API's entry: names refuse control characters and bidi overrides, free text
keeps newlines and tabs; the field is named and nothing is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from graph.store import Store
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

CREATE = """
mutation($input: CreateActorInput!) {
  createActor(input: $input) {
    __typename
    ... on ActorCreated { actor { name description } }
    ... on ValidationFailed { errors { field message } }
  }
}
"""


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("Collectif\x00Vilaine", "U+0000 (NUL)"),
        ("Collectif \x1b[31mVilaine", "U+001B (ESC)"),
        ("Abc\u202eenilaV", "U+202E"),
    ],
)
async def test_a_name_with_a_control_character_is_refused_with_the_field_named(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]], name: str, shown: str
) -> None:
    response = await gql(CREATE, {"input": {"name": name, "kind": "ASSOCIATION"}}, token=await api_key("admin"))
    result = response.json()["data"]["createActor"]
    assert result["__typename"] == "ValidationFailed"
    (error,) = result["errors"]
    assert error["field"] == "name"
    assert shown in error["message"]
    assert await store.read("tests.count", "MATCH (a:Actor) RETURN count(a) AS n", {}) == [{"n": 0}]


async def test_free_text_keeps_newlines_and_tabs_and_refuses_other_controls(
    gql: GraphQL, api_key: Callable[..., Awaitable[str]]
) -> None:
    token = await api_key("admin")
    kept = await gql(
        CREATE,
        {"input": {"name": "Collectif Vilaine", "kind": "ASSOCIATION", "description": "Ligne 1\nLigne\t2"}},
        token=token,
    )
    assert kept.json()["data"]["createActor"]["actor"] == {
        "name": "Collectif Vilaine",
        "description": "Ligne 1\nLigne\t2",
    }
    bell = await gql(
        CREATE, {"input": {"name": "Collectif Rance", "kind": "ASSOCIATION", "description": "Alerte\x07"}}, token=token
    )
    (error,) = bell.json()["data"]["createActor"]["errors"]
    assert error["field"] == "description"
    assert "U+0007" in error["message"]
