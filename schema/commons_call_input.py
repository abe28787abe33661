"""Inputs and results of the call-for-commons mutations, with their validation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, ClassVar

import strawberry
from pydantic import Field

from schema.commons_call import CommonsCall
from schema.errors import FieldError, Forbidden, NotFound, ValidationFailed
from schema.inputs import FieldsModel, OptionalText, in_order


class CommonsCallFields(FieldsModel):
    REQUIRED: ClassVar[tuple[str, ...]] = ("title",)

    title: str | None = Field(None, min_length=3, max_length=300)
    description: OptionalText = Field(None, max_length=20000)
    opens_on: date | None = None
    closes_on: date | None = None

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        return in_order(data, "opensOn", "closesOn")


@strawberry.input(description="A new call for commons.")
class CreateCommonsCallInput:
    title: str
    description: str | None = strawberry.UNSET
    opens_on: date | None = strawberry.UNSET
    closes_on: date | None = strawberry.UNSET


@strawberry.input(description="Changes to a call for commons: only the fields given change; null clears a field.")
class UpdateCommonsCallInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    opens_on: date | None = strawberry.UNSET
    closes_on: date | None = strawberry.UNSET


@strawberry.type(description="The call for commons was created.")
class CommonsCallCreated:
    commons_call: CommonsCall


@strawberry.type(description="The call for commons was updated.")
class CommonsCallUpdated:
    commons_call: CommonsCall


CreateCommonsCallResult = Annotated[
    CommonsCallCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateCommonsCallResult")
]
UpdateCommonsCallResult = Annotated[
    CommonsCallUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("UpdateCommonsCallResult")
]
