"""`tec import partners`: load a partner file (CSV, JSON, JSON Lines) through a mapping or a preset.

Prints a summary at the end (read, created, updated, unchanged, rejected, skipped) and the first
problems; the full list goes to `--report`. Exits non-zero only when the import cannot run at all
(the file or the mapping cannot be read, the reference data is missing, Neo4j is unreachable).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from graph.migrations import migrate
from graph.store import Store
from importers.errors import ImporterError
from importers.mapping import Mapping, load_mapping, load_preset, preset_names
from importers.partners import DEFAULT_BATCH_SIZE, ImportProgress, ImportSummary, ProgressCallback, import_file
from tec.cli.common import fail, with_store

PLAIN_EVERY_SECONDS = 5.0


@contextmanager
def progress_reporter() -> Iterator[ProgressCallback]:
    """A rich bar with rows/s on a terminal; a plain line every few seconds otherwise (logs, CI)."""
    if not sys.stderr.isatty():
        last = [time.monotonic()]
        finished = [False]

        def plain(update: ImportProgress) -> None:
            now = time.monotonic()
            done = update.final
            if (now - last[0] >= PLAIN_EVERY_SECONDS and not done) or (done and not finished[0]):
                last[0], finished[0] = now, done
                share = 100 * update.bytes_read / update.bytes_total if update.bytes_total else 100
                written = "new or changed records" if done else "new or changed records written so far"
                typer.echo(
                    f"  {update.rows:,} rows read ({share:.0f}% of the file), "
                    f"{update.changed:,} {written}, "
                    f"{update.rows_per_second:,.0f} rows/s",
                    err=True,
                )

        yield plain
        return
    columns = (
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:>10,} rows  {task.fields[speed]:>8,.0f} rows/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("import", total=None, rows=0, speed=0.0)

        def rich(update: ImportProgress) -> None:
            bar.update(
                task,
                total=update.bytes_total,
                completed=update.bytes_read,
                rows=update.rows,
                speed=update.rows_per_second,
            )

        yield rich


def _mapping_or_exit(mapping: Path | None, preset: str | None) -> Mapping:
    if (mapping is None) == (preset is None):
        raise fail(f"Give either --mapping FILE.toml or --preset NAME (presets: {', '.join(preset_names())}).")
    try:
        return load_mapping(mapping) if mapping is not None else load_preset(str(preset))
    except ImporterError as error:
        raise fail(f"Cannot use the mapping: {error}") from None


def _echo_summary(summary: ImportSummary) -> None:
    for line in summary.lines():
        typer.echo(line)
    problems = summary.rejected + summary.dropped + summary.absent
    if not summary.issues:
        return
    typer.echo("First problems:")
    for issue in summary.issues[:10]:
        where = f"line {issue.line}" if issue.line is not None else "absent"
        value = f" = {issue.value!r}" if issue.value else ""
        field = f" {issue.field}{value}" if issue.field else ""
        typer.echo(f"  {where}{field}: {issue.reason}")
    if summary.report is not None:
        typer.echo(f"Every problem ({problems}) is in the report: {summary.report}")
    elif problems > 10:
        typer.echo(f"{problems} problems in all: add --report PATH (.csv or .json) to get every one.")


def import_partners(
    file: Annotated[
        Path, typer.Argument(help="The partner file: CSV (any delimiter, UTF-8 or Latin-1), JSON or JSON Lines.")
    ],
    mapping: Annotated[
        Path | None, typer.Option("--mapping", help="A TOML mapping file (see docs/importers.md).")
    ] = None,
    preset: Annotated[
        str | None, typer.Option("--preset", help=f"A shipped mapping: {', '.join(preset_names())}.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Source name the records are keyed under (default: the mapping's).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would change; write nothing.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write every rejected row to this file (.csv or .json).")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="The file is a full export: report the source's records it no longer holds.")
    ] = False,
    batch_size: Annotated[
        int, typer.Option("--batch-size", min=1, max=100_000, help="Rows per transaction.")
    ] = DEFAULT_BATCH_SIZE,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="Read the file in this encoding (utf-8, cp1252…), not the detected one."),
    ] = None,
) -> None:
    """Import a partner file: idempotent (keyed by source and external id), validated, batched.

    Rejected rows never stop the import; they are listed at the end and in --report. Running the
    same file again changes nothing; an interrupted import can simply be run again.
    """
    checked = _mapping_or_exit(mapping, preset)
    if encoding is not None:
        checked = checked.model_copy(update={"file": checked.file.model_copy(update={"encoding": encoding})})
    if not file.is_file():
        raise fail(f"Cannot import {file}: there is no such file.")

    async def work(store: Store) -> ImportSummary:
        if not dry_run:
            await migrate(store)
        with progress_reporter() as progress:
            return await import_file(
                store,
                file,
                checked,
                source,
                dry_run=dry_run,
                full=full,
                progress=progress,
                report=report,
                batch_size=batch_size,
            )

    try:
        summary = with_store(work)
    except ImporterError as error:
        raise fail(f"Cannot import {file.name}: {error}") from None
    _echo_summary(summary)
