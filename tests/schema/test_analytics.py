"""The analyst API through GraphQL: aggregates in one database round trip, gaps, neighbourhoods, paths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry import relay

from graph.exploration import RELATIONSHIP_TYPES
from graph.store import Store
from schema.exploration import GraphRelationshipType
from tests.analyst_graph import add_actor, add_conflict, involve, link
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

ApiKey = Callable[..., Awaitable[str]]


def actor_gid(actor_id: str) -> str:
    return relay.to_base64("Actor", actor_id)


async def ok(gql: GraphQL, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> Any:
    response = await gql(query, variables, token=token)
    body = response.json()
    assert "errors" not in body, body["errors"]
    assert response.headers["x-db-round-trips"] == "1"  # one query, whatever the number of groups
    return body["data"]


async def build_wind(store: Store) -> dict[str, str]:
    brest = await add_conflict(store, "Éoliennes de la rade", "ONSHORE_WIND", "29019", 2016)
    quimper = await add_conflict(store, "Parc de l'Odet", "ONSHORE_WIND", "29232", 2018, "SETTLED")
    amiens = await add_conflict(store, "Éoliennes du plateau", "ONSHORE_WIND", "80021", 2017)
    await add_conflict(store, "Parc de la Somme", "ONSHORE_WIND", "80001", 2017, "ABANDONED")
    await add_conflict(store, "Éolien du Goëlo", "ONSHORE_WIND", "22278", 2012, "SETTLED")
    await add_conflict(store, "Éolien en baie", "OFFSHORE_WIND", "22278", 2019)
    mediator = await add_actor(store, "Médiations de l'Ouest", "BUREAU_ETUDES", "35238", email="ouest@example.fr")
    for case in (brest, quimper, amiens):
        await involve(store, mediator, case, "MEDIATOR")
    return {"mediator": mediator, "brest": brest}


COUNTS = """
query Counts($where: ConflictCountWhere, $level: TerritoryLevel, $typeLevel: TaxonomyLevel!, $byYear: Boolean!) {
  conflictCounts(where: $where, territoryLevel: $level, typeLevel: $typeLevel, byYear: $byYear) {
    totalConflicts groupCount
    groups { conflictType { code label } territory { code name level } year conflicts }
  }
}"""


async def test_conflict_counts_by_region_and_year(gql: GraphQL, store: Store) -> None:
    await build_wind(store)
    variables = {"where": {"conflictType": "ONSHORE_WIND", "since": 2015}, "level": "REGION", "typeLevel": "TYPE"}
    data = await ok(gql, COUNTS, {**variables, "byYear": True})
    counts = data["conflictCounts"]
    assert counts["totalConflicts"] == 4
    assert [(g["territory"]["name"], g["year"], g["conflicts"]) for g in counts["groups"]] == [
        ("Hauts-de-France", 2017, 2),
        ("Bretagne", 2016, 1),
        ("Bretagne", 2018, 1),
    ]
    assert counts["groups"][0]["conflictType"] == {"code": "ONSHORE_WIND", "label": "Parc éolien terrestre"}


async def test_conflict_counts_roll_up_with_status_filter(gql: GraphQL, store: Store) -> None:
    await build_wind(store)
    variables = {
        "where": {"family": "AMENAGEMENT", "statuses": ["ACTIVE", "SETTLED"]},
        "level": "DEPARTEMENT",
        "typeLevel": "CATEGORY",
        "byYear": False,
    }
    groups = (await ok(gql, COUNTS, variables))["conflictCounts"]["groups"]
    assert {(g["conflictType"]["code"], g["territory"]["code"]): g["conflicts"] for g in groups} == {
        ("ENERGY", "29"): 2,
        ("ENERGY", "22"): 2,
        ("ENERGY", "80"): 1,  # the abandoned Somme case is filtered out
    }
    unknown = (await gql(COUNTS, {**variables, "where": {"conflictType": "EOLIEN"}})).json()
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_actor_counts_and_experience_leaders(gql: GraphQL, store: Store) -> None:
    await build_wind(store)
    await add_actor(store, "Ville de Brest", "COLLECTIVITE", "29019")
    await add_actor(store, "Picardie Nature", "ASSOCIATION", "80021")
    data = await ok(
        gql,
        "{ actorCounts(territoryLevel: REGION) { totalActors groups { kind territory { code } actors } } }",
    )
    groups = {(g["kind"], g["territory"]["code"]): g["actors"] for g in data["actorCounts"]["groups"]}
    assert groups == {("BUREAU_ETUDES", "53"): 1, ("COLLECTIVITE", "53"): 1, ("ASSOCIATION", "32"): 1}
    query = """{ experienceLeaders(conflictType: "ENERGY", typeLevel: CATEGORY, top: 3) {
        conflictType { code } territory { name } actorCount
        leaders { actor { name } cases roles lastYear } } }"""
    leaders = (await ok(gql, query))["experienceLeaders"]  # by type code, then territory code
    assert [(g["territory"]["name"], g["leaders"]) for g in leaders] == [
        (
            "Hauts-de-France",
            [{"actor": {"name": "Médiations de l'Ouest"}, "cases": 1, "roles": ["MEDIATOR"], "lastYear": 2017}],
        ),
        (
            "Bretagne",
            [{"actor": {"name": "Médiations de l'Ouest"}, "cases": 2, "roles": ["MEDIATOR"], "lastYear": 2018}],
        ),
    ]


async def test_experience_gaps_through_graphql(gql: GraphQL, store: Store) -> None:
    await build_wind(store)
    query = """{ experienceGaps(conflictType: "ONSHORE_WIND", territoryLevel: DEPARTEMENT, radiusKm: 60, since: 2017) {
        conflictType { label } radiusKm since
        gaps { territory { code name } conflicts uncoveredCount
               uncovered { conflict { title status year } nearestHelpKm } } } }"""
    gaps = (await ok(gql, query))["experienceGaps"]
    assert gaps["conflictType"]["label"] == "Parc éolien terrestre"
    # The mediator (based in Rennes) lived the Brest, Quimper and Amiens cases. Help for a case must come
    # from another case or the base: Brest and Quimper help each other (54 km), Abbeville has Amiens
    # (40 km), but Amiens' nearest help is the mediator's base in Rennes, 352 km away.
    assert [(g["territory"]["code"], g["uncoveredCount"], g["conflicts"]) for g in gaps["gaps"]] == [("80", 1, 2)]
    assert gaps["gaps"][0]["uncovered"] == [
        {"conflict": {"title": "Éoliennes du plateau", "status": "ACTIVE", "year": 2017}, "nearestHelpKm": 351.7}
    ]
    narrow = (await ok(gql, query.replace("radiusKm: 60", "radiusKm: 30")))["experienceGaps"]["gaps"]
    assert [(g["territory"]["code"], g["uncoveredCount"], g["conflicts"]) for g in narrow] == [
        ("29", 2, 2),
        ("80", 2, 2),
    ]
    assert [case["nearestHelpKm"] for case in narrow[0]["uncovered"]] == [54.3, 54.3]


NEIGHBOURHOOD = """
query N($id: ID!, $depth: Int!, $types: [GraphRelationshipType!], $limit: Int!) {
  neighbourhood(id: $id, depth: $depth, relationshipTypes: $types, limit: $limit) {
    __typename
    ... on Subgraph { truncated nodes { id key labels label depth properties } edges { type source target properties } }
    ... on NotFound { message }
  }
}"""


async def test_neighbourhood_is_a_drawable_subgraph(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    ids = await build_wind(store)
    network = await add_actor(store, "Réseau Éolien Citoyen", "RESEAU", None, actor_id="r-network")
    await link(store, ids["mediator"], network, "MEMBER_OF")
    variables = {"id": actor_gid(ids["mediator"]), "depth": 2, "types": ["MEMBER_OF", "INVOLVED_IN", "OF_TYPE"]}
    sub = (await ok(gql, NEIGHBOURHOOD, {**variables, "limit": 100}))["neighbourhood"]
    assert sub["__typename"] == "Subgraph"
    labels = {node["label"]: node for node in sub["nodes"]}
    assert set(labels) == {
        "Médiations de l'Ouest",
        "Réseau Éolien Citoyen",
        "Éoliennes de la rade",
        "Parc de l'Odet",
        "Éoliennes du plateau",
        "Parc éolien terrestre",
    }
    assert labels["Parc éolien terrestre"]["depth"] == 2
    assert labels["Éoliennes de la rade"]["properties"]["location"] == {"lat": 48.40037, "lon": -4.50235}
    assert "email" not in labels["Médiations de l'Ouest"]["properties"]
    node_ids = {node["id"] for node in sub["nodes"]}
    assert all(edge["source"] in node_ids and edge["target"] in node_ids for edge in sub["edges"])
    assert sorted(edge["type"] for edge in sub["edges"]) == ["INVOLVED_IN"] * 3 + ["MEMBER_OF"] + ["OF_TYPE"] * 3
    involved = next(edge for edge in sub["edges"] if edge["type"] == "INVOLVED_IN")
    assert involved["properties"] == {"role": "MEDIATOR"}
    cut = (await ok(gql, NEIGHBOURHOOD, {**variables, "limit": 2}))["neighbourhood"]
    assert len(cut["nodes"]) == 3
    assert cut["truncated"] is True
    reader = (await gql(NEIGHBOURHOOD, {**variables, "limit": 2}, token=await api_key("reader"))).json()
    start = next(node for node in reader["data"]["neighbourhood"]["nodes"] if node["depth"] == 0)
    assert start["properties"]["email"] == "ouest@example.fr"


async def test_neighbourhood_refusals(gql: GraphQL, store: Store) -> None:
    missing = (await ok(gql, NEIGHBOURHOOD, {"id": actor_gid("nobody"), "depth": 1, "limit": 10}))["neighbourhood"]
    assert missing["__typename"] == "NotFound"
    deep = (await gql(NEIGHBOURHOOD, {"id": actor_gid("nobody"), "depth": 4, "limit": 10})).json()
    assert deep["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "depth" in deep["errors"][0]["message"]
    literal = '{ neighbourhood(id: "QWN0b3I6eA==", relationshipTypes: [KNOWS]) { __typename } }'
    bad_type = (await gql(literal)).json()  # only allow-listed types exist in the schema
    assert bad_type["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert [member.value for member in GraphRelationshipType] == list(RELATIONSHIP_TYPES)


PATH = """
query P($from: ID!, $to: ID!, $maxHops: Int!) {
  cooperationPath(from: $from, to: $to, maxHops: $maxHops) {
    __typename
    ... on CooperationPath { hops actors { name } links { type kind since source { name } target { name } } }
    ... on NoCooperationPath { message maxHops }
    ... on NotFound { message id }
  }
}"""


async def test_cooperation_path_and_the_none_case(gql: GraphQL, store: Store) -> None:
    asso = await add_actor(store, "Marais Vivant", "ASSOCIATION", "79191")
    bureau = await add_actor(store, "Concertations Atlantiques", "BUREAU_ETUDES", "17300")
    council = await add_actor(store, "Département des Deux-Sèvres", "COLLECTIVITE", "79191")
    await link(store, asso, bureau, "COOPERATES_WITH", kind="PARTNERSHIP", since=2019)
    await link(store, council, bureau, "COOPERATES_WITH", kind="CONTRACT", since=2021)
    variables = {"from": actor_gid(asso), "to": actor_gid(council), "maxHops": 3}
    path = (await ok(gql, PATH, variables))["cooperationPath"]
    assert path["__typename"] == "CooperationPath"
    assert path["hops"] == 2
    assert [a["name"] for a in path["actors"]] == [
        "Marais Vivant",
        "Concertations Atlantiques",
        "Département des Deux-Sèvres",
    ]
    assert path["links"][1] == {
        "type": "COOPERATES_WITH",
        "kind": "CONTRACT",
        "since": 2021,
        "source": {"name": "Département des Deux-Sèvres"},
        "target": {"name": "Concertations Atlantiques"},
    }
    none = (await ok(gql, PATH, {**variables, "maxHops": 1}))["cooperationPath"]
    assert none == {
        "__typename": "NoCooperationPath",
        "message": "No chain of cooperation or network links within 1 hops joins these two actors.",
        "maxHops": 1,
    }
    missing = (await ok(gql, PATH, {**variables, "to": actor_gid("ghost")}))["cooperationPath"]
    assert missing["__typename"] == "NotFound"
    assert missing["id"] == actor_gid("ghost")
