"""The demo network generator: deterministic, the promised sizes, and a network the API can show off."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

import pytest

from graph.bulk import node_rows, rel_rows
from graph.model import ACTOR_KINDS, INVOLVEMENT_ROLES
from importers.reference import Taxonomy, TerritorySnapshot
from synthetic.generator import DEMO, SCALE, Network, generate
from synthetic.geography import Geography
from tests.geo import haversine_km as km

RENNES = (48.1118, -1.68189)


@pytest.fixture(scope="module")
def geography(snapshot: TerritorySnapshot) -> Geography:
    return Geography(snapshot.territories)


@pytest.fixture(scope="module")
def demo(geography: Geography, taxonomy: Taxonomy) -> Network:
    return generate(DEMO, geography, taxonomy)


def links(network: Network, rel_type: str) -> list[dict[str, Any]]:
    return [row for (_, kind, _), rows in network.links.items() if kind == rel_type for row in rows]


def test_two_generations_are_identical_and_the_seed_matters(
    demo: Network, geography: Geography, taxonomy: Taxonomy
) -> None:
    again = generate(DEMO, geography, taxonomy)
    assert again.nodes == demo.nodes
    assert again.links == demo.links
    other = generate(DEMO, geography, taxonomy, seed=7)
    assert [row["id"] for row in other.nodes["Actor"]] == [row["id"] for row in demo.nodes["Actor"]]
    assert [row["name"] for row in other.nodes["Actor"]] != [row["name"] for row in demo.nodes["Actor"]]


def test_demo_has_the_documented_sizes(demo: Network) -> None:
    nodes, relationships = demo.node_counts(), demo.link_counts()
    assert nodes["Actor"] == 3_000
    assert nodes["Conflict"] == 1_200
    assert nodes["Project"] == 800
    assert nodes["Resource"] == 600
    assert nodes["CommonsCall"] == 1
    assert 10 <= nodes["Sponsorship"] <= 15
    assert nodes["TaskForce"] >= 1
    assert relationships["INVOLVED_IN"] == 5_400  # 3 to 6 per conflict, 4.5 on average
    assert 6_000 <= relationships["COOPERATES_WITH"] <= 6_000 + nodes["Sponsorship"]
    assert relationships["APPLIED_TO"] == 40
    assert relationships["BASED_IN"] == nodes["Actor"]


def test_scale_sizes_are_those_of_the_benchmark() -> None:
    assert (SCALE.actors, SCALE.conflicts, SCALE.resources, SCALE.projects, SCALE.cooperations) == (
        50_000,
        20_000,
        10_000,
        10_000,
        100_000,
    )
    low, high = SCALE.involvements
    assert SCALE.conflicts * (low + high) / 2 == 60_000


def test_ids_belong_to_their_network(demo: Network, geography: Geography, taxonomy: Taxonomy) -> None:
    tiny = replace(DEMO, name="tiny", actors=200, conflicts=80, projects=20, resources=20, cooperations=100)
    other = generate(tiny, geography, taxonomy)
    assert not {row["id"] for row in other.nodes["Actor"]} & {row["id"] for row in demo.nodes["Actor"]}


def test_every_conflict_has_one_leaf_type_and_one_commune(demo: Network, taxonomy: Taxonomy) -> None:
    leaves = {t.code: t for t in taxonomy.conflict_types if t.level == 3}
    types = Counter(row["from"] for row in links(demo, "OF_TYPE"))
    places = [row for row in demo.links[("Conflict", "LOCATED_IN", "Territory")]]
    ids = [row["id"] for row in demo.nodes["Conflict"]]
    assert set(types) == set(ids)
    assert set(types.values()) == {1}
    assert Counter(row["from"] for row in places) == Counter(ids)
    assert all(row["to"].startswith("COMMUNE-") for row in places)
    used = {row["to"] for row in links(demo, "OF_TYPE")}
    assert used <= set(leaves)
    assert used == set(leaves), "every conflict type of the taxonomy has at least one case"
    assert {leaves[code].family for code in used} == {"AMENAGEMENT", "USAGE"}


def test_conflicts_tell_a_consistent_story(demo: Network) -> None:
    for row in demo.nodes["Conflict"]:
        assert 2005 <= row["year"] <= 2026
        assert row["year"] == row["startedOn"].year
        if row["status"] in ("ACTIVE", "LATENT"):
            assert row["outcome"] == "ONGOING"
            assert row.get("endedOn") is None
        else:
            assert row["endedOn"] > row["startedOn"]
            assert row["outcome"] != "ONGOING"
    assert Counter(row["status"] for row in demo.nodes["Conflict"]).keys() == {
        "ACTIVE",
        "LATENT",
        "SETTLED",
        "ABANDONED",
    }


def test_involvements_have_valid_roles_and_a_public_authority_that_governs_the_place(
    demo: Network, geography: Geography
) -> None:
    kinds = {row["id"]: row["kind"] for row in demo.nodes["Actor"]}
    governs = defaultdict(set)
    for row in demo.links[("Actor", "GOVERNS", "Territory")]:
        governs[row["from"]].add(row["to"])
    place = {row["from"]: row["to"] for row in demo.links[("Conflict", "LOCATED_IN", "Territory")]}
    by_conflict: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in links(demo, "INVOLVED_IN"):
        assert row["props"]["role"] in INVOLVEMENT_ROLES
        by_conflict[row["to"]].append((row["from"], row["props"]["role"]))
    for conflict, parties in by_conflict.items():
        assert 3 <= len(parties) <= 6
        assert len({actor for actor, _ in parties}) == len(parties), "an actor is involved once per conflict"
        authorities = [actor for actor, role in parties if role == "PUBLIC_AUTHORITY"]
        assert len(authorities) == 1
        commune = geography.commune_by_code[place[conflict].removeprefix("COMMUNE-")]
        areas = {f"COMMUNE-{commune.code}", f"EPCI-{commune.epci}", f"DEPARTEMENT-{commune.departement}"}
        assert kinds[authorities[0]] == "COLLECTIVITE"
        assert governs[authorities[0]] & areas


def test_no_actor_cooperates_with_itself_and_pairs_are_stored_once(demo: Network) -> None:
    pairs = [(row["from"], row["to"]) for row in links(demo, "COOPERATES_WITH")]
    assert all(a != b for a, b in pairs)
    assert len({frozenset(pair) for pair in pairs}) == len(pairs)


def test_networks_are_réseau_actors(demo: Network) -> None:
    kinds = {row["id"]: row["kind"] for row in demo.nodes["Actor"]}
    memberships = links(demo, "MEMBER_OF")
    assert len(memberships) > 500
    assert {kinds[row["to"]] for row in memberships} == {"RESEAU"}


def test_the_demo_has_what_the_api_examples_ask_for(demo: Network, geography: Geography) -> None:
    kinds = Counter(row["kind"] for row in demo.nodes["Actor"])
    assert set(kinds) == set(ACTOR_KINDS)
    bases = [row["to"] for row in demo.links[("Actor", "BASED_IN", "Territory")]]
    assert bases.count("COMMUNE-35238") >= 20, "actors based in Rennes"
    in_35 = [b for b in bases if geography.commune_by_code[b.removeprefix("COMMUNE-")].departement == "35"]
    assert len(in_35) >= 100
    names = {row["name"] for row in demo.nodes["Actor"]}
    assert {"Ville de Rennes", "Département d'Ille-et-Vilaine", "Région Bretagne", "Rennes Métropole"} <= names
    place = {
        row["from"]: geography.commune_by_code[row["to"].removeprefix("COMMUNE-")]
        for row in links(demo, "LOCATED_IN")
        if row["to"].startswith("COMMUNE-")
    }
    for type_code in ("ONSHORE_WIND", "IRRIGATION_RESERVOIR"):
        cases = [place[row["from"]] for row in links(demo, "OF_TYPE") if row["to"] == type_code]
        near_rennes = [c for c in cases if km(*RENNES, c.lat, c.lon) <= 50]
        assert len(near_rennes) >= 3, type_code
        assert sum(1 for c in cases if c.region == "75") >= 5, type_code
    titles = [row["title"] for row in demo.nodes["Resource"]]
    assert sum("éolien" in title for title in titles) >= 10
    assert sum("concertation" in title.lower() for title in titles) >= 20
    assert {row["kind"] for row in demo.nodes["Resource"]} == {"GUIDE", "METHOD", "TOOL", "CASE_STUDY", "ARTICLE"}
    assert [row["title"] for row in demo.nodes["CommonsCall"]] == ["Appel à communs 2026"]
    assert {row["status"] for row in demo.nodes["Sponsorship"]} == {
        "PROPOSED",
        "ACCEPTED",
        "DECLINED",
        "ACTIVE",
        "COMPLETED",
    }


def test_know_how_near_rennes_has_answers(demo: Network, geography: Geography) -> None:
    """« Who has dealt with wind farms near Rennes? »: several actors, some with more than one case."""
    base = {
        row["from"]: geography.commune_by_code[row["to"].removeprefix("COMMUNE-")]
        for row in demo.links[("Actor", "BASED_IN", "Territory")]
    }
    wind = {row["from"] for row in links(demo, "OF_TYPE") if row["to"] == "ONSHORE_WIND"}
    experienced = Counter(
        row["from"]
        for row in links(demo, "INVOLVED_IN")
        if row["to"] in wind
        and row["props"]["role"] in ("MEDIATOR", "FACILITATOR", "EXPERT", "PUBLIC_AUTHORITY")
        and km(*RENNES, base[row["from"]].lat, base[row["from"]].lon) <= 50
    )
    assert len(experienced) >= 5
    assert max(experienced.values()) >= 2


def test_locations_are_the_base_communes_centroids(demo: Network, geography: Geography) -> None:
    base = {row["from"]: row["to"] for row in demo.links[("Actor", "BASED_IN", "Territory")]}
    for row in demo.nodes["Actor"][:500]:
        commune = geography.commune_by_code[base[row["id"]].removeprefix("COMMUNE-")]
        assert (row["location"].latitude, row["location"].longitude) == (commune.lat, commune.lon)


def test_every_row_fits_the_graph_model(demo: Network) -> None:
    for label, rows in demo.nodes.items():
        assert len(node_rows(label, rows)) == len(rows)
    for key, rows in demo.links.items():
        assert len(rel_rows(key, rows)) == len(rows)
    emails = [row["email"] for row in demo.nodes["Actor"]]
    assert all(email.endswith(".example.fr") for email in emails)
    open_share = sum(row["openToSponsorship"] for row in demo.nodes["Actor"]) / len(emails)
    assert 0.25 <= open_share <= 0.35
    assert {row["sponsorshipCapacity"] for row in demo.nodes["Actor"]} == {1, 2, 3}


def test_a_subset_of_the_territories_keeps_everything_inside_it(
    snapshot: TerritorySnapshot, taxonomy: Taxonomy
) -> None:
    inside = [t for t in snapshot.territories if "53" in (t.region, t.code if t.level == "REGION" else None)]
    codes = {f"{t.level}-{t.code}" for t in inside}
    small = replace(DEMO, name="bretagne", actors=300, conflicts=120, projects=40, resources=30, cooperations=400)
    network = generate(small, Geography(inside), taxonomy)
    assert set(network.territory_ids()) <= codes
    assert len(network.nodes["Actor"]) == 300


def test_seaside_cases_are_by_the_sea_and_names_are_unique(demo: Network, geography: Geography) -> None:
    types = {row["from"]: row["to"] for row in links(demo, "OF_TYPE")}
    places = {row["from"]: row["to"] for row in demo.links[("Conflict", "LOCATED_IN", "Territory")]}
    seaside = [places[c] for c, t in types.items() if t in ("OFFSHORE_WIND", "PORT", "COASTAL_ACCESS")]
    assert len(seaside) >= 10
    assert {place.removeprefix("COMMUNE-") for place in seaside} <= set(geography.coastal)
    names = [row["name"] for row in demo.nodes["Actor"]]
    assert len(set(names)) == len(names)
    assert "Ville de Saint-Denis (Seine-Saint-Denis)" in names  # two Saint-Denis, told apart
