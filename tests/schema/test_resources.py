"""The resource centre and the blog: search, filters, newest first, and editors adding resources."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import gid, make_actor, make_conflict, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

LIST = """
query($where: ResourceWhere, $search: String, $orderBy: ResourceSort) {
  resources(where: $where, search: $search, orderBy: $orderBy) { totalCount nodes { title kind publishedOn } }
}"""


async def _titles(gql: GraphQL, **variables: Any) -> list[str]:
    body = (await gql(LIST, variables)).json()
    assert "errors" not in body, body
    return [node["title"] for node in body["data"]["resources"]["nodes"]]


async def test_resources_search_filter_and_sort(gql: GraphQL, store: Store) -> None:
    author = await make_actor(store, "Bureau d'études Concertation Ouest")
    conflict = await make_conflict(store, "Parc éolien de la Lande")
    await make_resource(
        store,
        "Guide de la concertation préalable",
        themes=("CONCERTATION",),
        published_on=date(2023, 5, 1),
        authors=(author,),
    )
    await make_resource(
        store,
        "Éoliennes : réussir le dialogue",
        kind="ARTICLE",
        conflict_types=("ENERGY",),
        published_on=date(2025, 2, 1),
        documents=(conflict,),
    )
    await make_resource(store, "Outil de cartographie des usages", kind="TOOL", published_on=None)
    assert await _titles(gql) == [
        "Éoliennes : réussir le dialogue",
        "Guide de la concertation préalable",
        "Outil de cartographie des usages",
    ]
    assert (await _titles(gql, orderBy="TITLE"))[0] == "Éoliennes : réussir le dialogue"
    assert await _titles(gql, where={"kinds": ["ARTICLE"]}) == ["Éoliennes : réussir le dialogue"]
    assert await _titles(gql, where={"themes": ["CONCERTATION"]}) == ["Guide de la concertation préalable"]
    assert await _titles(gql, where={"conflictTypes": ["ONSHORE_WIND"]}) == ["Éoliennes : réussir le dialogue"]
    assert await _titles(gql, where={"territory": "35"}) == ["Éoliennes : réussir le dialogue"]
    assert await _titles(gql, where={"author": gid("Actor", author)}) == ["Guide de la concertation préalable"]
    assert await _titles(gql, where={"publishedFrom": "2024-01-01"}) == ["Éoliennes : réussir le dialogue"]
    assert await _titles(gql, search="EOLIENNE dialogues") == ["Éoliennes : réussir le dialogue"]
    assert await _titles(gql, search="concertations") == ["Guide de la concertation préalable"]


CREATE = """
mutation($input: CreateResourceInput!) {
  createResource(input: $input) {
    __typename
    ... on ResourceCreated { resource { id title kind language themes { code } conflictTypes { code } } }
    ... on ValidationFailed { errors { field message } }
  }
}"""


async def test_an_editor_publishes_a_blog_article_and_it_is_searchable(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("editor", source="blog")
    payload = {
        "title": "Médiation : trois leçons des méga-bassines",
        "kind": "ARTICLE",
        "url": "https://territoires-en-commun.fr/blog/bassines",
        "summary": "Ce que les médiations sur l'eau nous apprennent.",
        "publishedOn": "2026-03-10",
        "themes": ["MEDIATION"],
        "conflictTypes": ["IRRIGATION_RESERVOIR"],
    }
    result = (await gql(CREATE, {"input": payload}, token=token)).json()["data"]["createResource"]
    assert result["__typename"] == "ResourceCreated"
    assert result["resource"]["language"] == "fr"
    assert result["resource"]["themes"] == [{"code": "MEDIATION"}]
    assert result["resource"]["conflictTypes"] == [{"code": "IRRIGATION_RESERVOIR"}]
    assert await _titles(gql, search="bassines mediations") == ["Médiation : trois leçons des méga-bassines"]


async def test_a_resource_with_a_bad_url_and_unknown_theme_writes_nothing(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("editor")
    bad_url = {"title": "Guide", "kind": "GUIDE", "url": "ftp:/nope", "language": "French"}
    result = (await gql(CREATE, {"input": bad_url}, token=token)).json()["data"]["createResource"]
    assert {e["field"] for e in result["errors"]} == {"url", "language"}
    unknown = {"title": "Guide", "kind": "GUIDE", "themes": ["CONCERTATION", "NOPE"]}
    result = (await gql(CREATE, {"input": unknown}, token=token)).json()["data"]["createResource"]
    assert result["errors"] == [{"field": "themes", "message": "No theme has the code 'NOPE'."}]
    assert (await store.read("t", "MATCH (r:Resource) RETURN count(r) AS n"))[0]["n"] == 0
