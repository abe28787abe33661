"""Schema migrations: constraints and indexes, versioned and idempotent.

Each migration is a numbered list of schema commands written with `IF NOT EXISTS`, so applying one
twice is harmless. Applied versions are recorded as `(:SchemaMigration {version})` nodes; `migrate`
applies the missing ones in order. Append new migrations; never edit one that has shipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import LiteralString

from graph import ancestry, case_types, facets
from graph.exploration import EXPLORABLE_LABELS
from graph.search import area_index_statements, facet_index_statements, fulltext_index_statements
from graph.store import Store

log = logging.getLogger(__name__)

# Every label the exploration shows, and two it never shows (the order of migration 1's constraints is free).
LABELS_WITH_ID: tuple[LiteralString, ...] = (*EXPLORABLE_LABELS, "ApiKey", "Need")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[LiteralString, ...]


def _id_constraints() -> tuple[LiteralString, ...]:
    statements: list[LiteralString] = []
    for label in LABELS_WITH_ID:
        statements.append(
            "CREATE CONSTRAINT " + label.lower() + "_id IF NOT EXISTS FOR (n:" + label + ") REQUIRE n.id IS UNIQUE"
        )
    return tuple(statements)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "unique ids", _id_constraints()),
    Migration(
        2,
        "reference data keys and lookups",
        (
            "CREATE CONSTRAINT territory_level_code IF NOT EXISTS "
            "FOR (t:Territory) REQUIRE (t.level, t.code) IS UNIQUE",
            "CREATE CONSTRAINT conflicttype_code IF NOT EXISTS FOR (c:ConflictType) REQUIRE c.code IS UNIQUE",
            "CREATE CONSTRAINT theme_code IF NOT EXISTS FOR (t:Theme) REQUIRE t.code IS UNIQUE",
            "CREATE CONSTRAINT source_name IF NOT EXISTS FOR (s:Source) REQUIRE s.name IS UNIQUE",
            "CREATE CONSTRAINT apikey_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE",
            "CREATE POINT INDEX territory_location IF NOT EXISTS FOR (t:Territory) ON (t.location)",
            "CREATE INDEX territory_code IF NOT EXISTS FOR (t:Territory) ON (t.code)",
            "CREATE TEXT INDEX territory_name_key IF NOT EXISTS FOR (t:Territory) ON (t.nameKey)",
            "CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)",  # dropped by migration 21
            "CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind)",
        ),
    ),
    Migration(4, "full-text search (French)", fulltext_index_statements()),
    Migration(
        5,
        "distance filters",
        (
            "CREATE POINT INDEX actor_location IF NOT EXISTS FOR (a:Actor) ON (a.location)",
            "CREATE POINT INDEX conflict_location IF NOT EXISTS FOR (c:Conflict) ON (c.location)",
        ),
    ),
    Migration(
        6,
        "domain lookups and sort keys",
        (
            "CREATE INDEX actor_name_key IF NOT EXISTS FOR (a:Actor) ON (a.nameKey)",
            "CREATE INDEX actor_source IF NOT EXISTS FOR (a:Actor) ON (a.source)",
            "CREATE INDEX conflict_status IF NOT EXISTS FOR (c:Conflict) ON (c.status)",
            "CREATE INDEX conflict_year IF NOT EXISTS FOR (c:Conflict) ON (c.year)",
            "CREATE INDEX conflict_started_on IF NOT EXISTS FOR (c:Conflict) ON (c.startedOn)",
            "CREATE INDEX conflict_source IF NOT EXISTS FOR (c:Conflict) ON (c.source)",
            "CREATE INDEX project_kind IF NOT EXISTS FOR (p:Project) ON (p.kind)",
            "CREATE INDEX project_source IF NOT EXISTS FOR (p:Project) ON (p.source)",
            "CREATE INDEX resource_kind IF NOT EXISTS FOR (r:Resource) ON (r.kind)",
            "CREATE INDEX resource_published_on IF NOT EXISTS FOR (r:Resource) ON (r.publishedOn)",
            "CREATE INDEX resource_source IF NOT EXISTS FOR (r:Resource) ON (r.source)",
        ),
    ),
    Migration(
        10,
        "partner imports: records by (source, external id)",
        ("CREATE INDEX from_source_external_id IF NOT EXISTS FOR ()-[f:FROM_SOURCE]-() ON (f.externalId)",),
    ),
    Migration(
        20,
        "the graph revision node; every actor has a name key (the directory's order walks its index)",
        (
            "CREATE CONSTRAINT revision_id IF NOT EXISTS FOR (r:Revision) REQUIRE r.id IS UNIQUE",
            # the key the directory sorted such actors by before: coalesce(nameKey, toLower(name), '')
            "MATCH (a:Actor) WHERE a.nameKey IS NULL SET a.nameKey = coalesce(toLower(a.name), '')",
        ),
    ),
    Migration(
        21,
        "no index on Actor.name: no query seeks or sorts by it (names are searched through the full-text "
        "index, sorted by nameKey), and every actor written updated it",
        ("DROP INDEX actor_name IF EXISTS",),
    ),
    Migration(
        22,
        "every actor's case types (graph.case_types): matching skips, with one property read, the actors "
        "based near the asked place that never had a case of the asked types",
        (case_types.RECOMPUTE_ALL,),
    ),
    Migration(
        27,
        "idempotency keys (graph.idempotency): one record per (scope, key), so two attempts with the same "
        "key cannot both write; expired records are found by their expiry",
        (
            "CREATE CONSTRAINT idempotency_scope_key IF NOT EXISTS "
            "FOR (r:IdempotencyRecord) REQUIRE (r.scope, r.key) IS UNIQUE",
            "CREATE INDEX idempotency_expires_at IF NOT EXISTS FOR (r:IdempotencyRecord) ON (r.expiresAt)",
        ),
    ),
    Migration(
        28,
        "events outbox (graph.outbox): one id per event, read in seq order, one sequence counter",
        (
            "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
            "CREATE CONSTRAINT event_seq IF NOT EXISTS FOR (e:Event) REQUIRE e.seq IS UNIQUE",
            "CREATE CONSTRAINT eventsequence_name IF NOT EXISTS FOR (c:EventSequence) REQUIRE c.name IS UNIQUE",
        ),
    ),
    Migration(
        29,
        "needs (graph.needs): unique ids, distance filters and the default order of the `needs` list",
        (
            "CREATE CONSTRAINT need_id IF NOT EXISTS FOR (n:Need) REQUIRE n.id IS UNIQUE",
            "CREATE POINT INDEX need_location IF NOT EXISTS FOR (n:Need) ON (n.location)",
            "CREATE INDEX need_status IF NOT EXISTS FOR (n:Need) ON (n.status)",
        ),
    ),
    Migration(
        30,
        "event delivery (graph.delivery): webhooks, one delivery per (webhook, event) found by status and next "
        "try, one planning cursor",
        (
            "CREATE CONSTRAINT webhook_id IF NOT EXISTS FOR (w:Webhook) REQUIRE w.id IS UNIQUE",
            "CREATE CONSTRAINT delivery_id IF NOT EXISTS FOR (d:Delivery) REQUIRE d.id IS UNIQUE",
            "CREATE INDEX delivery_status_next_try IF NOT EXISTS FOR (d:Delivery) ON (d.status, d.nextTry)",
            "CREATE INDEX delivery_webhook IF NOT EXISTS FOR (d:Delivery) ON (d.webhookId)",
            "CREATE CONSTRAINT deliverycursor_name IF NOT EXISTS FOR (c:DeliveryCursor) REQUIRE c.name IS UNIQUE",
        ),
    ),
    Migration(
        31,
        "the audit trail (graph.audit): one entry per write, read newest first and by writer, pruned by age",
        (
            "CREATE CONSTRAINT auditentry_id IF NOT EXISTS FOR (e:AuditEntry) REQUIRE e.id IS UNIQUE",
            "CREATE INDEX auditentry_at IF NOT EXISTS FOR (e:AuditEntry) ON (e.at)",
            "CREATE INDEX auditentry_actor IF NOT EXISTS FOR (e:AuditEntry) ON (e.actor)",
        ),
    ),
    Migration(
        32,
        "every actor's, conflict's, project's and resource's territory ancestry (graph.ancestry), indexed with "
        "its words: a search with a territory filter reads only the hits inside the territory",
        (*ancestry.RECOMPUTE_ALL, *area_index_statements()),
    ),
    Migration(
        33,
        "every actor's, project's and resource's facets (graph.facets: its kind and themes as tokens), indexed "
        "with its words: a search with a kind or theme filter reads only the hits that have them",
        (*facets.RECOMPUTE_ALL, *facet_index_statements()),
    ),
)

SCHEMA_VERSION = max(migration.version for migration in MIGRATIONS)


async def applied_versions(store: Store) -> set[int]:
    rows = await store.read("migrations.applied", "MATCH (m:SchemaMigration) RETURN m.version AS version")
    return {int(row["version"]) for row in rows}


async def missing(store: Store, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[Migration]:
    """The migrations the database has not recorded, in order (what `tec db migrate --check` lists)."""
    done = await applied_versions(store)
    return [m for m in sorted(migrations, key=lambda m: m.version) if m.version not in done]


async def migrate(store: Store, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the migrations not yet recorded; return the versions applied now."""
    done = await applied_versions(store)
    applied: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.version):
        if migration.version in done:
            continue
        for statement in migration.statements:
            await store.run_schema(statement)
        await store.write(
            "migrations.record",
            "MERGE (m:SchemaMigration {version: $version}) ON CREATE SET m.name = $name, m.appliedAt = datetime()",
            {"version": migration.version, "name": migration.name},
        )
        log.info("applied migration %d (%s)", migration.version, migration.name)
        applied.append(migration.version)
    if applied:
        await store.run_schema("CALL db.awaitIndexes(300)")
    return applied
