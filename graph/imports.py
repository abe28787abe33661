"""Cypher for partner imports: provenance-keyed upserts of actors and conflicts, and what imports look up.

A record is keyed by (source, external id): `(n)-[:FROM_SOURCE {externalId, hash}]->(:Source {name})`.
Each batch is one managed transaction that first reads the batch's keys, then writes only the records
whose content hash changed. New records get an id derived from (source, label, external id), so a
batch that is re-run after a crash MERGEs onto what it wrote before: an interrupted import run again
converges to the graph an uninterrupted one gives. `docs/importers.md` describes the behaviour.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.store import Record, Store, run_in_tx

RECORD_NAMESPACE = uuid.UUID("0d8b3c52-4a8e-4d7b-9a55-3f0f6d7e2b91")
SOURCE_NAMESPACE = uuid.UUID("5b0f6c1e-3f57-4c0e-9d39-7f3f4d1c2a10")  # as graph.bulk: one id per source name
IMPORT_LABELS: tuple[LiteralString, ...] = ("Actor", "Conflict")


def record_id(source: str, label: str, external_id: str) -> str:
    """The id a record of `source` gets when an import creates it (stable across runs and machines)."""
    return str(uuid.uuid5(RECORD_NAMESPACE, f"{source}\x1f{label}\x1f{external_id}"))


def source_id(name: str) -> str:
    return str(uuid.uuid5(SOURCE_NAMESPACE, name))


def imported_by(source: str) -> str:
    return f"import:{source}"


# --- what an import reads before it starts ---------------------------------------------------------

# one list rather than 35,000 records: far less driver overhead
_COMMUNES: LiteralString = (
    "MATCH (t:Territory {level: 'COMMUNE'}) RETURN collect([t.code, t.name, t.nameKey]) AS communes"
)
_CONFLICT_TYPE_CODES: LiteralString = "MATCH (c:ConflictType) RETURN collect(c.code) AS codes"
_THEME_CODES: LiteralString = "MATCH (t:Theme) RETURN collect(t.code) AS codes"

_NEAREST_COMMUNES: LiteralString = """
UNWIND $points AS p
CALL (p) {
  WITH point({latitude: p.lat, longitude: p.lon}) AS here
  MATCH (t:Territory)
  WHERE point.distance(t.location, here) < $maxMeters AND t.level = 'COMMUNE'
  RETURN t.code AS code, point.distance(t.location, here) AS meters
  ORDER BY meters, code LIMIT 1
}
RETURN p.key AS key, code, meters
"""


async def communes(store: Store) -> list[tuple[str, str, str | None]]:
    """(code, name, nameKey) of every commune (about 35,000: one round trip)."""
    rows = await store.read("imports.communes", _COMMUNES)
    return [(str(code), str(name), key) for code, name, key in rows[0]["communes"]] if rows else []


async def conflict_type_codes(store: Store) -> set[str]:
    rows = await store.read("imports.conflictTypeCodes", _CONFLICT_TYPE_CODES)
    return set(rows[0]["codes"]) if rows else set()


async def theme_codes(store: Store) -> set[str]:
    rows = await store.read("imports.themeCodes", _THEME_CODES)
    return set(rows[0]["codes"]) if rows else set()


async def nearest_communes(store: Store, points: Sequence[dict[str, Any]], max_meters: float) -> dict[str, str]:
    """{point key: code of the commune whose centroid is nearest}, within `max_meters` (point index)."""
    if not points:
        return {}
    rows = await store.read(
        "imports.nearestCommunes", _NEAREST_COMMUNES, {"points": list(points), "maxMeters": max_meters}
    )
    return {row["key"]: row["code"] for row in rows}


# --- sources ----------------------------------------------------------------------------------------

_ENSURE_SOURCE: LiteralString = """
MERGE (s:Source {name: $name})
ON CREATE SET s.id = $id, s.kind = $kind, s.licence = $licence,
              s.createdAt = datetime(), s.updatedAt = datetime(), s.createdBy = $by, s.updatedBy = $by
