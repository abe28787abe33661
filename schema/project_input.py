"""Inputs and results of the project mutations, with their validation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

import strawberry
from pydantic import Field

from schema.enums import ProjectKind, ProjectStatus
from schema.errors import FieldError, Forbidden, NotFound, ValidationFailed
from schema.inputs import Codes, FieldsModel, OptionalText, TerritoryCode, in_order
from schema.project import Project


class ProjectFields(FieldsModel):
    REQUIRED: ClassVar[tuple[str, ...]] = ("title", "kind")
    LINKS: ClassVar[tuple[str, ...]] = ("territory", "themes")

    title: str | None = Field(None, min_length=3, max_length=300)
    kind: str | None = None
    status: str | None = None
    summary: OptionalText = Field(None, max_length=10000)
    started_on: date | None = None
    ended_on: date | None = None
    territory: TerritoryCode | None = None
    themes: Codes | None = Field(None, max_length=30)

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        return in_order(data, "startedOn", "endedOn")


@strawberry.input(description="A new project.")
class CreateProjectInput:
    title: str
    kind: ProjectKind
    status: ProjectStatus | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    territory: str | None = strawberry.field(default=strawberry.UNSET, description="Where it takes place (code).")
    themes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Theme codes.")


@strawberry.input(description="Changes to a project: only the fields given change; null clears a field.")
class UpdateProjectInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    kind: ProjectKind | None = strawberry.UNSET
    status: ProjectStatus | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    territory: str | None = strawberry.UNSET
    themes: list[str] | None = strawberry.UNSET


@strawberry.type(description="The project was created.")
class ProjectCreated:
    project: Project


@strawberry.type(description="The project was updated.")
class ProjectUpdated:
    project: Project


CreateProjectResult = Annotated[
    ProjectCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateProjectResult")
]
UpdateProjectResult = Annotated[
    ProjectUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("UpdateProjectResult")
]
