"""What an import reports: progress after each batch, and the summary at the end."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graph.tallies import WriteTally
from importers.rows import Issue


@dataclass(frozen=True)
class ImportProgress:
    """Where a running import is, after each batch."""

    rows: int
    bytes_read: int
    bytes_total: int
    changed: int  # records written by the batches committed so far (the batch being written is not in it yet)
    seconds: float
    final: bool = False  # the last update: every batch committed, `changed` equals the summary's created + updated

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
    encoding_reason: str = ""
    delimiter: str | None = None
    read: int = 0
    skipped: int = 0
    rejected: int = 0
    dropped: int = 0
    absent: int = 0
    counts: dict[str, WriteTally] = field(default_factory=dict)
    relationships_created: int = 0
    relationships_removed: int = 0
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
        if self.encoding_reason:
            out.append(f"  encoding {self.encoding}: {self.encoding_reason}")
        for label, counts in sorted(self.counts.items()):
            out.append(f"  {label}: {counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged")
        if not self.dry_run:
            out.append(
                f"  relationships: {self.relationships_created} created, {self.relationships_removed} removed"
                + (" (a changed link counts once in each)" if self.relationships_removed else "")
            )
        for reason, count in self.skip_reasons.most_common():
            out.append(f"  skipped {count}: {reason}")
        if self.dropped:
            out.append(f"  {self.dropped} nested items dropped (their row was kept)")
        if self.absent:
            out.append(f"  {self.absent} records of this source are not in the file (kept, listed in the report)")
        if self.missing_columns:
            out.append(f"  columns not in the file (fields left empty): {', '.join(self.missing_columns)}")
        return out
