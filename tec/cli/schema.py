"""`tec schema export`: write the GraphQL SDL to `schema.graphql` (or check that it is in step)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tec.settings import PROJECT_ROOT, Settings

DEFAULT_SDL = PROJECT_ROOT / "schema.graphql"

app = typer.Typer(help="The GraphQL schema (SDL).", no_args_is_help=True)


def current_sdl() -> str:
    """The SDL of the API as served (limits and settings do not change it), ending with a newline."""
    from resolvers.root.schema import build_schema  # here, not on top: every other `tec` command starts faster

    return str(build_schema(Settings(environment="development"))).rstrip("\n") + "\n"


@app.command("export")
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the SDL.")] = DEFAULT_SDL,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 when the file differs from the schema.")
    ] = False,
) -> None:
    """Export the GraphQL schema as SDL (the repository keeps it in schema.graphql)."""
    sdl = current_sdl()
    if check:
        existing = output.read_text(encoding="utf-8") if output.exists() else ""
        if existing != sdl:
            typer.secho(f"{output} is out of step with the schema; run `tec schema export`.", fg="red", err=True)
            raise typer.Exit(1)
        typer.echo(f"{output} is in step with the schema.")
        return
    output.write_text(sdl, encoding="utf-8")
    typer.echo(f"Wrote {len(sdl.splitlines())} lines of SDL to {output}.")
