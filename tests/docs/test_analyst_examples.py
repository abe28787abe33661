"""Every GraphQL example of docs/analysts.md runs against the graph this test builds, and gives the
answer the page describes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from graph.store import Store
from tests.analyst_graph import add_actor, add_conflict, involve, link
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysts.md"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)
ASSOCIATION = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
COUNCIL = "0f8fad5b-d9cb-469f-a165-70867728950e"


def examples() -> dict[str, tuple[str, dict[str, Any]]]:
    """{operation name: (query, variables)}: each ```graphql block, with the ```json block right after it."""
    blocks = [(match.group(1), match.group(2)) for match in FENCE.finditer(DOC.read_text(encoding="utf-8"))]
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for index, (language, text) in enumerate(blocks):
        if language != "graphql":
            continue
        name = re.search(r"query (\w+)", text)
        assert name, f"every example names its operation:\n{text}"
        following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        variables = json.loads(following[1]) if following[0] == "json" else {}
        found[name.group(1)] = (text, variables)
    return found


async def build_doc_graph(store: Store) -> None:
    # Wind farms (Bretagne, Hauts-de-France) and who handled them.
    brest = await add_conflict(store, "Éoliennes de la rade", "ONSHORE_WIND", "29019", 2016)
    quimper = await add_conflict(store, "Parc éolien de l'Odet", "ONSHORE_WIND", "29232", 2018, "SETTLED")
    amiens = await add_conflict(store, "Éoliennes du plateau", "ONSHORE_WIND", "80021", 2017)
    abbeville = await add_conflict(store, "Parc de la Somme", "ONSHORE_WIND", "80001", 2017, "ABANDONED")
    await add_conflict(store, "Extension du parc de la Somme", "ONSHORE_WIND", "80001", 2020)
    await add_conflict(store, "Éolien du Goëlo", "ONSHORE_WIND", "22278", 2012, "SETTLED")
    await add_conflict(store, "Éolien en baie de Saint-Brieuc", "OFFSHORE_WIND", "22278", 2019)
    ouest = await add_actor(store, "Médiations de l'Ouest", "BUREAU_ETUDES", "35238")
    picarde = await add_actor(store, "Concertation Picarde", "ASSOCIATION", "80021")
    for case in (brest, quimper, amiens):
        await involve(store, ouest, case, "MEDIATOR")
    await involve(store, picarde, amiens, "FACILITATOR")
    await involve(store, picarde, abbeville, "MEDIATOR")
    # Irrigation reservoirs around the Marais poitevin.
    await add_conflict(store, "Bassine de Sainte-Soline", "IRRIGATION_RESERVOIR", "79297", 2022)
    await add_conflict(store, "Bassine de Mauzé", "IRRIGATION_RESERVOIR", "79170", 2021)
    await add_conflict(store, "Bassine de Melle", "IRRIGATION_RESERVOIR", "79174", 2023, "LATENT")
    await add_conflict(store, "Bassine de Poitiers", "IRRIGATION_RESERVOIR", "86194", 2022)
    await add_conflict(store, "Réserve du Clain", "IRRIGATION_RESERVOIR", "86194", 2023, "LATENT")
    aunis = await add_conflict(store, "Réserve d'Aunis", "IRRIGATION_RESERVOIR", "17300", 2019, "SETTLED")
    marais = await add_actor(store, "Médiateurs du Marais", "ASSOCIATION", "79191")
    await involve(store, marais, aunis, "MEDIATOR")
    # An association, a consultancy, a network and the département's council.
    await add_actor(
        store, "Marais Vivant", "ASSOCIATION", "79191", actor_id=ASSOCIATION, email="bonjour@marais.example"
    )
    bureau = await add_actor(store, "Concertations Atlantiques", "BUREAU_ETUDES", "17300")
    network = await add_actor(store, "Réseau des médiateurs de l'eau", "RESEAU", None)
    await add_actor(store, "Département des Deux-Sèvres", "COLLECTIVITE", "79191", actor_id=COUNCIL)
    await link(store, ASSOCIATION, bureau, "COOPERATES_WITH", kind="PARTNERSHIP", since=2019)
    await link(store, bureau, network, "MEMBER_OF")
    await link(store, COUNCIL, network, "MEMBER_OF")
    await link(store, COUNCIL, "DEPARTEMENT-79", "GOVERNS")


async def run(gql: GraphQL, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await gql(query, variables)
    body = response.json()
    assert "errors" not in body, body.get("errors")
    assert response.headers["x-db-round-trips"] == "1"
    data: dict[str, Any] = body["data"]
    return data


async def test_every_example_of_the_analysts_page_gives_the_described_answer(gql: GraphQL, store: Store) -> None:
    await build_doc_graph(store)
    found = examples()
    assert set(found) == {
        "WindFarmsByRegion",
        "WindFarmLeaders",
        "ReservoirGaps",
        "WhoGovernsDeuxSevres",
        "HowAreTheyConnected",
        "AroundTheAssociation",
    }
    answers = {name: await run(gql, query, variables) for name, (query, variables) in found.items()}

    counts = answers["WindFarmsByRegion"]["conflictCounts"]
    assert (counts["totalConflicts"], counts["groupCount"]) == (5, 4)
    assert [(g["territory"]["name"], g["year"], g["conflicts"]) for g in counts["groups"]] == [
        ("Hauts-de-France", 2017, 2),
        ("Hauts-de-France", 2020, 1),
        ("Bretagne", 2016, 1),
        ("Bretagne", 2018, 1),
    ]

    leaders = answers["WindFarmLeaders"]["experienceLeaders"]
    assert [
        (g["territory"]["name"], [(x["actor"]["name"], x["cases"], x["roles"]) for x in g["leaders"]]) for g in leaders
    ] == [
        (
            "Hauts-de-France",
            [("Concertation Picarde", 2, ["FACILITATOR", "MEDIATOR"]), ("Médiations de l'Ouest", 1, ["MEDIATOR"])],
        ),
        ("Bretagne", [("Médiations de l'Ouest", 2, ["MEDIATOR"])]),
    ]

    gaps = answers["ReservoirGaps"]["experienceGaps"]["gaps"]
    assert [(g["territory"]["name"], g["conflicts"], g["uncoveredCount"]) for g in gaps] == [("Vienne", 2, 2)]
    assert [case["nearestHelpKm"] for case in gaps[0]["uncovered"]] == [69.3, 69.3]
    query, variables = found["ReservoirGaps"]
    narrower = await run(gql, query.replace("radiusKm: 50", "radiusKm: 30"), variables)
    assert [
        (g["territory"]["name"], [case["conflict"]["title"] for case in g["uncovered"]])
        for g in narrower["experienceGaps"]["gaps"]
    ] == [("Vienne", ["Réserve du Clain", "Bassine de Poitiers"]), ("Deux-Sèvres", ["Bassine de Sainte-Soline"])]

    governs = answers["WhoGovernsDeuxSevres"]["neighbourhood"]
    assert [(n["label"], n["depth"]) for n in governs["nodes"]] == [
        ("Deux-Sèvres", 0),
        ("Département des Deux-Sèvres", 1),
    ]
    assert [e["type"] for e in governs["edges"]] == ["GOVERNS"]
    council_id = governs["nodes"][1]["id"]
    assert council_id == found["HowAreTheyConnected"][1]["to"]  # the id the next example uses

    path = answers["HowAreTheyConnected"]["cooperationPath"]
    assert path["__typename"] == "CooperationPath"
    assert path["hops"] == 3
    assert [a["name"] for a in path["actors"]] == [
        "Marais Vivant",
        "Concertations Atlantiques",
        "Réseau des médiateurs de l'eau",
        "Département des Deux-Sèvres",
    ]
    assert path["links"][0] == {
        "type": "COOPERATES_WITH",
        "kind": "PARTNERSHIP",
        "since": 2019,
        "source": {"name": "Marais Vivant"},
        "target": {"name": "Concertations Atlantiques"},
    }
    query, variables = found["HowAreTheyConnected"]
    too_short = await run(gql, query.replace("maxHops: 4", "maxHops: 2"), variables)
    assert too_short["cooperationPath"]["__typename"] == "NoCooperationPath"

    around = answers["AroundTheAssociation"]["neighbourhood"]
    depths = {node["label"]: node["depth"] for node in around["nodes"]}
    assert depths["Marais Vivant"] == 0
    assert depths["Concertations Atlantiques"] == 1
    assert depths["Niort"] == 1
    assert depths["Réseau des médiateurs de l'eau"] == 2
    assert depths["Département des Deux-Sèvres"] == 2  # based in Niort too
    start = next(node for node in around["nodes"] if node["depth"] == 0)
    assert "email" not in start["properties"]  # anonymous caller: no contact fields
    assert around["truncated"] is False
