"""Needs in GraphQL: the inputs of postNeed, updateNeed, closeNeed and setAlertPreferences, and their results."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from schema.actor import Actor
from schema.alert_preferences import AlertPreferences
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import CleanTextModel
from schema.need import Need, NeedHelp, NeedOutcome

_CODE = r"^[A-Z][A-Z0-9_]{0,63}$"
_TERRITORY = r"^[0-9A-Za-z_-]{1,64}$"
MAX_ALERT_TYPES = 50


def _each_once(help_kinds: list[str]) -> list[str]:
    """A need's kinds of help, each named only once (postNeed and updateNeed alike)."""
    if len(set(help_kinds)) != len(help_kinds):
        raise ValueError("each kind of help only once")
    return help_kinds


def _not_in_past(due_on: date | None) -> date | None:
    """A need's due date: none, today or later."""
    if due_on is not None and due_on < date.today():
        raise ValueError("must not be in the past")
    return due_on


@strawberry.input(description="Post a need for an actor (a key that may act for it, or admin).")
class PostNeedInput:
    actor: strawberry.ID = strawberry.field(description="The actor that needs help (usually a local authority).")
    description: str = strawberry.field(description="What is needed, in the actor's words (10 to 2,000 characters).")
    help: list[NeedHelp] = strawberry.field(description="The kinds of help wanted (at least one).")
    conflict_type: str | None = strawberry.field(default=None, description="e.g. IRRIGATION_RESERVOIR (or a theme).")
    theme: str | None = strawberry.field(default=None, description="e.g. CONCERTATION (or a conflict type).")
    territory: str | None = strawberry.field(
        default=None, description="Where (INSEE code, EPCI SIREN or territory id); default: the actor's base commune."
    )
    conflict: strawberry.ID | None = strawberry.field(default=None, description="The conflict the need is about.")
    due_on: date | None = strawberry.field(default=None, description="The date by which help is wanted.")


@strawberry.input(description="Change an open need: its text, its kinds of help, its due date (null clears it).")
class UpdateNeedInput:
    id: strawberry.ID
    description: str | None = strawberry.UNSET
    help: list[NeedHelp] | None = strawberry.UNSET
    due_on: date | None = strawberry.UNSET


@strawberry.input(description="Close an open need with its outcome and the help that met it.")
class CloseNeedInput:
    id: strawberry.ID
    outcome: NeedOutcome
    met_by: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="The sponsorships or task forces that answer this need and met it (outcome NEED_MET or "
        "PARTLY_MET); each then counts as experience for its sponsor or members in the matching.",
    )
    note: str | None = strawberry.field(default=None, description="A closing note (poster's keys and admins read it).")


@strawberry.input(description="An actor's alert preferences; omitted fields stay as they are, null clears.")
class SetAlertPreferencesInput:
    actor: strawberry.ID
    muted: bool | None = strawberry.UNSET
    radius_km: float | None = strawberry.field(
        default=strawberry.UNSET, description="Alert only within this distance of the actor's base (km)."
    )
    conflict_types: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Alert only for these conflict types (or their subtypes)."
    )


class NeedFields(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    description: str = Field(min_length=10, max_length=2000)
    help: list[str] = Field(min_length=1, max_length=3)
    conflict_type: str | None = Field(None, pattern=_CODE)
    theme: str | None = Field(None, pattern=_CODE)
    territory: str | None = Field(None, pattern=_TERRITORY)
    due_on: date | None = None

    @field_validator("help")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        return _each_once(value)

    @field_validator("due_on")
    @classmethod
    def _not_past(cls, value: date | None) -> date | None:
        return _not_in_past(value)

    @model_validator(mode="after")
    def _one_subject(self) -> NeedFields:
        if (self.conflict_type is None) == (self.theme is None):
            raise ValueError("give either a conflictType or a theme")
        return self


class NeedChanges(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    description: str | None = Field(None, min_length=10, max_length=2000)
    help: list[str] | None = Field(None, min_length=1, max_length=3)
    due_on: date | None = None

    @field_validator("help")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _each_once(value)

    @field_validator("due_on")
    @classmethod
    def _not_past(cls, value: date | None) -> date | None:
        return _not_in_past(value)


class ClosingFields(CleanTextModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(None, max_length=5000)


class PreferenceFields(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    radius_km: float | None = Field(None, gt=0, le=1000)
    conflict_types: list[Annotated[str, Field(pattern=_CODE)]] | None = Field(None, max_length=MAX_ALERT_TYPES)


@strawberry.type(description="The need was posted (and the actors the matching ranks first were alerted).")
class NeedPosted:
    need: Need


@strawberry.type(description="The need was changed, or closed.")
class NeedUpdated:
    need: Need


@strawberry.type(description="The need is closed: it can no longer change; nothing was written.")
class NeedAlreadyClosed:
    message: str
    id: strawberry.ID


@strawberry.type(description="The actor's alert preferences were set.")
class AlertPreferencesSet:
    actor: Actor
    preferences: AlertPreferences


PostNeedResult = Annotated[NeedPosted | ValidationFailed | NotFound | Forbidden, strawberry.union("PostNeedResult")]
NeedStepResult = Annotated[
    NeedUpdated | NeedAlreadyClosed | ValidationFailed | NotFound | Forbidden, strawberry.union("NeedStepResult")
]
SetAlertPreferencesResult = Annotated[
    AlertPreferencesSet | ValidationFailed | NotFound | Forbidden, strawberry.union("SetAlertPreferencesResult")
]
