"""The Actor GraphQL type (the directory) and the links an actor has: conflicts, projects, cooperation."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.alert_preferences import AlertPreferences, own_key_or_admin
from schema.context import Info
from schema.enums import CooperationKind, ExpertiseKind, InvolvementRole, ProjectRole
from schema.errors import forbidden_field
from schema.involvement import involvement_fields, involvement_of
from schema.related import (
    Along,
    Resolved,
    links_along,
    nodes_along,
    one_along,
    related_links,
    related_nodes,
    related_one,
)
from schema.scalars import GeoPoint, iso, near_distance, near_distance_field
from schema.source_record import traceability_fields
from schema.taxonomy import Theme
from schema.territory import Territory
from schema.values import to_enum, to_int

if TYPE_CHECKING:
    from schema.conflict import Conflict
    from schema.project import Project
    from schema.resource import Resource


@strawberry.enum(description="What kind of organisation or person an actor is.")
class ActorKind(Enum):
    COLLECTIVITE = "COLLECTIVITE"
    ASSOCIATION = "ASSOCIATION"
    ENTREPRISE = "ENTREPRISE"
    BUREAU_ETUDES = "BUREAU_ETUDES"
    RESEAU = "RESEAU"
    SERVICE_ETAT = "SERVICE_ETAT"
    COLLECTIF_CITOYEN = "COLLECTIF_CITOYEN"
    CHERCHEUR = "CHERCHEUR"
    AUTRE = "AUTRE"


def _private(info: Info, record: dict[str, Any], key: str, what: str) -> str | None:
    if not info.context.principal.can_read_private:
        raise forbidden_field(what)
    value = record.get(key)
    return str(value) if value is not None else None


# The relationship fields a page of actors fetches with its nodes (`resolvers.actors`), by field name;
# their resolvers below ask the same hops, so what the page fetched is what they would have read.
ALONG: dict[str, Along] = {
    "basedIn": Along("actor.basedIn", first=1),
    "themes": Along("actor.themes"),
    "conflicts": Along("actor.conflicts", filter_argument="roles"),
}


@strawberry.type(description="An actor of the directory: an authority, association, company, network…")
class Actor(relay.Node):
    id: relay.NodeID[str]
    name: str
    kind: ActorKind
    description: str | None
    website: str | None
    siren: str | None
    siret: str | None
    rna: str | None = strawberry.field(description="Number in the associations register (RNA).")
    open_to_sponsorship: bool = strawberry.field(description="Willing to sponsor others (mécénat d'expérience).")
    sponsorship_capacity: int = strawberry.field(description="How many sponsorships it can run at once.")
    location: GeoPoint | None = strawberry.field(description="Centroid of its base commune.")
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]
    distance_km: float | None = near_distance_field()

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Actor:
        return cls(
            id=record["id"],
            name=record["name"],
            kind=to_enum(ActorKind, record.get("kind"), ActorKind.AUTRE) or ActorKind.AUTRE,
            description=record.get("description"),
            website=record.get("website"),
            siren=record.get("siren"),
            siret=record.get("siret"),
            rna=record.get("rna"),
            open_to_sponsorship=bool(record.get("openToSponsorship")),
            sponsorship_capacity=int(record.get("sponsorshipCapacity") or 2),
            location=GeoPoint.from_value(record.get("location")),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
            distance_km=near_distance(record),
        )

    @strawberry.field(description="What it is alerted about (a key scoped to this actor, or admin).")
    def alert_preferences(self, info: Info) -> AlertPreferences:
        own_key_or_admin(info.context.principal, self.id)
        return AlertPreferences.from_record(self.record)

    @strawberry.field(description="Contact e-mail (private: reader role or above).")
    def email(self, info: Info) -> str | None:
        return _private(info, self.record, "email", "Actor.email")

    @strawberry.field(description="Contact phone (private: reader role or above).")
    def phone(self, info: Info) -> str | None:
        return _private(info, self.record, "phone", "Actor.phone")

    @strawberry.field(description="Contact person (private: reader role or above).")
    def contact_name(self, info: Info) -> str | None:
        return _private(info, self.record, "contactName", "Actor.contactName")

    source, source_records = traceability_fields("Actor")

    @strawberry.field(description="The commune where the actor is based.", graphql_type=Territory | None)
    def based_in(self, info: Info) -> Resolved[Territory | None]:
        return one_along(info, ALONG["basedIn"].hop, self.id, Territory.from_record)

    @strawberry.field(description="The territory a local authority governs (COLLECTIVITE only).")
    async def governs(self, info: Info) -> Territory | None:
        record = await related_one(info, "actor.governs", self.id)
        return Territory.from_record(record) if record else None

    @strawberry.field(description="Its area of action: territories of any level.")
    async def acts_in(self, info: Info, first: int | None = None) -> list[Territory]:
        return await related_nodes(info, "actor.actsIn", self.id, Territory.from_record, first=first)

    @strawberry.field(description="The themes it works on.", graphql_type=list[Theme])
    def themes(self, info: Info, first: int | None = None) -> Resolved[list[Theme]]:
        return nodes_along(info, ALONG["themes"].hop, self.id, Theme.from_record, first=first)

    @strawberry.field(
        description="Conflicts it took part in, newest first, with its role and period.",
        graphql_type=list["ActorInvolvement"],
    )
    def conflicts(
        self, info: Info, first: int | None = None, roles: list[InvolvementRole] | None = None
    ) -> Resolved[list[ActorInvolvement]]:
        return links_along(info, ALONG["conflicts"].hop, self.id, ActorInvolvement.from_item, first=first, kinds=roles)

    @strawberry.field(description="Projects it runs or takes part in.")
    async def projects(
        self, info: Info, first: int | None = None, roles: list[ProjectRole] | None = None
    ) -> list[ProjectParticipation]:
        return await related_links(
            info, "actor.projects", self.id, ProjectParticipation.from_item, first=first, kinds=roles
        )

    @strawberry.field(description="Resources and blog articles it wrote, newest first.")
    async def resources(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Resource, strawberry.lazy("schema.resource")]]:
        from schema.resource import Resource

        return await related_nodes(info, "actor.resources", self.id, Resource.from_record, first=first)

    @strawberry.field(description="Actors it cooperates with (either direction), with the kind and period.")
    async def cooperations(
        self, info: Info, first: int | None = None, kinds: list[CooperationKind] | None = None
    ) -> list[Cooperation]:
        return await related_links(info, "actor.cooperations", self.id, Cooperation.from_item, first=first, kinds=kinds)

    @strawberry.field(description="The networks it is a member of.")
    async def networks(self, info: Info, first: int | None = None) -> list[Actor]:
        return await related_nodes(info, "actor.networks", self.id, Actor.from_record, first=first)

    @strawberry.field(description="Its members, when it is a network.")
    async def members(self, info: Info, first: int | None = None) -> list[Actor]:
        return await related_nodes(info, "actor.members", self.id, Actor.from_record, first=first)


_FROM, _TO, _EXPERTISE, _ROLE_LABEL = involvement_fields()


@strawberry.type(description="An actor's part in a conflict.")
class ActorInvolvement:
    conflict: Annotated[Conflict, strawberry.lazy("schema.conflict")]
    role: InvolvementRole | None
    from_year: int | None = _FROM
    to_year: int | None = _TO
    expertise: ExpertiseKind | None = _EXPERTISE
    role_label: str | None = _ROLE_LABEL

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ActorInvolvement:
        from schema.conflict import Conflict

        return cls(conflict=Conflict.from_record(item["node"]), **involvement_of(item["rel"]))


@strawberry.type(description="An actor's part in a project.")
class ProjectParticipation:
    project: Annotated[Project, strawberry.lazy("schema.project")]
    role: ProjectRole

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ProjectParticipation:
        from schema.project import Project

        return cls(project=Project.from_record(item["node"]), role=ProjectRole(item["rel"]["type"]))


@strawberry.type(description="A cooperation link with another actor.")
class Cooperation:
    partner: Actor
    kind: CooperationKind | None
    since: int | None = strawberry.field(description="Year it began.")
    until: int | None = strawberry.field(description="Year it ended (none: ongoing).")

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> Cooperation:
        rel = item["rel"]
        return cls(
            partner=Actor.from_record(item["node"]),
            kind=to_enum(CooperationKind, rel.get("kind")),
            since=to_int(rel.get("since")),
            until=to_int(rel.get("until")),
        )
