"""Cypher for partner imports: provenance-keyed upserts of actors and conflicts, and what imports look up.

A record is keyed by (source, external id): `(n)-[:FROM_SOURCE {externalId, hash}]->(:Source {name})`.
Each batch is one managed transaction that first reads the batch's keys, then writes only the records
whose content hash changed. New records get an id derived from (source, label, external id), so a
new record and its links are CREATEd (no MERGE searching the links of dense type, territory and theme
nodes); the uniqueness constraint on `id` fails a batch that would create an id a node already holds
(a node that lost its FROM_SOURCE link), and that batch is planned again with the ids checked, so the
node is updated, not duplicated. A batch commits whole or not at all: an interrupted import run again
converges to the graph an uninterrupted one gives. `docs/importers.md` describes the behaviour.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import ancestry, audit, case_types, facets
from graph.errors import ConstraintConflict
from graph.model import source_id
from graph.store import Record, Store, run_in_tx
from graph.tallies import WriteTally

RECORD_NAMESPACE = uuid.UUID("0d8b3c52-4a8e-4d7b-9a55-3f0f6d7e2b91")
_RECORD_NAMESPACE_BYTES = RECORD_NAMESPACE.bytes
IMPORT_LABELS: tuple[LiteralString, ...] = ("Actor", "Conflict")


def record_id(source: str, label: str, external_id: str) -> str:
    """The id a record of `source` gets when an import creates it (stable across runs and machines).

    `uuid.uuid5(RECORD_NAMESPACE, ...)`, written out: an import computes one per new record.
    """
    name = f"{source}\x1f{label}\x1f{external_id}".encode()
    raw = bytearray(hashlib.sha1(_RECORD_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def imported_by(source: str) -> str:
    return f"import:{source}"


# --- what an import reads before it starts ---------------------------------------------------------

# three flat lists rather than 35,000 records or 35,000 small lists: far less work decoding them (the
# lists stay aligned: `collect` would skip a null, so none is collected)
_COMMUNES: LiteralString = (
    "MATCH (t:Territory {level: 'COMMUNE'}) WHERE t.code IS NOT NULL "
    "RETURN collect(t.code) AS codes, collect(coalesce(t.name, '')) AS names, "
    "collect(coalesce(t.nameKey, '')) AS keys"
)
_COMMUNE_CODES: LiteralString = (
    "MATCH (t:Territory {level: 'COMMUNE'}) WHERE t.code IS NOT NULL RETURN collect(t.code) AS codes"
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
    """(code, name, nameKey) of every commune (about 35,000: one round trip, one exchange with the server)."""
    rows = await store.read_once("imports.communes", _COMMUNES)
    if not rows:
        return []
    row = rows[0]
    return list(zip(row["codes"], row["names"], row["keys"], strict=True))


async def commune_codes(store: Store) -> list[str]:
    """The INSEE code of every commune: what an import reads first (the names only when a row needs them)."""
    rows = await store.read_once("imports.communeCodes", _COMMUNE_CODES)
    return list(rows[0]["codes"]) if rows else []


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

_HOLDS_RECORDS: LiteralString = (
    "OPTIONAL MATCH (s:Source {name: $source}) RETURN s IS NOT NULL AND EXISTS { (s)<-[:FROM_SOURCE]-() } AS holds"
)


def _source_params(name: str, kind: str, licence: str | None) -> dict[str, Any]:
    return {"name": name, "id": source_id(name), "kind": kind, "licence": licence, "by": imported_by(name)}


@dataclass(frozen=True, slots=True)
class SourceSetup:
    """The Source node an import writes to, set up in the transaction of its first write (`upsert_batch`'s
    `setup`): its first batch does not wait for a transaction of its own."""

    name: str
    kind: str
    licence: str | None


async def ensure_source(store: Store, name: str, kind: str, licence: str | None) -> None:
    """Create the Source node of an import (or bring its kind and licence up to date)."""
    await store.write("imports.ensureSource", _ENSURE_SOURCE, _source_params(name, kind, licence))


async def ensure_source_in(tx: AsyncManagedTransaction, name: str, kind: str, licence: str | None) -> bool:
    """`ensure_source` inside the transaction `tx`; whether it changed the graph (the source was created,
    or its kind or licence changed)."""
    result = await tx.run(_ENSURE_SOURCE, _source_params(name, kind, licence))
    return (await result.consume()).counters.contains_updates


async def holds_records(store: Store, source: str) -> bool:
    """Whether any record is linked FROM_SOURCE to `source` (one step from the source node)."""
    rows = await store.read("imports.holdsRecords", _HOLDS_RECORDS, {"source": source})
    return bool(rows and rows[0]["holds"])


# --- upserts ---------------------------------------------------------------------------------------

_LOOKUP: dict[str, LiteralString] = {
    label: "MATCH (s:Source {name: $source}) "
    "UNWIND $keys AS key "
    "MATCH (n:" + label + ")-[f:FROM_SOURCE {externalId: key}]->(s) "
    "RETURN key AS externalId, n.id AS id, n.source AS owner, f.hash AS hash"
    for label in IMPORT_LABELS
}

# Ids a new record would get that a node already holds (its FROM_SOURCE link was removed): updated, not created.
_TAKEN: dict[str, LiteralString] = {
    label: "UNWIND $ids AS id MATCH (n:" + label + " {id: id}) RETURN n.id AS id, n.source AS owner"
    for label in IMPORT_LABELS
}

_GOVERNORS: LiteralString = """
UNWIND $territories AS territory
MATCH (g:Actor)-[:GOVERNS]->(:Territory {id: territory})
WHERE g.kind = 'COLLECTIVITE'
WITH territory, g ORDER BY g.id
RETURN territory, head(collect(g.id)) AS id, head(collect(g.source)) AS owner
"""

# New records: the plan checked that neither the key nor the id exists, so every node and link is
# CREATEd (MERGE would search each dense type, territory and theme node's links, and lock them).
_CREATE_CONFLICTS: LiteralString = """
MATCH (s:Source {name: $source})
UNWIND $rows AS row
MATCH (ct:ConflictType {code: row.type})
MATCH (t:Territory {id: row.territory})
CREATE (c:Conflict {id: row.id})
SET c += row.props, c.createdAt = datetime(), c.createdBy = $by, c.source = $source,
    c.updatedAt = datetime(), c.updatedBy = $by, c.location = t.location
