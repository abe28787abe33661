"""Territories through GraphQL: lookups, the near/within/search list, nested fields without N+1."""

from __future__ import annotations

from typing import Any

import pytest

from graph.text import fold
from importers.reference import TerritorySnapshot
from tests import geo
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("pristine_territories")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance Neo4j's point.distance measures between two WGS84 points."""
    return geo.haversine_km(lat1, lon1, lat2, lon2, radius_km=geo.NEO4J_EARTH_RADIUS_KM)


async def data(gql: GraphQL, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    body = (await gql(query, variables)).json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


async def error_code(gql: GraphQL, query: str, variables: dict[str, Any] | None = None) -> tuple[str, str]:
    body = (await gql(query, variables)).json()
    error = body["errors"][0]
    return error["extensions"]["code"], error["message"]


NEAR = """
query Near($near: NearInput!, $after: String) {
  territories(where: {level: COMMUNE, near: $near}, first: 100, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { code name distanceKm location { lat lon } }
  }
}
"""


async def test_near_rennes_lists_rennes_first_and_only_communes_within_the_radius(
    gql: GraphQL, snapshot: TerritorySnapshot
) -> None:
    result = await data(gql, NEAR, {"near": {"lat": 48.11, "lon": -1.68, "radiusKm": 10}})
    nodes = result["territories"]["nodes"]
    expected = {
        record.code: haversine_km(48.11, -1.68, record.lat, record.lon)
        for record in snapshot.territories
        if record.level == "COMMUNE"
    }
    inside = {code for code, km in expected.items() if km <= 10.0}
    assert nodes[0]["code"] == "35238"
    assert nodes[0]["name"] == "Rennes"
    assert {node["code"] for node in nodes} == inside
    assert result["territories"]["totalCount"] == len(inside) > 10
    assert [node["distanceKm"] for node in nodes] == sorted(node["distanceKm"] for node in nodes)
    for node in nodes:
        assert node["distanceKm"] <= 10.0
        assert node["distanceKm"] == pytest.approx(expected[node["code"]], abs=0.0006)  # rounded to metres


async def test_near_pages_follow_the_distance_order(gql: GraphQL) -> None:
    query = NEAR.replace("first: 100", "first: 4")
    near = {"lat": 48.11, "lon": -1.68, "radiusKm": 10}
    codes: list[str] = []
    after = None
    for _ in range(20):
        page = (await data(gql, query, {"near": near, "after": after}))["territories"]
        codes.extend(node["code"] for node in page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    whole = (await data(gql, NEAR, {"near": near}))["territories"]["nodes"]
    assert codes == [node["code"] for node in whole]


SEARCH = """
query Search($search: String!, $level: TerritoryLevel, $first: Int) {
  territories(search: $search, where: {level: $level}, first: $first) {
    totalCount nodes { code name level population }
  }
}
"""


@pytest.mark.parametrize("typed", ["saint etienne", "Saint-Étienne", "ST ETIENNE", "saint-etienne"])
async def test_search_finds_saint_etienne_first_however_it_is_typed(gql: GraphQL, typed: str) -> None:
    result = await data(gql, SEARCH, {"search": typed, "first": 5})
    first = result["territories"]["nodes"][0]
    assert (first["code"], first["name"], first["level"]) == ("42218", "Saint-Étienne", "COMMUNE")


async def test_search_chateauneuf_lists_the_chateauneuf_communes(gql: GraphQL, snapshot: TerritorySnapshot) -> None:
    result = await data(gql, SEARCH, {"search": "chateauneuf", "level": "COMMUNE", "first": 100})
    names = [node["name"] for node in result["territories"]["nodes"]]
    expected = {r.name for r in snapshot.territories if r.level == "COMMUNE" and fold(r.name).startswith("chateauneuf")}
    assert set(names) >= expected
    assert len(expected) > 20
    assert all(name.startswith("Châteauneuf") for name in names[: len(expected)])
    assert "Châteauneuf-du-Pape" in names


async def test_search_is_prefix_friendly(gql: GraphQL) -> None:
    result = await data(gql, SEARCH, {"search": "rennes", "level": "COMMUNE", "first": 3})
    assert result["territories"]["nodes"][0]["code"] == "35238"
    partial = await data(gql, SEARCH, {"search": "Montpel", "level": "COMMUNE", "first": 1})
    assert partial["territories"]["nodes"][0]["code"] == "34172"


WITHIN = """
query Within($within: String!, $withinLevel: TerritoryLevel, $level: TerritoryLevel) {
  territories(where: {within: $within, withinLevel: $withinLevel, level: $level}, first: 3) {
    totalCount nodes { code }
  }
}
"""


async def test_within_a_departement_or_a_region(gql: GraphQL, snapshot: TerritorySnapshot) -> None:
    departement = await data(gql, WITHIN, {"within": "35"})
    assert departement["territories"]["totalCount"] == sum(
        1 for r in snapshot.territories if r.level == "COMMUNE" and r.departement == "35"
    )
    region = await data(gql, WITHIN, {"within": "53", "withinLevel": "REGION", "level": "DEPARTEMENT"})
    assert region["territories"]["totalCount"] == 4


async def test_an_ambiguous_or_unknown_within_code_is_explained(gql: GraphQL) -> None:
    code, message = await error_code(gql, WITHIN, {"within": "53"})
    assert code == "BAD_USER_INPUT"
    assert "DEPARTEMENT, REGION" in message
    assert "withinLevel" in message
    code, message = await error_code(gql, WITHIN, {"within": "99999"})
    assert code == "BAD_USER_INPUT"
    assert "no territory has the code '99999'" in message


@pytest.mark.parametrize(
    ("near", "field"),
    [
        ({"lat": 95, "lon": 0, "radiusKm": 5}, "near.lat"),
        ({"lat": 45, "lon": 200, "radiusKm": 5}, "near.lon"),
        ({"lat": 45, "lon": 2, "radiusKm": 5000}, "near.radiusKm"),
    ],
)
async def test_out_of_range_coordinates_are_refused(gql: GraphQL, near: dict[str, float], field: str) -> None:
    code, message = await error_code(gql, NEAR, {"near": near})
    assert code == "BAD_USER_INPUT"
    assert field in message


async def test_a_search_without_letters_and_a_foreign_cursor_are_refused(gql: GraphQL) -> None:
    code, message = await error_code(gql, SEARCH, {"search": " -- ", "first": 5})
    assert (code, "letter or digit" in message) == ("BAD_USER_INPUT", True)
    code, _ = await error_code(gql, NEAR, {"near": {"lat": 48.1, "lon": -1.7, "radiusKm": 5}, "after": "xyz"})
    assert code == "BAD_USER_INPUT"


async def test_territory_by_code_with_parents_children_and_neighbours(gql: GraphQL) -> None:
    query = """
    {
      rennes: territory(code: "35238") {
        name population location { lat lon }
        departement: parent { code name }
        epci: parent(level: EPCI) { code name epciNature }
        region: parent(level: REGION) { name }
        neighbours { code }
      }
      bretagne: territory(code: "53", level: REGION) {
        name parent { name }
        children { totalCount nodes { code } }
        communes: children(level: COMMUNE, first: 2) { totalCount pageInfo { hasNextPage } }
      }
      nowhere: territory(code: "00000") { name }
    }
    """
    result = await data(gql, query)
    rennes = result["rennes"]
    assert rennes["name"] == "Rennes"
    assert rennes["population"] > 200_000
    assert abs(rennes["location"]["lat"] - 48.11) < 0.03
    assert rennes["departement"] == {"code": "35", "name": "Ille-et-Vilaine"}
    assert rennes["epci"] == {"code": "243500139", "name": "Rennes Métropole", "epciNature": "METRO"}
    assert rennes["region"] == {"name": "Bretagne"}
    assert {"35278", "35051"} <= {n["code"] for n in rennes["neighbours"]}
    bretagne = result["bretagne"]
    assert bretagne["parent"] is None
    assert sorted(n["code"] for n in bretagne["children"]["nodes"]) == ["22", "29", "35", "56"]
    assert bretagne["communes"]["totalCount"] > 1000
    assert bretagne["communes"]["pageInfo"]["hasNextPage"] is True
    assert result["nowhere"] is None


NESTED = """
query Nested($first: Int!) {
  territories(where: {level: COMMUNE, within: "35"}, first: $first) {
    nodes {
      name
      parent(level: EPCI) { name children(first: 2) { totalCount nodes { name } } }
      region: parent(level: REGION) { name }
      neighbours { name }
    }
  }
}
"""


async def test_nested_fields_cost_the_same_round_trips_for_5_or_100_territories(gql: GraphQL) -> None:
    small = await gql(NESTED, {"first": 5})
    large = await gql(NESTED, {"first": 100})
    assert "errors" not in small.json()
    assert len(large.json()["data"]["territories"]["nodes"]) == 100
    trips = int(small.headers["x-db-round-trips"])
    assert trips == int(large.headers["x-db-round-trips"])
    assert trips <= 6  # within, page, EPCI + région parents, neighbours, EPCI children


async def test_territories_are_nodes_with_global_ids(gql: GraphQL) -> None:
    found = await data(gql, '{ territory(code: "42218") { id } }')
    again = await data(gql, "query($id: ID!) { node(id: $id) { ... on Territory { code name } } }", found["territory"])
    assert again["node"] == {"code": "42218", "name": "Saint-Étienne"}
