"""Warm up a Neo4j that has just started, so that its first import does not pay for the JVM's start.

A JVM that has just started loads Neo4j's classes, plans queries and compiles its hot code the first
time each is needed: right after a start, on a loaded machine, the first read of an import took 24 s,
its first write transaction 19 s and its first batch 25 s, where warm they take a fraction of a second
(`docs/performance.md`). `warm_up` runs each shape of query an import runs, once — its reads (the
communes, the taxonomies, the source, the nearest commune of a point), then its batch writes on
synthetic rows (new records of every kind of link the presets use, based in real communes when the
reference data is loaded, then the same records changed) and what each batch commits with (the
revision's bump, the audit entry), in ONE write transaction that is always rolled back; then the
commit path, on scratch nodes (below). Nothing is left in the graph: no node, no relationship, no
property, no audit entry, and the graph revision does not move (none of the import's writes
commits). `warm_up_after_load` runs it again after a first run's migrations and reference load,
which make Neo4j plan every query anew.

What a rolled-back transaction cannot warm is the commit itself: turning a transaction's changes into
records, the transaction log, the store's files, freed ids — and the JIT compilation of that code
(`docs/decisions.md`, "The first import into a fresh database"). So the warm-up then commits
`SCRATCH_ROWS` scratch nodes, chained by relationships, in batches as an import commits its rows, and
deletes them: nodes of the label `SCRATCH_LABEL`, which no query of the project reads, no index
covers, and no revision, audit entry or event follows. They live for about a second; a warm-up
stopped before it deleted them leaves them for the next warm-up, which deletes them first.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction
from neo4j.spatial import WGS84Point

from graph import audit, imports, search
from graph.model import derived_properties
from graph.store import Store, bump_revision, run_in_tx

log = logging.getLogger(__name__)

SOURCE = "tec-warm-up"  # never committed: the transaction that creates it is rolled back
# The committed part: scratch nodes of a label nothing else reads, created in batches, then deleted.
SCRATCH_LABEL: LiteralString = "WarmUpScratch"
SCRATCH_ROWS = 2_000  # as many rows as a first import of 2,000 rows commits (docs/performance.md)
SCRATCH_BATCH = 500  # an import's batch (`importers.partners.DEFAULT_BATCH_SIZE`)
# Synthetic rows per batch shape: each clause runs this many times, enough for the JIT to compile the
# per-row code paths of the batch queries, few enough for the rolled-back transaction to stay small.
ROWS = 100
AUDIT_DAYS = 365  # the audit entry's retention, for the shape of its pruning clause (rolled back like the rest)

# Reference nodes of the warm-up's own, created inside the rolled-back transaction, so that the batch
# queries find what they MATCH even in a graph that holds no reference data yet.
_REFERENCE: LiteralString = """
CREATE (t:Territory {id: $territory, level: 'COMMUNE', code: $code, name: 'Warm-up',
                     location: point({latitude: 48.1118, longitude: -1.68189})})
CREATE (:ConflictType {id: $conflictType, code: $conflictType, name: 'Warm-up'})
CREATE (:Theme {id: $theme, code: $theme, name: 'Warm-up'})
"""
_REFERENCE_IDS = {"territory": "warm-up:commune", "code": "WARMUP", "conflictType": "WARM_UP", "theme": "WARM_UP"}


# Real communes, when the reference data is loaded: rows based in them run the ancestry and location
# code of a real territory (its PART_OF chain), as an import's rows do.
_COMMUNES: LiteralString = "MATCH (t:Territory {level: 'COMMUNE'}) RETURN t.id AS id LIMIT $limit"

_FULLTEXT_INDEXES: LiteralString = "SHOW FULLTEXT INDEXES YIELD name RETURN collect(name) AS names"
# A full-text query inside the transaction indexes its uncommitted records in memory first: it runs the
# analyzer and Lucene's indexing code, which a commit runs for every imported record.
_SEARCH: LiteralString = "CALL db.index.fulltext.queryNodes($index, $query) YIELD node RETURN count(node) AS found"
_SEARCHED = {label: search.FULLTEXT_INDEXES[label] for label in ("Actor", "Conflict")}


# Scratch rows with the kinds of values an imported record holds (text, a date, a point, a list), each
# linked to the one before it in its batch. Deleted by `_SCRATCH_DELETE`; the label is read nowhere else.
_SCRATCH_CREATE: LiteralString = (
    "UNWIND $rows AS row CREATE (n:" + SCRATCH_LABEL + ") SET n = row "
    "WITH collect(n) AS nodes "
    "UNWIND range(1, size(nodes) - 1) AS i "
    "WITH nodes[i - 1] AS previous, nodes[i] AS next "
    "CREATE (previous)-[:WARM_UP_SCRATCH {at: next.number}]->(next)"
)
_SCRATCH_DELETE: LiteralString = "MATCH (n:" + SCRATCH_LABEL + ") DETACH DELETE n"


class _RollBack(Exception):
    """Raised at the end of the warm-up's transaction function: the driver rolls the transaction back."""


