"""A list page fetches its nodes' relationship fields in its own query (`graph.listing`, `schema.related`):
the answers are those the fields' own loaders give when each record is asked alone, in one round trip."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import RENNES, gid, involve, make_actor, make_conflict, make_project, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")

BREST = "29019"

ACTOR_FIELDS = """
  id name
  basedIn { code name }
  themes { code }
  firstTheme: themes(first: 1) { code }
  conflicts { role conflict { id title } }
  mediated: conflicts(roles: [MEDIATOR]) { conflict { title } }
"""
CONFLICT_FIELDS = "id title type { code } territory { code } actors { role actor { name } } resources { title }"
PROJECT_FIELDS = "id title territory { code } themes { code } actors { role actor { name } } resources { title }"
RESOURCE_FIELDS = (
    "id title authors { name } themes { code } conflictTypes { code } conflicts { title } projects { title }"
)


async def _build(store: Store) -> dict[str, str]:
    ids = {
        "rennes": await make_actor(store, "Collectif concertation Rennes", based_in=RENNES),
        "brest": await make_actor(store, "Association concertation Brest", based_in=BREST),
        "nowhere": await make_actor(store, "Réseau concertation sans base", based_in=None),
    }
    await store.write(
        "tests.themes",
        "MATCH (a:Actor {id: $a}) UNWIND ['WATER', 'ENERGY', 'BIODIVERSITY'] AS code "
        "MATCH (t:Theme {code: code}) CREATE (a)-[:WORKS_ON]->(t)",
        {"a": ids["rennes"]},
    )
    old = await make_conflict(store, "Éoliennes de la Prévalaye", started_on=date(2019, 5, 1))
    new = await make_conflict(store, "Carrière de Brest", type_code="QUARRY", territory=BREST)
    await involve(store, ids["rennes"], old, "MEDIATOR")
    await involve(store, ids["rennes"], new, "OPPONENT")
    await involve(store, ids["brest"], new, "PROJECT_OWNER")
    project = await make_project(store, "Parc éolien citoyen", runs=(ids["rennes"],))
    await store.write(
        "tests.projectTheme",
        "MATCH (p:Project {id: $p}), (t:Theme {code: 'ENERGY'}) CREATE (p)-[:ABOUT]->(t)",
        {"p": project},
    )
    await make_resource(
        store,
        "Guide de la concertation éolienne",
        themes=("ENERGY", "WATER"),
        conflict_types=("ONSHORE_WIND",),
        authors=(ids["rennes"], ids["brest"]),
        documents=(old, project),
    )
    return ids


async def _page(gql: GraphQL, field: str, fields: str) -> tuple[list[dict[str, Any]], int]:
    response = await gql(f"{{ {field}(first: 10) {{ edges {{ node {{ {fields} }} }} }} }}")
    body = response.json()
    assert "errors" not in body, body
    return [edge["node"] for edge in body["data"][field]["edges"]], int(response.headers["x-db-round-trips"])


async def _alone(gql: GraphQL, type_name: str, node_id: str, fields: str) -> dict[str, Any]:
    """The same fields of one record asked through `node(id:)`: each relationship field through its loader."""
    response = await gql(
        f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} {{ {fields} }} }} }}", {"id": node_id}
    )
    body = response.json()
    assert "errors" not in body, body
    node: dict[str, Any] = body["data"]["node"]
    return node


async def test_a_page_of_actors_answers_their_fields_as_each_actor_alone_in_fewer_round_trips(
    gql: GraphQL, store: Store
) -> None:
    ids = await _build(store)
    nodes, trips = await _page(gql, "actors", ACTOR_FIELDS)
    assert {node["id"] for node in nodes} == {gid("Actor", value) for value in ids.values()}
    # one round trip for the page and its unfiltered fields, one for the field with a `roles` filter
    assert trips == 2
    for node in nodes:
        assert node == await _alone(gql, "Actor", node["id"], ACTOR_FIELDS)
    by_name = {node["name"]: node for node in nodes}
    rennes = by_name["Collectif concertation Rennes"]
    assert rennes["basedIn"]["code"] == RENNES
    assert [theme["code"] for theme in rennes["themes"]] == ["BIODIVERSITY", "ENERGY", "WATER"]
    assert rennes["firstTheme"] == [{"code": "BIODIVERSITY"}]
    # newest first: the Brest quarry (2021) before the Prévalaye wind farm (2019)
    assert [item["role"] for item in rennes["conflicts"]] == ["OPPONENT", "MEDIATOR"]
    assert rennes["mediated"] == [{"conflict": {"title": "Éoliennes de la Prévalaye"}}]
    assert by_name["Réseau concertation sans base"]["basedIn"] is None
    assert by_name["Association concertation Brest"]["themes"] == []


async def test_pages_of_conflicts_projects_and_resources_answer_their_fields_as_each_record_alone(
    gql: GraphQL, store: Store
) -> None:
    await _build(store)
    for field, type_name, fields, count in (
        ("conflicts", "Conflict", CONFLICT_FIELDS, 2),
        ("projects", "Project", PROJECT_FIELDS, 1),
        ("resources", "Resource", RESOURCE_FIELDS, 1),
    ):
        nodes, trips = await _page(gql, field, fields)
        assert len(nodes) == count, field
        assert trips == 1, field  # every field of these nodes came with the page
        for node in nodes:
            assert node == await _alone(gql, type_name, node["id"], fields), field
    conflicts, _ = await _page(gql, "conflicts", CONFLICT_FIELDS)
    quarry = next(node for node in conflicts if node["title"] == "Carrière de Brest")
    assert quarry["type"] == {"code": "QUARRY"}
    assert quarry["territory"] == {"code": BREST}
    assert sorted(item["role"] for item in quarry["actors"]) == ["OPPONENT", "PROJECT_OWNER"]
    resources, _ = await _page(gql, "resources", RESOURCE_FIELDS)
    assert sorted(author["name"] for author in resources[0]["authors"]) == [
        "Association concertation Brest",
        "Collectif concertation Rennes",
    ]
    assert resources[0]["projects"] == [{"title": "Parc éolien citoyen"}]
