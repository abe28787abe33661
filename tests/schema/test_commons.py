"""Projects and calls for commons through GraphQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import RENNES, gid, make_actor, make_call, make_project

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]


async def test_open_calls_list_their_applications(gql: GraphQL, store: Store) -> None:
    garden = await make_project(store, "Jardins partagés de Rennes")
    lab = await make_project(store, "Fablab rural")
    await make_call(
        store,
        "Appel à communs 2026",
        applications=((garden, "SELECTED"), (lab, "SUBMITTED")),
    )
    await make_call(store, "Appel à communs 2024", opens_on=date(2024, 1, 1), closes_on=date(2024, 6, 30))
    query = """
    query { commonsCalls(where: {openOn: "2026-05-01"}) {
      totalCount nodes { title selected: applications(statuses: [SELECTED]) { project { title } } } } }"""
    body = (await gql(query)).json()
    assert body["data"]["commonsCalls"] == {
        "totalCount": 1,
        "nodes": [
            {"title": "Appel à communs 2026", "selected": [{"project": {"title": "Jardins partagés de Rennes"}}]}
        ],
    }


async def test_projects_are_created_listed_and_filtered(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    runner = await make_actor(store, "Collectif des jardins")
    token = await api_key("editor", actor_id=runner)
    create = """
    mutation($input: CreateProjectInput!) {
      createProject(input: $input) {
        __typename ... on ProjectCreated { project { id title territory { code } themes { code } } }
      }
    }"""
    payload = {
        "title": "Budget participatif des quartiers",
        "kind": "PARTICIPATORY_PROCESS",
        "territory": RENNES,
        "themes": ["PARTICIPATION"],
        "startedOn": "2025-09-01",
    }
    created = (await gql(create, {"input": payload}, token=token)).json()["data"]["createProject"]
    assert created["project"]["territory"] == {"code": RENNES}
    assert created["project"]["themes"] == [{"code": "PARTICIPATION"}]
    link = """
    mutation($input: ProjectActorInput!) { linkProjectActor(input: $input) { __typename } }"""
    linked = await gql(
        link,
        {"input": {"actorId": gid("Actor", runner), "projectId": created["project"]["id"], "role": "RUNS"}},
        token=token,
    )
    assert linked.json()["data"]["linkProjectActor"]["__typename"] == "LinkSaved"
    await make_project(store, "Parc éolien citoyen", kind="COMMONS", territory="44109")
    query = """
    query($where: ProjectWhere) { projects(where: $where) { nodes { title actors { role actor { name } } } } }"""
    body = (await gql(query, {"where": {"territory": "35", "themes": ["PARTICIPATION"]}})).json()
    assert body["data"]["projects"]["nodes"] == [
        {
            "title": "Budget participatif des quartiers",
            "actors": [{"role": "RUNS", "actor": {"name": "Collectif des jardins"}}],
        }
    ]
    mine = (await gql(query, {"where": {"actor": gid("Actor", runner)}})).json()
    assert [node["title"] for node in mine["data"]["projects"]["nodes"]] == ["Budget participatif des quartiers"]
