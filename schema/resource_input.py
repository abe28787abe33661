"""Inputs and results of the resource and blog-article mutations, with their validation."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

import strawberry
from pydantic import Field

from schema.enums import ResourceKind
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import Codes, FieldsModel, OptionalText, WebAddress
from schema.resource import Resource


class ResourceFields(FieldsModel):
    REQUIRED: ClassVar[tuple[str, ...]] = ("title", "kind")
    LINKS: ClassVar[tuple[str, ...]] = ("themes", "conflictTypes")

    title: str | None = Field(None, min_length=3, max_length=300)
    kind: str | None = None
    url: WebAddress = Field(None, max_length=1000)
    summary: OptionalText = Field(None, max_length=20000)
    published_on: date | None = None
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    themes: Codes | None = Field(None, max_length=30)
    conflict_types: Codes | None = Field(None, max_length=30)


@strawberry.input(description="A new resource of the resource centre, or a blog article (kind ARTICLE).")
class CreateResourceInput:
    title: str
    kind: ResourceKind
    url: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    published_on: date | None = strawberry.UNSET
    language: str | None = strawberry.field(default=strawberry.UNSET, description="ISO 639-1 code (default fr).")
    themes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Theme codes.")
    conflict_types: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Conflict type codes.")


@strawberry.input(description="Changes to a resource: only the fields given change; null clears a field.")
class UpdateResourceInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    kind: ResourceKind | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    summary: str | None = strawberry.UNSET
    published_on: date | None = strawberry.UNSET
    language: str | None = strawberry.UNSET
    themes: list[str] | None = strawberry.UNSET
    conflict_types: list[str] | None = strawberry.UNSET


@strawberry.type(description="The resource was created.")
class ResourceCreated:
    resource: Resource


@strawberry.type(description="The resource was updated.")
class ResourceUpdated:
    resource: Resource


CreateResourceResult = Annotated[
    ResourceCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateResourceResult")
]
UpdateResourceResult = Annotated[
    ResourceUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("UpdateResourceResult")
]
