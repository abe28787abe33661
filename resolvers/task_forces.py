"""Task forces: a proposed team for a conflict (one round trip), and creating and changing one."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import strawberry

from graph import task_forces as task_force_store
from graph.needs import NeedRefused
from graph.task_forces import Proposal, TaskForceRefused
from resolvers.auth import Refusal, editor_of, guarded, write_refusal
from schema.context import Info
from schema.errors import ApiError, NotFound, ValidationFailed, bad_input
from schema.inputs import decode_id
from schema.task_force import TaskForce
from schema.task_force_input import (
    AddTaskForceMemberInput,
    CreateTaskForceInput,
    CreateTaskForceResult,
    RemoveTaskForceMemberInput,
    TaskForceCreated,
    TaskForceMemberResult,
    TaskForceProposal,
    TaskForceUpdated,
    unfilled_roles,
)

log = logging.getLogger(__name__)
MAX_SIZE = 12


def _radius(info: Info, radius_km: float | None) -> float:
    settings = info.context.settings
    radius = settings.task_force_radius_km if radius_km is None else radius_km
    if not 0 < radius <= settings.matching_max_radius_km:
        raise bad_input(f"`radiusKm` must be above 0 and at most {settings.matching_max_radius_km:g} km.")
    return radius


async def _proposal(info: Info, conflict_id: str, size: int, radius_km: float | None) -> Proposal:
    if not 1 <= size <= MAX_SIZE:
        raise bad_input(f"`size` must be between 1 and {MAX_SIZE}.")
    return await task_force_store.propose_team(
        info.context.store,
        conflict_id,
        size=size,
        radius_km=_radius(info, radius_km),
        weights=info.context.settings.matching_weights,
    )


async def task_force_proposal(
    info: Info, conflict: strawberry.ID, size: int = 5, radius_km: float | None = None
) -> TaskForceProposal:
    try:
        conflict_id = decode_id(str(conflict), "Conflict")
    except ValueError as error:
        raise bad_input(f"`conflict` {error}.") from None
    proposal = await _proposal(info, conflict_id, size, radius_km)
    if proposal.conflict is None:
        raise ApiError(f"No conflict has the id {conflict_id!r}.", "NOT_FOUND")
    return TaskForceProposal.from_proposal(proposal)


async def _guard(call: Awaitable[dict[str, Any]]) -> dict[str, Any] | Refusal:
    return await guarded(call, refused=(TaskForceRefused, NeedRefused))


def _decode(field: str, value: object, type_name: str) -> str | ValidationFailed:
    try:
        return decode_id(str(value), type_name)
    except ValueError as error:
        return ValidationFailed.single(field, str(error))


async def create_task_force(info: Info, input: CreateTaskForceInput) -> CreateTaskForceResult:
    refusal = write_refusal(info, "Creating a task force")
    if refusal is not None:
        return refusal
    conflict_id = _decode("conflict", input.conflict, "Conflict")
    if isinstance(conflict_id, ValidationFailed):
        return conflict_id
    if (input.members is None) == (input.from_proposal is None):
        return ValidationFailed.single("members", "give either `members` or `fromProposal`")
    name = (input.name or "").strip() or None
    if name is not None and len(name) > 200:
        return ValidationFailed.single("name", "must be at most 200 characters")
    unfilled: list[tuple[str, str, str]] = []
    members: list[dict[str, str]] = []
    if input.from_proposal is not None:
        try:
            proposal = await _proposal(info, conflict_id, input.from_proposal.size, input.from_proposal.radius_km)
        except ApiError as error:
            return ValidationFailed.single("fromProposal", error.message)
        if proposal.conflict is None:
            return NotFound(message=f"No conflict has the id {conflict_id!r}.", id=conflict_id)
        if not proposal.members:
            return ValidationFailed.single("fromProposal", "No actor within reach qualifies for any role.")
        members = [{"actor": p.actor["id"], "role": p.role, "reason": p.reason} for p in proposal.members]
        unfilled = proposal.unfilled
    else:
        for index, member in enumerate(input.members or []):
            actor_id = _decode(f"members.{index}.actor", member.actor, "Actor")
            if isinstance(actor_id, ValidationFailed):
                return actor_id
            reason = (member.reason or "").strip()
            if len(reason) > 1000:
                return ValidationFailed.single(f"members.{index}.reason", "must be at most 1000 characters")
            members.append({"actor": actor_id, "role": member.role.value, "reason": reason or "Named by hand."})
        if not members:
            return ValidationFailed.single("members", "a task force needs at least one member")
    for_need: str | None = None
    if input.for_need is not None:
        decoded = _decode("forNeed", input.for_need, "Need")
        if isinstance(decoded, ValidationFailed):
            return decoded
        for_need = decoded
    record = await _guard(
        task_force_store.create_task_force(
            info.context.store, conflict_id, name, members, editor_of(info.context.principal), for_need
        )
    )
    if not isinstance(record, dict):
        return record
    log.info("task force created with %d member(s)", len(members))
    return TaskForceCreated(task_force=TaskForce.from_record(record), unfilled_roles=unfilled_roles(unfilled))


def _member_change(
    info: Info, input: AddTaskForceMemberInput | RemoveTaskForceMemberInput
) -> tuple[str, str] | Refusal:
    """The task force and actor ids of a member change, or why it is refused."""
    refusal = write_refusal(info, "Changing a task force")
    if refusal is not None:
        return refusal
    task_force_id = _decode("taskForce", input.task_force, "TaskForce")
    if isinstance(task_force_id, ValidationFailed):
        return task_force_id
    actor_id = _decode("actor", input.actor, "Actor")
    if isinstance(actor_id, ValidationFailed):
        return actor_id
    return task_force_id, actor_id


async def add_task_force_member(info: Info, input: AddTaskForceMemberInput) -> TaskForceMemberResult:
    ids = _member_change(info, input)
    if not isinstance(ids, tuple):
        return ids
    task_force_id, actor_id = ids
    reason = (input.reason or "").strip() or "Named by hand."
    record = await _guard(
        task_force_store.add_member(
            info.context.store, task_force_id, actor_id, input.role.value, reason, editor_of(info.context.principal)
        )
    )
    if not isinstance(record, dict):
        return record
    return TaskForceUpdated(task_force=TaskForce.from_record(record))


async def remove_task_force_member(info: Info, input: RemoveTaskForceMemberInput) -> TaskForceMemberResult:
    ids = _member_change(info, input)
    if not isinstance(ids, tuple):
        return ids
    task_force_id, actor_id = ids
    record = await _guard(
        task_force_store.remove_member(info.context.store, task_force_id, actor_id, editor_of(info.context.principal))
    )
    if not isinstance(record, dict):
        return record
    return TaskForceUpdated(task_force=TaskForce.from_record(record))
