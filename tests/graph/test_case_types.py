"""Every writer keeps `Actor.caseTypes` (graph.case_types), so matching finds an actor based near the
asked place whose case lies far away: the branch that reaches it skips actors by that list.

The actor of these tests is based in Bruz (35047, 10.8 km from Rennes) and its case is in Brest (29019,
211 km away): within a 50 km radius of Rennes only its base qualifies it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from typer.testing import CliRunner

from graph import case_types
from graph.bulk import BulkWriter
from graph.imports import ensure_source, upsert_batch
from graph.store import Store
from tec.cli.main import app
from tests.api_writes import create_brest_wind_conflict, create_bruz_mediator, mutate
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]
BREST = "COMMUNE-29019"

EXPERTS = """
query($type: String!) {
  experiencedActors(conflictType: $type, near: {territory: "35238"}, radiusKm: 50, includeRelated: false) {
    withinRadius
    edges { node { beyondRadius actor { name } evidence { measuredFrom distanceKm conflict { title } } } }
  }
}
"""


async def experts(gql: GraphQL, conflict_type: str) -> list[dict[str, Any]]:
    """The ranking's items for a type near Rennes (asserting the answer has no errors)."""
    body = (await gql(EXPERTS, {"type": conflict_type})).json()
    assert "errors" not in body, body
    ranking = body["data"]["experiencedActors"]
    items = [edge["node"] for edge in ranking["edges"]]
    assert ranking["withinRadius"] == len([item for item in items if not item["beyondRadius"]])
    return items


def found_from_base(items: list[dict[str, Any]], name: str, title: str) -> bool:
    """Whether `name` is ranked within the radius for its base, with the case `title` as evidence."""
    return any(
        item["actor"]["name"] == name
        and not item["beyondRadius"]
        and [(e["measuredFrom"], e["conflict"]["title"]) for e in item["evidence"]] == [("BASE", title)]
        and item["evidence"][0]["distanceKm"] == pytest.approx(10.8, abs=0.3)
        for item in items
    )


async def stored(store: Store, actor_id: str) -> list[str] | None:
    rows = await store.read("t", "MATCH (a:Actor {id: $id}) RETURN a.caseTypes AS types", {"id": actor_id})
    value: list[str] | None = rows[0]["types"]
    return value


async def stale(store: Store) -> list[dict[str, Any]]:
    return await store.read("tests.staleCaseTypes", case_types.STALE)


