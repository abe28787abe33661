"""`tec db backup` and `tec db restore`: a logical backup of the whole graph (graph.backups)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph import backups
from graph.store import Store


def db_backup(
    out: Annotated[
        Path, typer.Option("--out", help="The file to write (gzipped JSON Lines, e.g. tec-2026-12-06.jsonl.gz).")
    ],
) -> None:
    """Write a consistent copy of the whole graph (read in one transaction; the service keeps running)."""
    from tec.cli import fail, with_store

    if out.is_dir():
        raise fail(f"--out {out} is a folder; name the file to write.")

    async def work(store: Store) -> backups.BackupSummary:
        return await backups.backup(store, out)

    summary = with_store(work)  # a BackupError is reported as one sentence, exit code 1
    typer.echo(
        f"Backup written: {summary.path} ({summary.nodes:,} nodes, {summary.relationships:,} relationships, "
        f"schema version {summary.schema_version})."
    )


def db_restore(
    file: Annotated[Path, typer.Argument(help="A file written by `tec db backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace what the database holds (it is emptied first).")
    ] = False,
) -> None:
    """Replace the graph with a backup: refused when the backup's schema is newer than this code, or when the
    database is not empty (unless --force)."""
    from tec.cli import with_store

    def progress(what: str, done: int, total: int) -> None:
        typer.echo(f"  {what}: {done:,} of {total:,}", err=True)

    async def work(store: Store) -> backups.RestoreSummary:
        return await backups.restore(store, file, force=force, progress=progress)

    summary = with_store(work)  # a refusal (BackupError) is reported as one sentence, exit code 1
    replaced = f" (replaced {summary.replaced_nodes:,} nodes)" if summary.replaced_nodes else ""
    applied = (
        f" Migrations applied since the backup: {', '.join(map(str, summary.migrations_applied))}."
        if summary.migrations_applied
        else ""
    )
    if summary.erasures_reapplied:
        applied += f" Erasures of personal data applied again: {summary.erasures_reapplied}."
    typer.echo(
        f"Restored {file} from {summary.backup.created_at}: {summary.nodes:,} nodes, "
        f"{summary.relationships:,} relationships{replaced}.{applied}"
    )
