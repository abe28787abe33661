"""`tec webhook add|list|remove`: the webhooks partner systems receive events on (docs/needs-and-alerts.md)."""

from __future__ import annotations

from typing import Annotated

import typer

from graph import delivery, outbox
from graph.migrations import migrate
from graph.store import Store
from resolvers.events import check_webhook
from schema.inputs import decode_id
from tec.cli.common import fail, settings_or_exit, with_store

app = typer.Typer(help="Webhooks: signed POSTs of events to partner systems.", no_args_is_help=True)


def _kinds(value: str) -> list[str]:
    kinds = [item.strip().upper() for item in value.split(",") if item.strip()]
    unknown = [kind for kind in kinds if kind not in outbox.KINDS]
    if unknown:
        raise typer.BadParameter(f"unknown kind(s) {', '.join(unknown)}; known: {', '.join(outbox.KINDS)}")
    return kinds


@app.command("add")
def webhook_add(
    url: Annotated[str, typer.Argument(help="The receiver's URL (https in production).")],
    events: Annotated[str, typer.Option("--events", help="Comma-separated event kinds, or ALL.")],
    secret: Annotated[str, typer.Option("--secret", help="The HMAC key of the signatures (16 to 200 characters).")],
    actor: Annotated[str | None, typer.Option("--actor", help="Send only what this actor may read (id).")] = None,
) -> None:
    """Add a webhook; it receives the events committed from now on."""
    settings = settings_or_exit()
    kinds = [] if events.strip().upper() == "ALL" else _kinds(events)
    problems = check_webhook(url, secret, production=settings.production)
    actor_id: str | None = None
    if actor is not None:
        try:
            actor_id = decode_id(actor, "Actor")
        except ValueError as error:
            problems.append(("actor", str(error)))
    if problems:
        raise fail(
            "; ".join(f"--{field}: {message}" if field != "url" else f"URL: {message}" for field, message in problems)
        )

    async def work(store: Store) -> delivery.Webhook:
        await migrate(store)
        return await delivery.add_webhook(store, url.strip(), kinds, actor_id, secret)

    try:
        hook = with_store(work, settings)
    except delivery.TooManyWebhooks as error:
        raise fail(str(error)) from None
    typer.echo(f"Webhook {hook.id} added: {hook.url} ({', '.join(hook.kinds) or 'all kinds'}).")


@app.command("list")
def webhook_list() -> None:
    """List webhooks (never their secrets)."""
    hooks = with_store(delivery.list_webhooks)
    if not hooks:
        typer.echo("No webhooks.")
    for hook in hooks:
        scope = f" actor={hook.actor_id}" if hook.actor_id else ""
        typer.echo(f"{hook.id}  {hook.url}  {','.join(hook.kinds) or 'ALL'}{scope}  created {hook.created_at}")


@app.command("remove")
def webhook_remove(webhook_id: str) -> None:
    """Remove a webhook by id; its pending deliveries are cancelled."""

    async def work(store: Store) -> bool:
        return await delivery.remove_webhook(store, webhook_id)

    if not with_store(work):
        raise fail(f"No webhook has the id {webhook_id}; `tec webhook list` shows them.")
    typer.echo(f"Webhook {webhook_id} removed.")
