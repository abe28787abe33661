"""`experiencedActors` over HTTP: one round trip, explained results, the radius note, clear errors."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from graph.store import Store
from tests.analyst_graph import involve
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict, case

pytestmark = pytest.mark.usefixtures("reference_data")

QUERY = """
query Match($type: String!, $near: PlaceInput!, $radius: Float, $first: Int, $after: String) {
  experiencedActors(conflictType: $type, near: $near, radiusKm: $radius, first: $first, after: $after) {
    withinRadius radiusKm searchedUpToKm note
    origin { lat lon }
    conflictType { code label }
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        actor { id name kind }
        basedIn { code name }
        score distanceKm beyondRadius casesFound
        scoreFactors { name value detail }
        evidence {
          kind caseId title match role year outcome distanceKm measuredFrom rank rankWeight caseScore contribution
          conflict { id title year status }
          conflictType { code }
          place { code name }
          factors { type distance recency outcome role }
        }
      }
    }
  }
}
"""


async def test_one_round_trip_per_request_whatever_the_page_size(gql: GraphQL, store: Store) -> None:
    for n in range(12):
        await case(store, f"Acteur {n:02d}", "ONSHORE_WIND", "35047", year=2010 + n)
    for first in (2, 12):
        response = await gql(QUERY, {"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "first": first})
        body = response.json()
        assert "errors" not in body
        assert len(body["data"]["experiencedActors"]["edges"]) == first
        assert response.headers["x-db-round-trips"] == "1"


async def test_each_result_explains_itself(gql: GraphQL, store: Store) -> None:
    actor = await add_actor(store, "Médiation Bretagne", base="29019")
    wind = await add_conflict(store, "ONSHORE_WIND", "35047", year=2022, title="Parc éolien de Bruz")
    sea = await add_conflict(store, "OFFSHORE_WIND", "35360", year=2018, outcome="COMPENSATION")
    await involve(store, actor, wind, "MEDIATOR")
    await involve(store, actor, sea, "EXPERT")
    body = (await gql(QUERY, {"type": "ONSHORE_WIND", "near": {"territory": "35238"}})).json()
    ranking = body["data"]["experiencedActors"]
    assert ranking["conflictType"]["code"] == "ONSHORE_WIND"
    assert ranking["origin"] == {"lat": 48.1118, "lon": -1.68189}
    node = ranking["edges"][0]["node"]
    assert node["actor"]["name"] == "Médiation Bretagne"
    assert node["basedIn"] == {"code": "29019", "name": "Brest"}
    first, second = node["evidence"]
    assert first["title"] == "Parc éolien de Bruz"
    assert first["conflict"]["title"] == "Parc éolien de Bruz"
    assert first["conflict"]["id"] == first["caseId"]
    assert (first["kind"], first["match"], first["role"], first["year"]) == ("CONFLICT", "EXACT", "MEDIATOR", 2022)
    assert first["place"] == {"code": "35047", "name": "Bruz"}
    assert first["conflictType"] == {"code": "ONSHORE_WIND"}
    assert (second["match"], second["role"], second["outcome"]) == ("RELATED", "EXPERT", "COMPENSATION")
    assert second["factors"]["type"] == 0.5
    assert second["factors"]["outcome"] == 0.85
    assert second["rankWeight"] == 0.7
    assert node["score"] == pytest.approx(first["contribution"] + second["contribution"], abs=1e-3)
    assert node["distanceKm"] == first["distanceKm"]
    factors = {factor["name"]: factor for factor in node["scoreFactors"]}
    assert list(factors) == ["TYPE", "DISTANCE", "RECENCY", "OUTCOME", "ROLE", "CASES"]
    assert math.prod(factor["value"] for factor in factors.values()) == pytest.approx(node["score"], rel=1e-3)
    assert "2 case(s) counted" in factors["CASES"]["detail"]


async def test_timestamps_are_there_when_the_query_asks_for_them(gql: GraphQL, store: Store) -> None:
    stamp = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    actor = await add_actor(store, "Horodaté", createdAt=stamp, updatedAt=stamp)
    await involve(store, actor, await add_conflict(store, "ONSHORE_WIND", "35047"))
    query = """
    query($type: String!, $near: PlaceInput!) {
      experiencedActors(conflictType: $type, near: $near) { edges { node { actor { name createdAt updatedAt } } } }
    }
    """
    body = (await gql(query, {"type": "ONSHORE_WIND", "near": {"territory": "35238"}})).json()
    node = body["data"]["experiencedActors"]["edges"][0]["node"]
    assert node["actor"]["name"] == "Horodaté"
    assert node["actor"]["createdAt"] == node["actor"]["updatedAt"]
    assert node["actor"]["createdAt"].startswith("2025-03-04T05:06:07")


async def test_the_answer_says_when_too_few_lie_within_the_radius(gql: GraphQL, store: Store) -> None:
    await case(store, "Vitré", "ONSHORE_WIND", "35360")  # 36 km
    await case(store, "Nantes", "ONSHORE_WIND", "44109")  # 98 km
    await case(store, "Angers", "ONSHORE_WIND", "49007")  # 110 km
    await case(store, "Niort", "ONSHORE_WIND", "79191")  # 219 km: beyond 4 × 50 km
    body = (await gql(QUERY, {"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "first": 5})).json()
    ranking = body["data"]["experiencedActors"]
    assert ranking["withinRadius"] == 1
    assert ranking["searchedUpToKm"] == 200
    assert [edge["node"]["actor"]["name"] for edge in ranking["edges"]] == ["Vitré", "Nantes", "Angers"]
    assert [edge["node"]["beyondRadius"] for edge in ranking["edges"]] == [False, True, True]
    assert ranking["note"] == (
        "Only 1 actors within 50 km; the next 2 come from up to 200 km and are marked beyondRadius."
    )
    assert ranking["pageInfo"]["hasNextPage"] is False


async def test_pages_continue_from_the_cursor(gql: GraphQL, store: Store) -> None:
    for name, commune in (("A", "35047"), ("B", "35051"), ("C", "35360"), ("D", "44109")):
        await case(store, name, "ONSHORE_WIND", commune)
    names: list[str] = []
    after = None
    for _ in range(4):
        variables = {"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "first": 1, "after": after}
        ranking = (await gql(QUERY, variables)).json()["data"]["experiencedActors"]
        names += [edge["node"]["actor"]["name"] for edge in ranking["edges"]]
        after = ranking["pageInfo"]["endCursor"]
        if not ranking["pageInfo"]["hasNextPage"]:
            break
    assert names == ["B", "A", "C", "D"]  # Cesson 6 km, Bruz 11 km, Vitré 36 km, then Nantes beyond


async def test_places_and_bases_come_back_when_asked_in_a_fragment_and_only_then(gql: GraphQL, store: Store) -> None:
    actor = await add_actor(store, "Médiation Bretagne", base="29019")
    await involve(store, actor, await add_conflict(store, "ONSHORE_WIND", "35047", title="Parc éolien de Bruz"))
    variables = {"type": "ONSHORE_WIND", "near": {"territory": "35238"}}
    fragments = """
    query Match($type: String!, $near: PlaceInput!) {
      experiencedActors(conflictType: $type, near: $near) { edges { node { ...Item } } }
    }
    fragment Item on ExperiencedActor { basedIn { name } evidence { ...Where } }
    fragment Where on Evidence { place { name } }
    """
    node = (await gql(fragments, variables)).json()["data"]["experiencedActors"]["edges"][0]["node"]
    assert node == {"basedIn": {"name": "Brest"}, "evidence": [{"place": {"name": "Bruz"}}]}
    # Without those fields the query looks neither up; the rest of the answer is the same.
    bare = "query M($type: String!, $near: PlaceInput!) { experiencedActors(conflictType: $type, near: $near) "
    bare += "{ edges { node { actor { name } evidence { title distanceKm } } } } }"
    item = (await gql(bare, variables)).json()["data"]["experiencedActors"]["edges"][0]["node"]
    assert item["actor"] == {"name": "Médiation Bretagne"}
    assert [e["title"] for e in item["evidence"]] == ["Parc éolien de Bruz"]
    assert item["evidence"][0]["distanceKm"] == pytest.approx(10.8, abs=0.2)


async def test_a_latitude_and_longitude_work_as_the_place(gql: GraphQL, store: Store) -> None:
    await case(store, "Près", "ONSHORE_WIND", "35047")
    body = (await gql(QUERY, {"type": "ONSHORE_WIND", "near": {"lat": 48.1118, "lon": -1.68189}})).json()
    assert [edge["node"]["actor"]["name"] for edge in body["data"]["experiencedActors"]["edges"]] == ["Près"]


@pytest.mark.parametrize(
    ("variables", "fragment"),
    [
        ({"type": "WIND_FARM", "near": {"territory": "35238"}}, "No conflict type has the code 'WIND_FARM'"),
        ({"type": "ONSHORE_WIND", "near": {"territory": "99999"}}, "No territory has the code '99999'"),
        ({"type": "ONSHORE_WIND", "near": {"territory": "35238", "lat": 48.1}}, "either a `territory` or both"),
        ({"type": "ONSHORE_WIND", "near": {"lat": 48.1}}, "either a `territory` or both"),
        ({"type": "ONSHORE_WIND", "near": {"lat": 123.0, "lon": 2.0}}, "lat: Input should be less than or equal"),
        ({"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "radius": 5000.0}, "`radiusKm` must be at most"),
        ({"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "first": 1000}, "`first` must be between"),
        ({"type": "ONSHORE_WIND", "near": {"territory": "35238"}, "after": "bm9wZQ"}, "cursor"),
    ],
)
async def test_wrong_arguments_get_clear_errors(gql: GraphQL, variables: dict[str, object], fragment: str) -> None:
    body = (await gql(QUERY, variables)).json()
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert fragment in error["message"]