async def test_the_api_writes_keep_case_types_through_links_type_changes_and_deletes(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    actor = await create_bruz_mediator(gql, token)
    conflict = await create_brest_wind_conflict(gql, token)
    actor_id = (await store.read("t", "MATCH (a:Actor {name: 'Médiation de Bruz'}) RETURN a.id AS id"))[0]["id"]
    assert await stored(store, actor_id) == []  # a new actor: known to have no case (not "unknown")
    assert not found_from_base(await experts(gql, "ONSHORE_WIND"), "Médiation de Bruz", "Éoliennes de Brest")

    involvement = {"actorId": actor, "conflictId": conflict, "role": "MEDIATOR"}
    linked = await mutate(gql, token, "setInvolvement", "InvolvementInput", involvement, "")
    assert linked["__typename"] == "LinkSaved"
    assert await stored(store, actor_id) == ["ONSHORE_WIND"]
    assert found_from_base(await experts(gql, "ONSHORE_WIND"), "Médiation de Bruz", "Éoliennes de Brest")

    # The case becomes a quarry: the actor now counts for quarries, and no longer for wind farms.
    changed = await mutate(gql, token, "updateConflict", "UpdateConflictInput", {"id": conflict, "type": "QUARRY"}, "")
    assert changed["__typename"] == "ConflictUpdated"
    assert await stored(store, actor_id) == ["QUARRY"]
    assert found_from_base(await experts(gql, "QUARRY"), "Médiation de Bruz", "Éoliennes de Brest")
    assert not found_from_base(await experts(gql, "ONSHORE_WIND"), "Médiation de Bruz", "Éoliennes de Brest")

    removed = await mutate(gql, token, "removeInvolvement", "RemoveInvolvementInput", involvement, "")
    assert removed["__typename"] == "LinkSaved"
    assert await stored(store, actor_id) == []
    assert not found_from_base(await experts(gql, "QUARRY"), "Médiation de Bruz", "Éoliennes de Brest")

    await mutate(gql, token, "setInvolvement", "InvolvementInput", involvement, "")
    assert await stored(store, actor_id) == ["QUARRY"]
    deleted = await mutate(gql, token, "deleteConflict", "DeleteInput", {"id": conflict}, "")
    assert deleted["__typename"] == "Deleted"
    assert await stored(store, actor_id) == []
    assert await stale(store) == []


async def test_partner_imports_keep_case_types_when_cases_come_change_type_and_go(gql: GraphQL, store: Store) -> None:
    conflict = {
        "externalId": "C-1",
        "hash": "h1",
        "props": {"title": "Éoliennes de Brest", "status": "SETTLED"},
        "type": "ONSHORE_WIND",
        "territory": "COMMUNE-29019",
    }
    actor = {
        "externalId": "A-1",
        "hash": "h1",
        "props": {"name": "Médiation de Bruz", "kind": "ASSOCIATION"},
        "territory": "COMMUNE-35047",
        "involvements": [{"conflict": "C-1", "role": "MEDIATOR", "from": 2020, "to": 2021}],
    }
    newcomer = {**actor, "externalId": "A-2", "props": {"name": "Sans dossier", "kind": "ASSOCIATION"}}
    await ensure_source(store, "partner", "NETWORK", None)
    await upsert_batch(store, "partner", conflicts=[conflict], actors=[actor, {**newcomer, "involvements": None}])
    assert found_from_base(await experts(gql, "ONSHORE_WIND"), "Médiation de Bruz", "Éoliennes de Brest")
    ids = {row["name"]: row["id"] for row in await store.read("t", "MATCH (a:Actor) RETURN a.name AS name, a.id AS id")}
    assert await stored(store, ids["Médiation de Bruz"]) == ["ONSHORE_WIND"]
    assert await stored(store, ids["Sans dossier"]) == []

    # The partner's next file says the case was a quarry: updated conflict, same actor row.
    await upsert_batch(store, "partner", conflicts=[{**conflict, "hash": "h2", "type": "QUARRY"}])
    assert await stored(store, ids["Médiation de Bruz"]) == ["QUARRY"]
    assert found_from_base(await experts(gql, "QUARRY"), "Médiation de Bruz", "Éoliennes de Brest")

    # Then the actor's row lists no case any more.
    await upsert_batch(store, "partner", actors=[{**actor, "hash": "h3", "involvements": []}])
    assert await stored(store, ids["Médiation de Bruz"]) == []
    assert not found_from_base(await experts(gql, "QUARRY"), "Médiation de Bruz", "Éoliennes de Brest")

    # An actor imported without a case gains one in the partner's next file (an updated actor row).
    await upsert_batch(store, "partner", actors=[{**newcomer, "hash": "h4"}])
    assert await stored(store, ids["Sans dossier"]) == ["QUARRY"]
    assert found_from_base(await experts(gql, "QUARRY"), "Sans dossier", "Éoliennes de Brest")
    assert await stale(store) == []


async def test_bulk_loads_keep_case_types_whichever_link_comes_first(gql: GraphQL, store: Store) -> None:
    writer = BulkWriter(store, source="bulk-test", by="tests")
    located = "MATCH (n {id: $id}), (t:Territory {id: $territory}) SET n.location = t.location"
    await writer.nodes("Actor", [{"id": "a1", "name": "Médiation de Bruz", "kind": "ASSOCIATION"}])
    await writer.relationships("Actor", "BASED_IN", "Territory", [{"from": "a1", "to": "COMMUNE-35047"}])
    await store.write(
        "t", "MATCH (a:Actor {id: 'a1'}), (t:Territory {id: 'COMMUNE-35047'}) SET a.location = t.location"
    )
    assert await stored(store, "a1") == []
    for conflict_id, title in (("c1", "Éoliennes de Brest"), ("c2", "Carrière de Brest")):
        await writer.nodes("Conflict", [{"id": conflict_id, "title": title, "status": "SETTLED"}])
        await writer.relationships("Conflict", "LOCATED_IN", "Territory", [{"from": conflict_id, "to": BREST}])
        await store.write("t", located, {"id": conflict_id, "territory": BREST})
    # c1: its type first, then the involvement; c2: the involvement first, then its type.
    await writer.relationships("Conflict", "OF_TYPE", "ConflictType", [{"from": "c1", "to": "ONSHORE_WIND"}])
    await writer.relationships(
        "Actor",
        "INVOLVED_IN",
        "Conflict",
        [
            {"from": "a1", "to": "c1", "props": {"role": "MEDIATOR"}},
            {"from": "a1", "to": "c2", "props": {"role": "EXPERT"}},
        ],
    )
    assert await stored(store, "a1") == ["ONSHORE_WIND"]
    await writer.relationships("Conflict", "OF_TYPE", "ConflictType", [{"from": "c2", "to": "QUARRY"}])
    assert await stored(store, "a1") == ["ONSHORE_WIND", "QUARRY"]
    assert found_from_base(await experts(gql, "QUARRY"), "Médiation de Bruz", "Carrière de Brest")
    assert found_from_base(await experts(gql, "ONSHORE_WIND"), "Médiation de Bruz", "Éoliennes de Brest")
    assert await stale(store) == []


async def test_an_actor_written_around_the_writers_is_still_found_and_the_cli_finds_and_fixes_its_list(
    gql: GraphQL, store: Store, neo4j_uri: str
) -> None:
    # As a Neo4j console would write it: no caseTypes at all (unknown), and one that is wrong.
    await store.write(
        "t",
        "MATCH (bruz:Territory {id: 'COMMUNE-35047'}), (brest:Territory {id: 'COMMUNE-29019'}), "
        "(wind:ConflictType {code: 'ONSHORE_WIND'}) "
        "CREATE (a:Actor {id: 'a1', name: 'Médiation de Bruz', kind: 'ASSOCIATION', location: bruz.location}), "
        "(b:Actor {id: 'a2', name: 'Liste fausse', kind: 'ASSOCIATION', location: bruz.location, caseTypes: []}), "
        "(c:Conflict {id: 'c1', title: 'Éoliennes de Brest', status: 'SETTLED', location: brest.location}), "
        "(a)-[:BASED_IN]->(bruz), (b)-[:BASED_IN]->(bruz), (c)-[:LOCATED_IN]->(brest), (c)-[:OF_TYPE]->(wind), "
        "(a)-[:INVOLVED_IN {role: 'MEDIATOR'}]->(c), (b)-[:INVOLVED_IN {role: 'EXPERT'}]->(c)",
    )
    items = await experts(gql, "ONSHORE_WIND")
    assert found_from_base(items, "Médiation de Bruz", "Éoliennes de Brest")  # unknown: its cases are walked
    assert not found_from_base(items, "Liste fausse", "Éoliennes de Brest")  # the list is trusted: keep it right
    assert [row["id"] for row in await stale(store)] == ["a1", "a2"]

    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    checked = await asyncio.to_thread(CliRunner().invoke, app, ["db", "case-types"], env=env)
    assert checked.exit_code == 1, checked.output
    assert "2 of 2 actors have case types that differ from their cases: a1, a2" in checked.output
    assert "run `tec db case-types --fix`" in checked.output
    assert [row["id"] for row in await stale(store)] == ["a1", "a2"]  # a check changes nothing

    fixed = await asyncio.to_thread(CliRunner().invoke, app, ["db", "case-types", "--fix"], env=env)
    assert fixed.exit_code == 0, fixed.output
    assert "Recomputed: the case types of all 2 actors match their cases." in fixed.output
    assert await stale(store) == []
    again = await asyncio.to_thread(CliRunner().invoke, app, ["db", "case-types"], env=env)
    assert (again.exit_code, again.output.strip()) == (0, "The case types of all 2 actors match their cases.")
    assert await stored(store, "a1") == await stored(store, "a2") == ["ONSHORE_WIND"]
    items = await experts(gql, "ONSHORE_WIND")
    assert found_from_base(items, "Médiation de Bruz", "Éoliennes de Brest")
    assert found_from_base(items, "Liste fausse", "Éoliennes de Brest")
