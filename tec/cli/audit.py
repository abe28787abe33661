"""`tec audit prune`: the audit trail's retention."""

from __future__ import annotations

import typer

from graph import audit
from graph.store import Store
from tec.cli.common import settings_or_exit, with_store

app = typer.Typer(help="The audit trail of writes.", no_args_is_help=True)


@app.command("prune")
def audit_prune() -> None:
    """Delete the audit entries older than TEC_AUDIT_RETENTION_DAYS (writes also prune a few each)."""
    settings = settings_or_exit()

    async def work(store: Store) -> int:
        return await audit.prune(store, settings.audit_retention_days)

    deleted = with_store(work, settings)
    typer.echo(f"Deleted {deleted:,} audit entries older than {settings.audit_retention_days} days.")