@dataclass
class WarmUp:
    """What the warm-up ran: seconds per step, and the records its rolled-back transaction wrote."""

    seconds: dict[str, float] = field(default_factory=dict)
    created: int = 0
    updated: int = 0
    relationships: int = 0
    found: int = 0  # synthetic records the full-text indexes found inside the transaction
    communes: int = 0  # real communes the synthetic rows were based in (0: the warm-up's own territory)
    committed: int = 0  # scratch nodes committed, then deleted (Neo4j's counters of the committed transactions)
    leftovers: int = 0  # scratch nodes an earlier warm-up, stopped, had left: deleted first

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


def _actor(number: int, **links: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "name": f"Association de préfiguration {number}",
        "kind": "ASSOCIATION",
        "description": "Réunir les riverains autour du projet éolien et de la concertation",
        "rna": f"W{number:09d}",
        "foundedOn": date(2001, 5, 12),
    }
    props.update(derived_properties("Actor", props))
    row: dict[str, Any] = {
        "externalId": f"warm-up-{number}",
        "props": props,
        "territory": None,
        "governs": None,
        "themes": None,
        "network": None,
        "since": None,
        "involvements": None,
        "hash": f"warm-up-{number}",
    }
    row.update(links)
    return row


def _conflict(number: int, territory: str = _REFERENCE_IDS["territory"]) -> dict[str, Any]:
    props: dict[str, Any] = {
        "title": f"Parc éolien de la lande {number}",
        "summary": "Recours contre le permis de construire",
        "status": "ONGOING",
        "year": 2017,
    }
    props.update(derived_properties("Conflict", props))
    return {
        "externalId": f"warm-up-case-{number}",
        "props": props,
        "type": _REFERENCE_IDS["conflictType"],
        "territory": territory,
        "hash": f"warm-up-case-{number}",
    }


def _batches(rows: int, communes: Sequence[str] = ()) -> list[tuple[str, list[dict[str, Any]], list[dict[str, Any]]]]:
    """(name, actors, conflicts) of each batch shape the presets write, in the order an import writes them.

    `communes`: ids of real communes the rows are based in, in turn (the warm-up's own otherwise)."""
    places = list(communes) or [_REFERENCE_IDS["territory"]]

    def place(n: int) -> str:
        return places[n % len(places)]

    territory = places[0]
    network = _actor(0)
    register = [_actor(n, territory=place(n)) for n in range(1, rows + 1)]
    cases = [_conflict(n, place(n)) for n in range(1, rows + 1)]
    members = [
        _actor(
            n,
            territory=place(n),
            themes=[_REFERENCE_IDS["theme"]],
            network=network["externalId"],
            since=date(2020, 1, 1),
            involvements=[
                {
                    "conflict": case["externalId"],
                    "role": "EXPERT",
                    "from": 2017,
                    "to": None,
                    "expertise": "LEGAL",
                    "roleLabel": "expertise juridique",
                }
                for case in cases[: n % 3 + 1]
            ],
        )
        for n in range(rows + 1, 2 * rows + 1)
    ]
    collectivites = [
        _actor(n, territory=territory, governs=territory, network=network["externalId"], since=date(2021, 3, 1))
        for n in range(2 * rows + 1, 2 * rows + 2)
    ]
    return [
        ("network", [network], []),
        ("register", register, []),
        ("members", members, cases),
        ("collectivites", collectivites, []),
    ]


