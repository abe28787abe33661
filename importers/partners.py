"""Import a partner file into the graph: read, map, validate, resolve places, upsert in batches, report.

`import_file` is the engine behind `tec import partners` (and the benchmark). It streams the file in
batches: while one batch is written to Neo4j (one transaction), the next one is read and mapped in
a worker thread. Every record is keyed by (source, external id); unchanged records are not written,
so a second run of the same file changes nothing, and an interrupted run re-run converges to the
graph an uninterrupted run gives (see `graph.imports`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from graph import audit
from graph import imports as graph_imports
from graph.store import Store
from graph.tallies import WriteTally
from importers.batches import GraphRows, ImportRun
from importers.errors import BadMapping, MissingReferenceData
from importers.mapping import Mapping, load_mapping, load_preset, preset_names
from importers.places import PlaceIndex
from importers.producer import ThreadProducer, producer_for
from importers.readers import open_rows
from importers.reference import Taxonomy, read_taxonomy
from importers.report import ReportWriter
from importers.rows import RowMapper
from importers.summary import ImportProgress, ImportSummary, ProgressCallback

__all__ = ["DEFAULT_BATCH_SIZE", "ImportProgress", "ImportSummary", "ProgressCallback", "import_file"]

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500  # faster than 1,000 in interleaved runs on the scale network (less Neo4j GC in most)
# While a worker thread maps a batch (or, with the mapping process, unpickles the next batch's rows),
# the event loop waits for the GIL each time Neo4j answers one of the batch being written: up to the
# interpreter's switch interval (5 ms) per answer, five or six answers a batch. During an import (a
# command of its own, not the service) the interval is 0.5 ms.
IMPORT_SWITCH_INTERVAL = 0.0005
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def resolve_mapping(mapping: Mapping | Path | str, taxonomy: Taxonomy | None = None) -> Mapping:
    """A `Mapping` from itself, a TOML file, or a preset name."""
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, str) and mapping in preset_names():
        return load_preset(mapping, taxonomy)
    return load_mapping(Path(mapping), taxonomy)


async def _nothing() -> Any:
    return ()


async def _reference(store: Store, mapping: Mapping) -> tuple[PlaceIndex, set[str], set[str]]:
    uses_places = mapping.actor.place is not None or mapping.conflicts is not None
    # the three reads at once: the commune list is the long one, the others wait on it no more
    codes, conflict_types, themes = await asyncio.gather(
        graph_imports.commune_codes(store) if uses_places else _nothing(),
        graph_imports.conflict_type_codes(store) if mapping.conflicts is not None else _nothing(),
        graph_imports.theme_codes(store) if mapping.actor.themes is not None else _nothing(),
    )
    places = PlaceIndex.of_codes(codes)  # the names are read when a row needs them (`importers.producer`)
    if uses_places and not len(places):
        raise MissingReferenceData(
            "the graph holds no communes to resolve places: load the reference data first (tec import territories)."
        )
    conflict_types, themes = set(conflict_types), set(themes)
    if mapping.conflicts is not None and not conflict_types:
        raise MissingReferenceData(
            "the graph holds no conflict types: load the reference data first (tec import territories)."
        )
    if mapping.actor.themes is not None and not themes:
        raise MissingReferenceData("the graph holds no themes: load the reference data first (tec import territories).")
    return places, conflict_types, themes


@asynccontextmanager
async def _open_run(
    store: Store,
    path: Path,
    mapping: Mapping | Path | str,
    source: str | None,
    dry_run: bool,
    report: Path | None,
    batch_size: int,
) -> AsyncIterator[ImportRun]:
    """The file opened, the mapping checked, the reference data read: one import ready to run."""
    taxonomy = read_taxonomy()
    checked = resolve_mapping(mapping, taxonomy)
    name = source or checked.source.name
    if not _SOURCE_NAME.match(name):
        raise BadMapping(f"source name {name!r}: use lower-case letters, digits, '.', '_' or '-' (at most 64).")
    file = checked.file
    # Neo4j reads the reference data while a worker thread opens the file (its encoding: a scan of the file)
    reference = asyncio.ensure_future(_reference(store, checked))
    try:
        opened = await asyncio.to_thread(
            open_rows, Path(path), format=file.format, encoding=file.encoding, delimiter=file.csv_delimiter
        )
    except BaseException:  # an unreadable file is reported first, as when the two ran one after the other
        reference.cancel()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await reference
        raise
    with opened as stream:
        places, conflict_types, themes = await reference
        mapper = RowMapper(
            checked,
            taxonomy,
            places,
            columns=stream.columns if stream.format == "csv" else None,
            conflict_types=conflict_types,
            themes=themes,
        )
        summary = ImportSummary(
            source=name,
            path=Path(path),
            dry_run=dry_run,
            format=stream.format,
            encoding=stream.encoding,
            encoding_reason=stream.encoding_reason,
            delimiter=stream.delimiter,
            missing_columns=mapper.missing_columns,
            report=report,
        )
        yield ImportRun(store, checked, mapper, stream, summary, ReportWriter(report), batch_size)


async def prepared_rows(
    store: Store, path: Path, mapping: Mapping | Path | str, source: str, *, batch_size: int = DEFAULT_BATCH_SIZE
) -> tuple[dict[str, Any] | None, list[GraphRows]]:
    """What an import of `path` would write, batch by batch, without writing (the benchmark's ceiling
    feeds these rows to the creating queries alone): the network's own row, then each batch's rows."""
    async with _open_run(store, path, mapping, source, True, None, batch_size) as run:
        try:
            network = run.network_row()
            batches = []
            producer = ThreadProducer(run)
            while (produced := await producer.next()) is not None:
                batches.append(produced.graph)
        finally:
            run.report.close()
            run.ledger.close()
    return network, batches


async def import_file(
    store: Store,
    path: Path,
    mapping: Mapping | Path | str,
    source: str | None = None,
    dry_run: bool = False,
    full: bool = False,
    progress: ProgressCallback | None = None,
    *,
    report: Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    child_process: bool = True,
) -> ImportSummary:
    """Import one partner file; return what it did.

    `mapping` is a `Mapping`, a TOML file or a preset name; `source` overrides the mapping's source
    name. Bad rows never stop the import: they go to the `report` (CSV, or JSON for a `.json` path)
    and to `summary.issues` (the first 20). Raises an `ImporterError` only when the file, the mapping
    or the graph's reference data make the whole import impossible — before anything is written.
    `child_process`: map the file in a child process while batches are written (where the platform
    can fork; else, or when False, in a worker thread: `importers.producer`).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    async with _open_run(store, path, mapping, source, dry_run, report, batch_size) as run:
        summary = run.summary
        try:
            with audit.acting_as(f"import:{summary.source}"):
                await _run(run, dry_run, full, progress, started, child_process)
        finally:
            run.report.close()
            run.ledger.close()
        summary.issues = run.report.first
        summary.seconds = time.perf_counter() - started
    log.info(
        "import %s: %d rows, %d created, %d updated, %d unchanged, %d rejected in %.1f s",
        summary.source,
        summary.read,
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.rejected,
        summary.seconds,
    )
    return summary


