"""Inputs and results of the conflict mutations, with their validation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

import strawberry
from pydantic import AfterValidator, Field

from schema.conflict import Conflict
from schema.enums import ConflictStatus, Intensity, Mobilisation, Outcome
from schema.errors import FieldError, Forbidden, NotFound, ValidationFailed
from schema.inputs import Code, FieldsModel, OptionalText, TerritoryCode, id_of, in_order


class ConflictFields(FieldsModel):
    REQUIRED: ClassVar[tuple[str, ...]] = ("title", "type", "territory")
    LINKS: ClassVar[tuple[str, ...]] = ("type", "territory", "project")

    title: str | None = Field(None, min_length=3, max_length=300)
    summary: OptionalText = Field(None, max_length=10000)
    status: str | None = None
    intensity: str | None = None
    started_on: date | None = None
    ended_on: date | None = None
    outcome: str | None = None
    mobilisations: list[str] | None = None
    type: Code | None = None
    territory: TerritoryCode | None = None
    project: Annotated[str, AfterValidator(id_of("Project"))] | None = None

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        return in_order(data, "startedOn", "endedOn")


@strawberry.input(description="A new conflict case.")
class CreateConflictInput:
    title: str
    type: str = strawberry.field(description="Code of its conflict type, e.g. ONSHORE_WIND.")
    territory: str = strawberry.field(description="Where it happens: INSEE code of a commune (or a larger territory).")
    summary: str | None = strawberry.UNSET
    status: ConflictStatus | None = strawberry.UNSET
    intensity: Intensity | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    outcome: Outcome | None = strawberry.UNSET
    mobilisations: list[Mobilisation] | None = strawberry.UNSET
    project: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="The project it is about.")


@strawberry.input(description="Changes to a conflict: only the fields given change; null clears a field.")
class UpdateConflictInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    type: str | None = strawberry.UNSET
    territory: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    status: ConflictStatus | None = strawberry.UNSET
    intensity: Intensity | None = strawberry.UNSET
    started_on: date | None = strawberry.UNSET
    ended_on: date | None = strawberry.UNSET
    outcome: Outcome | None = strawberry.UNSET
    mobilisations: list[Mobilisation] | None = strawberry.UNSET
    project: strawberry.ID | None = strawberry.UNSET


@strawberry.type(description="The conflict was created.")
class ConflictCreated:
    conflict: Conflict


@strawberry.type(description="The conflict was updated.")
class ConflictUpdated:
    conflict: Conflict


CreateConflictResult = Annotated[
    ConflictCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateConflictResult")
]
UpdateConflictResult = Annotated[
    ConflictUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("UpdateConflictResult")
]