CREATE (c)-[:OF_TYPE]->(ct), (c)-[:LOCATED_IN]->(t),
       (c)-[:FROM_SOURCE {externalId: row.externalId, hash: row.hash, importedAt: datetime()}]->(s)
""" + ancestry.refresh("c", "Conflict")

# A conflict whose type changed changes its actors' case types (graph.case_types).
_UPDATE_CONFLICTS: LiteralString = (
    """
MATCH (s:Source {name: $source})
UNWIND $rows AS row
MATCH (c:Conflict {id: row.id})
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
WITH c
"""
    + case_types.refresh_involved("c")
    + ancestry.refresh_in_call("c", "Conflict")
    + ancestry.refresh_documenting("c")
)

# Links an actor row may carry, beyond its properties: each a fragment of the create query.
ACTOR_LINKS: tuple[str, ...] = ("territory", "governs", "themes", "network", "involvements")


@lru_cache(maxsize=32)
def _create_actors(links: frozenset[str]) -> LiteralString:
    """The write of new actors: only the parts the batch's rows use, every node and link CREATEd."""
    query: LiteralString = "MATCH (s:Source {name: $source}) "
    if "network" in links:
        query += "MATCH (net:Actor)-[:FROM_SOURCE {externalId: $network}]->(s) "
    query += "UNWIND $rows AS row "
    if "territory" in links:
        query += "MATCH (t:Territory {id: row.territory}) "
    query += (
        "CREATE (n:Actor {id: row.id}) "
        "SET n += row.props, n.createdAt = datetime(), n.createdBy = $by, n.source = $source, "
        "n.updatedAt = datetime(), n.updatedBy = $by, n." + case_types.ON_CREATE + ", n." + ancestry.ON_CREATE + " "
        "CREATE (n)-[:FROM_SOURCE {externalId: row.externalId, hash: row.hash, importedAt: datetime()}]->(s) "
    )
    if "territory" in links:
        query += "SET n.location = t.location CREATE (n)-[:BASED_IN]->(t) " + ancestry.refresh("n", "Actor")
    if "governs" in links:
        query += "CREATE (n)-[:GOVERNS]->(t) "
    if "network" in links:
        query += "CREATE (n)-[:MEMBER_OF {since: row.since}]->(net) "
    if "themes" in links:
        query += (
            "WITH s, row, n CALL (row, n) { "
            "UNWIND row.themes AS code MATCH (th:Theme {code: code}) CREATE (n)-[:WORKS_ON]->(th) } "
        )
    query += facets.refresh("n", "Actor")  # its kind and themes (graph.facets)
    if "involvements" in links:
        query += (
            "WITH s, row, n CALL (row, n, s) { "
            "UNWIND row.involvements AS inv "
            "MATCH (c:Conflict)-[:FROM_SOURCE {externalId: inv.conflict}]->(s) "
            "CREATE (n)-[:INVOLVED_IN {role: inv.role, from: inv.from, to: inv.to, expertise: inv.expertise, "
            "roleLabel: inv.roleLabel}]->(c) } "
            "WITH DISTINCT n " + case_types.refresh("n")
        )
    return query