async def _run(
    run: ImportRun, dry_run: bool, full: bool, progress: ProgressCallback | None, started: float, child_process: bool
) -> None:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, IMPORT_SWITCH_INTERVAL))
    try:
        await _batches(run, dry_run, full, progress, started, child_process)
    finally:
        sys.setswitchinterval(previous)


async def _batches(
    run: ImportRun, dry_run: bool, full: bool, progress: ProgressCallback | None, started: float, child_process: bool
) -> None:
    store, summary = run.store, run.summary
    summary.counts["Actor"] = WriteTally()
    if run.mapping.conflicts is not None:
        summary.counts["Conflict"] = WriteTally()
    network = run.network_row()
    pending: asyncio.Task[graph_imports.BatchOutcome] | None = None
    changed = 0
    # The source is set up in the transaction of the first write (the network's row, or the first batch),
    # which so does not wait for a transaction of its own; a file with nothing to write sets it up alone.
    spec = run.mapping.source
    setup = None if dry_run else graph_imports.SourceSetup(summary.source, spec.kind, spec.licence)
    # A source that holds no record yet (a first import): rows are not looked up by their key. Asked
    # while the mapping process maps the first batch, and before anything is written.
    holds = asyncio.ensure_future(graph_imports.holds_records(store, summary.source))
    producer = producer_for(run, process=child_process)
    try:
        new_source = not await holds
        if network is not None:  # the network's (or programme's) own actor counts like every other record
            run.merge(
                await graph_imports.upsert_batch(store, summary.source, actors=[network], dry_run=dry_run, setup=setup)
            )
            setup = None
        while True:
            produced = await producer.next()
            if produced is None:
                break
            summary.read += produced.rows
            summary.skipped += produced.skips.total()
            summary.skip_reasons.update(produced.skips)
            rows = produced.graph
            run.account(rows)
            if pending is not None:
                outcome = await pending
                run.merge(outcome)
                changed = summary.created + summary.updated
            pending = asyncio.create_task(
                graph_imports.upsert_batch(
                    store,
                    summary.source,
                    actors=rows.actors,
                    conflicts=rows.conflicts,
                    dry_run=dry_run,
                    new_source=new_source,
                    setup=setup,
                )
            )
            setup = None
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(ImportProgress(summary.read, produced.bytes_read, run.stream.bytes_total, changed, elapsed))
        if pending is not None:
            run.merge(await pending)
            pending = None
        if setup is not None:  # no row to write: the source is set up all the same
            await graph_imports.ensure_source(store, setup.name, setup.kind, setup.licence)
    finally:
        producer.close()
        holds.cancel()
        if pending is not None:
            pending.cancel()
    if full:
        await run.absent()
    if progress is not None:
        elapsed = time.perf_counter() - started
        total = run.stream.bytes_total
        progress(ImportProgress(summary.read, total, total, summary.created + summary.updated, elapsed, final=True))
