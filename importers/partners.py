"""Import a partner file into the graph: read, map, validate, resolve places, upsert in batches, report.

`import_file` is the engine behind `tec import partners` (and the benchmark). It streams the file in
batches: while one batch is written to Neo4j (one transaction), the next one is read and mapped in
a worker thread. Every record is keyed by (source, external id); unchanged records are not written,
so a second run of the same file changes nothing, and an interrupted run re-run converges to the
graph an uninterrupted run gives (see `graph.imports`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph import imports as graph_imports
from graph.imports import Counts
from graph.store import Store
from graph.territories import territory_id
from graph.text import fold, search_text
from importers.errors import BadMapping, MissingReferenceData
from importers.ledger import Ledger
from importers.mapping import Mapping, load_mapping, load_preset, preset_names
from importers.places import PlaceIndex
from importers.readers import RawRow, RowStream, open_rows
from importers.records import ACTOR_PROPS, CONFLICT_PROPS
from importers.reference import Taxonomy, read_taxonomy
from importers.report import ReportWriter
from importers.rows import ActorDraft, ConflictDraft, Issue, Point, Rejected, RowMapper, Skipped

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 1000
_SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class ImportProgress:
    """Where a running import is, after each batch."""

    rows: int
    bytes_read: int
    bytes_total: int
    changed: int
    seconds: float

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class ImportSummary:
    """What an import did (or, dry, would do): rows read, records created/updated/unchanged, problems."""

    source: str
    path: Path
    dry_run: bool
    format: str = ""
    encoding: str = ""
    delimiter: str | None = None
    read: int = 0
    skipped: int = 0
    rejected: int = 0
    dropped: int = 0
    absent: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    skip_reasons: Counter[str] = field(default_factory=Counter)
    missing_columns: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    report: Path | None = None
    seconds: float = 0.0

    @property
    def created(self) -> int:
        return sum(counts.created for counts in self.counts.values())

    @property
    def updated(self) -> int:
        return sum(counts.updated for counts in self.counts.values())

    @property
    def unchanged(self) -> int:
        return sum(counts.unchanged for counts in self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def lines(self) -> list[str]:
        """The summary a data steward reads at the end of an import."""
        head = "Dry run, nothing written. " if self.dry_run else ""
        out = [
            f"{head}{self.path.name} ({self.format}, {self.encoding}"
            + (f", delimiter {self.delimiter!r}" if self.delimiter else "")
            + f") into source {self.source!r} in {self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s):",
            f"read {self.read}, created {self.created}, updated {self.updated}, unchanged {self.unchanged}, "
            f"rejected {self.rejected}, skipped {self.skipped}",
        ]
        for label, counts in sorted(self.counts.items()):
            out.append(f"  {label}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")
        for reason, count in self.skip_reasons.most_common():
            out.append(f"  skipped {count}: {reason}")
        if self.dropped:
            out.append(f"  {self.dropped} nested items dropped (their row was kept)")
        if self.absent:
            out.append(f"  {self.absent} records of this source are not in the file (kept, listed in the report)")
        if self.missing_columns:
            out.append(f"  columns not in the file (fields left empty): {', '.join(self.missing_columns)}")
        return out


# --- preparing batches -----------------------------------------------------------------------------


@dataclass
class _Batch:
    drafts: list[ActorDraft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    rejected: int = 0
    skips: Counter[str] = field(default_factory=Counter)


@dataclass
class _Rows:
    actors: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected: int = 0
    dropped: int = 0


def digest(payload: dict[str, Any]) -> str:
    """A short content hash of a record as it will be written (key order and dates normalised)."""
    text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


class _Run:
    """One import: the mapper, the ledger of external ids, the report, the running counts."""

    def __init__(
        self,
        store: Store,
        mapping: Mapping,
        mapper: RowMapper,
        stream: RowStream,
        summary: ImportSummary,
        report: ReportWriter,
        batch_size: int,
    ) -> None:
        self.store = store
        self.mapping = mapping
        self.mapper = mapper
        self.stream = stream
        self.rows: Iterator[RawRow] = iter(stream)
        self.summary = summary
        self.report = report
        self.batch_size = batch_size
        self.ledger = Ledger()
        self.source = summary.source
        self.network = mapping.network.external_id if mapping.network else None

    def prepare(self) -> _Batch | None:
        """Read and map the next batch of rows (runs in a worker thread)."""
        batch = _Batch()
        for raw in self.rows:
            batch.rows += 1
            result = self.mapper.map(raw)
            if isinstance(result, Skipped):
                batch.skips[result.reason] += 1
            elif isinstance(result, Rejected):
                batch.rejected += 1
                batch.issues.extend(result.issues)
            else:
                batch.drafts.append(result)
            if batch.rows >= self.batch_size:
                break
        return batch if batch.rows else None

    async def resolve_points(self, batch: _Batch) -> dict[str, str]:
        """Resolve every coordinate place of the batch in one query (nearest commune centroid)."""
        points: dict[str, dict[str, Any]] = {}
        max_meters = 0.0
        for draft in batch.drafts:
            places = [draft.place, *(conflict.place for conflict in draft.conflicts)]
            for place in places:
                if isinstance(place, Point):
                    key = f"{place.lat:.6f},{place.lon:.6f}"
                    points[key] = {"key": key, "lat": place.lat, "lon": place.lon}
                    max_meters = max(max_meters, place.max_km * 1000)
        return await graph_imports.nearest_communes(self.store, list(points.values()), max_meters)

    def finalize(self, batch: _Batch, nearest: dict[str, str]) -> _Rows:
        """Places to territory ids, duplicates caught, hashes computed: the rows for the graph."""
        out = _Rows(issues=list(batch.issues), rejected=batch.rejected)
        for draft in batch.drafts:
            territory = self._territory(draft.place, nearest)
            if isinstance(territory, Issue):
                out.issues.append(self._with_row(territory, draft))
                out.rejected += 1
                continue
            first = self.ledger.claim("Actor", draft.external_id, draft.line, "")
            if first is not None:
                reason = f"the same external id is on line {first[0]}: this row is ignored"
                out.issues.append(
                    Issue(draft.line, draft.external_id, self.mapper.actor_id.column, draft.external_id, reason)
                )
                out.rejected += 1
                continue
            out.issues.extend(draft.item_issues)
            out.dropped += len(draft.item_issues)
            involvements = []
            for conflict in draft.conflicts:
                row = self._conflict_row(draft, conflict, nearest, out)
                if row is None:
                    continue
                involvements.append(
                    {
                        "conflict": conflict.external_id,
                        "role": conflict.involvement.role,
                        "from": conflict.involvement.role_from,
                        "to": conflict.involvement.role_to,
                    }
                )
            actor = self._actor_row(draft, territory, involvements)
            out.actors.append(actor)
        return out

    def _territory(self, place: str | Point | None, nearest: dict[str, str]) -> str | Issue | None:
        if place is None:
            return None
        if isinstance(place, Point):
            code = nearest.get(f"{place.lat:.6f},{place.lon:.6f}")
            if code is None:
                reason = f"no commune centroid within {place.max_km:g} km of these coordinates"
                return Issue(None, None, place.field, place.value, reason)
            return territory_id("COMMUNE", code)
        return territory_id("COMMUNE", place)

    @staticmethod
    def _with_row(issue: Issue, draft: ActorDraft, scope: str = "row", prefix: str = "") -> Issue:
        field = f"{prefix}.{issue.field}" if prefix else issue.field
        return Issue(draft.line, draft.external_id, field, issue.value, issue.reason, scope)  # type: ignore[arg-type]

    def _conflict_row(
        self, draft: ActorDraft, conflict: ConflictDraft, nearest: dict[str, str], out: _Rows
    ) -> dict[str, Any] | None:
        territory = self._territory(conflict.place, nearest)
        if isinstance(territory, Issue):
            out.issues.append(self._with_row(territory, draft, "item", conflict.label))
            out.dropped += 1
            return None
        record = conflict.record
        props = record.props(CONFLICT_PROPS)
        props["status"] = record.derived_status()
        props["year"] = record.derived_year()
        props["searchText"] = search_text(record.title, record.summary)
        row: dict[str, Any] = {
            "externalId": conflict.external_id,
            "props": props,
            "type": conflict.type,
            "territory": territory,
        }
        digested = row["hash"] = digest(row)
        first = self.ledger.claim("Conflict", conflict.external_id, draft.line, digested)
        if first is None:
            out.conflicts.append(row)
        elif first[1] != digested:
            reason = f"the same case is described differently on line {first[0]}: the first description is kept"
            out.issues.append(
                Issue(draft.line, draft.external_id, conflict.label, conflict.external_id, reason, "item")
            )
            out.dropped += 1
        return row

    def _actor_row(
        self, draft: ActorDraft, territory: str | None, involvements: list[dict[str, Any]]
    ) -> dict[str, Any]:
        record = draft.record
        props = record.props(ACTOR_PROPS)
        props["nameKey"] = name_key = fold(record.name)
        props["searchText"] = search_text(name_key, record.description)  # folding twice changes nothing
        row: dict[str, Any] = {
            "externalId": draft.external_id,
            "props": props,
            "territory": territory,
            "governs": territory if self.mapping.actor.governs else None,
            "themes": draft.themes,
            "network": self.network,
            "since": draft.membership.since if draft.membership else None,
            "involvements": involvements if self.mapping.conflicts is not None else None,
        }
        row["hash"] = digest(row)
        return row

    def network_row(self) -> dict[str, Any] | None:
        network = self.mapping.network
        if network is None:
            return None
        props: dict[str, Any] = {
            "name": network.name,
            "kind": "RESEAU",
            "description": network.description,
            "website": network.website,
            "nameKey": fold(network.name),
            "searchText": search_text(network.name, network.description),
        }
        row: dict[str, Any] = {
            "externalId": network.external_id,
            "props": props,
            "territory": None,
            "governs": None,
            "themes": None,
            "network": None,
            "since": None,
            "involvements": None,
        }
        row["hash"] = digest(row)
        self.ledger.add("Actor", network.external_id, 0, row["hash"])
        return row

    def account(self, rows: _Rows) -> None:
        self.summary.rejected += rows.rejected
        self.summary.dropped += rows.dropped
        for issue in sorted(rows.issues, key=lambda issue: issue.line or 0):
            self.report.add(issue)

    def merge(self, outcome: graph_imports.BatchOutcome) -> None:
        for label, counts in outcome.counts.items():
            if label in self.summary.counts:
                self.summary.counts[label].add(counts)

    async def absent(self) -> None:
        """Report the records of the source that the file no longer holds (`--full`)."""
        after = ""
        while True:
            page = await graph_imports.source_records(self.store, self.source, after=after)
            if not page:
                return
            by_label: dict[str, list[str]] = {}
            for row in page:
                by_label.setdefault(str(row["label"]), []).append(str(row["externalId"]))
            for label, external_ids in by_label.items():
                for external_id in self.ledger.missing(label, external_ids):
                    reason = f"a {label} of source {self.source!r} that this file no longer holds (kept, not deleted)"
                    self.report.add(Issue(None, external_id, "externalId", external_id, reason, "absent"))
                    self.summary.absent += 1
            after = str(page[-1]["externalId"])


def resolve_mapping(mapping: Mapping | Path | str, taxonomy: Taxonomy | None = None) -> Mapping:
    """A `Mapping` from itself, a TOML file, or a preset name."""
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, str) and mapping in preset_names():
        return load_preset(mapping, taxonomy)
    return load_mapping(Path(mapping), taxonomy)


async def _reference(store: Store, mapping: Mapping) -> tuple[PlaceIndex, set[str], set[str]]:
    uses_places = mapping.actor.place is not None or mapping.conflicts is not None
    places = PlaceIndex(await graph_imports.communes(store)) if uses_places else PlaceIndex(())
    if uses_places and not len(places):
        raise MissingReferenceData(
            "the graph holds no communes to resolve places: load the reference data first (tec import territories)."
        )
    conflict_types = await graph_imports.conflict_type_codes(store) if mapping.conflicts is not None else set()
    if mapping.conflicts is not None and not conflict_types:
        raise MissingReferenceData(
            "the graph holds no conflict types: load the reference data first (tec import territories)."
        )
    themes = await graph_imports.theme_codes(store) if mapping.actor.themes is not None else set()
    if mapping.actor.themes is not None and not themes:
        raise MissingReferenceData("the graph holds no themes: load the reference data first (tec import territories).")
    return places, conflict_types, themes


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
) -> ImportSummary:
    """Import one partner file; return what it did.

    `mapping` is a `Mapping`, a TOML file or a preset name; `source` overrides the mapping's source
    name. Bad rows never stop the import: they go to the `report` (CSV, or JSON for a `.json` path)
    and to `summary.issues` (the first 20). Raises an `ImporterError` only when the file, the mapping
    or the graph's reference data make the whole import impossible — before anything is written.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    started = time.perf_counter()
    taxonomy = read_taxonomy()
    checked = resolve_mapping(mapping, taxonomy)
    name = source or checked.source.name
    if not _SOURCE_NAME.match(name):
        raise BadMapping(f"source name {name!r}: use lower-case letters, digits, '.', '_' or '-' (at most 64).")
    file = checked.file
    with open_rows(Path(path), format=file.format, encoding=file.encoding, delimiter=file.csv_delimiter) as stream:
        places, conflict_types, themes = await _reference(store, checked)
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
            delimiter=stream.delimiter,
            missing_columns=mapper.missing_columns,
            report=report,
        )
        writer = ReportWriter(report)
        run = _Run(store, checked, mapper, stream, summary, writer, batch_size)
        try:
            await _run(run, dry_run, full, progress, started)
        finally:
            writer.close()
            run.ledger.close()
        summary.issues = writer.first
        summary.seconds = time.perf_counter() - started
    log.info(
        "import %s: %d rows, %d created, %d updated, %d unchanged, %d rejected in %.1f s",
        name,
        summary.read,
        summary.created,
        summary.updated,
        summary.unchanged,
        summary.rejected,
        summary.seconds,
    )
    return summary