WITH s
WHERE s.kind <> $kind OR coalesce(s.licence, '') <> coalesce($licence, '')
SET s.kind = $kind, s.licence = $licence, s.updatedAt = datetime(), s.updatedBy = $by
"""

_TOUCH_SOURCE: LiteralString = "MATCH (s:Source {name: $source}) SET s.importedAt = datetime()"


async def ensure_source(store: Store, name: str, kind: str, licence: str | None) -> None:
    """Create the Source node of an import (or bring its kind and licence up to date)."""
    await store.write(
        "imports.ensureSource",
        _ENSURE_SOURCE,
        {"name": name, "id": source_id(name), "kind": kind, "licence": licence, "by": imported_by(name)},
    )


# --- upserts ---------------------------------------------------------------------------------------

_LOOKUP_ACTORS: LiteralString = """
MATCH (s:Source {name: $source})
UNWIND $keys AS key
OPTIONAL MATCH (n:Actor)-[f:FROM_SOURCE {externalId: key.externalId}]->(s)
OPTIONAL MATCH (g:Actor)-[:GOVERNS]->(:Territory {id: key.governs}) WHERE g.kind = 'COLLECTIVITE'
WITH key, n, f, g ORDER BY g.id
WITH key.externalId AS externalId, head(collect(n)) AS n, head(collect(f.hash)) AS hash, head(collect(g)) AS g
RETURN externalId, n.id AS id, n.source AS owner, hash, g.id AS governor, g.source AS governorOwner
"""

_LOOKUP_CONFLICTS: LiteralString = """
MATCH (s:Source {name: $source})
UNWIND $keys AS key
MATCH (n:Conflict)-[f:FROM_SOURCE {externalId: key.externalId}]->(s)
RETURN key.externalId AS externalId, n.id AS id, n.source AS owner, f.hash AS hash, null AS governor,
       null AS governorOwner
