"""`tec seed demo` and `tec seed scale`: the generated networks of `synthetic.seeding`, with a progress bar."""

from __future__ import annotations

from typing import Annotated

import typer

from graph import bulk
from graph.store import Store
from synthetic.generator import DEMO, MAX_SCALED_ACTORS, MIN_SCALED_ACTORS, SCALE, NetworkSize, scaled
from synthetic.seeding import SeedRefused, SeedReport, seed_network
from tec.cli.common import fail, progress_reporter, with_store


def _run(size: NetworkSize, reset: bool) -> None:
    async def work(store: Store) -> SeedReport:
        with progress_reporter() as progress:
            return await seed_network(store, size, reset=reset, progress=progress)

    try:
        report = with_store(work)
    except SeedRefused as error:
        raise fail(str(error)) from None
    except bulk.BulkRowError as error:
        raise fail(f"The generator produced a row the graph model refuses: {error}") from None
    if report.deleted:
        typer.echo(f"Deleted the previous {size.name} seed: {report.deleted:,} nodes.")
    typer.echo(report.summary())
    if report.skipped:
        typer.echo(f"{report.skipped:,} relationships skipped: an endpoint was missing.")


ResetOption = Annotated[bool, typer.Option("--reset", help="Delete the previous seed of this network first.")]


def seed_demo(reset: ResetOption = False) -> None:
    """Load the demo network (3,000 actors, 1,200 conflicts…) on the real territories; see docs/demo-data.md.

    Deterministic: running it again converges to the same graph.
    """
    _run(DEMO, reset)


def seed_scale(
    reset: ResetOption = False,
    actors: Annotated[
        int,
        typer.Option(
            "--actors",
            help=f"Actors to generate ({MIN_SCALED_ACTORS:,} to {MAX_SCALED_ACTORS:,}); every other count follows "
            "in proportion. Seeding another size over a previous one needs --reset.",
        ),
    ] = SCALE.actors,
) -> None:
    """Load the scale network of the benchmark (50,000 actors, 20,000 conflicts, 100,000 cooperation links)."""
    try:
        size = scaled(actors)
    except ValueError as error:
        raise fail(f"--actors: {error}.") from None
    _run(size, reset)