async def _run(run: _Run, dry_run: bool, full: bool, progress: ProgressCallback | None, started: float) -> None:
    store, summary = run.store, run.summary
    if not dry_run:
        spec = run.mapping.source
        await graph_imports.ensure_source(store, summary.source, spec.kind, spec.licence)
    network = run.network_row()
    if network is not None:  # the network record itself is not counted: the summary counts the file's rows
        await graph_imports.upsert_batch(store, summary.source, actors=[network], dry_run=dry_run)
    summary.counts["Actor"] = Counts()
    if run.mapping.conflicts is not None:
        summary.counts["Conflict"] = Counts()
    pending: asyncio.Task[graph_imports.BatchOutcome] | None = None
    changed = 0
    try:
        while True:
            batch = await asyncio.to_thread(run.prepare)
            if batch is None:
                break
            summary.read += batch.rows
            summary.skipped += batch.skips.total()
            summary.skip_reasons.update(batch.skips)
            nearest = await run.resolve_points(batch)
            rows = await asyncio.to_thread(run.finalize, batch, nearest)
            run.account(rows)
            if pending is not None:
                outcome = await pending
                run.merge(outcome)
                changed = summary.created + summary.updated
            pending = asyncio.create_task(
                graph_imports.upsert_batch(
                    store, summary.source, actors=rows.actors, conflicts=rows.conflicts, dry_run=dry_run
                )
            )
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(ImportProgress(summary.read, run.stream.bytes_read, run.stream.bytes_total, changed, elapsed))
        if pending is not None:
            run.merge(await pending)
            pending = None
    finally:
        if pending is not None:
            pending.cancel()
    if full:
        await run.absent()
    if progress is not None:
        elapsed = time.perf_counter() - started
        total = run.stream.bytes_total
        progress(ImportProgress(summary.read, total, total, summary.created + summary.updated, elapsed))
