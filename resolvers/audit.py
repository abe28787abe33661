"""The admins' view of the audit trail."""

from __future__ import annotations

from datetime import UTC

from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from graph import audit
from resolvers.paging import wants_total
from schema.audit import AuditEntry, AuditLogFilter, admins_only
from schema.context import Info
from schema.pagination import Connection, page_size


def _raw_id(value: str) -> str:
    """A record's raw id, from its global id (`QWN0b3I6…`) or as given."""
    try:
        return relay.GlobalID.from_id(value).node_id
    except (GlobalIDValueError, ValueError):
        return value


async def audit_log(
    info: Info, where: AuditLogFilter | None = None, first: int | None = None, after: str | None = None
) -> Connection[AuditEntry]:
    if not info.context.principal.is_admin:
        raise admins_only("The audit log")
    chosen = where or AuditLogFilter()
    since = chosen.since
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)  # an instant without an offset is read as UTC
    page = await audit.entries(
        info.context.store,
        audit.AuditFilter(
            record=_raw_id(str(chosen.record)) if chosen.record else None, actor=chosen.actor, since=since
        ),
        page_size(info, first),
        after,
        with_total=wants_total(info),
    )
    return Connection[AuditEntry].from_page(page, AuditEntry.from_record, after=after)
