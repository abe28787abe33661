"""`tec seed`: a generated network lands whole, converges when run again, resets, and refuses without territories."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from graph import bulk, outbox
from graph.store import Store
from importers.reference import TerritoryRecord
from synthetic.seeding import SeedRefused, seed_needs, seed_network
from tec.cli.bootstrap import first_run
from tec.cli.main import app
from tests.services import bretagne_territories, small_demo

pytestmark = pytest.mark.usefixtures("reference_data")

SMALL = small_demo("small", conflicts=150, resources=50, cooperations=500)


@pytest.fixture(scope="module")
def bretagne() -> list[TerritoryRecord]:
    """Bretagne's région, départements, EPCI and communes: the real records of the snapshot."""
    return bretagne_territories()


async def graph_counts(store: Store, source: str) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes by label and relationships by type that the seed `source` wrote (FROM_SOURCE aside)."""
    nodes = await store.read(
        "tests.seedNodes",
        "MATCH (:Source {name: $source})<-[:FROM_SOURCE]-(n) RETURN labels(n)[0] AS label, count(n) AS n",
        {"source": source},
    )
    links = await store.read(
        "tests.seedLinks",
        "MATCH (:Source {name: $source})<-[:FROM_SOURCE]-(n)-[r]->(m) WHERE NOT m:Source "
        "RETURN type(r) AS type, count(r) AS n",
        {"source": source},
    )
    return {row["label"]: row["n"] for row in nodes}, {row["type"]: row["n"] for row in links}


async def test_a_seed_lands_whole_and_a_second_run_changes_nothing(
    store: Store, bretagne: list[TerritoryRecord]
) -> None:
    report = await seed_network(store, SMALL, territories=bretagne)
    nodes, links = await graph_counts(store, "small")
    assert nodes == report.nodes
    assert links == report.relationships
    assert nodes["Actor"] == 400
    assert links["INVOLVED_IN"] == 600
    assert report.skipped == 0
    assert report.rows == sum(report.nodes.values()) + sum(report.relationships.values())
    assert report.rows_per_second > 0
    assert "small network: 400 Actor, 150 Conflict" in report.summary()
    again = await seed_network(store, SMALL, territories=bretagne)
    assert await graph_counts(store, "small") == (nodes, links)
    assert again.rows == report.rows
    located = await store.read(
        "tests.seedLocations",
        "MATCH (a:Actor {source: 'small'})-[:BASED_IN]->(t:Territory) "
        "RETURN count(a) AS n, sum(CASE WHEN a.location = t.location THEN 1 ELSE 0 END) AS same",
    )
    assert located == [{"n": 400, "same": 400}]


async def test_reset_deletes_the_previous_seed_and_nothing_else(store: Store, bretagne: list[TerritoryRecord]) -> None:
    await seed_network(store, SMALL, territories=bretagne)
    other = bulk.BulkWriter(store, source="partner", by="import:partner")
    await other.nodes("Actor", [{"id": "p1", "name": "Association partenaire", "kind": "ASSOCIATION"}])
    stray = await store.read("tests.strayActor", "MATCH (a:Actor {source: 'small'}) RETURN a.id AS id LIMIT 1")
    await store.write(  # a change made since the last seed: reset must drop it
        "tests.editSeed", "MATCH (a:Actor {id: $id}) SET a.name = 'Renamed'", {"id": stray[0]["id"]}
    )
    report = await seed_network(store, SMALL, territories=bretagne, reset=True)
    assert report.deleted == sum(report.nodes.values())
    nodes, _ = await graph_counts(store, "small")
    assert nodes == report.nodes
    assert await graph_counts(store, "partner") == ({"Actor": 1}, {})
    renamed = await store.read("tests.renamed", "MATCH (a:Actor {name: 'Renamed'}) RETURN count(a) AS n")
    assert renamed == [{"n": 0}]


async def test_a_seed_refuses_territories_that_are_not_loaded(store: Store) -> None:
    nowhere = [
        TerritoryRecord("REGION", "R9", "Nulle-Part", 1000, 45.0, 1.0, "metro", "test", None, None, None, None),
        TerritoryRecord("DEPARTEMENT", "D9", "Néant", 1000, 45.0, 1.0, "metro", "test", "R9", None, None, None),
        TerritoryRecord("COMMUNE", "D9001", "Testville", 1000, 45.0, 1.0, "metro", "test", "R9", "D9", None, None),
    ]
    tiny = replace(SMALL, name="nowhere", actors=20, conflicts=10, projects=5, resources=5, cooperations=10)
    with pytest.raises(SeedRefused, match=r"^The territories are not loaded: run `tec import territories` first\.$"):
        await seed_network(store, tiny, territories=nowhere)
    assert await bulk.count_nodes(store, "Actor") == 0


@pytest.mark.slow
async def test_first_run_loads_the_demo_once_and_the_cli_reports_its_rate(
    store: Store, neo4j_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    await first_run(store)
    printed = capsys.readouterr().out
    assert "Demo data loaded: demo network: 3,000 Actor, 1,200 Conflict, 800 Project, 600 Resource" in printed
    assert "rows/s" in printed
    await first_run(store)
    assert "Demo data" not in capsys.readouterr().out
    assert await bulk.count_nodes(store, "Actor") == 3_000
    rennes = await store.read(
        "tests.demoRennes",
        "MATCH (a:Actor)-[:BASED_IN]->(:Territory {id: 'COMMUNE-35238'}) RETURN count(a) AS n",
    )
    assert rennes[0]["n"] >= 20
    before = await graph_counts(store, "demo")

    # The CLI runs its own event loop: give it a thread.
    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    result = await asyncio.to_thread(CliRunner().invoke, app, ["seed", "demo"], env=env)
    assert result.exit_code == 0, result.output
    assert "  Actor: 3000/3000" in result.output
    assert "demo network: 3,000 Actor" in result.output
    assert "rows/s" in result.output
    assert await graph_counts(store, "demo") == before


async def test_the_demo_s_open_needs_are_posted_with_their_alerts_and_replaced_on_a_new_seed(
    store: Store, bretagne: list[TerritoryRecord]
) -> None:
    await seed_network(store, SMALL, territories=bretagne)
    posted, alerts = await seed_needs(store, "small")
    assert posted == 5
    count = (
        "MATCH (n:Need {status: 'OPEN'})<-[:POSTED]-(a:Actor {kind: 'COLLECTIVITE', source: 'small'}) "
        "WHERE (n)-[:ABOUT]->(:Conflict) RETURN count(n) AS n"
    )
    assert await store.read("tests.demoNeeds", count) == [{"n": 5}]
    events = await outbox.events_after(store, 0)
    assert [e.kind for e in events].count("NEED_POSTED") == 5
    assert [e.kind for e in events].count("ALERT") == alerts
    assert await seed_needs(store, "small") == (posted, alerts)
    assert await store.read("tests.demoNeeds", count) == [{"n": 5}]
