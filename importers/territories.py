"""Load the reference data into the graph: the territory snapshot and the taxonomies.

Both loads are idempotent (MERGE on codes; properties rewritten only when they differ; parent and
neighbour links replaced when the snapshot changes them), batched (`UNWIND $rows`, one transaction
per batch) and safe to interrupt and re-run. Territories that disappear from a new snapshot are
reported, never deleted: actors and conflicts may still point at them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from neo4j.spatial import WGS84Point

from graph import ancestry
from graph import taxonomy as taxonomy_store
from graph import territories as territory_store
from graph.model import derived_properties
from graph.store import Store
from graph.tallies import WriteTally
from graph.territories import territory_id
from importers.reference import Taxonomy, TerritoryRecord, TerritorySnapshot, read_taxonomy, read_territory_snapshot

log = logging.getLogger(__name__)

T = TypeVar("T")

Progress = Callable[[str, int, int], None]
"""Called after each batch with (step name, rows done, rows in the step)."""

NODE_BATCH = 5_000
LINK_BATCH = 10_000


def _batches(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class StepReport:
    name: str
    rows: int
    counts: WriteTally = field(default_factory=WriteTally)
    seconds: float = 0.0


@dataclass
class ImportReport:
    """What an import did, step by step, and how long it took."""

    steps: list[StepReport] = field(default_factory=list)
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(s.counts.created or s.counts.updated or s.counts.removed for s in self.steps)

    def lines(self) -> list[str]:
        out = [
            f"{s.name}: {s.rows} rows, {s.counts.created} created, {s.counts.updated} updated, "
            f"{s.counts.removed} removed ({s.seconds:.1f} s)"
            for s in self.steps
        ]
        return out + [f"warning: {w}" for w in self.warnings]


def territory_rows(record: TerritoryRecord) -> dict[str, Any]:
    """The upsert row of one snapshot territory (see `graph.territories.upsert_territories`)."""
    return {
        "id": territory_id(record.level, record.code),
        "level": record.level,
        "code": record.code,
        "props": {
            "name": record.name,
            **derived_properties("Territory", {"name": record.name}),
            "population": record.population,
            "zone": record.zone,
            "location": WGS84Point((record.lon, record.lat)),
            "centroidSource": record.centroid_source,
            "epciNature": record.epci_nature,
        },
    }


def parent_rows(snapshot: TerritorySnapshot) -> list[dict[str, Any]]:
    """PART_OF rows: commune → EPCI and département, département → région (None: no such parent)."""
    rows: list[dict[str, Any]] = []
    for record in snapshot.territories:
        if record.level == "COMMUNE":
            for parent_level, parent_code in (("EPCI", record.epci), ("DEPARTEMENT", record.departement)):
                rows.append(
                    {"level": "COMMUNE", "code": record.code, "parentLevel": parent_level, "parentCode": parent_code}
                )
        elif record.level == "DEPARTEMENT":
            rows.append(
                {"level": "DEPARTEMENT", "code": record.code, "parentLevel": "REGION", "parentCode": record.region}
            )
    return rows


async def _run_step(
    name: str,
    items: Sequence[T],
    size: int,
    write: Callable[[list[T]], Any],
    report: ImportReport,
    progress: Progress | None,
    *,
    parallel: int = 1,
) -> StepReport:
    """Write `items` in batches of `size`, at most `parallel` transactions at once (only for writes
    that never lock the same nodes, such as upserts of distinct keys)."""
    step = StepReport(name=name, rows=len(items))
    started = time.perf_counter()
    done = 0
    if progress:
        progress(name, 0, len(items))
    slots = asyncio.Semaphore(parallel)

    async def one(batch: Sequence[T]) -> None:
        nonlocal done
        async with slots:
            counts: WriteTally = await write(list(batch))
        step.counts = step.counts + counts
        done += len(batch)
        if progress:
            progress(name, done, len(items))

    async with asyncio.TaskGroup() as group:
        for batch in _batches(items, size):
            group.create_task(one(batch))
    step.seconds = time.perf_counter() - started
    report.steps.append(step)
    log.info("reference import %s: %d rows, %s", name, len(items), step.counts)
    return step


async def import_territories(
    store: Store, snapshot: TerritorySnapshot | None = None, *, progress: Progress | None = None
) -> ImportReport:
    """Load the territory snapshot (default: the shipped 2026 one). The schema must be migrated."""
    started = time.perf_counter()
    snapshot = snapshot or read_territory_snapshot()
    report = ImportReport()
    before = await territory_store.territory_counts(store)
    nodes = [territory_rows(record) for record in snapshot.territories]
    await _run_step(
        "territories",
        nodes,
        NODE_BATCH,
        lambda batch: territory_store.upsert_territories(store, batch),
        report,
        progress,
        parallel=2,
    )

    links = parent_rows(snapshot)
    if before.part_of:
        # Replace the parents a previous snapshot gave (a graph without any PART_OF has none to replace).
        await _run_step(
            "PART_OF (stale)",
            links,
            LINK_BATCH,
            lambda batch: territory_store.unlink_stale_parents(store, batch),
            report,
            progress,
        )
    missing: list[str] = []

    async def parents(batch: list[dict[str, Any]]) -> WriteTally:
        counts, absent = await territory_store.link_parents(store, batch, first_load=not before.part_of)
        missing.extend(absent)
        return counts

    named = [row for row in links if row["parentCode"] is not None]
    await _run_step("PART_OF", named, LINK_BATCH, parents, report, progress)
    if missing:
        report.warnings.append(f"{len(missing)} parents named in the snapshot do not exist, e.g. {missing[:3]}")

    matched = 0

    async def pairs(batch: list[tuple[str, str]]) -> WriteTally:
        nonlocal matched
        counts, found = await territory_store.link_neighbours(store, batch)
        matched += found
        return counts

    await _run_step("NEIGHBOUR_OF", snapshot.neighbours, LINK_BATCH, pairs, report, progress)
    if matched != len(snapshot.neighbours):
        report.warnings.append(f"{len(snapshot.neighbours) - matched} neighbour pairs name an unknown commune")

    if before.neighbour_of:
        # A pair is stored from its lower code; drop stored pairs the snapshot no longer lists (a graph
        # that had no pair before this run has only the snapshot's).
        higher: dict[str, list[str]] = defaultdict(list)
        for low, high in snapshot.neighbours:
            higher[low].append(high)
        prune = [
            {"code": record.code, "neighbours": higher.get(record.code, [])}
            for record in snapshot.territories
            if record.level == "COMMUNE"
        ]
        await _run_step(
            "NEIGHBOUR_OF (stale)",
            prune,
            LINK_BATCH,
            lambda batch: territory_store.prune_neighbours(store, batch),
            report,
            progress,
        )

    if before.part_of:
        # a commune may have changed EPCI: the records' territory ancestry follows (graph.ancestry)
        started_ancestry = time.perf_counter()
        await ancestry.recompute(store)
        log.info("territory ancestry recomputed in %.1f s", time.perf_counter() - started_ancestry)
    gone = await territory_store.territories_not_in(store, [row["id"] for row in nodes])
    if gone:
        report.warnings.append(
            f"{len(gone)} territories in the graph are not in the snapshot (kept, not deleted), e.g. {gone[:5]}"
        )
    report.seconds = time.perf_counter() - started
    return report


async def import_taxonomy(
    store: Store, taxonomy: Taxonomy | None = None, *, progress: Progress | None = None
) -> ImportReport:
    """Load the conflict-type taxonomy and the themes (default: `data/taxonomy.json`)."""
    started = time.perf_counter()
    taxonomy = taxonomy or read_taxonomy()
    report = ImportReport()
    types = [
        {
            "code": record.code,
            "props": {
                "code": record.code,
                "label": record.label,
                "family": record.family,
                "level": record.level,
                "facets": list(record.facets),
                "aliases": list(record.aliases),
            },
        }
        for record in taxonomy.conflict_types
    ]
    await _run_step(
        "conflict types",
        types,
        NODE_BATCH,
        lambda batch: taxonomy_store.upsert_conflict_types(store, batch),
        report,
        progress,
    )
    links = [{"code": record.code, "parent": record.parent} for record in taxonomy.conflict_types]
    await _run_step(
        "SUBTYPE_OF", links, LINK_BATCH, lambda batch: taxonomy_store.link_subtypes(store, batch), report, progress
    )
    themes = [
        {"code": theme.code, "props": {"code": theme.code, "label": theme.label, "description": theme.description}}
        for theme in taxonomy.themes
    ]
    await _run_step(
        "themes", themes, NODE_BATCH, lambda batch: taxonomy_store.upsert_themes(store, batch), report, progress
    )
    report.seconds = time.perf_counter() - started
    return report


async def load_missing_reference_data(store: Store, *, progress: Progress | None = None) -> list[ImportReport]:
    """Import the taxonomy and the territories unless the graph already holds all of them (first run,
    tests). A graph with a few hand-made territories still gets the full snapshot."""
    reports: list[ImportReport] = []
    taxonomy = read_taxonomy()
    counts = await taxonomy_store.taxonomy_counts(store)
    if counts["conflictTypes"] < len(taxonomy.conflict_types) or counts["themes"] < len(taxonomy.themes):
        reports.append(await import_taxonomy(store, taxonomy, progress=progress))
    snapshot = read_territory_snapshot()
    present = await territory_store.territory_counts(store)
    if present.territories < len(snapshot.territories) or present.neighbour_of < len(snapshot.neighbours):
        reports.append(await import_territories(store, snapshot, progress=progress))
    return reports
