"""The CommonsCall GraphQL type: an Appel à communs and the projects that applied to it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import ApplicationStatus
from schema.related import related
from schema.scalars import iso
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.project import Project


@strawberry.type(description="A call for commons (Appel à communs): projects run as commons apply to it.")
class CommonsCall(relay.Node):
    id: relay.NodeID[str]
    title: str
    description: str | None
    opens_on: date | None
    closes_on: date | None
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> CommonsCall:
        return cls(
            id=record["id"],
            title=str(record.get("title") or ""),
            description=record.get("description"),
            opens_on=to_date(record.get("opensOn")),
            closes_on=to_date(record.get("closesOn")),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
        )

    @strawberry.field(description="Whether it accepts applications on the given day (default: today).")
    def is_open(self, on: date | None = None) -> bool:
        day = on or date.today()
        return (self.opens_on is None or self.opens_on <= day) and (self.closes_on is None or day <= self.closes_on)

    @strawberry.field(description="The applications, oldest first; `statuses` keeps only those statuses.")
    async def applications(
        self, info: Info, first: int | None = None, statuses: list[ApplicationStatus] | None = None
    ) -> list[CallApplication]:
        only = [status.value for status in statuses] if statuses else None
        items = await related(info, "call.applications", self.id, first=first, only=only)
        return [CallApplication.from_item(item) for item in items]


@strawberry.type(description="A project that applied to a call for commons.")
class CallApplication:
    project: Annotated[Project, strawberry.lazy("schema.project")]
    status: ApplicationStatus | None
    submitted_at: str | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> CallApplication:
        from schema.project import Project

        rel = item["rel"]
        return cls(
            project=Project.from_record(item["node"]),
            status=to_enum(ApplicationStatus, rel.get("status")),
            submitted_at=iso(rel.get("submittedAt")),
        )
