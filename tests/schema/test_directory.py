"""The directory through GraphQL: territory and distance filters, an actor's profile with its links."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import BREST, NANTES, RENNES, SAINT_MALO, gid, involve, make_actor, make_conflict, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")

NAMES = """
query($where: ActorWhere, $search: String) {
  actors(where: $where, search: $search) { totalCount nodes { name distanceKm } }
}"""


async def _directory(store: Store) -> None:
    await make_actor(store, "Mairie de Rennes", kind="COLLECTIVITE", based_in=RENNES)
    await make_actor(store, "Collectif malouin", kind="COLLECTIF_CITOYEN", based_in=SAINT_MALO)
    await make_actor(store, "Nantes Médiation", based_in=NANTES)
    await make_actor(store, "Brest Concertation", kind="BUREAU_ETUDES", based_in=BREST)


async def _names(gql: GraphQL, where: dict[str, Any], search: str | None = None) -> list[str]:
    body = (await gql(NAMES, {"where": where, "search": search})).json()
    assert "errors" not in body, body
    return [node["name"] for node in body["data"]["actors"]["nodes"]]


async def test_a_territory_filter_includes_everything_inside(gql: GraphQL, store: Store) -> None:
    await _directory(store)
    assert await _names(gql, {"territory": "35"}) == ["Collectif malouin", "Mairie de Rennes"]
    assert await _names(gql, {"territory": "35238"}) == ["Mairie de Rennes"]
    assert await _names(gql, {"territory": "REGION-53"}) == [
        "Brest Concertation",
        "Collectif malouin",
        "Mairie de Rennes",
    ]
    assert await _names(gql, {"territory": "243500139"}) == ["Mairie de Rennes"]  # Rennes Métropole (EPCI)
    assert await _names(gql, {"territory": "35", "kinds": ["COLLECTIVITE"]}) == ["Mairie de Rennes"]
    assert await _names(gql, {"territory": "35"}, search="mairie") == ["Mairie de Rennes"]  # search, then place
    assert await _names(gql, {"territory": "44"}, search="mairie") == []


async def test_a_total_asked_in_a_fragment_is_counted(gql: GraphQL, store: Store) -> None:
    await _directory(store)
    spread = """
    query { actors(search: "mairie", first: 1) { ...Counted } }
    fragment Counted on ActorConnection { totalCount nodes { name } }"""
    inline = 'query { actors(where: {territory: "35"}, first: 1) { ... on ActorConnection { totalCount } } }'
    searched = (await gql(spread)).json()
    assert "errors" not in searched, searched
    assert searched["data"]["actors"] == {"totalCount": 1, "nodes": [{"name": "Mairie de Rennes"}]}
    assert (await gql(inline)).json()["data"]["actors"] == {"totalCount": 2}


async def test_an_unknown_territory_is_refused_not_silently_empty(gql: GraphQL, store: Store) -> None:
    body = (await gql(NAMES, {"where": {"territory": "99"}})).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "No territory has the code '99' (an INSEE code, an EPCI SIREN or an id)."


async def test_near_a_commune_returns_the_closest_first_with_distances(gql: GraphQL, store: Store) -> None:
    await _directory(store)
    body = (await gql(NAMES, {"where": {"near": {"territory": RENNES, "radiusKm": 120}}})).json()
    nodes = body["data"]["actors"]["nodes"]
    assert [node["name"] for node in nodes] == ["Mairie de Rennes", "Collectif malouin", "Nantes Médiation"]
    distances = [node["distanceKm"] for node in nodes]
    assert distances[0] < 1
    assert 55 < distances[1] < 75  # Saint-Malo
    assert 95 < distances[2] < 110  # Nantes
    assert body["data"]["actors"]["totalCount"] == 3


async def test_near_a_point_combines_with_search(gql: GraphQL, store: Store) -> None:
    await _directory(store)
    where = {"near": {"lat": 48.39, "lon": -4.49, "radiusKm": 300}}  # Brest
    assert await _names(gql, where, search="concertations") == ["Brest Concertation"]
    assert await _names(gql, where, search="mediation") == ["Nantes Médiation"]


async def test_a_distance_sort_without_near_is_refused(gql: GraphQL) -> None:
    body = (await gql("{ actors(orderBy: DISTANCE) { totalCount } }")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"] == "orderBy DISTANCE needs a `near` filter."


PROFILE = """
query Profile($id: ID!) {
  actor(id: $id) {
    name kind basedIn { code name } actsIn { code } themes { code }
    conflicts { role from to conflict { title year type { code } territory { name } } }
    mediations: conflicts(roles: [MEDIATOR]) { conflict { title } }
    cooperations { kind since partner { name } }
    networks { name } resources { title kind }
  }
}
"""


async def test_an_actor_profile_shows_its_links(gql: GraphQL, store: Store) -> None:
    actor = await make_actor(store, "Médiation & Territoires", kind="ASSOCIATION")
    network = await make_actor(store, "Réseau des médiateurs", kind="RESEAU")
    partner = await make_actor(store, "Mairie de Rennes", kind="COLLECTIVITE")
    wind = await make_conflict(store, "Parc éolien de la Lande", started_on=date(2019, 5, 1))
    quarry = await make_conflict(store, "Carrière de Saint-Malo", type_code="QUARRY", territory=SAINT_MALO)
    await involve(store, actor, wind, "MEDIATOR", 2019, 2021)
    await involve(store, actor, quarry, "EXPERT", 2021)
    await make_resource(store, "Retour d'expérience : la Lande", kind="CASE_STUDY", authors=(actor,))
    await store.write(
        "tests.links",
        "MATCH (a:Actor {id: $a}), (n:Actor {id: $n}), (p:Actor {id: $p}), (t:Theme {code: 'MEDIATION'}), "
        "(d:Territory {level: 'DEPARTEMENT', code: '35'}) "
        "CREATE (a)-[:MEMBER_OF]->(n), (p)-[:COOPERATES_WITH {kind: 'CONTRACT', since: 2020}]->(a), "
        "(a)-[:WORKS_ON]->(t), (a)-[:ACTS_IN]->(d)",
        {"a": actor, "n": network, "p": partner},
    )
    body = (await gql(PROFILE, {"id": gid("Actor", actor)})).json()
    assert "errors" not in body, body
    profile = body["data"]["actor"]
    assert profile["basedIn"] == {"code": RENNES, "name": "Rennes"}
    assert profile["actsIn"] == [{"code": "35"}]
    assert profile["themes"] == [{"code": "MEDIATION"}]
    assert profile["conflicts"] == [
        {
            "role": "EXPERT",
            "from": 2021,
            "to": None,
            "conflict": {
                "title": "Carrière de Saint-Malo",
                "year": 2021,
                "type": {"code": "QUARRY"},
                "territory": {"name": "Saint-Malo"},
            },
        },
        {
            "role": "MEDIATOR",
            "from": 2019,
            "to": 2021,
            "conflict": {
                "title": "Parc éolien de la Lande",
                "year": 2019,
                "type": {"code": "ONSHORE_WIND"},
                "territory": {"name": "Rennes"},
            },
        },
    ]
    assert profile["mediations"] == [{"conflict": {"title": "Parc éolien de la Lande"}}]
    assert profile["cooperations"] == [{"kind": "CONTRACT", "since": 2020, "partner": {"name": "Mairie de Rennes"}}]
    assert profile["networks"] == [{"name": "Réseau des médiateurs"}]
    assert profile["resources"] == [{"title": "Retour d'expérience : la Lande", "kind": "CASE_STUDY"}]


async def test_filters_by_theme_conflict_type_family_and_role(gql: GraphQL, store: Store) -> None:
    mediator = await make_actor(store, "Médiateurs associés")
    opponent = await make_actor(store, "Vent de colère")
    await make_actor(store, "Sans conflit")
    wind = await make_conflict(store, "Parc éolien de la Lande")
    await involve(store, mediator, wind, "MEDIATOR")
    await involve(store, opponent, wind, "OPPONENT")
    assert await _names(gql, {"conflictTypes": ["ENERGY"]}) == ["Médiateurs associés", "Vent de colère"]
    assert await _names(gql, {"conflictTypes": ["AMENAGEMENT"], "roles": ["MEDIATOR"]}) == ["Médiateurs associés"]
    assert await _names(gql, {"conflictTypes": ["WATER_SHARING"]}) == []
