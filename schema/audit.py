"""The audit trail in GraphQL: who wrote (the request's API key, named once per operation) and the
admins' view of the entries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension

from graph import audit
from schema.errors import ApiError
from schema.scalars import iso


class AuditedWriter(SchemaExtension):
    """Every write an operation makes is attributed to its caller (`apikey:<id>`) in the audit trail."""

    def on_execute(self) -> Iterator[None]:
        principal = getattr(self.execution_context.context, "principal", None)
        if principal is None:
            yield
            return
        with audit.acting_as(principal.label):
            yield


def admins_only(what: str) -> ApiError:
    return ApiError(f"{what} is for admins: send an API key with the admin role.", "FORBIDDEN", status=403)


@strawberry.type(description="One write: who made it, when, which records and which fields it changed (no values).")
class AuditEntry:
    id: strawberry.ID
    at: str = strawberry.field(description="When (ISO 8601, UTC).")
    actor: str = strawberry.field(
        description="Who: `apikey:<id>`, `import:<source>`, `seed:<network>` or `cli` (the command line)."
    )
    operation: str = strawberry.field(description="What kind of write, e.g. `actor.update`, `privacy.erase`.")
    records: list[str] = strawberry.field(description="Ids of the records it changed (at most 100).")
    fields: list[str] = strawberry.field(
        description="Names of the fields it set or removed (never their values; at most 50)."
    )

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> AuditEntry:
        return cls(
            id=strawberry.ID(str(record["id"])),
            at=iso(record.get("at")) or "",
            actor=str(record.get("actor") or ""),
            operation=str(record.get("operation") or ""),
            records=[str(item) for item in record.get("records") or []],
            fields=[str(item) for item in record.get("fields") or []],
        )


@strawberry.input(description="Which audit entries: all of them by default, newest first.")
class AuditLogFilter:
    record: strawberry.ID | None = strawberry.field(default=None, description="Entries about this record (raw id).")
    actor: str | None = strawberry.field(default=None, description="Entries of this writer, e.g. `apikey:<id>`.")
    since: dt.datetime | None = strawberry.field(default=None, description="Entries at or after this instant.")