# Changed actors, and actors that already existed (a commune's collectivité): links are replaced,
# properties written only on the source's own records (`row.owned`).
_UPDATE_ACTORS: LiteralString = (
    """
MATCH (s:Source {name: $source})
UNWIND $rows AS row
MATCH (n:Actor {id: row.id})
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
"""
    + ancestry.refresh("n", "Actor")
    + """
}
CALL (row, n) {
  WITH * WHERE row.governs IS NOT NULL
  MATCH (t:Territory {id: row.governs})
  MERGE (n)-[:GOVERNS]->(t)
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
"""
    + facets.refresh_in_call("n", "Actor")
    + """
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
  SET i.from = inv.from, i.to = inv.to, i.expertise = inv.expertise, i.roleLabel = inv.roleLabel
}
CALL (row, n) {
  WITH * WHERE row.involvements IS NOT NULL
"""
    + case_types.refresh("n")
    + """
}
MERGE (n)-[f:FROM_SOURCE]->(s)
SET f.externalId = row.externalId, f.hash = row.hash, f.importedAt = datetime()
"""
)


@dataclass
class BatchOutcome:
    """What a batch did (or, in a dry run, would do), by label."""

    counts: dict[str, WriteTally] = field(default_factory=dict)
    wrote: bool = False
    source_changed: bool = False  # the batch's `setup` created the source, or changed its kind or licence
    relationships_created: int = 0
    relationships_deleted: int = 0

    def of(self, label: str) -> WriteTally:
        return self.counts.setdefault(label, WriteTally())


@dataclass
class _WritePlan:
    create: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)


Reader = Callable[[LiteralString, dict[str, Any]], Awaitable[list[Record]]]


