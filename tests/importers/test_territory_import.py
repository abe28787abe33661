"""Loading the reference data into Neo4j: what lands in the graph, and that a second run changes nothing."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any, LiteralString

import pytest
import pytest_asyncio
from typer.testing import CliRunner

from graph.store import Store
from importers.reference import TerritoryRecord, TerritorySnapshot
from importers.territories import import_taxonomy, import_territories
from tec.cli.main import app

pytestmark = pytest.mark.usefixtures("pristine_territories")


async def rows(store: Store, query: LiteralString, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return await store.read("tests.query", query, params or {}, timeout=120)


async def one_list(store: Store, query: LiteralString) -> list[Any]:
    """The `rows` list of a query that collects its rows into one record: the driver spends ~0.1 ms a
    record, so 100,000 links read as records took 16 s, and as one list under a second."""
    return list((await rows(store, query))[0]["rows"])


async def test_every_level_is_loaded_with_the_counts_of_the_source(store: Store, snapshot: TerritorySnapshot) -> None:
    found = await rows(store, "MATCH (t:Territory) RETURN t.level AS level, count(*) AS n")
    counts = {row["level"]: row["n"] for row in found}
    assert counts["REGION"] == 18
    assert counts["DEPARTEMENT"] == 101
    assert counts["EPCI"] == 1255
    assert counts["COMMUNE"] >= 34_900
    assert counts == dict(Counter(record.level for record in snapshot.territories))


async def test_every_commune_of_a_departement_is_part_of_exactly_that_one(
    store: Store, snapshot: TerritorySnapshot
) -> None:
    found = await one_list(
        store,
        "MATCH (c:Territory {level: 'COMMUNE'}) "
        "OPTIONAL MATCH (c)-[:PART_OF]->(d:Territory {level: 'DEPARTEMENT'}) "
        "WITH c, collect(d.code) AS departements "
        "RETURN collect({code: c.code, zone: c.zone, departements: departements}) AS rows",
    )
    by_code = {row["code"]: row for row in found}
    expected = {r.code: r.departement for r in snapshot.territories if r.level == "COMMUNE"}
    for code, departement in expected.items():
        row = by_code[code]
        if row["zone"] == "com":
            assert row["departements"] == [], code
        else:
            assert row["departements"] == [departement], code
    assert sum(1 for row in found if row["zone"] == "com") == 94


async def test_every_member_of_an_epci_is_part_of_it_and_of_no_other(store: Store, snapshot: TerritorySnapshot) -> None:
    found = await one_list(
        store,
        "MATCH (c:Territory {level: 'COMMUNE'})-[:PART_OF]->(e:Territory {level: 'EPCI'}) "
        "RETURN collect({commune: c.code, epci: e.code}) AS rows",
    )
    pairs = {(row["commune"], row["epci"]) for row in found}
    expected = {(r.code, r.epci) for r in snapshot.territories if r.level == "COMMUNE" and r.epci}
    assert pairs == expected
    assert len(found) == len(pairs)  # no commune is linked twice
    assert max(Counter(commune for commune, _ in pairs).values()) == 1
    assert sum(1 for _, epci in pairs if epci == "200054781") == 130  # Métropole du Grand Paris


async def test_departements_are_part_of_their_region_and_regions_of_nothing(store: Store) -> None:
    found = await rows(
        store,
        "MATCH (d:Territory {level: 'DEPARTEMENT'}) OPTIONAL MATCH (d)-[:PART_OF]->(r:Territory) "
        "RETURN d.code AS code, collect(r.level + '-' + r.code) AS parents",
    )
    assert len(found) == 101
    assert all(len(row["parents"]) == 1 and row["parents"][0].startswith("REGION-") for row in found)
    assert {row["code"]: row["parents"][0] for row in found}["35"] == "REGION-53"
    upward = await rows(store, "MATCH (:Territory {level: 'REGION'})-[r:PART_OF]->() RETURN count(r) AS n")
    assert upward[0]["n"] == 0


async def test_neighbour_pairs_are_stored_once_from_the_lower_code(store: Store, snapshot: TerritorySnapshot) -> None:
    found = await one_list(
        store, "MATCH (a:Territory)-[:NEIGHBOUR_OF]->(b:Territory) RETURN collect([a.code, b.code]) AS rows"
    )
    pairs = [(a, b) for a, b in found]
    assert len(pairs) >= 100_000
    assert all(a < b for a, b in pairs)
    assert sorted(pairs) == sorted(snapshot.neighbours)


async def test_rennes_sits_at_its_centroid_next_to_its_neighbours(store: Store) -> None:
    found = await rows(
        store,
        "MATCH (t:Territory {level: 'COMMUNE', code: '35238'}) "
        "RETURN t {.*} AS rennes, point.distance(t.location, point({latitude: 48.11, longitude: -1.68})) AS metres, "
        "[(t)-[:NEIGHBOUR_OF]-(n) | n.code] AS neighbours",
    )
    row = found[0]
    assert row["metres"] < 3000
    assert {"35278", "35051"} <= set(row["neighbours"])
    rennes = row["rennes"]
    assert rennes["id"] == "COMMUNE-35238"
    assert rennes["name"] == "Rennes"
    assert rennes["nameKey"] == "rennes"
    assert rennes["zone"] == "metro"
    assert rennes["centroidSource"] == "contour"
    assert rennes["population"] > 200_000
    assert rennes["createdBy"] == "import:reference"


async def test_the_taxonomy_is_a_tree_of_french_labels(store: Store) -> None:
    found = await rows(
        store,
        "MATCH (t:ConflictType {code: 'ONSHORE_WIND'})-[:SUBTYPE_OF]->(c)-[:SUBTYPE_OF]->(f) "
        "RETURN t {.*} AS type, c.code AS category, f.code AS family, "
        "COUNT { (:ConflictType) } AS types, COUNT { ()-[:SUBTYPE_OF]->() } AS links, COUNT { (:Theme) } AS themes",
    )
    row = found[0]
    assert (row["category"], row["family"]) == ("ENERGY", "AMENAGEMENT")
    assert row["type"]["id"] == "ONSHORE_WIND"
    assert row["type"]["label"] == "Parc éolien terrestre"
    assert row["type"]["level"] == 3
    assert row["types"] == 74
    assert row["links"] == 72  # every type but the two family roots
    assert row["themes"] == 15
    facets = await rows(store, "MATCH (t:ConflictType {code: 'SHORT_TERM_RENTALS'}) RETURN t.facets AS facets")
    assert facets[0]["facets"] == ["SUPERPOSITION"]


async def graph_state(store: Store) -> dict[str, Any]:
    """Every reference node's properties and every reference link, for before/after comparisons.

    Each read is one list (`one_list`: 174,000 links took 21 s as records, 0.5 s as a list); the
    timestamps come as Cypher's ISO strings, equal exactly when the datetimes are (decoding 73,000
    of the driver's DateTime objects took 6 s)."""
    nodes = await one_list(
        store,
        "MATCH (n) WHERE n:Territory OR n:ConflictType OR n:Theme "
        "RETURN collect([labels(n)[0] + n.id, "
        "n {.*, createdAt: toString(n.createdAt), updatedAt: toString(n.updatedAt)}]) AS rows",
    )
    links = await one_list(
        store,
        "MATCH (a)-[r:PART_OF|NEIGHBOUR_OF|SUBTYPE_OF]->(b) RETURN collect(a.id + ' ' + type(r) + ' ' + b.id) AS rows",
    )
    return {"nodes": dict(nodes), "links": sorted(links)}


