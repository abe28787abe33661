"""The audit trail: each write says who (API key, import source), what (records, field names) and when,
in the same transaction; admins page through it with `auditLog`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.store import Store
from importers.partners import import_file
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"
AUDIT = """
query Audit($where: AuditLogFilter, $first: Int, $after: String) {
  auditLog(where: $where, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { actor operation records fields }
  }
}
"""
CREATE = "mutation C($input: CreateActorInput!) { createActor(input: $input) { ... on ActorCreated { actor { id } } } }"
UPDATE = "mutation U($input: UpdateActorInput!) { updateActor(input: $input) { __typename } }"


async def entries(store: Store) -> list[dict[str, Any]]:
    rows = await store.read("tests.audit", "MATCH (e:AuditEntry) RETURN e {.*} AS e ORDER BY e.at")
    return [row["e"] for row in rows]


async def test_an_import_is_audited_under_its_source_and_a_rerun_that_changes_nothing_is_not(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    written = await entries(store)
    assert written
    assert {entry["actor"] for entry in written} == {"import:network-members"}
    imported = await store.read(
        "tests.imported",
        "MATCH (:Source {name: 'network-members'})<-[:FROM_SOURCE]-(a:Actor) RETURN collect(a.id) AS ids",
    )
    assert set(imported[0]["ids"]) <= {record for entry in written for record in entry["records"]}

    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    assert len(await entries(store)) == len(written)


async def test_mutations_are_audited_with_the_key_and_the_field_names(store: Store, gql: GraphQL, api_key: Any) -> None:
    admin, editor = await api_key("admin"), await api_key("editor")
    created = await gql(CREATE, {"input": {"name": "Réseau Bocage", "kind": "RESEAU"}}, token=editor)
    actor = created.json()["data"]["createActor"]["actor"]["id"]
    for website in ("https://bocage.example.fr", "https://bocage.example.org"):
        answer = await gql(UPDATE, {"input": {"id": actor, "website": website}}, token=editor)
        assert answer.json()["data"]["updateActor"]["__typename"] == "ActorUpdated"
    refused = await gql(UPDATE, {"input": {"id": actor, "website": "https://x.example"}}, token=None)
    assert refused.json()["data"]["updateActor"]["__typename"] == "Forbidden"

    editor_id = (await store.read("tests.k", "MATCH (k:ApiKey {role: 'editor'}) RETURN k.id AS id"))[0]["id"]
    first = (await gql(AUDIT, {"where": {"record": actor}, "first": 2}, token=admin)).json()["data"]["auditLog"]
    assert first["totalCount"] == 3  # the refused write left none
    assert [node["operation"] for node in first["nodes"]] == ["actor.update", "actor.update"]
    assert {node["actor"] for node in first["nodes"]} == {f"apikey:{editor_id}"}
    assert first["nodes"][0]["fields"] == ["website"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    rest = (await gql(AUDIT, {"where": {"record": actor}, "first": 2, "after": after}, token=admin)).json()
    assert [node["operation"] for node in rest["data"]["auditLog"]["nodes"]] == ["actor.create"]
    assert rest["data"]["auditLog"]["pageInfo"]["hasNextPage"] is False

    by_other = (await gql(AUDIT, {"where": {"actor": "apikey:nobody"}}, token=admin)).json()
    assert by_other["data"]["auditLog"]["nodes"] == []
    future = (await gql(AUDIT, {"where": {"since": "2999-01-01T00:00:00Z"}}, token=admin)).json()
    assert future["data"]["auditLog"]["totalCount"] == 0
    for caller in (None, editor):
        denied = (await gql(AUDIT, {}, token=caller)).json()
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
