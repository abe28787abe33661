"""Task forces in GraphQL: the proposed team, and the inputs and results of creating and changing one."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from graph.task_forces import Pick, Proposal
from schema.actor import Actor
from schema.conflict import Conflict
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.task_force import TaskForce
from schema.taxonomy import ConflictType
from schema.territory import Territory

# The most cases listed per proposed member (a documented cap of the cost model).
MAX_PROPOSED_CASES = 20


@strawberry.enum(description="What a task force needs: each role is filled by one member, or reported unfilled.")
class TaskForceRole(Enum):
    MEDIATION = "MEDIATION"
    TECHNICAL_EXPERTISE = "TECHNICAL_EXPERTISE"
    LEGAL_EXPERTISE = "LEGAL_EXPERTISE"
    PEER_AUTHORITY = "PEER_AUTHORITY"
    CIVIL_SOCIETY = "CIVIL_SOCIETY"


@strawberry.enum(description="Why a role has no member.")
class UnfilledReason(Enum):
    NO_CANDIDATE = "NO_CANDIDATE"
    SAME_ORGANISATION = "SAME_ORGANISATION"
    TEAM_TOO_SMALL = "TEAM_TOO_SMALL"


@strawberry.type(description="A case that qualified a proposed member.")
class ProposedCase:
    conflict_id: relay.GlobalID
    title: str
    year: int | None
    role: str | None
    outcome: str | None
    match: str = strawberry.field(description="EXACT, SUBTYPE, RELATED (to the conflict's type) or OTHER.")


@strawberry.type(description="A member of a proposed team: the role, the score and why.")
class ProposedMember:
    actor: Actor
    based_in: Territory | None
    role: TaskForceRole
    score: float
    distance_km: float
    reason: str
    cases: list[ProposedCase]

    @classmethod
    def from_pick(cls, pick: Pick) -> ProposedMember:
        return cls(
            actor=Actor.from_record(pick.actor),
            based_in=Territory.from_record(pick.base) if pick.base else None,
            role=TaskForceRole(pick.role),
            score=round(pick.score, 6),
            distance_km=round(pick.distance_km, 2),
            reason=pick.reason,
            cases=[
                ProposedCase(
                    conflict_id=relay.GlobalID("Conflict", str(case["id"])),
                    title=str(case.get("title") or ""),
                    year=case.get("year"),
                    role=case.get("role"),
                    outcome=case.get("outcome"),
                    match=str(case["match"]),
                )
                for case in pick.cases[:MAX_PROPOSED_CASES]
            ],
        )


@strawberry.type(description="A role the proposal could not fill, and why.")
class UnfilledRole:
    role: TaskForceRole
    reason: UnfilledReason
    detail: str


def unfilled_roles(items: list[tuple[str, str, str]]) -> list[UnfilledRole]:
    return [
        UnfilledRole(role=TaskForceRole(role), reason=UnfilledReason(reason), detail=detail)
        for role, reason, detail in items
    ]


@strawberry.type(description="A proposed team for a conflict; create it with createTaskForce(fromProposal).")
class TaskForceProposal:
    conflict: Conflict
    conflict_type: ConflictType | None
    radius_km: float = strawberry.field(description="Travelling distance: members are based within it.")
    members: list[ProposedMember] = strawberry.field(description="By role: mediation first.")
    unfilled_roles: list[UnfilledRole]

    @classmethod
    def from_proposal(cls, proposal: Proposal) -> TaskForceProposal:
        type_record: dict[str, Any] | None = proposal.conflict_type
        return cls(
            conflict=Conflict.from_record(proposal.conflict or {}),
            conflict_type=ConflictType.from_record(type_record) if type_record else None,
            radius_km=proposal.radius_km,
            members=[ProposedMember.from_pick(pick) for pick in proposal.members],
            unfilled_roles=unfilled_roles(proposal.unfilled),
        )


@strawberry.input(description="A member named by hand.")
class TaskForceMemberInput:
    actor: strawberry.ID
    role: TaskForceRole
    reason: str | None = None


@strawberry.input(description="Take the members of taskForceProposal(conflict, size, radiusKm).")
class FromProposalInput:
    size: int = 5
    radius_km: float | None = None


@strawberry.input(description="A task force for a conflict: `members` by hand, or `fromProposal` (one of them).")
class CreateTaskForceInput:
    conflict: strawberry.ID
    name: str | None = None
    members: list[TaskForceMemberInput] | None = None
    from_proposal: FromProposalInput | None = None
    for_need: strawberry.ID | None = strawberry.field(
        default=None, description="The open need about this conflict that the task force answers."
    )


@strawberry.input(description="Add a member (one per organisation or network).")
class AddTaskForceMemberInput:
    task_force: strawberry.ID
    actor: strawberry.ID
    role: TaskForceRole
    reason: str | None = None


@strawberry.input(description="Remove a member.")
class RemoveTaskForceMemberInput:
    task_force: strawberry.ID
    actor: strawberry.ID


@strawberry.type(description="The task force was created with its members.")
class TaskForceCreated:
    task_force: TaskForce
    unfilled_roles: list[UnfilledRole] = strawberry.field(description="From the proposal, when created from one.")


@strawberry.type(description="The task force's members changed.")
class TaskForceUpdated:
    task_force: TaskForce


CreateTaskForceResult = Annotated[
    TaskForceCreated | ValidationFailed | NotFound | Forbidden, strawberry.union("CreateTaskForceResult")
]
TaskForceMemberResult = Annotated[
    TaskForceUpdated | ValidationFailed | NotFound | Forbidden, strawberry.union("TaskForceMemberResult")
]