@pytest.mark.slow
async def test_a_second_import_changes_nothing(store: Store) -> None:
    before = await graph_state(store)  # the module's fixture restored the reference data as imported
    taxonomy = await import_taxonomy(store)
    territories = await import_territories(store)
    after = await graph_state(store)
    assert not taxonomy.changed, taxonomy.lines()
    assert not territories.changed, territories.lines()
    assert len(after["nodes"]) == len(before["nodes"]) > 36_000
    assert len(after["links"]) == len(before["links"]) > 170_000
    assert after == before


SYNTHETIC = [
    TerritoryRecord(
        "REGION", "ZR", "Région test", 30, 45.0, 5.0, "metro", "communes-area-weighted", None, None, None, None
    ),
    TerritoryRecord(
        "DEPARTEMENT", "ZA", "Dép A", 20, 45.0, 5.0, "metro", "communes-area-weighted", "ZR", None, None, None
    ),
    TerritoryRecord(
        "DEPARTEMENT", "ZB", "Dép B", 10, 45.1, 5.1, "metro", "communes-area-weighted", "ZR", None, None, None
    ),
    TerritoryRecord("COMMUNE", "ZA001", "Saint-Test", 10, 45.0, 5.0, "metro", "contour", "ZR", "ZA", None, None),
    TerritoryRecord("COMMUNE", "ZA002", "Testville", 10, 45.01, 5.0, "metro", "contour", "ZR", "ZA", None, None),
    TerritoryRecord("COMMUNE", "ZB001", "Autre-Test", 10, 45.1, 5.1, "metro", "contour", "ZR", "ZB", None, None),
]


