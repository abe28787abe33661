"""What every command of the CLI shares: failing with one sentence, the settings, a connected store,
and a progress bar. A leaf of the CLI package: it imports no command module."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from graph import audit
from graph.errors import GraphError, StoreUnavailable
from graph.store import Store
from importers import territories as reference_import
from tec.connection import connect
from tec.settings import Settings, SettingsError, get_settings

T = TypeVar("T")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as error:
        raise fail(str(error)) from None


def with_store(work: Callable[[Store], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `work` with a connected store (waiting for Neo4j briefly), mapping failures to one sentence."""
    settings = settings or settings_or_exit()

    async def main() -> T:
        store = connect(settings)
        try:
            await store.wait_until_ready(min(settings.neo4j_startup_wait, 30.0))
            with audit.acting_as("cli"):  # importers and seeds name themselves more precisely
                return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(main())
    except GraphError as error:
        unreachable = isinstance(error, StoreUnavailable) and not settings.neo4j_uri
        hint = " Start the local one with `tec neo4j start`." if unreachable else ""
        raise fail(f"{error}{hint}") from None


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
