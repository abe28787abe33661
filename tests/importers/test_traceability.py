"""Imported records traced back to the partner's id; re-imports that change nothing leave caches warm."""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from graph.store import Store
from importers.partners import import_file, resolve_mapping
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent / "fixtures"

BY_PARTNER_ID = """
query($source: String!, $externalId: String!) {
  actor(source: $source, externalId: $externalId) {
    id name
    sourceRecords { source { name kind } externalId importedAt }
    conflicts { conflict { title sourceRecords { source { name } externalId } } }
  }
}
"""
DIRECTORY = "{ actors(first: 5) { totalCount nodes { id name } } }"


async def test_an_imported_actor_is_found_by_its_partner_id_and_shows_where_it_comes_from(
    gql: GraphQL, store: Store, client: httpx.AsyncClient
) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")

    found = (await gql(BY_PARTNER_ID, {"source": "network-members", "externalId": "NET-00001"})).json()["data"]
    actor = found["actor"]
    assert actor["name"] == "Agence Trait d’Union Bard"
    (record,) = actor["sourceRecords"]
    assert record["source"] == {"name": "network-members", "kind": "PARTNER"}
    assert record["externalId"] == "NET-00001"
    assert record["importedAt"].startswith("20")
    cases = [item["conflict"] for item in actor["conflicts"]]
    assert cases
    assert all(case["sourceRecords"][0]["source"]["name"] == "network-members" for case in cases)

    by_id = await gql("query($id: ID!) { actor(id: $id) { name } }", {"id": actor["id"]})
    assert by_id.json()["data"]["actor"]["name"] == actor["name"]
    unknown = await gql(BY_PARTNER_ID, {"source": "network-members", "externalId": "NET-99999"})
    assert unknown.json()["data"]["actor"] is None
    both = await gql(
        'query($id: ID!) { actor(id: $id, source: "network-members", externalId: "NET-00001") { name } }',
        {"id": actor["id"]},
    )
    assert both.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    export = await client.get("/export/actors.csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")))}
    exported = next(row for row in rows.values() if row["name"] == actor["name"])
    assert (exported["source"], exported["externalId"]) == ("network-members", "NET-00001")


async def test_an_api_entered_actor_has_no_source_records(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    created = await gql(
        'mutation { createActor(input: {name: "Collectif Vilaine", kind: ASSOCIATION}) '
        "{ __typename ... on ActorCreated { actor { sourceRecords { externalId } } } } }",
        token=await api_key("admin"),
    )
    assert created.json()["data"]["createActor"]["actor"]["sourceRecords"] == []


async def test_re_importing_an_unchanged_file_keeps_the_revision_and_the_cached_answers(
    gql: GraphQL, store: Store
) -> None:
    first = await import_file(store, FIXTURES / "petites_villes_de_demain.csv", "petites-villes-de-demain")
    assert first.created > 0
    for _ in range(2):
        assert (await gql(DIRECTORY)).headers["x-cache"] == "miss"
    assert (await gql(DIRECTORY)).headers["x-cache"] == "hit"
    revision = await store.revision()

    again = await import_file(store, FIXTURES / "petites_villes_de_demain.csv", "petites-villes-de-demain")

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == first.created
    assert await store.revision() == revision
    assert (await gql(DIRECTORY)).headers["x-cache"] == "hit"


SOURCE_NODE = "MATCH (s:Source {name: $name}) RETURN s.kind AS kind, s.licence AS licence"


async def test_a_file_with_no_row_to_write_still_sets_up_its_source(store: Store, tmp_path: Path) -> None:
    # the source is set up in the transaction of the first batch; a file with no batch sets it up alone
    header_only = tmp_path / "rna-header-only.csv"
    header_only.write_bytes((FIXTURES / "rna_waldec_latin1.csv").read_bytes().splitlines(keepends=True)[0])

    summary = await import_file(store, header_only, "rna-waldec", source="rna-empty")

    assert (summary.read, summary.created) == (0, 0)
    assert await store.read("t", SOURCE_NODE, {"name": "rna-empty"}) == [
        {"kind": "REGISTER", "licence": "Licence Ouverte 2.0 (ministère de l'Intérieur, RNA)"}
    ]


async def test_a_re_import_under_a_new_licence_moves_the_revision_though_no_record_changed(store: Store) -> None:
    preset = resolve_mapping("petites-villes-de-demain")
    fixture = FIXTURES / "petites_villes_de_demain.csv"
    first = await import_file(store, fixture, preset)
    assert first.created > 0
    revision = await store.revision()
    relicensed = preset.model_copy(update={"source": preset.source.model_copy(update={"licence": "CC BY 4.0"})})

    again = await import_file(store, fixture, relicensed)

    assert (again.created, again.updated) == (0, 0)
    (node,) = await store.read("t", SOURCE_NODE, {"name": preset.source.name})
    assert node == {"kind": "PARTNER", "licence": "CC BY 4.0"}
    assert await store.revision() != revision  # the source changed, though none of its records did