@pytest_asyncio.fixture
async def synthetic(store: Store) -> AsyncIterator[TerritorySnapshot]:
    yield TerritorySnapshot(
        cog=2026, sources=[], territories=SYNTHETIC, neighbours=[("ZA001", "ZA002"), ("ZA002", "ZB001")]
    )
    await store.write("tests.dropSynthetic", "MATCH (t:Territory) WHERE t.code STARTS WITH 'Z' DETACH DELETE t")


async def test_a_changed_snapshot_updates_names_moves_parents_and_drops_old_neighbours(
    store: Store, synthetic: TerritorySnapshot
) -> None:
    first = await import_territories(store, synthetic)
    created = {step.name: step.counts.created for step in first.steps}
    assert (created["territories"], created["PART_OF"], created["NEIGHBOUR_OF"]) == (6, 5, 2)
    assert any("not in the snapshot (kept, not deleted)" in warning for warning in first.warnings)

    moved = dataclasses.replace(SYNTHETIC[4], name="Testville-sur-Mer", departement="ZB")
    changed = TerritorySnapshot(
        cog=2026,
        sources=[],
        territories=[*SYNTHETIC[:4], moved, SYNTHETIC[5]],
        neighbours=[("ZA002", "ZB001")],
    )
    second = await import_territories(store, changed)
    counts = {step.name: step.counts for step in second.steps}
    assert (counts["territories"].created, counts["territories"].updated) == (0, 1)
    assert (counts["PART_OF (stale)"].removed, counts["PART_OF"].created) == (1, 1)
    assert counts["NEIGHBOUR_OF (stale)"].removed == 1
    found = await rows(
        store,
        "MATCH (t:Territory {level: 'COMMUNE', code: 'ZA002'})-[:PART_OF]->(d) "
        "RETURN t.name AS name, t.nameKey AS key, t.updatedBy AS by, collect(d.code) AS parents, "
        "[(t)-[:NEIGHBOUR_OF]-(n) | n.code] AS neighbours",
    )
    assert found == [
        {
            "name": "Testville-sur-Mer",
            "key": "testville sur mer",
            "by": "import:reference",
            "parents": ["ZB"],
            "neighbours": ["ZB001"],
        }
    ]


def test_the_cli_loads_the_taxonomy_and_reports_plain_progress(neo4j_uri: str, reference_data: None) -> None:
    result = CliRunner().invoke(app, ["import", "taxonomy"], env={"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"})
    assert result.exit_code == 0, result.output
    assert "  conflict types: 74/74" in result.output
    assert "Taxonomy imported in" in result.output
    assert "(nothing changed)" in result.output
    assert "Graph: 74 conflict types (72 SUBTYPE_OF), 15 themes." in result.output


def test_the_cli_names_the_file_it_cannot_read(neo4j_uri: str, tmp_path: Any) -> None:
    broken = tmp_path / "taxonomy.json"
    broken.write_text('{"version": 2}', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "taxonomy", "--file", str(broken)], env={"NEO4J_URI": neo4j_uri})
    assert result.exit_code == 1
    assert f"Cannot read {broken}" in result.output
    assert "unsupported taxonomy version" in result.output
