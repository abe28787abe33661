"""The Conflict GraphQL type: one real case in one place, its type, territory, project and actors."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import ConflictStatus, ExpertiseKind, Intensity, InvolvementRole, Mobilisation, Outcome
from schema.involvement import involvement_fields, involvement_of
from schema.related import (
    Along,
    Resolved,
    links_along,
    nodes_along,
    one_along,
)
from schema.scalars import GeoPoint, iso, near_distance, near_distance_field
from schema.source_record import traceability_fields
from schema.taxonomy import ConflictType
from schema.territory import Territory
from schema.values import to_date, to_enum, to_int

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.project import Project
    from schema.resource import Resource


# The relationship fields a page of conflicts fetches with its nodes (`resolvers.conflicts`), by field name;
# their resolvers below ask the same hops, so what the page fetched is what they would have read.
ALONG: dict[str, Along] = {
    "type": Along("conflict.type", first=1),
    "territory": Along("conflict.territory", first=1),
    "project": Along("conflict.project", first=1),
    "actors": Along("conflict.actors", filter_argument="roles"),
    "resources": Along("conflict.resources"),
}


@strawberry.type(description="A local conflict: a contested development project or rival uses of a space.")
class Conflict(relay.Node):
    id: relay.NodeID[str]
    title: str
    summary: str | None
    status: ConflictStatus | None
    intensity: Intensity | None
    started_on: date | None
    ended_on: date | None
    year: int | None = strawberry.field(description="The year it started.")
    outcome: Outcome | None
    mobilisations: list[Mobilisation]
    location: GeoPoint | None = strawberry.field(description="Centroid of its territory.")
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]
    distance_km: float | None = near_distance_field()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Conflict:
        return cls(
            id=record["id"],
            title=str(record.get("title") or ""),
            summary=record.get("summary"),
            status=to_enum(ConflictStatus, record.get("status")),
            intensity=to_enum(Intensity, record.get("intensity")),
            started_on=to_date(record.get("startedOn")),
            ended_on=to_date(record.get("endedOn")),
            year=to_int(record.get("year")),
            outcome=to_enum(Outcome, record.get("outcome")),
            mobilisations=[m for m in (to_enum(Mobilisation, v) for v in record.get("mobilisations") or []) if m],
            location=GeoPoint.from_value(record.get("location")),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
            distance_km=near_distance(record),
        )

    @strawberry.field(
        description="Its type in the taxonomy (the type's parents give its category and family).",
        graphql_type=ConflictType | None,
    )
    def type(self, info: Info) -> Resolved[ConflictType | None]:
        return one_along(info, ALONG["type"].hop, self.id, ConflictType.from_record)

    @strawberry.field(description="Where it happens: a commune, or a larger territory.", graphql_type=Territory | None)
    def territory(self, info: Info) -> Resolved[Territory | None]:
        return one_along(info, ALONG["territory"].hop, self.id, Territory.from_record)

    @strawberry.field(
        description="The project it is about, if any.",
        graphql_type=Annotated["Project", strawberry.lazy("schema.project")] | None,
    )
    def project(self, info: Info) -> Resolved[Annotated[Project, strawberry.lazy("schema.project")] | None]:
        from schema.project import Project

        return one_along(info, ALONG["project"].hop, self.id, Project.from_record)

    @strawberry.field(
        description="The actors involved, by role then name; `roles` keeps only those roles.",
        graphql_type=list["ConflictParticipant"],
    )
    def actors(
        self, info: Info, first: int | None = None, roles: list[InvolvementRole] | None = None
    ) -> Resolved[list[ConflictParticipant]]:
        return links_along(info, ALONG["actors"].hop, self.id, ConflictParticipant.from_item, first=first, kinds=roles)

    @strawberry.field(
        description="Resources that document it, newest first.",
        graphql_type=list[Annotated["Resource", strawberry.lazy("schema.resource")]],
    )
    def resources(
        self, info: Info, first: int | None = None
    ) -> Resolved[list[Annotated[Resource, strawberry.lazy("schema.resource")]]]:
        from schema.resource import Resource

        return nodes_along(info, ALONG["resources"].hop, self.id, Resource.from_record, first=first)

    source, source_records = traceability_fields("Conflict")


_FROM, _TO, _EXPERTISE, _ROLE_LABEL = involvement_fields()


@strawberry.type(description="An actor involved in a conflict, with its role and period.")
class ConflictParticipant:
    actor: Annotated[Actor, strawberry.lazy("schema.actor")]
    role: InvolvementRole | None
    from_year: int | None = _FROM
    to_year: int | None = _TO
    expertise: ExpertiseKind | None = _EXPERTISE
    role_label: str | None = _ROLE_LABEL

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ConflictParticipant:
        from schema.actor import Actor

        return cls(actor=Actor.from_record(item["node"]), **involvement_of(item["rel"]))
