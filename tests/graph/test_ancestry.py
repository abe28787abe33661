"""Every writer keeps each record's territory ancestry, `areaCodes` (graph.ancestry), so that a search
with a territory filter, answered by the full-text index, finds exactly the records inside it.

Places (the shipped 2026 snapshot): Bruz (35047) is in Rennes Métropole (243500139), Ille-et-Vilaine
(35), Bretagne (53); Brest (29019) in Brest Métropole (242900314), Finistère (29), Bretagne (53).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from graph import ancestry
from graph.bulk import BulkWriter
from graph.imports import ensure_source, upsert_batch
from graph.store import Store
from importers.reference import TerritorySnapshot, read_territory_snapshot
from importers.territories import import_territories
from tec.cli.main import app
from tests.api_writes import create_brest_wind_conflict, create_bruz_mediator, mutate
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

BRUZ = ["c35047", "d35", "e243500139", "r53"]
BREST = ["c29019", "d29", "e242900314", "r53"]


async def codes(store: Store, record_id: str) -> list[str] | None:
    """The stored list of a record, by its id or its GraphQL id ("Actor:<id>" in base 64)."""
    if not record_id.isascii() or len(record_id) < 20 or "-" in record_id:
        key = record_id
    else:
        key = base64.b64decode(record_id).decode().split(":", 1)[1]
    rows = await store.read("t", "MATCH (n {id: $id}) RETURN n.areaCodes AS codes", {"id": key})
    value: list[str] | None = rows[0]["codes"]
    return value


async def all_kept(store: Store) -> None:
    """The check `tec db check` makes finds nothing to fix."""
    assert [(c.label, c.stale, c.examples) for c in await ancestry.check(store) if c.stale] == []


async def search(gql: GraphQL, field: str, text: str, territory: str) -> list[str]:
    """Titles (or names) a list returns for words in a territory, with its total equal to them."""
    title = "name" if field == "actors" else "title"
    query = (
        f"query($s: String!, $t: String!) {{ {field}(search: $s, where: {{territory: $t}}, first: 50) "
        f"{{ totalCount edges {{ node {{ {title} }} }} }} }}"
    )
    body = (await gql(query, {"s": text, "t": territory})).json()
    assert "errors" not in body, body
    found = [edge["node"][title] for edge in body["data"][field]["edges"]]
    assert body["data"][field]["totalCount"] == len(found)
    return sorted(found)


async def test_the_api_writes_keep_the_ancestry_through_moves_links_and_deletes(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    actor = await create_bruz_mediator(gql, token)
    assert await codes(store, actor) == BRUZ
    assert await search(gql, "actors", "mediation", "243500139") == ["Médiation de Bruz"]
    assert await search(gql, "actors", "mediation", "29") == []

    await mutate(gql, token, "updateActor", "UpdateActorInput", {"id": actor, "basedIn": "29019"}, "")
    assert await codes(store, actor) == BREST
    assert await search(gql, "actors", "mediation", "29") == ["Médiation de Bruz"]
    assert await search(gql, "actors", "mediation", "35") == []

    conflict = await create_brest_wind_conflict(gql, token)
    assert await codes(store, conflict) == BREST
    resource = (
        await mutate(
            gql,
            token,
            "createResource",
            "CreateResourceInput",
            {"title": "Retour d'expérience éolien", "kind": "CASE_STUDY"},
            "... on ResourceCreated { resource { id } }",
        )
    )["resource"]["id"]
    assert await codes(store, resource) == []  # documents nothing yet: known to be nowhere
    documentation = {"resourceId": resource, "subjectId": conflict}
    await mutate(gql, token, "addDocumentation", "DocumentationInput", documentation, "")
    assert await codes(store, resource) == BREST
    assert await search(gql, "resources", "eolien", "29019") == ["Retour d'expérience éolien"]

    # The case was in fact in Bruz: the conflict and the resource documenting it move together.
    await mutate(gql, token, "updateConflict", "UpdateConflictInput", {"id": conflict, "territory": "35047"}, "")
    assert await codes(store, conflict) == BRUZ
    assert await codes(store, resource) == BRUZ
    assert await search(gql, "conflicts", "eoliennes", "35") == ["Éoliennes de Brest"]
    assert await search(gql, "resources", "eolien", "29019") == []
    assert await search(gql, "resources", "eolien", "35047") == ["Retour d'expérience éolien"]

    await mutate(gql, token, "removeDocumentation", "DocumentationInput", documentation, "")
    assert await codes(store, resource) == []
    await mutate(gql, token, "addDocumentation", "DocumentationInput", documentation, "")
    assert await codes(store, resource) == BRUZ
    await mutate(gql, token, "deleteConflict", "DeleteInput", {"id": conflict}, "")
    assert await codes(store, resource) == []
    assert await search(gql, "resources", "eolien", "35") == []
    await all_kept(store)


async def test_partner_imports_keep_the_ancestry_of_new_and_moved_records(gql: GraphQL, store: Store) -> None:
    conflict = {
        "externalId": "C-1",
        "hash": "h1",
        "props": {"title": "Éoliennes de Brest", "status": "SETTLED", "searchText": "eoliennes de brest"},
        "type": "ONSHORE_WIND",
        "territory": "COMMUNE-29019",
    }
    actor = {
        "externalId": "A-1",
        "hash": "h1",
        # what a search reads: the folded words the importer derives from the name
        "props": {"name": "Médiation de Bruz", "kind": "ASSOCIATION", "searchText": "mediation de bruz"},
        "territory": "COMMUNE-35047",
    }
    await ensure_source(store, "partner", "NETWORK", None)
    await upsert_batch(store, "partner", conflicts=[conflict], actors=[actor])
    rows = await store.read("t", "MATCH (n:Actor|Conflict) RETURN coalesce(n.name, n.title) AS key, n.id AS id")
    ids = {row["key"]: row["id"] for row in rows}
    assert await codes(store, ids["Médiation de Bruz"]) == BRUZ
    assert await codes(store, ids["Éoliennes de Brest"]) == BREST

    # The partner's next file moves both.
    await upsert_batch(
        store,
        "partner",
        conflicts=[{**conflict, "hash": "h2", "territory": "COMMUNE-35047"}],
        actors=[{**actor, "hash": "h2", "territory": "COMMUNE-29019"}],
    )
    assert await codes(store, ids["Médiation de Bruz"]) == BREST
    assert await codes(store, ids["Éoliennes de Brest"]) == BRUZ
    assert await search(gql, "actors", "mediation", "29") == ["Médiation de Bruz"]
    assert await search(gql, "conflicts", "eoliennes", "35") == ["Éoliennes de Brest"]
    await all_kept(store)


async def test_bulk_loads_and_seeds_keep_the_ancestry_whichever_link_comes_first(gql: GraphQL, store: Store) -> None:
    writer = BulkWriter(store, source="bulk-test", by="tests")
    await writer.nodes("Actor", [{"id": "a1", "name": "Médiation de Bruz", "kind": "ASSOCIATION"}])
    assert await codes(store, "a1") == []
    await writer.relationships("Actor", "BASED_IN", "Territory", [{"from": "a1", "to": "COMMUNE-35047"}])
    assert await codes(store, "a1") == BRUZ
    await writer.nodes("Conflict", [{"id": "c1", "title": "Éoliennes de Brest", "status": "SETTLED"}])
    await writer.nodes("Project", [{"id": "p1", "title": "Parc de Bruz", "kind": "DEVELOPMENT", "status": "PLANNED"}])
    await writer.nodes("Resource", [{"id": "r1", "title": "Guide éolien", "kind": "GUIDE"}])
    # The resource's links come before its subjects are placed: placing them updates it.
    await writer.relationships("Resource", "DOCUMENTS", "Conflict", [{"from": "r1", "to": "c1"}])
    await writer.relationships("Resource", "DOCUMENTS", "Project", [{"from": "r1", "to": "p1"}])
    assert await codes(store, "r1") == []
    await writer.relationships("Conflict", "LOCATED_IN", "Territory", [{"from": "c1", "to": "COMMUNE-29019"}])
    assert await codes(store, "c1") == BREST
    assert await codes(store, "r1") == BREST
    await writer.relationships("Project", "LOCATED_IN", "Territory", [{"from": "p1", "to": "COMMUNE-35047"}])
    assert await codes(store, "p1") == BRUZ
    assert await codes(store, "r1") == sorted({*BREST, *BRUZ})
    assert await search(gql, "resources", "guide", "29") == ["Guide éolien"]
    assert await search(gql, "resources", "guide", "243500139") == ["Guide éolien"]
    assert await search(gql, "projects", "parc", "REGION-53") == ["Parc de Bruz"]
    assert await search(gql, "projects", "parc", "53") == []  # Mayenne: a bare 53 is the département
    await all_kept(store)


def _moved(snapshot: TerritorySnapshot, commune: str, epci: str) -> TerritorySnapshot:
    """The territories of Bruz's and Brest's EPCIs, with commune `commune` in EPCI `epci`."""
    keep = {("COMMUNE", "35047"), ("EPCI", "243500139"), ("EPCI", "242900314"), ("DEPARTEMENT", "35")}
    keep |= {("DEPARTEMENT", "29"), ("REGION", "53")}
    records = [
        replace(record, epci=epci) if (record.level, record.code) == ("COMMUNE", commune) else record
        for record in snapshot.territories
        if (record.level, record.code) in keep
    ]
    neighbours = [pair for pair in snapshot.neighbours if commune in pair]  # kept as they are
    return replace(snapshot, territories=records, neighbours=neighbours)


async def test_a_territory_import_that_moves_a_commune_moves_its_records(gql: GraphQL, store: Store) -> None:
    snapshot = read_territory_snapshot()
    writer = BulkWriter(store, source="bulk-test", by="tests")
    await writer.nodes("Actor", [{"id": "a1", "name": "Médiation de Bruz", "kind": "ASSOCIATION"}])
    await writer.relationships("Actor", "BASED_IN", "Territory", [{"from": "a1", "to": "COMMUNE-35047"}])
    try:
        await import_territories(store, _moved(snapshot, "35047", "242900314"))
        assert await codes(store, "a1") == ["c35047", "d35", "e242900314", "r53"]
        assert await search(gql, "actors", "mediation", "242900314") == ["Médiation de Bruz"]
        assert await search(gql, "actors", "mediation", "243500139") == []
    finally:
        await import_territories(store, _moved(snapshot, "35047", "243500139"))  # as the snapshot has it
    assert await codes(store, "a1") == BRUZ
    await all_kept(store)


async def test_a_record_written_around_the_writers_is_found_and_fixed_by_tec_db_check(
    gql: GraphQL, store: Store, neo4j_uri: str
) -> None:
    # As a Neo4j console would write them: one actor without a list, one with a wrong one.
    await store.write(
        "t",
        "MATCH (bruz:Territory {id: 'COMMUNE-35047'}) "
        "CREATE (a:Actor {id: 'a1', name: 'Médiation sans liste', kind: 'ASSOCIATION', caseTypes: [], "
        "  nameKey: 'mediation sans liste', searchText: 'mediation sans liste'}), "
        "(b:Actor {id: 'a2', name: 'Médiation mal placée', kind: 'ASSOCIATION', caseTypes: [], areaCodes: ['d29'], "
        "  nameKey: 'mediation mal placee', searchText: 'mediation mal placee'}), "
        "(a)-[:BASED_IN]->(bruz), (b)-[:BASED_IN]->(bruz)",
    )
    assert await search(gql, "actors", "mediation", "35") == []  # the index trusts the list: keep it right
    assert await search(gql, "actors", "mediation", "29") == ["Médiation mal placée"]

    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    checked = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check"], env=env)
    assert checked.exit_code == 1, checked.output
    assert "Actor territory ancestry: 2 of 2 differ from the graph: a1, a2" in checked.output
    assert "Actor case types: all 2 match the graph." in checked.output
    assert "run `tec db check --fix`" in checked.output
    assert await codes(store, "a1") is None  # a check changes nothing

    fixed = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check", "--fix"], env=env)
    assert fixed.exit_code == 0, fixed.output
    assert "Recomputed: every checked property matches the graph." in fixed.output
    assert await codes(store, "a1") == await codes(store, "a2") == BRUZ
    assert await search(gql, "actors", "mediation", "35") == ["Médiation mal placée", "Médiation sans liste"]
    assert await search(gql, "actors", "mediation", "29") == []
    again = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check"], env=env)
    assert again.exit_code == 0, again.output
    assert "Actor territory ancestry: all 2 match the graph." in again.output
