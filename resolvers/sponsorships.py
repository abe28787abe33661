"""Mécénat d'expérience: candidate sponsors for an authority's need, and the workflow mutations."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable
from typing import Any

import strawberry
from pydantic import BaseModel, ValidationError

from graph import sponsorships as sponsorship_store
from graph.needs import NeedRefused, need_facts
from graph.sponsorships import InvalidTransition as InvalidTransitionError
from graph.sponsorships import Proposal, SponsorshipRefused
from resolvers.auth import Refusal, editor_of, guarded, write_refusal
from resolvers.matching import match_request, ranked_match
from schema.actor import ActorKind
from schema.context import Info
from schema.errors import ValidationFailed, bad_input
from schema.inputs import decode_id
from schema.matching import Ranking, SponsorCandidate
from schema.sponsorship import Sponsorship
from schema.sponsorship_input import (
    CompleteSponsorshipInput,
    CompletionFields,
    InvalidTransition,
    ProposalFields,
    ProposeSponsorshipInput,
    ProposeSponsorshipResult,
    RespondToSponsorshipInput,
    ResponseFields,
    SponsorshipNeedInput,
    SponsorshipProposed,
    SponsorshipStepResult,
    SponsorshipUpdated,
    StartSponsorshipInput,
)

log = logging.getLogger(__name__)


async def sponsorship_candidates(
    info: Info,
    beneficiary: strawberry.ID,
    need: SponsorshipNeedInput,
    radius_km: float | None = None,
    kinds: list[ActorKind] | None = None,
    first: int | None = 10,
    after: str | None = None,
) -> Ranking[SponsorCandidate]:
    try:
        beneficiary_id = decode_id(str(beneficiary), "Actor")
    except ValueError as error:
        raise bad_input(f"`beneficiary` {error}.") from None
    request = match_request(
        info,
        near=None,
        radius_km=radius_km,
        first=first,
        after=after,
        conflict_type=need.conflict_type,
        theme=need.theme,
        kinds=kinds,
        beneficiary=beneficiary_id,
    )
    return await ranked_match(info, request, SponsorCandidate.from_record, after=after, what="candidates")


def _validate(model: type[BaseModel], data: dict[str, Any]) -> ValidationFailed | None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return ValidationFailed.from_pydantic(error)
    return None


async def _guard(call: Awaitable[dict[str, Any]]) -> dict[str, Any] | Refusal:
    return await guarded(call, refused=(SponsorshipRefused, NeedRefused))


def _ids(**values: str) -> dict[str, str] | ValidationFailed:
    """Decode the global ids of an input (`id` names a Sponsorship, other fields name Actors)."""
    decoded: dict[str, str] = {}
    for field, value in values.items():
        try:
            decoded[field] = decode_id(value, "Sponsorship" if field == "id" else "Actor")
        except ValueError as error:
            return ValidationFailed.single(field, str(error))
    return decoded


async def propose_sponsorship(info: Info, input: ProposeSponsorshipInput) -> ProposeSponsorshipResult:
    refusal = write_refusal(info, "Proposing a sponsorship")
    if refusal is not None:
        return refusal
    ids = _ids(sponsor=str(input.sponsor), beneficiary=str(input.beneficiary))
    if isinstance(ids, ValidationFailed):
        return ids
    data = {"need": input.need, "conflict_type": input.conflict_type, "theme": input.theme}
    for_need: str | None = None
    if input.for_need is not None:
        try:
            for_need = decode_id(str(input.for_need), "Need")
        except ValueError as error:
            return ValidationFailed.single("forNeed", str(error))
        facts = await need_facts(info.context.store, for_need)
        if facts["need"] is None:
            return ValidationFailed.single("forNeed", f"No need has the id {for_need!r}.")
        if input.need is None:
            data["need"] = facts["need"].get("description")
        if input.conflict_type is None and input.theme is None:
            data["conflict_type"], data["theme"] = facts["conflictType"], facts["theme"]
    invalid = _validate(ProposalFields, data)
    if invalid is not None:
        return invalid
    fields = ProposalFields.model_validate(data)
    proposal = Proposal(
        sponsor=ids["sponsor"],
        beneficiary=ids["beneficiary"],
        need=fields.need,
        conflict_type=fields.conflict_type,
        theme=fields.theme,
        for_need=for_need,
    )
    record = await _guard(sponsorship_store.propose(info.context.store, proposal, editor_of(info.context.principal)))
    if not isinstance(record, dict):
        return record
    log.info("sponsorship proposed")
    return SponsorshipProposed(sponsorship=Sponsorship.from_record(record))


async def _step(
    info: Info, raw_id: str, to: str, props: dict[str, Any], *, asked_side_only: bool = False
) -> SponsorshipStepResult:
    ids = _ids(id=raw_id)
    if isinstance(ids, ValidationFailed):
        return ids
    try:
        record = await _guard(
            sponsorship_store.move(
                info.context.store,
                ids["id"],
                to,
                props,
                editor_of(info.context.principal),
                asked_side_only=asked_side_only,
            )
        )
    except InvalidTransitionError as error:
        return InvalidTransition.of(error.current, error.wanted, str(error))
    if not isinstance(record, dict):
        return record
    log.info("sponsorship moved to %s", to)
    return SponsorshipUpdated(sponsorship=Sponsorship.from_record(record))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def respond_to_sponsorship(info: Info, input: RespondToSponsorshipInput) -> SponsorshipStepResult:
    refusal = write_refusal(info, "Answering a sponsorship")
    if refusal is not None:
        return refusal
    invalid = _validate(ResponseFields, {"decision": input.decision.value, "reason": input.reason})
    if invalid is not None:
        return invalid
    accept = input.decision.value == "ACCEPT"
    props: dict[str, Any] = {"respondedAt": _now()}
    if not accept:
        props["declineReason"] = (input.reason or "").strip()
    to = "ACCEPTED" if accept else "DECLINED"
    return await _step(info, str(input.id), to, props, asked_side_only=True)


async def start_sponsorship(info: Info, input: StartSponsorshipInput) -> SponsorshipStepResult:
    refusal = write_refusal(info, "Starting a sponsorship")
    if refusal is not None:
        return refusal
    started = input.started_on or dt.date.today()
    return await _step(info, str(input.id), "ACTIVE", {"startedOn": started})


async def complete_sponsorship(info: Info, input: CompleteSponsorshipInput) -> SponsorshipStepResult:
    refusal = write_refusal(info, "Completing a sponsorship")
    if refusal is not None:
        return refusal
    data = {"feedback": input.feedback, "completed_on": input.completed_on}
    invalid = _validate(CompletionFields, data)
    if invalid is not None:
        return invalid
    fields = CompletionFields.model_validate(data)
    props = {
        "outcome": input.outcome.value,
        "feedback": fields.feedback,
        "completedOn": fields.completed_on or dt.date.today(),
    }
    return await _step(info, str(input.id), "COMPLETED", props)
