"""The mécénat d'expérience workflow in GraphQL: inputs, their validation, and the result unions."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from graph.sponsorships import TRANSITIONS
from schema.enums import SponsorshipStatus
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import CleanTextModel
from schema.sponsorship import Sponsorship


@strawberry.enum(description="How a sponsorship ended for the beneficiary's need.")
class SponsorshipOutcome(Enum):
    NEED_MET = "NEED_MET"
    PARTLY_MET = "PARTLY_MET"
    NOT_MET = "NOT_MET"


@strawberry.enum(description="The answer to a sponsorship proposal.")
class SponsorshipDecision(Enum):
    ACCEPT = "ACCEPT"
    DECLINE = "DECLINE"


@strawberry.input(description="What the beneficiary needs: a conflict type or a theme (one of them).")
class SponsorshipNeedInput:
    conflict_type: str | None = strawberry.field(default=None, description="e.g. IRRIGATION_RESERVOIR.")
    theme: str | None = strawberry.field(default=None, description="e.g. CONCERTATION.")


@strawberry.input(description="Propose a sponsorship: an experienced actor for an authority's need.")
class ProposeSponsorshipInput:
    sponsor: strawberry.ID
    beneficiary: strawberry.ID
    need: str | None = strawberry.field(
        default=None,
        description="The need in the beneficiary's words (10 to 2,000 characters); with `forNeed`, default: the "
        "posted need's description.",
    )
    conflict_type: str | None = strawberry.field(default=None, description="With `forNeed`, default: the need's.")
    theme: str | None = strawberry.field(default=None, description="With `forNeed`, default: the need's.")
    for_need: strawberry.ID | None = strawberry.field(
        default=None,
        description="The open need (posted by the beneficiary) this sponsorship answers; closing the need can then "
        "record it as the help that met it.",
    )


@strawberry.input(description="Accept or decline a proposed sponsorship (a reason is required to decline).")
class RespondToSponsorshipInput:
    id: strawberry.ID
    decision: SponsorshipDecision
    reason: str | None = None


@strawberry.input(description="Start an accepted sponsorship.")
class StartSponsorshipInput:
    id: strawberry.ID
    started_on: date | None = strawberry.field(default=None, description="Default: today.")


@strawberry.input(description="Close an active sponsorship with its outcome and the beneficiary's feedback.")
class CompleteSponsorshipInput:
    id: strawberry.ID
    outcome: SponsorshipOutcome
    feedback: str
    completed_on: date | None = strawberry.field(default=None, description="Default: today.")


_CODE = r"^[A-Z][A-Z0-9_]{0,63}$"


class ProposalFields(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    need: str = Field(min_length=10, max_length=2000)
    conflict_type: str | None = Field(None, pattern=_CODE)
    theme: str | None = Field(None, pattern=_CODE)

    @model_validator(mode="after")
    def _one_need(self) -> ProposalFields:
        if (self.conflict_type is None) == (self.theme is None):
            raise ValueError("give either a conflictType or a theme")
        return self


class ResponseFields(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    decision: str
    reason: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _reason(self) -> ResponseFields:
        if self.decision == "DECLINE" and not self.reason:
            raise ValueError("a reason is required to decline")
        return self


class CompletionFields(CleanTextModel):
    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, alias_generator=to_camel, populate_by_name=True
    )

    feedback: str = Field(min_length=10, max_length=5000)
    completed_on: date | None = None

    @field_validator("completed_on")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("must not be in the future")
        return value


@strawberry.type(description="The sponsorship was proposed; the other side answers it.")
class SponsorshipProposed:
    sponsorship: Sponsorship


@strawberry.type(description="The sponsorship moved to its new status.")
class SponsorshipUpdated:
    sponsorship: Sponsorship


@strawberry.type(description="The sponsorship's status does not allow this step; nothing was written.")
class InvalidTransition:
    message: str
    from_: SponsorshipStatus = strawberry.field(name="from", description="Its status now.")
    to: SponsorshipStatus = strawberry.field(description="The status this step would give it.")
    allowed: list[SponsorshipStatus] = strawberry.field(description="The statuses it can move to from here.")

    @classmethod
    def of(cls, current: str, wanted: str, message: str) -> InvalidTransition:
        return cls(
            message=message,
            from_=SponsorshipStatus(current),
            to=SponsorshipStatus(wanted),
            allowed=[SponsorshipStatus(status) for status in TRANSITIONS.get(current, ())],
        )


ProposeSponsorshipResult = Annotated[
    SponsorshipProposed | ValidationFailed | NotFound | Forbidden, strawberry.union("ProposeSponsorshipResult")
]
SponsorshipStepResult = Annotated[
    SponsorshipUpdated | InvalidTransition | ValidationFailed | NotFound | Forbidden,
    strawberry.union("SponsorshipStepResult"),
]