async def _plan(
    read: Reader,
    source: str,
    label: LiteralString,
    rows: Sequence[dict[str, Any]],
    outcome: BatchOutcome,
    lookup: bool = True,
    check_ids: bool = True,
) -> _WritePlan:
    """Decide, from what the graph holds, which rows to create, which to update, which to leave.

    Without `lookup` (the source held no record when the import started, and an import writes each
    external id once), no row is looked up by its key: all are new, unless their id is taken. Without
    `check_ids`, the ids of new rows are not looked up either: the uniqueness constraint on `id` then
    fails the batch if one is taken, and `upsert_batch` plans it again with the check."""
    plan = _WritePlan()
    if not rows:
        return plan
    keys = {"source": source, "keys": [row["externalId"] for row in rows]}
    found = {row["externalId"]: row for row in await read(_LOOKUP[label], keys)} if lookup else {}
    wanted = [row["governs"] for row in rows if row.get("governs") and row["externalId"] not in found]
    governors = {row["territory"]: row for row in (await read(_GOVERNORS, {"territories": wanted}) if wanted else [])}
    counts = outcome.of(label)
    for row in rows:
        state = found.get(row["externalId"])
        if state is not None:
            if state["hash"] == row["hash"]:
                counts.unchanged += 1
                continue
            counts.updated += 1
            plan.update.append({**row, "id": state["id"], "owned": state["owner"] == source})
        elif row.get("governs") in governors:
            counts.created += 1  # new to this source: an existing collectivité, which keeps its properties
            governor = governors[row["governs"]]
            plan.update.append({**row, "id": governor["id"], "owned": governor["owner"] == source})
        else:
            counts.created += 1
            plan.create.append({**row, "id": record_id(source, label, row["externalId"])})
    if plan.create and check_ids:
        taken = {row["id"]: row for row in await read(_TAKEN[label], {"ids": [row["id"] for row in plan.create]})}
        if taken:
            plan.update += [
                {**row, "owned": taken[row["id"]]["owner"] == source} for row in plan.create if row["id"] in taken
            ]
            plan.create = [row for row in plan.create if row["id"] not in taken]
    return plan


async def upsert_batch(
    store: Store,
    source: str,
    *,
    actors: Sequence[dict[str, Any]] = (),
    conflicts: Sequence[dict[str, Any]] = (),
    dry_run: bool = False,
    new_source: bool = False,
    setup: SourceSetup | None = None,
) -> BatchOutcome:
    """Upsert one batch of records of `source` in one transaction (or, with `dry_run`, only count).

    Actor rows: `externalId`, `hash`, `props`, and the links they carry (None: not managed):
    `territory` (BASED_IN, a territory id), `governs` (the territory id the actor governs: an
    existing collectivité governing it is reused), `themes` (theme codes), `network` and `since`
    (MEMBER_OF the source's network record), `involvements` ([{conflict: external id, role, from,
    to}]). Conflict rows: `externalId`, `hash`, `props`, `type` (conflict type code), `territory`.
    Conflicts are written before the actors that refer to them. `new_source`: the source held no
    record when this import started (`holds_records`), and the import's ledger lets each external id
    through once, so no row is looked up by its key (ids already taken are still checked). `setup`:
    the source set up first, in the same transaction (`ensure_source`; ignored by a dry run).
    """
    outcome = BatchOutcome()

    if dry_run:

        async def read(query: LiteralString, values: dict[str, Any]) -> list[Record]:
            return await store.read("imports.lookup", query, values)

        await _plan(read, source, "Conflict", conflicts, outcome, not new_source)
        await _plan(read, source, "Actor", actors, outcome, not new_source)
        return outcome

    check_ids = False

    async def work(tx: AsyncManagedTransaction) -> BatchOutcome:
        outcome.counts.clear()
        outcome.relationships_created = outcome.relationships_deleted = 0
        outcome.source_changed = False
        if setup is not None:
            outcome.source_changed = await ensure_source_in(tx, setup.name, setup.kind, setup.licence)
        await write_batch(
            tx, source, outcome, actors=actors, conflicts=conflicts, new_source=new_source, check_ids=check_ids
        )
        return outcome

    # a batch with nothing to write leaves the graph revision alone, so response caches stay warm
    def changed(done: BatchOutcome) -> bool:
        return done.wrote or done.source_changed

    try:
        return await store.transaction("imports.upsertBatch", work, changed=changed)
    except ConstraintConflict:
        # An id a new record gets is held by a node already (one whose FROM_SOURCE link was removed):
        # the batch was rolled back whole; planned again with the ids checked, that node is updated.
        # Rare, so the ids are not looked up before each batch (500 index seeks a batch saved).
        check_ids = True
        return await store.transaction("imports.upsertBatch", work, changed=changed)


