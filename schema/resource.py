"""The Resource GraphQL type: the resource centre (guides, methods, tools, case studies) and the blog."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import ResourceKind
from schema.related import related
from schema.scalars import iso
from schema.source import Source, source_named
from schema.source_record import SourceRecord, source_records_of
from schema.taxonomy import ConflictType, Theme
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.conflict import Conflict
    from schema.project import Project


@strawberry.type(description="A resource of the resource centre, or a blog article (kind ARTICLE).")
class Resource(relay.Node):
    id: relay.NodeID[str]
    title: str
    kind: ResourceKind | None
    url: str | None
    summary: str | None
    published_on: date | None
    language: str = strawberry.field(description="ISO 639-1 code (default fr).")
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Resource:
        return cls(
            id=record["id"],
            title=str(record.get("title") or ""),
            kind=to_enum(ResourceKind, record.get("kind")),
            url=record.get("url"),
            summary=record.get("summary"),
            published_on=to_date(record.get("publishedOn")),
            language=str(record.get("language") or "fr"),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
        )

    @strawberry.field(description="Who wrote it.")
    async def authors(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Actor, strawberry.lazy("schema.actor")]]:
        from schema.actor import Actor

        return [Actor.from_record(i["node"]) for i in await related(info, "resource.authors", self.id, first=first)]

    @strawberry.field(description="The themes it is about.")
    async def themes(self, info: Info, first: int | None = None) -> list[Theme]:
        return [Theme.from_record(i["node"]) for i in await related(info, "resource.themes", self.id, first=first)]

    @strawberry.field(description="The conflict types it is about.")
    async def conflict_types(self, info: Info, first: int | None = None) -> list[ConflictType]:
        items = await related(info, "resource.conflictTypes", self.id, first=first)
        return [ConflictType.from_record(item["node"]) for item in items]

    @strawberry.field(description="The conflicts it documents.")
    async def conflicts(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Conflict, strawberry.lazy("schema.conflict")]]:
        from schema.conflict import Conflict

        items = await related(info, "resource.conflicts", self.id, first=first)
        return [Conflict.from_record(item["node"]) for item in items]

    @strawberry.field(description="The projects it documents.")
    async def projects(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Project, strawberry.lazy("schema.project")]]:
        from schema.project import Project

        items = await related(info, "resource.projects", self.id, first=first)
        return [Project.from_record(item["node"]) for item in items]

    @strawberry.field(description="The data source this record comes from (none when entered through the API).")
    async def source(self, info: Info) -> Source | None:
        return await source_named(info, self.record.get("source"))

    @strawberry.field(
        description="Every source this record was imported from, with the partner's id for it (empty when "
        "entered through the API)."
    )
    async def source_records(self, info: Info) -> list[SourceRecord]:
        return await source_records_of(info, "Resource", self.id)
