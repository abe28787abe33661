"""Every example of docs/api.md runs, answers something non-empty, and costs the round trips it states."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph import facets
from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import (
    RENNES,
    SAINT_MALO,
    involve,
    make_actor,
    make_call,
    make_conflict,
    make_project,
    make_resource,
)

pytestmark = pytest.mark.usefixtures("reference_data")

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
_BLOCK = re.compile(r"```(graphql|json)\n(.*?)```", re.S)
_ROUND_TRIPS = re.compile(r"Round trips: (\d+)")
_OPERATION = re.compile(r"^(query|mutation) (\w+)", re.M)


@dataclass
class Example:
    name: str
    kind: str
    query: str
    variables: dict[str, Any]
    round_trips: int | None


def examples() -> list[Example]:
    """The ```graphql blocks of docs/api.md, each with the ```json variables and round-trip count after it."""
    text = DOC.read_text(encoding="utf-8")
    blocks = list(_BLOCK.finditer(text))
    found: list[Example] = []
    for index, block in enumerate(blocks):
        if block.group(1) != "graphql":
            continue
        operation = _OPERATION.search(block.group(2))
        assert operation, f"every example needs an operation name: {block.group(2)[:60]}"
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        end = following.start() if following else len(text)
        variables: dict[str, Any] = {}
        if following is not None and following.group(1) == "json":
            variables = json.loads(following.group(2))
            after_next = blocks[index + 2] if index + 2 < len(blocks) else None
            end = after_next.start() if after_next else len(text)
        trips = _ROUND_TRIPS.search(text, block.end(), end)
        found.append(
            Example(
                name=operation.group(2),
                kind=operation.group(1),
                query=block.group(2),
                variables=variables,
                round_trips=int(trips.group(1)) if trips else None,
            )
        )
    return found


async def _build(store: Store) -> None:
    """A small Breton network holding what every example asks for."""
    concertation = await make_actor(
        store,
        "Association pour la concertation du pays de Rennes",
        description="Ateliers, réunions publiques et concertations locales.",
        website="https://concertation-rennes.example.fr",
        source="Réseau breton (test)",
    )
    await store.write(
        "tests.source", "CREATE (:Source {id: 'source-test', name: 'Réseau breton (test)', kind: 'PARTNER'})"
    )
    consultancy = await make_actor(
        store,
        "Médiation & Concertation Ouest",
        kind="BUREAU_ETUDES",
        based_in=SAINT_MALO,
        openToSponsorship=True,
        source="Réseau breton (test)",
    )
    city = await make_actor(store, "Commune de Rennes", kind="COLLECTIVITE")
    network = await make_actor(store, "Réseau breton de la participation", kind="RESEAU")
    project = await make_project(store, "Parc éolien des Landes", kind="DEVELOPMENT", runs=(city,))
    wind = await make_conflict(
        store,
        "Parc éolien des Landes",
        summary="Six éoliennes contestées près de Rennes.",
        started_on=date(2021, 9, 1),
    )
    await make_conflict(store, "Ligne à haute tension de Saint-Malo", type_code="POWER_LINE", territory=SAINT_MALO)
    await involve(store, consultancy, wind, "MEDIATOR", 2022, 2023)
    await involve(store, concertation, wind, "FACILITATOR", 2022)
    await involve(store, city, wind, "PUBLIC_AUTHORITY", 2021)
    await store.write(
        "tests.docLinks",
        "MATCH (c:Conflict {id: $wind}), (p:Project {id: $project}), (a:Actor {id: $a}), (n:Actor {id: $n}), "
        "(city:Actor {id: $city}), (t:Theme {code: 'CONCERTATION'}), (d:Territory {level: 'DEPARTEMENT', code: '35'}) "
        "CREATE (c)-[:ABOUT]->(p), (a)-[:WORKS_ON]->(t), (a)-[:ACTS_IN]->(d), (a)-[:MEMBER_OF]->(n), "
        "(a)-[:COOPERATES_WITH {kind: 'PARTNERSHIP', since: 2019}]->(city), (a)-[:TAKES_PART_IN]->(p) "
        "WITH a " + facets.refresh("a", "Actor"),
        {"wind": wind, "project": project, "a": concertation, "n": network, "city": city},
    )
    await make_resource(
        store,
        "Guide de la concertation préalable",
        summary="Préparer et animer une concertation avant la décision.",
        themes=("CONCERTATION",),
        conflict_types=("ENERGY",),
        authors=(concertation,),
        documents=(wind,),
    )
    await make_resource(
        store,
        "Éolien : ce que la médiation a changé à Rennes",
        kind="ARTICLE",
        summary="Retour sur deux ans de dialogue.",
        published_on=date(2026, 2, 1),
        authors=(consultancy,),
    )
    garden = await make_project(store, "Jardins partagés des Landes", runs=(concertation,))
    await make_call(store, "Appel à communs 2026", applications=((garden, "SUBMITTED"),))


def _first_id(data: dict[str, Any]) -> str:
    connection = next(iter(data.values()))
    return str(connection["nodes"][0]["id"])


def _assert_filled(name: str, data: dict[str, Any]) -> None:
    for field, value in data.items():
        assert value, f"{name}.{field} came back empty"
        if isinstance(value, dict) and "nodes" in value:
            assert value["nodes"], f"{name}.{field} has no nodes"


async def test_every_documented_example_runs_and_costs_what_the_doc_says(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    await _build(store)
    found = examples()
    names = [example.name for example in found]
    for page in ("DirectorySearch", "ActorProfile", "ConflictPage", "ResourceCentre", "CallForCommons"):
        assert page in names
    admin = await api_key("admin")
    results: dict[str, dict[str, Any]] = {}
    trips: dict[str, tuple[int, int]] = {}  # example: (round trips found, round trips the doc states)
    for example in sorted(found, key=lambda e: e.kind == "mutation"):  # queries first: mutations use their ids
        variables = dict(example.variables)
        if example.name == "ActorProfile":
            variables["id"] = _first_id(results["DirectorySearch"])
        if example.name == "ConflictPage":
            variables["id"] = _first_id(results["ConflictSearch"])
        if example.kind == "mutation":
            actor = _first_id(results["DirectorySearch"])
            conflict = _first_id(results["ConflictSearch"])
            variables = {k: v for k, v in variables.items() if k not in ("actorId", "conflictId")}
            query = example.query.replace('"QWN0b3I6…"', json.dumps(actor)).replace(
                '"Q29uZmxpY3Q6…"', json.dumps(conflict)
            )
        else:
            query = example.query
        response = await gql(query, variables, token=admin if example.kind == "mutation" else None)
        body = response.json()
        assert "errors" not in body, (example.name, body)
        _assert_filled(example.name, body["data"])
        results[example.name] = body["data"]
        if example.round_trips is not None:
            trips[example.name] = (int(response.headers["x-db-round-trips"]), example.round_trips)
    assert {name: found for name, (found, stated) in trips.items() if found != stated} == {}, trips
    assert results["ActorProfile"]["actor"]["conflicts"][0]["conflict"]["type"]["code"] == "ONSHORE_WIND"
    assert results["RecordAnInvolvement"]["setInvolvement"]["__typename"] == "LinkSaved"
    assert RENNES in json.dumps(results["DirectorySearch"])
