"""The Actor GraphQL type (the directory), its input and its mutation results."""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Any

import strawberry
from pydantic import BaseModel, ConfigDict, Field, field_validator
from strawberry import relay

from graph import actors as actor_store
from graph.store import Store
from schema.context import Info
from schema.errors import Forbidden, NotFound, ValidationFailed, forbidden_field
from schema.scalars import iso
from schema.territory import Territory


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


async def _load_base_territories(store: Store, actor_ids: list[str]) -> list[dict[str, Any] | None]:
    found = await actor_store.base_territories(store, actor_ids)
    return [found.get(actor_id) for actor_id in actor_ids]


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
    created_at: str | None
    updated_at: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Actor:
        return cls(
            id=record["id"],
            name=record["name"],
            kind=ActorKind(record.get("kind") or "AUTRE"),
            description=record.get("description"),
            website=record.get("website"),
            siren=record.get("siren"),
            siret=record.get("siret"),
            rna=record.get("rna"),
            open_to_sponsorship=bool(record.get("openToSponsorship")),
            created_at=iso(record.get("createdAt")),
            updated_at=iso(record.get("updatedAt")),
            record=record,
        )

    @strawberry.field(description="The commune where the actor is based.")
    async def based_in(self, info: Info) -> Territory | None:
        loader = info.context.loaders.get("actor.basedIn", _load_base_territories)
        record = await loader.load(self.id)
        return Territory.from_record(record) if record else None

    @strawberry.field(description="Contact e-mail (private: reader role or above).")
    def email(self, info: Info) -> str | None:
        if not info.context.principal.can_read_private:
            raise forbidden_field("Actor.email")
        value = self.record.get("email")
        return str(value) if value is not None else None

    @strawberry.field(description="Contact phone (private: reader role or above).")
    def phone(self, info: Info) -> str | None:
        if not info.context.principal.can_read_private:
            raise forbidden_field("Actor.phone")
        value = self.record.get("phone")
        return str(value) if value is not None else None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


class ActorFields(BaseModel):
    """Validation of the editable fields of an actor (create and update share it)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    name: str = Field(min_length=2, max_length=200)
    kind: str
    description: str | None = Field(None, max_length=5000)
    website: str | None = Field(None, max_length=500)
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    open_to_sponsorship: bool = False
    email: str | None = Field(None, max_length=254)
    phone: str | None = None
    based_in: str | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in actor_store.ACTOR_KINDS:
            raise ValueError(f"must be one of {', '.join(actor_store.ACTOR_KINDS)}")
        return value

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        if value and not re.match(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", value):
            raise ValueError("must be a web address starting with http:// or https://")
        return value or None

    @field_validator("siren")
    @classmethod
    def _siren(cls, value: str | None) -> str | None:
        if value and not (re.fullmatch(r"\d{9}", value) and luhn_ok(value)):
            raise ValueError("must be a valid SIREN: 9 digits with a correct check digit")
        return value or None

    @field_validator("siret")
    @classmethod
    def _siret(cls, value: str | None) -> str | None:
        if value and not (re.fullmatch(r"\d{14}", value) and luhn_ok(value)):
            raise ValueError("must be a valid SIRET: 14 digits with a correct check digit")
        return value or None

    @field_validator("rna")
    @classmethod
    def _rna(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"W\d{9}", value):
            raise ValueError("must be an RNA number: W followed by 9 digits")
        return value or None

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not _EMAIL.match(value):
            raise ValueError("must be an e-mail address such as contact@example.fr")
        return value or None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not _PHONE.match(value):
            raise ValueError("must be a phone number such as 01 23 45 67 89 or +33 1 23 45 67 89")
        return value or None

    @field_validator("based_in")
    @classmethod
    def _based_in(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"(\d[0-9AB]|97)\d{3}", value):
            raise ValueError("must be the 5-character INSEE code of a commune, e.g. 35238 for Rennes")
        return value or None

    def properties(self) -> dict[str, Any]:
        """The node properties (camelCase), without relationship fields."""
        return {
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "website": self.website,
            "siren": self.siren,
            "siret": self.siret,
            "rna": self.rna,
            "openToSponsorship": self.open_to_sponsorship,
            "email": self.email,
            "phone": self.phone,
        }


@strawberry.input(description="A new actor of the directory.")
class CreateActorInput:
    name: str
    kind: ActorKind
    description: str | None = None
    website: str | None = None
    siren: str | None = None
    siret: str | None = None
    rna: str | None = None
    open_to_sponsorship: bool = False
    email: str | None = None
    phone: str | None = None
    based_in: str | None = strawberry.field(default=None, description="INSEE code of the base commune.")

    def to_model_data(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind.value,
            "description": self.description,
            "website": self.website,
            "siren": self.siren,
            "siret": self.siret,
            "rna": self.rna,
            "open_to_sponsorship": self.open_to_sponsorship,
            "email": self.email,
            "phone": self.phone,
            "based_in": self.based_in,
        }


@strawberry.type(description="The actor was created.")
class ActorCreated:
    actor: Actor


CreateActorResult = Annotated[
    ActorCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateActorResult")
]
