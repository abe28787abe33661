"""Inputs and the result of the link/unlink mutations (involvement, cooperation, membership…)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from pydantic import AfterValidator, Field, model_validator

from schema.enums import ApplicationStatus, CooperationKind, InvolvementRole, ProjectRole
from schema.errors import FieldError, Forbidden, NotFound, ValidationFailed
from schema.inputs import Code, FieldsModel, id_of, in_order

Year = Annotated[int, Field(ge=1900, le=2100)]
ActorId = Annotated[str, AfterValidator(id_of("Actor"))]
ConflictId = Annotated[str, AfterValidator(id_of("Conflict"))]
ProjectId = Annotated[str, AfterValidator(id_of("Project"))]
ResourceId = Annotated[str, AfterValidator(id_of("Resource"))]
CallId = Annotated[str, AfterValidator(id_of("CommonsCall"))]


class InvolvementFields(FieldsModel):
    actor_id: ActorId
    conflict_id: ConflictId
    role: str | None = None
    from_: Year | None = Field(None, alias="from")
    to: Year | None = None

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        return in_order(data, "from", "to")


class CooperationFields(FieldsModel):
    actor_id: ActorId
    partner_id: ActorId
    kind: str | None = None
    since: Year | None = None
    until: Year | None = None

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        return in_order(data, "since", "until")


class MembershipFields(FieldsModel):
    actor_id: ActorId
    network_id: ActorId


class AuthorshipFields(FieldsModel):
    actor_id: ActorId
    resource_id: ResourceId


class ProjectActorFields(FieldsModel):
    actor_id: ActorId
    project_id: ProjectId
    role: str


class ResourceTopicFields(FieldsModel):
    resource_id: ResourceId
    theme: Code | None = None
    conflict_type: Code | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ResourceTopicFields:
        if (self.theme is None) == (self.conflict_type is None):
            raise ValueError("give exactly one of `theme` and `conflictType`")
        return self


class DocumentationFields(FieldsModel):
    resource_id: ResourceId
    subject_id: str


class ApplicationFields(FieldsModel):
    project_id: ProjectId
    commons_call_id: CallId
    status: str | None = None


@strawberry.input(description="An actor's involvement in a conflict (created, or its period updated).")
class InvolvementInput:
    actor_id: strawberry.ID
    conflict_id: strawberry.ID
    role: InvolvementRole
    from_year: int | None = strawberry.field(default=strawberry.UNSET, name="from", description="First year.")
    to_year: int | None = strawberry.field(
        default=strawberry.UNSET, name="to", description="Last year (none: ongoing)."
    )


@strawberry.input(description="Which involvement to remove; without `role`, every role of the actor in the conflict.")
class RemoveInvolvementInput:
    actor_id: strawberry.ID
    conflict_id: strawberry.ID
    role: InvolvementRole | None = strawberry.UNSET


@strawberry.input(description="A cooperation link between two actors (created, or its period updated).")
class CooperationInput:
    actor_id: strawberry.ID
    partner_id: strawberry.ID
    kind: CooperationKind
    since: int | None = strawberry.UNSET
    until: int | None = strawberry.UNSET


@strawberry.input(description="Which cooperation to remove; without `kind`, every kind between the two actors.")
class RemoveCooperationInput:
    actor_id: strawberry.ID
    partner_id: strawberry.ID
    kind: CooperationKind | None = strawberry.UNSET


@strawberry.input(description="An actor's membership of a network (an actor of kind RESEAU).")
class MembershipInput:
    actor_id: strawberry.ID
    network_id: strawberry.ID


@strawberry.input(description="An actor wrote a resource.")
class AuthorshipInput:
    actor_id: strawberry.ID
    resource_id: strawberry.ID


@strawberry.input(description="An actor runs a project or takes part in it.")
class ProjectActorInput:
    actor_id: strawberry.ID
    project_id: strawberry.ID
    role: ProjectRole


@strawberry.input(description="What a resource is about: exactly one of a theme or a conflict type (codes).")
class ResourceTopicInput:
    resource_id: strawberry.ID
    theme: str | None = strawberry.UNSET
    conflict_type: str | None = strawberry.UNSET


@strawberry.input(description="A resource documents a conflict or a project.")
class DocumentationInput:
    resource_id: strawberry.ID
    subject_id: strawberry.ID = strawberry.field(description="Id of a Conflict or a Project.")


@strawberry.input(
    description="A project's application to a call for commons. The project's editor submits (SUBMITTED); "
    "the call's editor sets the other statuses."
)
class ApplicationInput:
    project_id: strawberry.ID
    commons_call_id: strawberry.ID
    status: ApplicationStatus = ApplicationStatus.SUBMITTED


@strawberry.input(description="Withdraw a project's application to a call for commons.")
class WithdrawApplicationInput:
    project_id: strawberry.ID
    commons_call_id: strawberry.ID


@strawberry.enum(description="The relationships the link mutations maintain.")
class LinkKind(Enum):
    INVOLVEMENT = "INVOLVEMENT"
    COOPERATION = "COOPERATION"
    MEMBERSHIP = "MEMBERSHIP"
    AUTHORSHIP = "AUTHORSHIP"
    PROJECT_ACTOR = "PROJECT_ACTOR"
    RESOURCE_TOPIC = "RESOURCE_TOPIC"
    DOCUMENTATION = "DOCUMENTATION"
    APPLICATION = "APPLICATION"


@strawberry.type(description="The link was saved, or removed; fetch either end with `node(id:)` to see it.")
class LinkSaved:
    kind: LinkKind
    from_id: strawberry.ID = strawberry.field(description="Global id of the record the link starts from.")
    to_id: strawberry.ID = strawberry.field(description="Global id of the record the link points to.")
    count: int = strawberry.field(description="Links created or updated (1), or removed (0 when there was none).")


LinkResult = Annotated[LinkSaved | ValidationFailed | NotFound | Forbidden, strawberry.union("LinkResult")]
