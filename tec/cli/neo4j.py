"""`tec neo4j start|stop|status`: the local Neo4j of `tec.neo4j_local`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tec import neo4j_local
from tec.cli.common import fail, settings_or_exit

app = typer.Typer(help="A local Neo4j 5.26 Community (no Docker needed).", no_args_is_help=True)

DataOption = Annotated[Path | None, typer.Option("--data", help="Data folder (default: TEC_NEO4J_DATA).")]
PortOption = Annotated[int | None, typer.Option("--bolt-port", help="Bolt port (default: TEC_NEO4J_BOLT_PORT).")]
WarmUpOption = Annotated[
    bool,
    typer.Option(
        "--warm-up/--no-warm-up",
        help="Run the import's queries once after the start, writes rolled back (default: TEC_NEO4J_WARM_UP).",
    ),
]


@app.command("start")
def neo4j_start(data: DataOption = None, bolt_port: PortOption = None, warm_up: WarmUpOption = True) -> None:
    """Start the local Neo4j and return once Bolt answers and it is warmed up (a second start reports the
    running one). The warm-up runs the import's queries once, their writes rolled back; a failure of it
    is reported, never fatal."""
    settings = settings_or_exit()
    folder = data or settings.neo4j_local_data
    try:
        running, already = neo4j_local.start(
            folder,
            bolt_port or settings.neo4j_local_bolt_port,
            heap=settings.neo4j_local_heap,
            pagecache=settings.neo4j_local_pagecache,
        )
    except neo4j_local.LauncherError as error:
        raise fail(str(error)) from None
    verb = "already running" if already else "started"
    typer.echo(f"Neo4j {verb}: {running.uri} (pid {running.pid}, data {running.data})")
    if already or not (settings.neo4j_local_warm_up and warm_up):
        return
    warmed = neo4j_local.warm_up(running.uri, settings.neo4j_user, settings.neo4j_password)
    if warmed.error is None:
        typer.echo(
            f"Neo4j warmed up in {warmed.seconds:.1f} s (the import's queries run once, nothing left in the graph)."
        )
    else:
        typer.echo(
            f"Neo4j warm-up skipped after {warmed.seconds:.1f} s ({warmed.error}): the first import will be slower."
        )


@app.command("stop")
def neo4j_stop(data: DataOption = None) -> None:
    """Stop the local Neo4j (clean shutdown)."""
    settings = settings_or_exit()
    stopped = neo4j_local.stop(data or settings.neo4j_local_data)
    typer.echo(
        f"Neo4j stopped (pid {stopped.pid}, port {stopped.bolt_port} freed)" if stopped else "Neo4j was not running."
    )


@app.command("status")
def neo4j_status(data: DataOption = None) -> None:
    """Say whether the local Neo4j runs, and where; exit code 3 when it does not."""
    settings = settings_or_exit()
    running = neo4j_local.status(data or settings.neo4j_local_data)
    if running is None:
        typer.echo("Neo4j is not running.")
        raise typer.Exit(3)
    typer.echo(f"Neo4j running: {running.uri} (pid {running.pid}, data {running.data}, log {running.log})")
