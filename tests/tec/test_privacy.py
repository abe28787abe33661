"""Personal data: an actor's contact is exported whole and erased everywhere (nodes, relationships,
idempotency records, exports, logs), its non-personal record and cases stay, and the audit trail
records who did it without the values. Logs never hold contact fields or API keys."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
from typer.testing import CliRunner, Result

from graph.store import Store
from resolvers.exports import open_export
from schema.context import Principal
from tec.app.logs import configure_logging
from tec.cli.main import app
from tec.settings import Settings
from tests.domain import gid, involve, make_conflict
from tests.tec.apps import query, serve

pytestmark = pytest.mark.usefixtures("reference_data")

EMAIL = "marie.quere@vilaine-concertation.example.fr"
PHONE = "02 99 12 34 56"
CONTACT = "Marie Quéré-Lannion"
VALUES = (EMAIL, PHONE, CONTACT)
# the actor the erasure test creates, then creates again with the same Idempotency-Key
VILAINE = {
    "name": "Collectif Vilaine",
    "kind": "COLLECTIF_CITOYEN",
    "basedIn": "35238",
    "email": EMAIL,
    "phone": PHONE,
    "contactName": CONTACT,
}

CREATE = """
mutation Create($input: CreateActorInput!) {
  createActor(input: $input) {
    __typename
    ... on ActorCreated { actor { id name email phone contactName } }
    ... on ValidationFailed { message errors { field message } }
  }
}
"""
UPDATE = """
mutation Update($input: UpdateActorInput!) {
  updateActor(input: $input) { __typename ... on ActorUpdated { actor { id email } } }
}
"""
EXPORT = """
mutation Export($actor: ID!) {
  exportPersonalData(input: {actor: $actor}) {
    __typename ... on PersonalDataExported { data } ... on Forbidden { message } ... on NotFound { message }
  }
}
"""
ERASE = """
mutation Erase($actor: ID!) {
  erasePersonalData(input: {actor: $actor}) {
    __typename
    ... on PersonalDataErased { erasedFields redactedRecords redactedRelationships }
    ... on Forbidden { message }
  }
}
"""
AUDIT = """
query Audit($where: AuditLogFilter, $first: Int, $after: String) {
  auditLog(where: $where, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id at actor operation records fields }
  }
}
"""


@pytest.fixture
def captured_log(settings: Settings) -> Iterator[io.StringIO]:
    """Everything the service logs, at DEBUG (the most it ever says), as it formats it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(settings.model_copy(update={"log_level": "debug"}), buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


_HOLDS: LiteralString = (
    "[s IN $values WHERE any(k IN keys(x) WHERE CASE WHEN x[k] IS :: LIST<ANY> "
    "THEN any(item IN x[k] WHERE coalesce(toStringOrNull(item) CONTAINS s, false)) "
    "ELSE coalesce(toStringOrNull(x[k]) CONTAINS s, false) END)]"
)


async def stored_copies(store: Store, values: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Every node and relationship of the whole graph with a property (or list item) holding one of `values`,
    searched in Neo4j (the graph holds the reference data: 240,000 records not worth sending to Python),
    as (what it is, which values it holds)."""
    nodes = await store.read(
        "tests.nodesHolding",
        "MATCH (x) WITH x, " + _HOLDS + " AS found WHERE found <> [] RETURN labels(x) AS what, found",
        {"values": list(values)},
    )
    rels = await store.read(
        "tests.relationshipsHolding",
        "MATCH ()-[x]->() WITH x, " + _HOLDS + " AS found WHERE found <> [] RETURN [type(x)] AS what, found",
        {"values": list(values)},
    )
    return [(":".join(row["what"]), list(row["found"])) for row in nodes + rels]


async def post(
    client: httpx.AsyncClient, text: str, token: str | None, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    sent = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await client.post("/graphql", json=query(text, **variables), headers={**sent, **(headers or {})})
    body: dict[str, Any] = answer.json()
    return body


async def tec(neo4j_uri: str, *args: str) -> Result:
    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)


async def test_a_contact_is_exported_then_erased_everywhere(
    store: Store, settings: Settings, api_key: Any, neo4j_uri: str, tmp_path: Path, captured_log: io.StringIO
) -> None:
    admin, editor = await api_key("admin"), await api_key("editor")
    async with serve(store, settings) as client:
        # created with an Idempotency-Key: the stored answer holds the e-mail too
        created = await post(
            client,
            CREATE,
            admin,
            {"Idempotency-Key": "create-vilaine-1"},
            input=VILAINE,
        )
        actor = created["data"]["createActor"]["actor"]
        assert actor["email"] == EMAIL
        actor_id = (await store.read("tests.id", "MATCH (a:Actor {name: 'Collectif Vilaine'}) RETURN a.id AS id"))[0][
            "id"
        ]
        conflict = await make_conflict(store, "Retenue d'eau de la Vilaine")
        await involve(store, actor_id, conflict, "MEDIATOR", 2022)
        # a copy in free text elsewhere, and one on a relationship
        await store.write(
            "tests.copies",
            "MATCH (a:Actor {id: $id}), (c:Conflict {id: $c}) "
            "CREATE (:Sponsorship {id: 'copy-1', need: 'Écrire à ' + $email + ' ou appeler le ' + $phone}) "
            "CREATE (a)-[:COOPERATES_WITH {kind: 'NOTE', note: 'contact : ' + $contact}]->(a)",
            {"id": actor_id, "c": conflict, "email": EMAIL, "phone": PHONE, "contact": CONTACT},
        )
        before = await stored_copies(store, VALUES)
        assert {value for _, found in before for value in found} == set(VALUES)
        assert {what for what, _ in before} == {"Actor", "IdempotencyRecord", "Sponsorship", "COOPERATES_WITH"}

        exported = await tec(neo4j_uri, "privacy", "export", "--actor", actor_id, "--out", str(tmp_path / "p.json"))
        assert exported.exit_code == 0, exported.output
        document = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
        assert (document["actor"]["email"], document["actor"]["phone"], document["actor"]["contactName"]) == VALUES
        assert {(r["type"], r["otherId"]) for r in document["relationships"]} >= {("INVOLVED_IN", conflict)}
        held = {tuple(copy.get("labels") or [copy.get("type")]) for copy in document["copiesElsewhere"]}
        assert held == {("IdempotencyRecord",), ("Sponsorship",), ("COOPERATES_WITH",)}

        refused = await post(client, EXPORT, editor, actor=gid("Actor", actor_id))
        assert refused["data"]["exportPersonalData"]["__typename"] == "Forbidden"
        by_api = await post(client, EXPORT, admin, actor=gid("Actor", actor_id))
        assert by_api["data"]["exportPersonalData"]["data"]["actor"]["email"] == EMAIL

        assert (await post(client, ERASE, editor, actor=actor_id))["data"]["erasePersonalData"][
            "__typename"
        ] == "Forbidden"
        erased = (await post(client, ERASE, admin, actor=gid("Actor", actor_id)))["data"]["erasePersonalData"]
        assert erased == {
            "__typename": "PersonalDataErased",
            "erasedFields": ["email", "phone", "contactName"],
            "redactedRecords": 2,  # the idempotency record and the sponsorship
            "redactedRelationships": 1,
        }

        assert await stored_copies(store, VALUES) == []
        csv_export = b"".join(
            [b async for b in (await open_export(store, Principal(role="reader"), "actors", "csv", None)).chunks()]
        )
        assert not [value for value in VALUES if value.encode() in csv_export]
        again = await post(
            client,
            CREATE,
            admin,
            {"Idempotency-Key": "create-vilaine-1"},
            input=VILAINE,
        )
        assert EMAIL not in json.dumps(again)  # the retried request replays the redacted answer

        # the non-personal record and its case remain
        kept = await store.read(
            "tests.kept",
            "MATCH (a:Actor {id: $id})-[i:INVOLVED_IN]->(c:Conflict {id: $c}) "
            "RETURN a.name AS name, a.kind AS kind, i.role AS role, a.email AS email",
            {"id": actor_id, "c": conflict},
        )
        assert kept == [{"name": "Collectif Vilaine", "kind": "COLLECTIF_CITOYEN", "role": "MEDIATOR", "email": None}]

        # the audit trail: who, what, which fields — without the values
        audit = await post(client, AUDIT, admin, where={"record": gid("Actor", actor_id)}, first=10)
        entries = audit["data"]["auditLog"]["nodes"]
        admin_id = (await store.read("tests.admin", "MATCH (k:ApiKey {role: 'admin'}) RETURN k.id AS id"))[0]["id"]
        erase_entry = next(e for e in entries if e["operation"] == "privacy.erase")
        assert erase_entry["actor"] == f"apikey:{admin_id}"
        assert erase_entry["fields"] == ["contactName", "email", "phone"]
        assert next(e["operation"] for e in entries) == "privacy.erase"  # newest first
        assert {"actor.create", "privacy.export", "privacy.erase"} <= {e["operation"] for e in entries}
        create_entry = next(e for e in entries if e["operation"] == "actor.create")
        assert {"email", "phone", "contactName", "name"} <= set(create_entry["fields"])
        assert not [value for value in VALUES if value in json.dumps(audit)]
        not_admin = await post(client, AUDIT, editor)
        assert not_admin["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    log = captured_log.getvalue()
    assert "privacy.erase" in log or "personal data erased" in log  # the log was captured
    assert not [value for value in VALUES if value in log]


async def test_logs_never_hold_contact_fields_or_api_keys(
    store: Store, settings: Settings, api_key: Any, captured_log: io.StringIO
) -> None:
    admin = await api_key("admin")
    async with serve(store, settings) as client:
        created = await post(
            client,
            CREATE,
            admin,
            input={
                "name": "Atelier du Scorff",
                "kind": "ASSOCIATION",
                "email": EMAIL,
                "phone": PHONE,
                "contactName": CONTACT,
            },
        )
        actor = created["data"]["createActor"]["actor"]
        await post(client, UPDATE, admin, input={"id": actor["id"], "email": "autre." + EMAIL})
        # failing requests: an invalid e-mail, an unknown key, a document that does not parse around a value
        invalid = await post(
            client, CREATE, admin, input={"name": "X", "kind": "ASSOCIATION", "email": "pas-un-email " + PHONE}
        )
        assert invalid["data"]["createActor"]["__typename"] == "ValidationFailed"
        unknown = await client.post(
            "/graphql", json=query("{ __typename }"), headers={"Authorization": "Bearer tec_unknown_0123456789abcdef"}
        )
        assert unknown.status_code == 401
        broken = await client.post("/graphql", json={"query": '{ actors(search: "' + EMAIL + '") { nodes { name } '})
        assert broken.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
        read = await post(client, "{ actors(first: 5) { nodes { email phone contactName } } }", admin)
        assert "autre." + EMAIL in json.dumps(read)  # the values went through the service…
    log = captured_log.getvalue()
    assert "POST /graphql" in log  # the access log was captured
    # …but never into its log
    leaked = [value for value in (*VALUES, "autre." + EMAIL, admin, "tec_unknown_0123456789abcdef") if value in log]
    assert leaked == []
