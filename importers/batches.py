"""One batch of an import: rows read and mapped, places resolved, duplicates caught, rows shaped for the graph.

`ImportRun` holds what lives as long as one import: the mapper, the stream, the ledger of external
ids, the report and the running summary. `prepare` and `finalize` run in a worker thread while the
previous batch is written (see `importers.partners`).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph import imports as graph_imports
from graph.model import derived_properties
from graph.store import Store
from graph.territories import territory_id
from graph.text import fold
from importers.fields import Point
from importers.ledger import Ledger
from importers.mapping import Mapping
from importers.readers import RawRow, RowStream
from importers.record_rules import ACTOR_PROPS, CONFLICT_PROPS
from importers.report import ReportWriter
from importers.rows import ActorDraft, ConflictDraft, Issue, Rejected, RowMapper, Skipped
from importers.summary import ImportSummary

_FOLDED_MAX = 2_000  # distinct descriptions kept folded (each up to 20,000 characters)


class _Claims:
    """The ledger's claims of one batch: what earlier batches met read in one query per label, what
    this batch meets first written in one statement (rather than a query per record)."""

    def __init__(self, ledger: Ledger, drafts: list[ActorDraft]) -> None:
        self.ledger = ledger
        actors = ledger.known("Actor", (draft.external_id for draft in drafts))
        conflicts = ledger.known("Conflict", (c.external_id for draft in drafts for c in draft.conflicts))
        self.seen: dict[tuple[str, str], tuple[int, str]] = {
            **{("Actor", key): value for key, value in actors.items()},
            **{("Conflict", key): value for key, value in conflicts.items()},
        }
        self.new: list[tuple[str, str, int, str]] = []

    def claim(self, label: str, external_id: str, line: int, digest: str) -> tuple[int, str] | None:
        """As `Ledger.claim`: None the first time a record is met, else (line, hash) of that first time."""
        first = self.seen.get((label, external_id))
        if first is None:
            self.seen[(label, external_id)] = (line, digest)
            self.new.append((label, external_id, line, digest))
        return first

    def save(self) -> None:
        self.ledger.add_many(self.new)
        self.new = []


@dataclass
class Batch:
    drafts: list[ActorDraft] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows: int = 0
    rejected: int = 0
    skips: Counter[str] = field(default_factory=Counter)


@dataclass
class GraphRows:
    actors: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rejected: int = 0
    dropped: int = 0


_DIGEST_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


def canonical_json(payload: dict[str, Any]) -> bytes:
    """The bytes a record's hash is taken of: compact JSON, keys sorted, dates as `str(date)`, UTF-8.

    The reference is `json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False,
    separators=(",", ":")).encode()`, the hash imports have always stored; orjson gives the same bytes
    for what a row holds (text, whole numbers, booleans, dates, lists, objects; no float reaches a row)
    five times faster. Anything orjson refuses (a lone surrogate, an integer past 64 bits) goes the
    reference way."""
    try:
        return orjson.dumps(payload, option=_DIGEST_OPTIONS, default=str)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")).encode()


def digest(payload: dict[str, Any]) -> str:
    """A short content hash of a record as it will be written (key order and dates normalised)."""
    return hashlib.blake2b(canonical_json(payload), digest_size=16).hexdigest()


class ImportRun:
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
        self._folded: dict[str, str] = {}

    def prepare(self) -> Batch | None:
        """Read and map the next batch of rows (runs in a worker thread)."""
        batch = Batch()
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

    @staticmethod
    def points(batch: Batch) -> tuple[list[dict[str, Any]], float]:
        """The batch's coordinate places to resolve (once each), and the largest distance allowed in meters."""
        points: dict[str, dict[str, Any]] = {}
        max_meters = 0.0
        for draft in batch.drafts:
            places = [draft.place, *(conflict.place for conflict in draft.conflicts)]
            for place in places:
                if isinstance(place, Point):
                    key = f"{place.lat:.6f},{place.lon:.6f}"
                    points[key] = {"key": key, "lat": place.lat, "lon": place.lon}
                    max_meters = max(max_meters, place.max_km * 1000)
        return list(points.values()), max_meters

    async def resolve_points(self, batch: Batch) -> dict[str, str]:
        """Resolve every coordinate place of the batch in one query (nearest commune centroid)."""
        points, max_meters = self.points(batch)
        return await graph_imports.nearest_communes(self.store, points, max_meters)

    def finalize(self, batch: Batch, nearest: dict[str, str]) -> GraphRows:
        """Places to territory ids, duplicates caught, hashes computed: the rows for the graph."""
        out = GraphRows(issues=list(batch.issues), rejected=batch.rejected)
        claims = _Claims(self.ledger, batch.drafts)
        try:
            self._finalize(batch, nearest, out, claims)
        finally:
            claims.save()
        return out

    def _finalize(self, batch: Batch, nearest: dict[str, str], out: GraphRows, claims: _Claims) -> None:
        for draft in batch.drafts:
            territory = self._territory(draft.place, nearest)
            if isinstance(territory, Issue):
                out.issues.append(self._with_row(territory, draft))
                out.rejected += 1
                continue
            first = claims.claim("Actor", draft.external_id, draft.line, "")
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
                row = self._conflict_row(draft, conflict, nearest, out, claims)
                if row is None:
                    continue
                involvements.append(
                    {
                        "conflict": conflict.external_id,
                        "role": conflict.involvement.role,
                        "from": conflict.involvement.role_from,
                        "to": conflict.involvement.role_to,
                        "expertise": conflict.involvement.expertise,
                        "roleLabel": conflict.involvement.role_label,
                    }
                )
            actor = self._actor_row(draft, territory, involvements)
            out.actors.append(actor)

    def _fold_free_text(self, text: str) -> str:
        """`fold(text)`, once per distinct text (descriptions and summaries recur)."""
        folded = self._folded.get(text)
        if folded is None:
            if len(self._folded) >= _FOLDED_MAX:  # unique texts fill it: start again
                self._folded.clear()
            folded = self._folded[text] = fold(text)
        return folded

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
        self, draft: ActorDraft, conflict: ConflictDraft, nearest: dict[str, str], out: GraphRows, claims: _Claims
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
        props.update(derived_properties("Conflict", props, fold_text=self._fold_free_text))
        row: dict[str, Any] = {
            "externalId": conflict.external_id,
            "props": props,
            "type": conflict.type,
            "territory": territory,
        }
        digested = row["hash"] = digest(row)
        first = claims.claim("Conflict", conflict.external_id, draft.line, digested)
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
        props.update(derived_properties("Actor", props, fold_text=self._fold_free_text))
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
        }
        props.update(derived_properties("Actor", props))
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

    def account(self, rows: GraphRows) -> None:
        self.summary.rejected += rows.rejected
        self.summary.dropped += rows.dropped
        for issue in sorted(rows.issues, key=lambda issue: issue.line or 0):
            self.report.add(issue)

    def merge(self, outcome: graph_imports.BatchOutcome) -> None:
        for label, counts in outcome.counts.items():
            if label in self.summary.counts:
                self.summary.counts[label].add(counts)
        self.summary.relationships_created += outcome.relationships_created
        self.summary.relationships_removed += outcome.relationships_deleted

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