"""

_WRITE_CONFLICTS: LiteralString = """
MATCH (s:Source {name: $source})
UNWIND $rows AS row
MERGE (c:Conflict {id: row.id})
ON CREATE SET c.createdAt = datetime(), c.createdBy = $by, c.source = $source
SET c += row.props, c.updatedAt = datetime(), c.updatedBy = $by
WITH s, row, c
CALL (c) {
  OPTIONAL MATCH (c)-[old:OF_TYPE|LOCATED_IN]->()
  DELETE old
}
WITH s, row, c
MATCH (ct:ConflictType {code: row.type})
MATCH (t:Territory {id: row.territory})
SET c.location = t.location
MERGE (c)-[:OF_TYPE]->(ct)
MERGE (c)-[:LOCATED_IN]->(t)
MERGE (c)-[f:FROM_SOURCE]->(s)
SET f.externalId = row.externalId, f.hash = row.hash, f.importedAt = datetime()
"""

_WRITE_ACTORS: LiteralString = """
MATCH (s:Source {name: $source})
UNWIND $rows AS row
MERGE (n:Actor {id: row.id})
ON CREATE SET n.createdAt = datetime(), n.createdBy = $by, n.source = $source
WITH s, row, n
CALL (row, n) {
  WITH * WHERE row.owned
  SET n += row.props, n.updatedAt = datetime(), n.updatedBy = $by
}
CALL (row, n) {
  WITH * WHERE row.owned AND row.territory IS NOT NULL
  OPTIONAL MATCH (n)-[old:BASED_IN]->(:Territory)
  DELETE old
  WITH DISTINCT row, n
  MATCH (t:Territory {id: row.territory})
  SET n.location = t.location
  MERGE (n)-[:BASED_IN]->(t)
  FOREACH (_ IN CASE WHEN row.governs THEN [1] ELSE [] END | MERGE (n)-[:GOVERNS]->(t))
}
CALL (row, n) {
  WITH * WHERE row.owned AND row.themes IS NOT NULL
  OPTIONAL MATCH (n)-[old:WORKS_ON]->(:Theme)
  DELETE old
  WITH DISTINCT row, n
  UNWIND row.themes AS code
  MATCH (t:Theme {code: code})
  MERGE (n)-[:WORKS_ON]->(t)
}
CALL (row, n, s) {
  WITH * WHERE row.network IS NOT NULL
  MATCH (net:Actor)-[:FROM_SOURCE {externalId: row.network}]->(s)
  MERGE (n)-[m:MEMBER_OF]->(net)
  SET m.since = row.since
}
CALL (row, n, s) {
  WITH * WHERE row.involvements IS NOT NULL
  OPTIONAL MATCH (n)-[old:INVOLVED_IN]->(:Conflict {source: $source})
  DELETE old
  WITH DISTINCT row, n, s
  UNWIND row.involvements AS inv
  MATCH (c:Conflict)-[:FROM_SOURCE {externalId: inv.conflict}]->(s)
  MERGE (n)-[i:INVOLVED_IN {role: inv.role}]->(c)
  SET i.from = inv.from, i.to = inv.to
}
MERGE (n)-[f:FROM_SOURCE]->(s)
SET f.externalId = row.externalId, f.hash = row.hash, f.importedAt = datetime()
"""


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged


@dataclass
class BatchOutcome:
    """What a batch did (or, in a dry run, would do), by label."""

    counts: dict[str, Counts] = field(default_factory=dict)

    def of(self, label: str) -> Counts:
        return self.counts.setdefault(label, Counts())


def _keys(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"externalId": row["externalId"], "governs": row.get("governs")} for row in rows]


def _plan(
    source: str, label: str, rows: Sequence[dict[str, Any]], found: list[Record], outcome: BatchOutcome
) -> list[dict[str, Any]]:
    """Decide, from what the graph holds, which rows to write and onto which node."""
    by_key = {row["externalId"]: row for row in found}
    counts = outcome.of(label)
    to_write: list[dict[str, Any]] = []
    for row in rows:
        state = by_key.get(row["externalId"], {})
        if state.get("id") is not None:
            if state["hash"] == row["hash"]:
                counts.unchanged += 1
                continue
            counts.updated += 1
            node_id, owner = state["id"], state["owner"]
        elif state.get("governor") is not None:
            counts.created += 1
            node_id, owner = state["governor"], state["governorOwner"]
        else:
            counts.created += 1
            node_id, owner = record_id(source, label, row["externalId"]), source
        to_write.append({**row, "id": node_id, "owned": owner in (source, None), "governs": row.get("governs")})
    return to_write


def _shape_actor(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "governs": row.get("governs") is not None}


async def upsert_batch(
    store: Store,
    source: str,
    *,
    actors: Sequence[dict[str, Any]] = (),
    conflicts: Sequence[dict[str, Any]] = (),
    dry_run: bool = False,
) -> BatchOutcome:
    """Upsert one batch of records of `source` in one transaction (or, with `dry_run`, only count).

    Actor rows: `externalId`, `hash`, `props`, and optionally `territory` (BASED_IN, a territory id),
    `governs` (the territory id the actor governs: an existing collectivité governing it is reused),
    `themes` (theme codes), `network` and `since` (MEMBER_OF the source's network record),
    `involvements` ([{conflict: external id, role, from, to}]). Conflict rows: `externalId`, `hash`,
    `props`, `type` (conflict type code), `territory`. Conflicts are written before the actors
    that refer to them.
    """
    params = {"source": source}
    outcome = BatchOutcome()

    async def plan(reader: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        found_conflicts = await reader(_LOOKUP_CONFLICTS, {**params, "keys": _keys(conflicts)}) if conflicts else []
        found_actors = await reader(_LOOKUP_ACTORS, {**params, "keys": _keys(actors)}) if actors else []
        return (
            _plan(source, "Conflict", conflicts, found_conflicts, outcome),
            [_shape_actor(row) for row in _plan(source, "Actor", actors, found_actors, outcome)],
        )

    if dry_run:

        async def read(query: LiteralString, values: dict[str, Any]) -> list[Record]:
            return await store.read("imports.lookup", query, values)

        await plan(read)
        return outcome

    async def work(tx: AsyncManagedTransaction) -> BatchOutcome:
        outcome.counts.clear()

        async def read(query: LiteralString, values: dict[str, Any]) -> list[Record]:
            return await run_in_tx(tx, query, values)

        write_conflicts, write_actors = await plan(read)
        by = {**params, "by": imported_by(source)}
        if write_conflicts:
            await run_in_tx(tx, _WRITE_CONFLICTS, {**by, "rows": write_conflicts})
        if write_actors:
            await run_in_tx(tx, _WRITE_ACTORS, {**by, "rows": write_actors})
        if write_conflicts or write_actors:
            await run_in_tx(tx, _TOUCH_SOURCE, params)
        return outcome

    return await store.transaction("imports.upsertBatch", work)


# --- what a source holds ---------------------------------------------------------------------------

_SOURCE_RECORDS: LiteralString = """
MATCH (s:Source {name: $source})
MATCH (n)-[f:FROM_SOURCE]->(s)
USING INDEX f:FROM_SOURCE(externalId)
WHERE f.externalId > $after
WITH n, f ORDER BY f.externalId LIMIT $limit
RETURN [label IN labels(n) WHERE label IN $labels][0] AS label, f.externalId AS externalId
"""


async def source_records(store: Store, source: str, *, after: str = "", limit: int = 5000) -> list[Record]:
    """One page of (label, externalId) of the records of `source`, in external id order (keyset)."""
    return await store.read(
        "imports.sourceRecords",
        _SOURCE_RECORDS,
        {"source": source, "after": after, "limit": limit, "labels": list(IMPORT_LABELS)},
    )
