"""`tec bench --peer` measures nothing unless both sides give the same answers: here on a real Neo4j.

The peer's `experiencedActors` is an `@cypher` field whose statement the benchmark ports from the
project's matching query (`bench.peer.port_matching_statement`). Run through the driver — what the
peer's field runs, without needing Node here — the ported statement must give the service's answer,
and so must the raw driver's floor; a port that drifted from the project's query (other weights: a
peer copy that has gone stale) must be refused before anything is timed.
"""

from __future__ import annotations

from typing import Any

import pytest

from bench.peer import (
    PEER_MATCHING,
    PROJECT_MATCHING,
    PeerMismatch,
    check_same,
    driver_matching,
    matching_page,
    port_matching_statement,
)
from graph.scoring import MatchingWeights
from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import NANTES, RENNES, SAINT_MALO, involve, make_actor, make_conflict

pytestmark = pytest.mark.usefixtures("reference_data")
RENNES_POINT = {"type": "ONSHORE_WIND", "lat": 48.1118, "lon": -1.68189}


async def seed_wind_experts(store: Store) -> None:
    """Four actors with wind-farm cases around Rennes (two in one, several roles and places)."""
    rennes = await make_conflict(store, "Parc éolien de la Prévalaye", territory=RENNES)
    malo = await make_conflict(store, "Éoliennes de la Côte d'Émeraude", territory=SAINT_MALO)
    nantes = await make_conflict(store, "Éolien en Loire-Atlantique", territory=NANTES)
    for name, based, cases in (
        ("Médiateurs d'Ille-et-Vilaine", RENNES, [(rennes, "MEDIATOR"), (malo, "FACILITATOR")]),
        ("Vent Debout", SAINT_MALO, [(malo, "OPPONENT")]),
        ("Bureau Alizé", NANTES, [(nantes, "EXPERT"), (rennes, "EXPERT")]),
        ("Commune partenaire", RENNES, [(rennes, "PUBLIC_AUTHORITY")]),
    ):
        actor = await make_actor(store, name, based_in=based)
        for conflict, role in cases:
            await involve(store, actor, conflict, role, start=2019)


async def peer_statement_answer(store: Store, statement: str) -> dict[str, Any]:
    """What the peer's `@cypher` field computes, shaped as its GraphQL answer."""
    params = {"conflictType": RENNES_POINT["type"], "lat": RENNES_POINT["lat"], "lon": RENNES_POINT["lon"]}
    records, _, _ = await store.driver.execute_query(statement, params, database_=store.database)
    return matching_page(records[0]["result"], project=False)


async def test_the_ported_statement_and_the_driver_agree_with_the_service_and_a_drifted_port_is_refused(
    store: Store, gql: GraphQL
) -> None:
    await seed_wind_experts(store)
    body = (await gql(PROJECT_MATCHING, RENNES_POINT)).json()
    assert "errors" not in body, body
    project = matching_page(body["data"]["experiencedActors"], project=True)
    assert len(project["rows"]) == 4
    assert project["rows"][0]["name"] == "Médiateurs d'Ille-et-Vilaine"
    assert len(project["rows"][0]["evidence"]) == 2

    peer = await peer_statement_answer(store, port_matching_statement())
    floor = await driver_matching(store.driver, store.database, RENNES_POINT)

    assert check_same([("matching near Rennes", project, peer)]) == 1
    assert check_same([("matching near Rennes", project, floor)], other="raw driver") == 1
    assert "experiencedActors(conflictType: $type, lat: $lat, lon: $lon)" in PEER_MATCHING

    drifted = await peer_statement_answer(store, port_matching_statement(weights=MatchingWeights(case_decay=0.2)))
    with pytest.raises(PeerMismatch) as refused:
        check_same([("matching near Rennes", project, drifted)])
    assert "nothing was measured" in str(refused.value)
    assert "row 1: score" in str(refused.value)
