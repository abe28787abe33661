"""`tec import territories` and `tec import taxonomy`: load the reference data shipped in `data/`.

Progress is a rich progress bar on a terminal and one plain line per batch otherwise (logs, CI).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from graph import audit
from graph import taxonomy as taxonomy_store
from graph import territories as territory_store
from graph.migrations import migrate
from graph.model import TERRITORY_LEVELS_LARGEST_FIRST
from graph.store import Store
from importers import territories as reference_import
from importers.reference import DEFAULT_SNAPSHOT, DEFAULT_TAXONOMY, read_taxonomy, read_territory_snapshot

T = TypeVar("T")


@contextmanager
def progress_reporter() -> Iterator[reference_import.Progress]:
    """A progress callback: a rich bar per step on a terminal, plain lines otherwise."""
    if not sys.stdout.isatty():

        def plain(step: str, done: int, total: int) -> None:
            if done:
                typer.echo(f"  {step}: {done}/{total}")

        yield plain
        return
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
        tasks: dict[str, TaskID] = {}

        def rich(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done)

        yield rich


def _echo_report(title: str, report: reference_import.ImportReport) -> None:
    verdict = "changed" if report.changed else "nothing changed"
    typer.echo(f"{title} in {report.seconds:.1f} s ({verdict}):")
    for line in report.lines():
        typer.echo(f"  {line}")


def _read_or_exit(read: Callable[[Path], T], path: Path) -> T:
    from tec.cli import fail

    try:
        return read(path)
    except (OSError, ValueError) as error:
        raise fail(f"Cannot read {path}: {error}") from None


FileOption = Annotated[Path | None, typer.Option("--file", help="Another file of the same shape.")]


def import_territories(file: FileOption = None) -> None:
    """Load every région, département, EPCI and commune (2026 COG) with PART_OF and NEIGHBOUR_OF links.

    Idempotent: running it again changes nothing unless the snapshot changed.
    """
    from tec.cli import with_store

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
    from tec.cli import with_store

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
