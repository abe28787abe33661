"""The Project GraphQL type: development projects, participatory processes, commons projects."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import ApplicationStatus, ProjectKind, ProjectRole, ProjectStatus
from schema.related import (
    Along,
    Resolved,
    links_along,
    nodes_along,
    one_along,
)
from schema.scalars import iso
from schema.source_record import traceability_fields
from schema.taxonomy import Theme
from schema.territory import Territory
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.commons_call import CommonsCall
    from schema.conflict import Conflict
    from schema.resource import Resource


# The relationship fields a page of projects fetches with its nodes (`resolvers.projects`), by field name;
# their resolvers below ask the same hops, so what the page fetched is what they would have read.
ALONG: dict[str, Along] = {
    "territory": Along("project.territory", first=1),
    "themes": Along("project.themes"),
    "actors": Along("project.actors", filter_argument="roles"),
    "conflicts": Along("project.conflicts"),
    "resources": Along("project.resources"),
    "applications": Along("project.applications"),
}


@strawberry.type(description="A project: what conflicts are about and what actors run.")
class Project(relay.Node):
    id: relay.NodeID[str]
    title: str
    kind: ProjectKind | None
    status: ProjectStatus | None
    summary: str | None
    started_on: date | None
    ended_on: date | None
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Project:
        return cls(
            id=record["id"],
            title=str(record.get("title") or ""),
            kind=to_enum(ProjectKind, record.get("kind")),
            status=to_enum(ProjectStatus, record.get("status")),
            summary=record.get("summary"),
            started_on=to_date(record.get("startedOn")),
            ended_on=to_date(record.get("endedOn")),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
        )

    @strawberry.field(description="Where it takes place.", graphql_type=Territory | None)
    def territory(self, info: Info) -> Resolved[Territory | None]:
        return one_along(info, ALONG["territory"].hop, self.id, Territory.from_record)

    @strawberry.field(description="Its themes.", graphql_type=list[Theme])
    def themes(self, info: Info, first: int | None = None) -> Resolved[list[Theme]]:
        return nodes_along(info, ALONG["themes"].hop, self.id, Theme.from_record, first=first)

    @strawberry.field(description="The actors that run it or take part in it.", graphql_type=list["ProjectActor"])
    def actors(
        self, info: Info, first: int | None = None, roles: list[ProjectRole] | None = None
    ) -> Resolved[list[ProjectActor]]:
        return links_along(info, ALONG["actors"].hop, self.id, ProjectActor.from_item, first=first, kinds=roles)

    @strawberry.field(
        description="Conflicts about it.", graphql_type=list[Annotated["Conflict", strawberry.lazy("schema.conflict")]]
    )
    def conflicts(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Conflict, strawberry.lazy("schema.conflict")]]]:
        from schema.conflict import Conflict

        return nodes_along(info, ALONG["conflicts"].hop, self.id, Conflict.from_record, first=first)

    @strawberry.field(
        description="Resources that document it.",
        graphql_type=list[Annotated["Resource", strawberry.lazy("schema.resource")]],
    )
    def resources(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Resource, strawberry.lazy("schema.resource")]]]:
        from schema.resource import Resource

        return nodes_along(info, ALONG["resources"].hop, self.id, Resource.from_record, first=first)

    @strawberry.field(description="Its applications to calls for commons.", graphql_type=list["ProjectApplication"])
    def applications(self, info: Info, first: int | None = None) -> Resolved[list[ProjectApplication]]:
        return links_along(info, ALONG["applications"].hop, self.id, ProjectApplication.from_item, first=first)

    source, source_records = traceability_fields("Project")


@strawberry.type(description="An actor that runs a project or takes part in it.")
class ProjectActor:
    actor: Annotated[Actor, strawberry.lazy("schema.actor")]
    role: ProjectRole

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ProjectActor:
        from schema.actor import Actor

        return cls(actor=Actor.from_record(item["node"]), role=ProjectRole(item["rel"]["type"]))


@strawberry.type(description="A project's application to a call for commons.")
class ProjectApplication:
    call: Annotated[CommonsCall, strawberry.lazy("schema.commons_call")]
    status: ApplicationStatus | None
    submitted_at: str | None

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ProjectApplication:
        from schema.commons_call import CommonsCall

        rel = item["rel"]
        return cls(
            call=CommonsCall.from_record(item["node"]),
            status=to_enum(ApplicationStatus, rel.get("status")),
            submitted_at=iso(rel.get("submittedAt")),
        )
