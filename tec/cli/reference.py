"""`tec import territories` and `tec import taxonomy`: load the reference data shipped in `data/`.

Progress is a rich progress bar on a terminal and one plain line per batch otherwise (logs, CI).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from graph import audit
from graph import taxonomy as taxonomy_store
from graph import territories as territory_store
from graph.migrations import migrate
from graph.model import TERRITORY_LEVELS_LARGEST_FIRST
from graph.store import Store
from importers import territories as reference_import
from importers.reference import DEFAULT_SNAPSHOT, DEFAULT_TAXONOMY, read_taxonomy, read_territory_snapshot
from tec.cli.common import fail, progress_reporter, with_store

T = TypeVar("T")


def _echo_report(title: str, report: reference_import.ImportReport) -> None:
    verdict = "changed" if report.changed else "nothing changed"
    typer.echo(f"{title} in {report.seconds:.1f} s ({verdict}):")
    for line in report.lines():
        typer.echo(f"  {line}")


def _read_or_exit(read: Callable[[Path], T], path: Path) -> T:
    try:
        return read(path)
    except (OSError, ValueError) as error:
        raise fail(f"Cannot read {path}: {error}") from None


FileOption = Annotated[Path | None, typer.Option("--file", help="Another file of the same shape.")]


def import_territories(file: FileOption = None) -> None:
    """Load every région, département, EPCI and commune (2026 COG) with PART_OF and NEIGHBOUR_OF links.

    Idempotent: running it again changes nothing unless the snapshot changed.
    """
    loaded = _read_or_exit(read_territory_snapshot, file or DEFAULT_SNAPSHOT)

    async def work(store: Store) -> tuple[reference_import.ImportReport, territory_store.TerritoryCounts]:
        await migrate(store)
        with progress_reporter() as progress, audit.acting_as("import:territories"):
            report = await reference_import.import_territories(store, loaded, progress=progress)
        return report, await territory_store.territory_counts(store)

    report, counts = with_store(work)
    _echo_report("Territories imported", report)
    levels = ", ".join(f"{counts.by_level.get(level, 0)} {level}" for level in TERRITORY_LEVELS_LARGEST_FIRST)
    typer.echo(f"Graph: {levels}; {counts.part_of} PART_OF, {counts.neighbour_of} NEIGHBOUR_OF.")


def import_taxonomy(file: FileOption = None) -> None:
    """Load the conflict-type taxonomy (families, categories, types) and the themes.

    Idempotent: running it again changes nothing unless the taxonomy file changed.
    """
    loaded = _read_or_exit(read_taxonomy, file or DEFAULT_TAXONOMY)

    async def work(store: Store) -> tuple[reference_import.ImportReport, dict[str, int]]:
        await migrate(store)
        with progress_reporter() as progress, audit.acting_as("import:taxonomy"):
            report = await reference_import.import_taxonomy(store, loaded, progress=progress)
        return report, await taxonomy_store.taxonomy_counts(store)

    report, counts = with_store(work)
    _echo_report("Taxonomy imported", report)
    typer.echo(
        f"Graph: {counts['conflictTypes']} conflict types ({counts['subtypeOf']} SUBTYPE_OF), "
        f"{counts['themes']} themes."
    )
