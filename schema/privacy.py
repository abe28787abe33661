"""Personal data in GraphQL: the admins' export and erasure of an actor's contact fields (graph.privacy)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from schema.errors import Forbidden, NotFound, ValidationFailed


@strawberry.input(description="The actor whose contact data is exported or erased.")
class PersonalDataInput:
    actor: strawberry.ID = strawberry.field(description="The actor's id (global id, or raw id).")


@strawberry.type(description="Everything the service holds about an actor's contact (docs/privacy.md).")
class PersonalDataExported:
    actor: strawberry.ID
    data: JSON = strawberry.field(
        description="The actor's record with its contact fields, its relationships, copies of the values held "
        "elsewhere and the audit entries about it — the document `tec privacy export` writes."
    )


@strawberry.type(description="The actor's contact fields were removed everywhere the service keeps them.")
class PersonalDataErased:
    actor: strawberry.ID
    erased_fields: list[str] = strawberry.field(description="The contact fields the actor held (now removed).")
    redacted_records: int = strawberry.field(description="Other records in which a copy was replaced by [erased].")
    redacted_relationships: int


ExportPersonalDataResult = Annotated[
    PersonalDataExported | ValidationFailed | NotFound | Forbidden, strawberry.union("ExportPersonalDataResult")
]
ErasePersonalDataResult = Annotated[
    PersonalDataErased | ValidationFailed | NotFound | Forbidden, strawberry.union("ErasePersonalDataResult")
]
