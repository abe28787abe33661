"""The Resource GraphQL type: the resource centre (guides, methods, tools, case studies) and the blog."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import ResourceKind
from schema.related import Along, Resolved, nodes_along
from schema.scalars import iso
from schema.source_record import traceability_fields
from schema.taxonomy import ConflictType, Theme
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.conflict import Conflict
    from schema.project import Project


# The relationship fields a page of resources fetches with its nodes (`resolvers.resources`), by field name;
# their resolvers below ask the same hops, so what the page fetched is what they would have read.
ALONG: dict[str, Along] = {
    "authors": Along("resource.authors"),
    "themes": Along("resource.themes"),
    "conflictTypes": Along("resource.conflictTypes"),
    "conflicts": Along("resource.conflicts"),
    "projects": Along("resource.projects"),
}


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

    @strawberry.field(
        description="Who wrote it.", graphql_type=list[Annotated["Actor", strawberry.lazy("schema.actor")]]
    )
    def authors(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Actor, strawberry.lazy("schema.actor")]]]:
        from schema.actor import Actor

        return nodes_along(info, ALONG["authors"].hop, self.id, Actor.from_record, first=first)

    @strawberry.field(description="The themes it is about.", graphql_type=list[Theme])
    def themes(self, info: Info, first: int | None = None) -> Resolved[list[Theme]]:
        return nodes_along(info, ALONG["themes"].hop, self.id, Theme.from_record, first=first)

    @strawberry.field(description="The conflict types it is about.", graphql_type=list[ConflictType])
    def conflict_types(self, info: Info, first: int | None = None) -> Resolved[list[ConflictType]]:
        return nodes_along(info, ALONG["conflictTypes"].hop, self.id, ConflictType.from_record, first=first)

    @strawberry.field(
        description="The conflicts it documents.",
        graphql_type=list[Annotated["Conflict", strawberry.lazy("schema.conflict")]],
    )
    def conflicts(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Conflict, strawberry.lazy("schema.conflict")]]]:
        from schema.conflict import Conflict

        return nodes_along(info, ALONG["conflicts"].hop, self.id, Conflict.from_record, first=first)

    @strawberry.field(
        description="The projects it documents.",
        graphql_type=list[Annotated["Project", strawberry.lazy("schema.project")]],
    )
    def projects(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Project, strawberry.lazy("schema.project")]]]:
        from schema.project import Project

        return nodes_along(info, ALONG["projects"].hop, self.id, Project.from_record, first=first)

    source, source_records = traceability_fields("Resource")
