"""`tec apikey create|list|revoke`: API keys and their roles."""

from __future__ import annotations

from typing import Annotated

import typer

from graph import apikeys
from graph.migrations import migrate
from graph.model import API_KEY_ROLES
from graph.store import Store
from tec.cli.common import fail, with_store

app = typer.Typer(help="API keys and their roles.", no_args_is_help=True)


@app.command("create")
def apikey_create(
    role: Annotated[str, typer.Option(help="reader, editor or admin.")],
    source: Annotated[str | None, typer.Option(help="Limit an editor to the records of this source.")] = None,
    actor: Annotated[str | None, typer.Option(help="Limit an editor to this actor (id).")] = None,
    label: Annotated[str, typer.Option(help="Who or what the key is for.")] = "",
    rate_limit: Annotated[
        int | None,
        typer.Option("--rate-limit", help="Requests per minute for this key (0: unlimited; default TEC_RATE_LIMIT)."),
    ] = None,
) -> None:
    """Create an API key; the token is shown once and never stored."""
    if role not in API_KEY_ROLES:
        raise fail(f"--role must be one of {', '.join(API_KEY_ROLES)}.")
    if rate_limit is not None and rate_limit < 0:
        raise fail("--rate-limit must be 0 (unlimited) or a number of requests per minute.")

    async def work(store: Store) -> tuple[str, apikeys.ApiKey]:
        await migrate(store)
        return await apikeys.create_api_key(
            store, role=role, label=label, source=source, actor_id=actor, rate_limit=rate_limit
        )

    token, key = with_store(work)
    limit = "" if key.rate_limit is None else f", {key.rate_limit or 'unlimited'} requests/min"
    typer.echo(f"API key {key.id} ({key.role}{limit}) created. Token (shown once, keep it safe):")
    typer.echo(token)


@app.command("list")
def apikey_list() -> None:
    """List API keys (never their tokens)."""
    keys = with_store(apikeys.list_api_keys)
    if not keys:
        typer.echo("No API keys.")
    for key in keys:
        scope = f" source={key.source}" if key.source else (f" actor={key.actor_id}" if key.actor_id else "")
        state = " REVOKED" if key.revoked else ""
        limit = "" if key.rate_limit is None else f" rate-limit={key.rate_limit or 'unlimited'}/min"
        typer.echo(f"{key.id}  {key.role:<6}{scope}{limit}  {key.label}  created {key.created_at}{state}")


@app.command("revoke")
def apikey_revoke(key_id: str) -> None:
    """Revoke an API key by id (it stops working at once)."""

    async def work(store: Store) -> bool:
        return await apikeys.revoke_api_key(store, key_id)

    if not with_store(work):
        raise fail(f"No API key has the id {key_id}; `tec apikey list` shows them.")
    typer.echo(f"API key {key_id} revoked.")