def _changed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same records with new content: the second pass updates what the first created."""
    return [
        {**row, "props": {**row["props"], "description": "Mise à jour"}, "hash": row["hash"] + "-2"} for row in rows
    ]


async def _reads(store: Store, report: WarmUp) -> None:
    point = [{"key": "p", "lat": 48.11, "lon": -1.68}]
    steps: tuple[tuple[str, Callable[[], Awaitable[object]]], ...] = (
        ("revision", store.revision),
        ("communeCodes", lambda: imports.commune_codes(store)),
        ("communes", lambda: imports.communes(store)),
        ("conflictTypes", lambda: imports.conflict_type_codes(store)),
        ("themes", lambda: imports.theme_codes(store)),
        ("holdsRecords", lambda: imports.holds_records(store, SOURCE)),
        ("nearestCommunes", lambda: imports.nearest_communes(store, point, 5_000.0)),
    )
    for name, step in steps:
        started = time.perf_counter()
        await step()
        report.seconds[name] = time.perf_counter() - started


async def _writes(
    tx: AsyncManagedTransaction, report: WarmUp, rows: int, indexes: set[str], communes: Sequence[str]
) -> None:
    started = time.perf_counter()
    await run_in_tx(tx, _REFERENCE, _REFERENCE_IDS)
    await imports.ensure_source_in(tx, SOURCE, "REGISTER", None)
    report.seconds["ensureSource"] = time.perf_counter() - started
    batches = _batches(rows, communes)
    for new_source, shapes in ((True, batches), (False, [(n, _changed(a), _changed(c)) for n, a, c in batches])):
        for name, actors, conflicts in shapes:
            started = time.perf_counter()
            outcome = imports.BatchOutcome()
            await imports.write_batch(tx, SOURCE, outcome, actors=actors, conflicts=conflicts, new_source=new_source)
            step = f"{'create' if new_source else 'update'}:{name}"
            report.seconds[step] = time.perf_counter() - started
            report.created += sum(tally.created for tally in outcome.counts.values())
            report.updated += sum(tally.updated for tally in outcome.counts.values())
            report.relationships += outcome.relationships_created
        if new_source:
            started = time.perf_counter()
            for index in (index for index in _SEARCHED.values() if index in indexes):
                found = await run_in_tx(tx, _SEARCH, {"index": index, "query": "eolien OR concertation"})
                report.found += found[0]["found"] if found else 0
            report.seconds["fullText"] = time.perf_counter() - started
    # what every import batch commits with: the graph revision's bump and the batch's audit entry
    started = time.perf_counter()
    await bump_revision(tx)
    changes = audit.Changes(records=[_actor(1)["externalId"]], fields={"name"})
    await audit.record(tx, f"import:{SOURCE}", "imports.upsertBatch", changes, None, AUDIT_DAYS)
    report.seconds["revisionAndAudit"] = time.perf_counter() - started
    raise _RollBack


async def warm_up_after_load(store: Store) -> WarmUp | None:
    """`warm_up` again once a load has changed the schema and the statistics (a first run's migrations
    and reference data): Neo4j drops the plans made before, and the first import would plan them anew.
    Never raises: a failure is logged (a cold first import is slower, not broken) and gives None."""
    try:
        return await warm_up(store)
    except Exception as error:  # a warm-up never stops a load
        log.warning("warm-up after the load failed (%s): the first import will be slower", type(error).__name__)
        return None


async def warm_up(store: Store, rows: int = ROWS) -> WarmUp:
    """Run every query shape of an import once, the writes in one transaction that is rolled back; then
    commit scratch nodes and delete them (`_commits`), since a rolled-back transaction runs no commit.

    `rows` synthetic rows per batch shape: a network's own record, `rows` register rows, `rows`
    members with `rows` cases, one collectivité; each created, then changed.

    Raises what the store raises (Neo4j unreachable, a query refused): callers log it and go on
    (`tec.neo4j_local.warm_up`); a warm-up never decides whether Neo4j can be used."""
    report = WarmUp()
    await _reads(store, report)
    shown = await store.read("warmUp.fullTextIndexes", _FULLTEXT_INDEXES)
    indexes = set(shown[0]["names"]) if shown else set()
    communes = [str(row["id"]) for row in await store.read("warmUp.communes", _COMMUNES, {"limit": rows})]
    report.communes = len(communes)

    async def work(tx: AsyncManagedTransaction) -> None:
        report.created = report.updated = report.relationships = report.found = 0  # a retry counts afresh
        await _writes(tx, report, rows, indexes, communes)

    try:
        async with store.driver.session(database=store.database) as session:
            await session.execute_write(work)
    except _RollBack:
        pass
    await _commits(store, report)
    return report


def _scratch(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "number": n,
            "name": f"Association de préfiguration {n}",
            "description": "Réunir les riverains autour du projet éolien et de la concertation",
            "foundedOn": date(2001, 5, 12),
            "location": WGS84Point((-1.68189 + n / 100_000, 48.1118)),
            "codes": ["d35", "r53", f"c{n:05d}"],
        }
        for n in range(first, first + count)
    ]


async def _commits(store: Store, report: WarmUp) -> None:
    """Commit `SCRATCH_ROWS` scratch nodes in batches, then delete them: the commit path compiled."""

    async def run(tx: AsyncManagedTransaction, query: LiteralString, params: dict[str, Any]) -> tuple[int, int]:
        counters = (await (await tx.run(query, params)).consume()).counters
        return counters.nodes_created, counters.nodes_deleted

    started = time.perf_counter()
    async with store.driver.session(database=store.database) as session:
        report.leftovers = (await session.execute_write(run, _SCRATCH_DELETE, {}))[1]
        for first in range(0, SCRATCH_ROWS, SCRATCH_BATCH):
            rows = _scratch(first, min(SCRATCH_BATCH, SCRATCH_ROWS - first))
            report.committed += (await session.execute_write(run, _SCRATCH_CREATE, {"rows": rows}))[0]
        await session.execute_write(run, _SCRATCH_DELETE, {})
    report.seconds["commits"] = time.perf_counter() - started
