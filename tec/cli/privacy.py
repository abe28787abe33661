"""`tec privacy export|erase --actor ID`: what the service holds about a contact, and its erasure (RGPD)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from graph import privacy
from graph.store import Store
from tec.cli.common import with_store

app = typer.Typer(
    help="Personal data: export or erase an actor's contact fields (docs/privacy.md).", no_args_is_help=True
)

ActorOption = Annotated[str, typer.Option("--actor", help="The actor's id (raw, as in exports).")]


@app.command("export")
def export(
    actor: ActorOption,
    out: Annotated[Path | None, typer.Option("--out", help="Write the JSON here (default: standard output).")] = None,
) -> None:
    """Write, as JSON, everything the graph holds about an actor's contact (an audit entry records it)."""

    async def work(store: Store) -> dict[str, Any]:
        return await privacy.export_actor(store, actor)

    document = with_store(work)  # an unknown actor is reported as one sentence, exit code 1
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if out is None:
        typer.echo(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    typer.echo(f"Personal data of actor {actor} written to {out}.", err=True)


@app.command("erase")
def erase(actor: ActorOption) -> None:
    """Remove an actor's contact fields everywhere the service keeps them; the actor and its cases stay."""

    async def work(store: Store) -> privacy.Erasure:
        return await privacy.erase_actor(store, actor)

    erasure = with_store(work)
    fields = ", ".join(erasure.erased_fields) or "none held"
    typer.echo(
        f"Erased the contact fields of actor {actor} ({fields}); copies redacted in {len(erasure.redacted_nodes)} "
        f"other records and {erasure.redacted_relationships} relationships. An audit entry records it."
    )
