"""`tec export`: write actors, conflicts, territories, experience gaps or a neighbourhood to a CSV,
GeoJSON or GraphML file, streamed from Neo4j chunk by chunk.

The file is written beside its destination and renamed into place at the end, so a failed export
never leaves half a file under the requested name.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, BinaryIO, TypeVar

import typer

from graph.errors import NotFoundError
from graph.store import Store
from resolvers.auth import principal_for_token
from resolvers.export_filters import ExportError, filter_names, parse_pairs
from resolvers.exports import FORMATS, WHATS, Export, open_export
from schema.context import ANONYMOUS
from tec.cli.common import fail, with_store

T = TypeVar("T")
_WHERE_HELP = "; ".join(f"{what}: {', '.join(filter_names(what))}" for what in WHATS)


async def write_export(export: Export, out: BinaryIO) -> int:
    """Write an export's bytes to a binary file as they come; return how many were written."""
    written = 0
    async for block in export.chunks():
        out.write(block)
        written += len(block)
    return written


def export(
    what: Annotated[str, typer.Option("--what", help=f"What to export: {', '.join(WHATS)}.")],
    fmt: Annotated[str, typer.Option("--format", help=f"File format: {', '.join(FORMATS)}.")],
    out: Annotated[Path, typer.Option("--out", help="File to write; `-` writes to standard output.")],
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help=f"A filter key=value (repeat for several). Keys: {_WHERE_HELP}."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="TEC_API_KEY",
            help="An API key with the reader role or above adds the contact fields (e-mail, phone, contact name).",
        ),
    ] = None,
) -> None:
    """Export records for a spreadsheet (csv), a map (geojson) or Gephi (graphml)."""
    try:
        filters = parse_pairs(where or [])
    except ExportError as error:
        raise fail(str(error)) from None

    to_stdout = str(out) == "-"
    if not to_stdout and not out.resolve().parent.is_dir():
        raise fail(f"The folder {out.resolve().parent} does not exist.")

    async def work(store: Store, file: BinaryIO) -> tuple[Export, int, float]:
        principal = ANONYMOUS
        if api_key:
            known = await principal_for_token(store, api_key)
            if known is None:
                raise ExportError("This API key is unknown or revoked; ask an admin for a valid one.")
            principal = known
        started = time.perf_counter()
        try:
            prepared = await open_export(store, principal, what, fmt, filters)
        except NotFoundError as error:  # an unknown conflict type, territory or start node
            raise ExportError(str(error)) from None
        written = await write_export(prepared, file)
        file.flush()
        return prepared, written, time.perf_counter() - started

    try:
        if to_stdout:
            done, written, seconds = with_store(lambda store: work(store, sys.stdout.buffer))
        else:
            done, written, seconds = _into_file(out, lambda file: with_store(lambda store: work(store, file)))
    except ExportError as error:
        raise fail(str(error)) from None
    links = f" and {done.links} links" if done.fmt == "graphml" else ""
    target = "standard output" if to_stdout else str(out)
    typer.echo(
        f"Exported {done.rows} {what}{links} to {target} ({written / 1024:.0f} KiB, {seconds:.1f} s).", err=to_stdout
    )


def _into_file(out: Path, write: Callable[[BinaryIO], T]) -> T:
    """Run `write` on a temporary file beside `out`, renamed to `out` only when it succeeds."""
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.resolve().parent)
    try:
        with os.fdopen(handle, "wb") as file:
            result = write(file)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes it private; give it a normal file's mode
        os.replace(temporary, out)
        return result
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
