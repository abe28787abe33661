"""Inputs and results of the actor mutations, with their validation."""

from __future__ import annotations

import re
from typing import Annotated, ClassVar

import strawberry
from pydantic import AfterValidator, Field

from schema.actor import Actor, ActorKind
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import Codes, CommuneCode, FieldsModel, OptionalText, TerritoryCodes, WebAddress

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _siren(value: str | None) -> str | None:
    if value and not (re.fullmatch(r"\d{9}", value) and luhn_ok(value)):
        raise ValueError("must be a valid SIREN: 9 digits with a correct check digit")
    return value or None


def _siret(value: str | None) -> str | None:
    if value and not (re.fullmatch(r"\d{14}", value) and luhn_ok(value)):
        raise ValueError("must be a valid SIRET: 14 digits with a correct check digit")
    return value or None


def _rna(value: str | None) -> str | None:
    if value and not re.fullmatch(r"W\d{9}", value):
        raise ValueError("must be an RNA number: W followed by 9 digits")
    return value or None


def _email(value: str | None) -> str | None:
    if value and not _EMAIL.match(value):
        raise ValueError("must be an e-mail address such as contact@example.fr")
    return value or None


def _phone(value: str | None) -> str | None:
    if value and not _PHONE.match(value):
        raise ValueError("must be a phone number such as 01 23 45 67 89 or +33 1 23 45 67 89")
    return value or None


class ActorFields(FieldsModel):
    """The editable fields of an actor (create and update share them)."""

    REQUIRED: ClassVar[tuple[str, ...]] = ("name", "kind")
    LINKS: ClassVar[tuple[str, ...]] = ("basedIn", "actsIn", "themes")

    name: str | None = Field(None, min_length=2, max_length=200)
    kind: str | None = None
    description: OptionalText = Field(None, max_length=5000)
    website: WebAddress = Field(None, max_length=500)
    siren: Annotated[str | None, AfterValidator(_siren)] = None
    siret: Annotated[str | None, AfterValidator(_siret)] = None
    rna: Annotated[str | None, AfterValidator(_rna)] = None
    open_to_sponsorship: bool | None = None
    sponsorship_capacity: int | None = Field(None, ge=0, le=20)
    email: Annotated[str | None, AfterValidator(_email)] = Field(None, max_length=254)
    phone: Annotated[str | None, AfterValidator(_phone)] = None
    contact_name: OptionalText = Field(None, max_length=200)
    based_in: CommuneCode = None
    acts_in: TerritoryCodes | None = Field(None, max_length=50)
    themes: Codes | None = Field(None, max_length=30)


@strawberry.input(description="A new actor of the directory.")
class CreateActorInput:
    name: str
    kind: ActorKind
    description: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    siren: str | None = strawberry.UNSET
    siret: str | None = strawberry.UNSET
    rna: str | None = strawberry.UNSET
    open_to_sponsorship: bool | None = strawberry.UNSET
    sponsorship_capacity: int | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    contact_name: str | None = strawberry.UNSET
    based_in: str | None = strawberry.field(default=strawberry.UNSET, description="INSEE code of the base commune.")
    acts_in: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Codes of the territories it acts in (any level)."
    )
    themes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Theme codes.")


@strawberry.input(description="Changes to an actor: only the fields given change; null clears a field.")
class UpdateActorInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    kind: ActorKind | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    website: str | None = strawberry.UNSET
    siren: str | None = strawberry.UNSET
    siret: str | None = strawberry.UNSET
    rna: str | None = strawberry.UNSET
    open_to_sponsorship: bool | None = strawberry.UNSET
    sponsorship_capacity: int | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    contact_name: str | None = strawberry.UNSET
    based_in: str | None = strawberry.field(default=strawberry.UNSET, description="INSEE code of the base commune.")
    acts_in: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the territories it acts in."
    )
    themes: list[str] | None = strawberry.field(default=strawberry.UNSET, description="Replaces its themes.")


@strawberry.type(description="The actor was created.")
class ActorCreated:
    actor: Actor


@strawberry.type(description="The actor was updated.")
class ActorUpdated:
    actor: Actor


CreateActorResult = Annotated[
    ActorCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateActorResult")
]
UpdateActorResult = Annotated[
    ActorUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("UpdateActorResult")
]