async def write_batch(
    tx: AsyncManagedTransaction,
    source: str,
    outcome: BatchOutcome,
    *,
    actors: Sequence[dict[str, Any]] = (),
    conflicts: Sequence[dict[str, Any]] = (),
    new_source: bool = False,
    check_ids: bool = True,
) -> None:
    """The work of `upsert_batch` inside the transaction `tx`: plan, then write; `outcome` counts it.

    Also run, on synthetic rows, by the warm-up of a Neo4j that has just started (`graph.warmup`),
    in a transaction that is rolled back."""
    params = {"source": source}

    async def write(query: LiteralString, values: dict[str, Any]) -> None:
        result = await tx.run(query, values)
        counters = (await result.consume()).counters
        outcome.relationships_created += counters.relationships_created
        outcome.relationships_deleted += counters.relationships_deleted

    async def read(query: LiteralString, values: dict[str, Any]) -> list[Record]:
        return await run_in_tx(tx, query, values)

    conflict_plan = await _plan(read, source, "Conflict", conflicts, outcome, not new_source, check_ids)
    actor_plan = await _plan(read, source, "Actor", actors, outcome, not new_source, check_ids)
    # the audit entry lists the first records (audit.MAX_RECORDS) and every field written: noted once
    written = [row for plan in (actor_plan, conflict_plan) for row in (*plan.create, *plan.update)]
    for record_id in list(dict.fromkeys(str(row["id"]) for row in written))[: audit.MAX_RECORDS]:
        audit.note(record_id)
    audit.note(None, {name for row in written for name in row.get("props") or ()})
    by = {**params, "by": imported_by(source)}
    if conflict_plan.create:
        await write(_CREATE_CONFLICTS, {**by, "rows": conflict_plan.create})
    if conflict_plan.update:
        await write(_UPDATE_CONFLICTS, {**by, "rows": conflict_plan.update})
    if actor_plan.create:
        links = frozenset(key for key in ACTOR_LINKS if any(row.get(key) for row in actor_plan.create))
        network = next((row["network"] for row in actor_plan.create if row.get("network")), None)
        await write(_create_actors(links), {**by, "rows": actor_plan.create, "network": network})
    if actor_plan.update:
        await write(_UPDATE_ACTORS, {**by, "rows": actor_plan.update})
    outcome.wrote = bool(conflict_plan.create or conflict_plan.update or actor_plan.create or actor_plan.update)
    if outcome.wrote:
        await run_in_tx(tx, _TOUCH_SOURCE, params)


async def create_batch(
    store: Store,
    source: str,
    *,
    actors: Sequence[dict[str, Any]] = (),
    conflicts: Sequence[dict[str, Any]] = (),
    setup: SourceSetup | None = None,
) -> None:
    """The creating queries of `upsert_batch` alone, every row taken as new: no look-up, no plan
    (`setup`: the source set up first in the same transaction, as an import's first batch does).

    The benchmark's ceiling (`tec bench`, `import_ceiling`): what Neo4j needs at the least to write
    the rows an import prepared, in the same transactions. Not for imports: it duplicates nothing only
    on a source that holds none of the rows.
    """
    by = {"source": source, "by": imported_by(source)}
    new_conflicts = [{**row, "id": record_id(source, "Conflict", row["externalId"])} for row in conflicts]
    new_actors = [{**row, "id": record_id(source, "Actor", row["externalId"])} for row in actors]

    async def work(tx: AsyncManagedTransaction) -> None:
        if setup is not None:
            await ensure_source_in(tx, setup.name, setup.kind, setup.licence)
        if new_conflicts:
            await (await tx.run(_CREATE_CONFLICTS, {**by, "rows": new_conflicts})).consume()
        if new_actors:
            links = frozenset(key for key in ACTOR_LINKS if any(row.get(key) for row in new_actors))
            network = next((row["network"] for row in new_actors if row.get("network")), None)
            await (await tx.run(_create_actors(links), {**by, "rows": new_actors, "network": network})).consume()
        await run_in_tx(tx, _TOUCH_SOURCE, {"source": source})

    await store.transaction("imports.createBatch", work)


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
