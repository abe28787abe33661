"""Neighbourhoods and cooperation paths on a hand-built network of actors."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from graph import exploration
from graph.errors import NotFoundError
from graph.store import Store, counting_round_trips
from tests.analyst_graph import add_actor, link

pytestmark = pytest.mark.usefixtures("reference_data")

COOPERATION = ("COOPERATES_WITH", "MEMBER_OF")


@dataclass
class Network:
    asso: str
    bureau: str
    network: str
    council: str
    e: str
    f: str
    g: str
    alone: str


async def build_network(store: Store) -> Network:
    """asso -COOPERATES_WITH-> bureau -MEMBER_OF-> network <-MEMBER_OF- council (3 hops), and a longer
    way round asso -> e -> f -> g -> council (4 hops); `alone` has no link at all."""
    asso = await add_actor(
        store, "Marais Vivant", "ASSOCIATION", "79191", actor_id="a-asso", email="contact@marais.example.fr"
    )
    bureau = await add_actor(store, "Concertations Atlantiques", "BUREAU_ETUDES", "17300", actor_id="b-bureau")
    network = await add_actor(store, "Réseau des médiateurs de l'eau", "RESEAU", None, actor_id="c-network")
    council = await add_actor(store, "Département des Deux-Sèvres", "COLLECTIVITE", "79191", actor_id="d-council")
    e = await add_actor(store, "Acteur E", "ASSOCIATION", None, actor_id="e-actor")
    f = await add_actor(store, "Acteur F", "ASSOCIATION", None, actor_id="f-actor")
    g = await add_actor(store, "Acteur G", "ASSOCIATION", None, actor_id="g-actor")
    alone = await add_actor(store, "Isolé", "ASSOCIATION", None, actor_id="z-alone")
    await link(store, asso, bureau, "COOPERATES_WITH", kind="PARTNERSHIP", since=2019)
    await link(store, bureau, network, "MEMBER_OF")
    await link(store, council, network, "MEMBER_OF")
    await link(store, council, "DEPARTEMENT-79", "GOVERNS")
    await link(store, asso, e, "COOPERATES_WITH", kind="FUNDING")
    await link(store, f, e, "COOPERATES_WITH", kind="CONTRACT")
    await link(store, f, g, "COOPERATES_WITH", kind="CONTRACT")
    await link(store, g, council, "COOPERATES_WITH", kind="CONTRACT")
    return Network(asso, bureau, network, council, e, f, g, alone)


def _ids(subgraph: exploration.Subgraph) -> dict[str, int]:
    return {node["properties"]["id"]: node["depth"] for node in subgraph.nodes}


async def test_neighbourhood_grows_with_depth_over_the_chosen_relationship_types(store: Store) -> None:
    net = await build_network(store)
    one = await exploration.neighbourhood(store, "Actor", net.asso, depth=1, types=COOPERATION)
    assert _ids(one) == {net.asso: 0, net.bureau: 1, net.e: 1}
    async with counting_round_trips() as trips:
        two = await exploration.neighbourhood(store, "Actor", net.asso, depth=2, types=COOPERATION)
    assert trips.count == 1
    assert _ids(two) == {net.asso: 0, net.bureau: 1, net.e: 1, net.network: 2, net.f: 2}
    three = await exploration.neighbourhood(store, "Actor", net.asso, depth=3, types=COOPERATION)
    assert _ids(three) == {net.asso: 0, net.bureau: 1, net.e: 1, net.network: 2, net.f: 2, net.council: 3, net.g: 3}
    assert not three.truncated
    edges = {(e["source"], e["type"], e["target"]) for e in three.edges}
    assert edges == {
        (net.asso, "COOPERATES_WITH", net.bureau),
        (net.bureau, "MEMBER_OF", net.network),
        (net.council, "MEMBER_OF", net.network),
        (net.asso, "COOPERATES_WITH", net.e),
        (net.f, "COOPERATES_WITH", net.e),
        (net.f, "COOPERATES_WITH", net.g),
        (net.g, "COOPERATES_WITH", net.council),
    }
    partnership = next(e for e in three.edges if e["target"] == net.bureau)
    assert partnership["properties"] == {"kind": "PARTNERSHIP", "since": 2019}


# Stored by Cypher: UTC as datetime() writes it, offsets either side, a named zone, a date.
SET_TEMPORALS = (
    "SET x.createdAt = datetime('2026-05-04T10:20:30.123Z'), x.updatedAt = datetime('2026-05-04T10:20:00Z'), "
    "x.ahead = datetime('1999-12-31T23:59:59.000000001+05:30'), x.behind = datetime('2026-01-02T03:04:05.5-03:00'), "
    "x.zoned = datetime('2026-07-14T12:00:00.25[Europe/Paris]'), x.day = date('0987-06-05')"
)
TEMPORALS = ("createdAt", "updatedAt", "ahead", "behind", "zoned", "day")


async def test_temporal_properties_read_as_the_same_text_as_the_drivers_values(store: Store) -> None:
    """The neighbourhood gets dates and date-times as text from Neo4j (no driver objects to build): the
    same text `plain` makes of the values the driver returns for the same nodes and relationships."""
    net = await build_network(store)
    await store.write(
        "tests.temporals",
        "MATCH (a:Actor {id: $asso})-[r:COOPERATES_WITH]->(b:Actor {id: $bureau}) UNWIND [a, b, r] AS x "
        + SET_TEMPORALS,
        {"asso": net.asso, "bureau": net.bureau},
    )
    rows = await store.read(
        "tests.driverValues",
        "MATCH (a:Actor {id: $asso})-[r:COOPERATES_WITH]->(b:Actor {id: $bureau}) "
        "RETURN properties(a) AS a, properties(b) AS b, properties(r) AS r",
        {"asso": net.asso, "bureau": net.bureau},
    )
    driver = {key: exploration.plain(value) for key, value in rows[0].items()}
    assert driver["a"]["createdAt"] == "2026-05-04T10:20:30.123000000+00:00"  # the driver's text, not Cypher's
    sub = await exploration.neighbourhood(store, "Actor", net.asso, depth=1, types=COOPERATION)
    by_id = {node["properties"]["id"]: node["properties"] for node in sub.nodes}
    partnership = next(e for e in sub.edges if e["target"] == net.bureau)
    for key in TEMPORALS:
        assert by_id[net.asso][key] == driver["a"][key], key
        assert by_id[net.bureau][key] == driver["b"][key], key
        assert partnership["properties"][key] == driver["r"][key], key
    assert partnership["properties"]["kind"] == "PARTNERSHIP"


async def test_limit_keeps_the_nearest_nodes_and_says_it_cut(store: Store) -> None:
    net = await build_network(store)
    sub = await exploration.neighbourhood(store, "Actor", net.asso, depth=3, types=COOPERATION, limit=3)
    assert _ids(sub) == {net.asso: 0, net.bureau: 1, net.e: 1, net.network: 2}  # ties broken by id
    assert sub.truncated
    assert {(e["source"], e["target"]) for e in sub.edges} == {
        (net.asso, net.bureau),
        (net.asso, net.e),
        (net.bureau, net.network),
    }


async def test_all_types_reach_territories_and_private_fields_stay_hidden(store: Store) -> None:
    net = await build_network(store)
    sub = await exploration.neighbourhood(store, "Actor", net.council, depth=1)
    by_id = {node["properties"]["id"]: node for node in sub.nodes}
    assert set(by_id) == {net.council, net.network, net.g, "COMMUNE-79191", "DEPARTEMENT-79"}
    assert by_id["DEPARTEMENT-79"]["labels"] == ["Territory"]
    assert by_id["DEPARTEMENT-79"]["properties"]["name"] == "Deux-Sèvres"
    assert "nameKey" not in by_id["DEPARTEMENT-79"]["properties"]
    # Every edge among the shown nodes, even one the search did not walk: Niort PART_OF Deux-Sèvres.
    assert {e["type"] for e in sub.edges} == {"MEMBER_OF", "COOPERATES_WITH", "BASED_IN", "GOVERNS", "PART_OF"}
    anonymous = await exploration.neighbourhood(store, "Actor", net.asso, depth=1, types=COOPERATION)
    reader = await exploration.neighbourhood(store, "Actor", net.asso, depth=1, types=COOPERATION, include_private=True)
    assert "email" not in anonymous.nodes[0]["properties"]
    assert reader.nodes[0]["properties"]["email"] == "contact@marais.example.fr"


async def test_a_territory_neighbourhood_starts_from_reference_data(store: Store) -> None:
    sub = await exploration.neighbourhood(store, "Territory", "DEPARTEMENT-79", depth=1, types=("PART_OF",), limit=500)
    levels = {node["properties"]["level"] for node in sub.nodes}
    assert levels == {"DEPARTEMENT", "REGION", "COMMUNE"}
    communes = [node for node in sub.nodes if node["properties"]["level"] == "COMMUNE"]
    assert len(communes) > 200  # Deux-Sèvres has about 250 communes
    assert {node["properties"]["name"] for node in sub.nodes if node["depth"] == 1} >= {"Nouvelle-Aquitaine", "Niort"}


async def test_bad_exploration_input_is_refused(store: Store) -> None:
    net = await build_network(store)
    with pytest.raises(exploration.ExplorationInputError, match="depth"):
        await exploration.neighbourhood(store, "Actor", net.asso, depth=4)
    with pytest.raises(exploration.ExplorationInputError, match="DELETE"):
        await exploration.neighbourhood(store, "Actor", net.asso, types=("KNOWS]-() DETACH DELETE (n) //",))
    with pytest.raises(exploration.ExplorationInputError, match="ApiKey"):
        await exploration.neighbourhood(store, "ApiKey", "x")
    with pytest.raises(NotFoundError, match="no-such-actor"):
        await exploration.neighbourhood(store, "Actor", "no-such-actor")


async def test_cooperation_path_is_the_shortest_chain(store: Store) -> None:
    net = await build_network(store)
    async with counting_round_trips() as trips:
        path = await exploration.cooperation_path(store, net.asso, net.council, max_hops=4)
    assert trips.count == 1
    assert path is not None
    assert path.hops == 3
    assert [actor["name"] for actor in path.actors] == [
        "Marais Vivant",
        "Concertations Atlantiques",
        "Réseau des médiateurs de l'eau",
        "Département des Deux-Sèvres",
    ]
    assert [(x["type"], x["source"], x["target"]) for x in path.links] == [
        ("COOPERATES_WITH", net.asso, net.bureau),
        ("MEMBER_OF", net.bureau, net.network),
        ("MEMBER_OF", net.council, net.network),  # read undirected, reported as stored
    ]
    assert path.links[0]["properties"] == {"kind": "PARTNERSHIP", "since": 2019}


async def test_no_cooperation_path_within_the_hops_and_unknown_actors(store: Store) -> None:
    net = await build_network(store)
    assert await exploration.cooperation_path(store, net.asso, net.council, max_hops=2) is None
    assert await exploration.cooperation_path(store, net.asso, net.alone, max_hops=6) is None
    same = await exploration.cooperation_path(store, net.asso, net.asso)
    assert same is not None
    assert same.hops == 0
    with pytest.raises(NotFoundError, match="nobody"):
        await exploration.cooperation_path(store, net.asso, "nobody")
    with pytest.raises(NotFoundError, match="ghost"):
        await exploration.cooperation_path(store, "ghost", net.asso)
    with pytest.raises(exploration.ExplorationInputError, match="maxHops"):
        await exploration.cooperation_path(store, net.asso, net.council, max_hops=7)
