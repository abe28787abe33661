"""The batched writers: rows land with the contract's properties, re-runs converge, bad rows write nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from neo4j.spatial import WGS84Point

from graph import bulk, model
from graph.store import Store

pytestmark = pytest.mark.usefixtures("reference_data")

RENNES = WGS84Point((-1.68189, 48.1118))  # the snapshot centroid of COMMUNE-35238


def actor(ident: str, name: str, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "name": name, "kind": "ASSOCIATION", "location": RENNES, **extra}


def conflict(ident: str, title: str) -> dict[str, Any]:
    return {"id": ident, "title": title, "status": "ACTIVE", "startedOn": date(2024, 3, 1), "year": 2024}


async def counts(store: Store, source: str) -> dict[str, int]:
    rows = await store.read(
        "tests.bulkCounts",
        "MATCH (:Source {name: $source})<-[:FROM_SOURCE]-(n) "
        "OPTIONAL MATCH (n)-[r]->(m) WHERE NOT m:Source "
        "RETURN count(DISTINCT n) AS nodes, count(r) AS relationships",
        {"source": source},
    )
    return {"nodes": rows[0]["nodes"], "relationships": rows[0]["relationships"]}


async def write_sample(writer: bulk.BulkWriter) -> list[bulk.LoadTally]:
    reports = [
        await writer.nodes(
            "Actor",
            [
                actor("a1", "Association Eau et Rivières du Trégor", description="Veille sur la qualité de l'eau."),
                actor("a2", "Collectif citoyen du Val de Rance", openToSponsorship=True, sponsorshipCapacity=2),
            ],
        ),
        await writer.nodes("Conflict", [conflict("c1", "Parc éolien de la Lande du Moulin")]),
        await writer.relationships(
            "Actor",
            "BASED_IN",
            "Territory",
            [{"from": "a1", "to": "COMMUNE-35238"}, {"from": "a2", "to": "COMMUNE-35238"}],
        ),
        await writer.relationships(
            "Actor",
            "INVOLVED_IN",
            "Conflict",
            [
                {"from": "a1", "to": "c1", "props": {"role": "OPPONENT", "from": 2024}},
                {"from": "a1", "to": "c1", "props": {"role": "EXPERT", "from": 2025}},
            ],
        ),
        await writer.relationships("Conflict", "OF_TYPE", "ConflictType", [{"from": "c1", "to": "ONSHORE_WIND"}]),
        await writer.relationships(
            "Actor",
            "COOPERATES_WITH",
            "Actor",
            [{"from": "a1", "to": "a2", "props": {"kind": "PARTNERSHIP", "since": 2019}}],
        ),
    ]
    return reports


async def test_nodes_land_with_contract_properties_and_their_source(store: Store) -> None:
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit", batch_size=1)
    reports = await write_sample(writer)
    assert [(r.rows, r.written) for r in reports] == [(2, 2), (1, 1), (2, 2), (2, 2), (1, 1), (1, 1)]
    rows = await store.read(
        "tests.bulkActor",
        "MATCH (a:Actor {id: 'a1'})-[f:FROM_SOURCE]->(s:Source) "
        "RETURN a {.*} AS actor, f.externalId AS externalId, s {.*} AS source",
    )
    found = rows[0]
    assert found["actor"]["nameKey"] == "association eau et rivieres du tregor"
    assert found["actor"]["searchText"] == "association eau et rivieres du tregor veille sur la qualite de l eau"
    assert found["actor"]["createdBy"] == "seed:unit"
    assert found["actor"]["source"] == "unit"
    assert found["actor"]["location"] == RENNES
    assert found["actor"]["createdAt"] == found["actor"]["updatedAt"]
    assert found["externalId"] == "a1"
    assert found["source"]["name"] == "unit"
    assert found["source"]["id"] == model.source_id("unit")
    assert found["source"]["kind"] == "DEMO"
    roles = await store.read(
        "tests.bulkRoles",
        "MATCH (:Actor {id: 'a1'})-[r:INVOLVED_IN]->(:Conflict {id: 'c1'}) RETURN r.role AS role, r.from AS year "
        "ORDER BY role",
    )
    assert roles == [{"role": "EXPERT", "year": 2025}, {"role": "OPPONENT", "year": 2024}]
    typed = await store.read(
        "tests.bulkType",
        "MATCH (c:Conflict {id: 'c1'})-[:OF_TYPE]->(t:ConflictType) RETURN t.code AS code, c.startedOn AS started, "
        "c.searchText AS text",
    )
    assert typed[0]["code"] == "ONSHORE_WIND"
    assert typed[0]["started"].to_native() == date(2024, 3, 1)
    assert typed[0]["text"] == "parc eolien de la lande du moulin"


async def test_a_second_run_changes_no_counts(store: Store) -> None:
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit")
    await write_sample(writer)
    before = await counts(store, "unit")
    created = await store.read("tests.createdAt", "MATCH (a:Actor {id: 'a1'}) RETURN a.createdAt AS at")
    await write_sample(bulk.BulkWriter(store, source="unit", by="seed:unit"))
    assert await counts(store, "unit") == before == {"nodes": 3, "relationships": 6}
    again = await store.read("tests.createdAt", "MATCH (a:Actor {id: 'a1'}) RETURN a.createdAt AS at")
    assert again == created
    sources = await store.read("tests.sources", "MATCH (s:Source {name: 'unit'}) RETURN count(s) AS n")
    assert sources == [{"n": 1}]


async def test_an_interrupted_load_converges_when_run_again(store: Store) -> None:
    rows = [actor(f"x{i}", f"Association n° {i}") for i in range(25)]
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit", batch_size=10)
    await writer.nodes("Actor", rows[:10])  # the first batch committed, then the load stopped
    assert (await counts(store, "unit"))["nodes"] == 10
    report = await writer.nodes("Actor", rows)
    assert (report.rows, report.written) == (25, 25)
    assert (await counts(store, "unit"))["nodes"] == 25


async def test_a_bad_row_is_named_and_nothing_of_its_load_is_written(store: Store) -> None:
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit", batch_size=2)
    rows = [actor("ok1", "Association A"), actor("ok2", "Association B"), actor("bad", "Mairie", kind="MAIRIE")]
    with pytest.raises(bulk.BulkRowError) as refused:
        await writer.nodes("Actor", rows)
    assert str(refused.value).startswith("Actor row 2 (id bad): 'kind' must be one of ASSOCIATION, ")
    assert "(got 'MAIRIE')" in str(refused.value)
    assert await bulk.count_nodes(store, "Actor") == 0

    with pytest.raises(bulk.BulkRowError, match=r"Actor row 0 \(id a\): unknown property password"):
        await writer.nodes("Actor", [actor("a", "A", password="secret")])
    with pytest.raises(bulk.BulkRowError, match=r"Conflict row 0 \(id c\): 'startedOn' must be a date \(got str\)"):
        await writer.nodes("Conflict", [{**conflict("c", "Carrière"), "startedOn": "2024-03-01"}])
    with pytest.raises(bulk.BulkRowError, match=r"Actor row 1: 'id' must be a non-empty string"):
        await writer.nodes("Actor", [actor("a", "A"), actor("", "B")])
    with pytest.raises(bulk.BulkRowError, match=r"row 0 \(a -> c\): 'role' must be one of .*\(got 'JUDGE'\)"):
        await writer.relationships(
            "Actor", "INVOLVED_IN", "Conflict", [{"from": "a", "to": "c", "props": {"role": "JUDGE"}}]
        )
    with pytest.raises(bulk.BulkRowError, match=r"row 1 \(a -> b\): the same relationship appears twice"):
        await writer.relationships(
            "Actor",
            "COOPERATES_WITH",
            "Actor",
            [
                {"from": "a", "to": "b", "props": {"kind": "FUNDING"}},
                {"from": "a", "to": "b", "props": {"kind": "FUNDING"}},
            ],
        )
    assert await bulk.count_nodes(store, "Conflict") == 0


@pytest.mark.parametrize(
    ("start", "rel_type", "end"),
    [
        ("Actor", "BASED_IN]->(t) DETACH DELETE t //", "Territory"),
        ("Actor) DETACH DELETE a //", "BASED_IN", "Territory"),
        ("Actor", "OWNS", "Territory"),
    ],
)
async def test_relationship_types_and_labels_come_from_the_allow_list(
    store: Store, start: str, rel_type: str, end: str
) -> None:
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit")
    with pytest.raises(ValueError, match="no batched writer for"):
        await writer.relationships(start, rel_type, end, [{"from": "a", "to": "COMMUNE-35238"}])
    with pytest.raises(ValueError, match="no batched writer for the label"):
        await writer.nodes("Territory) DETACH DELETE n //", [{"id": "x"}])
    assert await bulk.count_nodes(store, "Territory") > 30_000


async def test_links_to_missing_nodes_are_counted_not_invented(store: Store) -> None:
    writer = bulk.BulkWriter(store, source="unit", by="seed:unit")
    await writer.nodes("Actor", [actor("a1", "A"), actor("a2", "B")])
    report = await writer.relationships(
        "Actor", "BASED_IN", "Territory", [{"from": "a1", "to": "COMMUNE-35238"}, {"from": "a2", "to": "COMMUNE-00000"}]
    )
    assert (report.rows, report.written, report.missing) == (2, 1, 1)
    assert await bulk.missing_keys(store, "Territory", ["COMMUNE-00000", "COMMUNE-35238", "REGION-53"]) == [
        "COMMUNE-00000"
    ]
    assert await bulk.missing_keys(store, "ConflictType", ["ONSHORE_WIND", "NOPE"]) == ["NOPE"]


async def test_deleting_a_source_keeps_the_other_sources(store: Store) -> None:
    await write_sample(bulk.BulkWriter(store, source="unit", by="seed:unit"))
    await bulk.BulkWriter(store, source="other", by="seed:other").nodes("Actor", [actor("o1", "Autre")])
    deleted = await bulk.delete_source(store, "unit", batch_size=2)
    assert deleted == 3
    assert await counts(store, "unit") == {"nodes": 0, "relationships": 0}
    assert await counts(store, "other") == {"nodes": 1, "relationships": 0}
    left = await store.read("tests.sourcesLeft", "MATCH (s:Source) RETURN s.name AS name ORDER BY name")
    assert left == [{"name": "other"}]
    assert await bulk.count_nodes(store, "Territory") > 30_000
