"""`tec db migrate --check`: a deploy pipeline learns which migrations a database lacks (exit 1), and 0
once `tec db migrate` applied them; `tec audit prune` keeps the retention."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner, Result

from graph.migrations import MIGRATIONS, SCHEMA_VERSION
from graph.store import Store
from tec.cli.main import app

pytestmark = pytest.mark.usefixtures("reference_data")


async def tec(neo4j_uri: str, *args: str, **env: str) -> Result:
    return await asyncio.to_thread(
        CliRunner().invoke, app, list(args), env={"NEO4J_URI": neo4j_uri, "TEC_ENV": "test", **env}
    )


async def index_names(store: Store) -> set[str]:
    rows = await store.read("tests.indexes", "SHOW INDEXES YIELD name RETURN collect(name) AS names")
    return set(rows[0]["names"])


async def test_migrate_check_lists_what_a_database_lacks(store: Store, neo4j_uri: str) -> None:
    up_to_date = await tec(neo4j_uri, "db", "migrate", "--check")
    assert up_to_date.exit_code == 0, up_to_date.output
    assert f"up to date (version {SCHEMA_VERSION})" in up_to_date.output

    # the migration creating the audit trail's index (not the latest: newer ones create other things)
    latest = next(m for m in MIGRATIONS if any("auditentry_actor" in statement for statement in m.statements))
    await store.run_schema("DROP INDEX auditentry_actor IF EXISTS")
    await store.write("tests.forget", "MATCH (m:SchemaMigration {version: $v}) DELETE m", {"v": latest.version})
    assert "auditentry_actor" not in await index_names(store)

    lacking = await tec(neo4j_uri, "db", "migrate", "--check")
    assert lacking.exit_code == 1
    assert f"  {latest.version}: {latest.name}" in lacking.output
    assert "auditentry_actor" not in await index_names(store)  # --check changed nothing

    applied = await tec(neo4j_uri, "db", "migrate")
    assert applied.exit_code == 0
    assert f"Applied migrations: {latest.version}." in applied.output
    assert "auditentry_actor" in await index_names(store)
    assert (await tec(neo4j_uri, "db", "migrate", "--check")).exit_code == 0


async def test_audit_prune_deletes_entries_past_the_retention(store: Store, neo4j_uri: str) -> None:
    await store.write(
        "tests.oldEntries",
        "CREATE (:AuditEntry {id: 'recent', at: datetime() - duration({days: 5}), actor: 'cli', operation: 'tests', "
        "records: [], fields: []}) "
        "WITH 1 AS one UNWIND range(1, 3) AS i "
        "CREATE (:AuditEntry {id: 'old-' + i, at: datetime() - duration({days: 400 + i}), "
        "actor: 'cli', operation: 'tests', records: [], fields: []})",
    )
    pruned = await tec(neo4j_uri, "audit", "prune")  # the default retention, 365 days
    assert pruned.exit_code == 0, pruned.output
    assert "Deleted 3 audit entries older than 365 days." in pruned.output
    left = await store.read("tests.left", "MATCH (e:AuditEntry) RETURN collect(e.id) AS ids")
    assert left[0]["ids"] == ["recent"]
