"""`tec db`: migrations, the checks of the kept properties (case types, territory ancestry, facets) and a logical
backup of the whole graph (graph.backups)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from graph import ancestry, backups, case_types, facets
from graph.migrations import SCHEMA_VERSION, migrate, missing
from graph.store import Store
from tec.cli.common import fail, with_store

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("backup")
def db_backup(
    out: Annotated[
        Path, typer.Option("--out", help="The file to write (gzipped JSON Lines, e.g. tec-2026-12-06.jsonl.gz).")
    ],
) -> None:
    """Write a consistent copy of the whole graph (read in one transaction; the service keeps running)."""
    if out.is_dir():
        raise fail(f"--out {out} is a folder; name the file to write.")

    async def work(store: Store) -> backups.BackupSummary:
        return await backups.backup(store, out)

    summary = with_store(work)  # a BackupError is reported as one sentence, exit code 1
    typer.echo(
        f"Backup written: {summary.path} ({summary.nodes:,} nodes, {summary.relationships:,} relationships, "
        f"schema version {summary.schema_version})."
    )


@app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A file written by `tec db backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace what the database holds (it is emptied first).")
    ] = False,
) -> None:
    """Replace the graph with a backup: refused when the backup's schema is newer than this code, or when the
    database is not empty (unless --force)."""

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


@app.command("migrate")
def db_migrate(
    check: Annotated[
        bool, typer.Option("--check", help="Only say which migrations the database lacks; exit code 1 if any.")
    ] = False,
) -> None:
    """Create the constraints and indexes that are missing (idempotent); --check changes nothing."""
    if check:
        lacking = with_store(missing)
        if lacking:
            typer.echo(
                f"The database lacks {len(lacking)} migration(s) (this code is at schema version {SCHEMA_VERSION}):"
            )
            for migration in lacking:
                typer.echo(f"  {migration.version}: {migration.name}")
            typer.echo("Run `tec db migrate` to apply them (docs/operations.md says when, during an upgrade).")
            raise typer.Exit(1)
        typer.echo(f"Schema is up to date (version {SCHEMA_VERSION}).")
        return
    applied = with_store(migrate)
    typer.echo(f"Applied migrations: {', '.join(map(str, applied))}." if applied else "Schema is up to date.")


@app.command("case-types")
def db_case_types(
    fix: Annotated[bool, typer.Option("--fix", help="Recompute every actor's list from its cases.")] = False,
) -> None:
    """Check each actor's case types (what matching trusts) against its cases; --fix recomputes them.

    Needed only after writes made around the service (a Neo4j console): its own writers keep them.
    """

    async def work(store: Store) -> tuple[case_types.Check, case_types.Check | None]:
        before = await case_types.check(store)
        if not fix or before.stale == 0:
            return before, None
        await case_types.recompute(store)
        return before, await case_types.check(store)

    before, after = with_store(work)
    if before.stale == 0:
        typer.echo(f"The case types of all {before.actors:,} actors match their cases.")
        return
    listed = ", ".join(before.examples)
    typer.echo(f"{before.stale:,} of {before.actors:,} actors have case types that differ from their cases: {listed}…")
    if after is None:
        raise fail("Matching may miss their cases far from the asked place: run `tec db case-types --fix`.")
    if after.stale:
        raise fail(f"Recomputed, but {after.stale:,} still differ (a write under way?): run it again.")
    typer.echo(f"Recomputed: the case types of all {after.actors:,} actors match their cases.")


@app.command("check")
def db_check(
    fix: Annotated[bool, typer.Option("--fix", help="Recompute the properties that differ from the graph.")] = False,
) -> None:
    """Check the properties kept at write time against the graph: each actor's case types (graph.case_types)
    each record's territory ancestry (graph.ancestry) and facets (graph.facets); --fix recomputes what differs.

    Needed only after writes made around the service (a Neo4j console): its own writers keep them.
    Exit code 1 when something differs and --fix was not given (or did not fix it).
    """

    async def work(store: Store) -> tuple[list[tuple[str, int, int, list[str]]], list[tuple[str, int, int]] | None]:
        kinds = await case_types.check(store)
        places = await ancestry.check(store)
        tokens = await facets.check(store)
        found = (
            [("Actor case types", kinds.actors, kinds.stale, kinds.examples)]
            + [(f"{c.label} territory ancestry", c.records, c.stale, c.examples) for c in places]
            + [(f"{c.label} facets", c.records, c.stale, c.examples) for c in tokens]
        )
        if not fix or not any(stale for _, _, stale, _ in found):
            return found, None
        if kinds.stale:
            await case_types.recompute(store)
        await ancestry.recompute(store, tuple(c.label for c in places if c.stale))
        await facets.recompute(store, tuple(c.label for c in tokens if c.stale))
        kinds = await case_types.check(store)
        after = (
            [("Actor case types", kinds.actors, kinds.stale)]
            + [(f"{c.label} territory ancestry", c.records, c.stale) for c in await ancestry.check(store)]
            + [(f"{c.label} facets", c.records, c.stale) for c in await facets.check(store)]
        )
        return found, after

    found, after = with_store(work)
    for what, records, stale, examples in found:
        if stale:
            typer.echo(f"{what}: {stale:,} of {records:,} differ from the graph: {', '.join(examples)}…")
        else:
            typer.echo(f"{what}: all {records:,} match the graph.")
    if not any(stale for _, _, stale, _ in found):
        return
    if after is None:
        raise fail(
            "Matching may miss cases and searches with a territory, kind or theme filter may miss records: "
            "run `tec db check --fix`."
        )
    left = [f"{what}: {stale:,}" for what, _, stale in after if stale]
    if left:
        raise fail(f"Recomputed, but some still differ (a write under way?): {'; '.join(left)}. Run it again.")
    typer.echo("Recomputed: every checked property matches the graph.")
