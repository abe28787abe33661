"""The Need GraphQL type (besoin): what an actor needs help with, the candidates around it, what met it."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.actor import ActorKind
from schema.context import Info, Principal
from schema.errors import ApiError
from schema.inputs import decode_id
from schema.matching import Ranking, SponsorCandidate
from schema.related import related, related_one
from schema.scalars import iso, near_distance_field
from schema.sponsorship import Sponsorship
from schema.task_force import TaskForce
from schema.task_force_input import TaskForceProposal
from schema.taxonomy import ConflictType, Theme
from schema.territory import Territory
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.conflict import Conflict


@strawberry.enum(description="Where a need stands.")
class NeedStatus(Enum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


@strawberry.enum(description="The kinds of help a need asks for.")
class NeedHelp(Enum):
    SPONSOR = "SPONSOR"
    TASK_FORCE = "TASK_FORCE"
    RESOURCES = "RESOURCES"


@strawberry.enum(description="How a need ended.")
class NeedOutcome(Enum):
    NEED_MET = "NEED_MET"
    PARTLY_MET = "PARTLY_MET"
    NOT_MET = "NOT_MET"
    WITHDRAWN = "WITHDRAWN"


HelpGiven = Annotated[Sponsorship | TaskForce, strawberry.union("NeedHelpGiven")]


def acts_for_poster(principal: Principal, need: dict[str, Any], poster: dict[str, Any] | None) -> bool:
    """Admin, or an editor key that may act for the actor that posted the need (the rule of
    `graph.editing.owns`: scoped to it, of its source, or its creator), or the key that posted the need."""
    if principal.is_admin:
        return True
    if not principal.can_write:
        return False
    scoped = principal.actor_id
    if scoped:
        with suppress(ValueError):
            scoped = decode_id(scoped, "Actor")
    if need.get("createdBy") == principal.label:
        return True
    if poster is None:
        return False
    return (
        (scoped is not None and poster.get("id") == scoped)
        or (principal.source is not None and poster.get("source") == principal.source)
        or poster.get("createdBy") == principal.label
    )


@strawberry.type(description="A need (besoin) an actor posted: what, where, by when, and what kind of help.")
class Need(relay.Node):
    id: relay.NodeID[str]
    description: str = strawberry.field(description="The need in the poster's words (public: it asks for help).")
    status: NeedStatus | None
    help: list[NeedHelp] = strawberry.field(description="The kinds of help it asks for.")
    due_on: date | None = strawberry.field(description="The date by which help is wanted.")
    posted_at: str | None
    closed_at: str | None
    outcome: NeedOutcome | None = strawberry.field(description="How it ended, once closed.")
    distance_km: float | None = near_distance_field()
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Need:
        return cls(
            id=record["id"],
            description=str(record.get("description") or ""),
            status=to_enum(NeedStatus, record.get("status")),
            help=[h for h in (to_enum(NeedHelp, v) for v in record.get("help") or []) if h],
            due_on=to_date(record.get("dueOn")),
            posted_at=iso(record.get("postedAt")),
            closed_at=iso(record.get("closedAt")),
            outcome=to_enum(NeedOutcome, record.get("outcome")),
            distance_km=record.get("_distanceKm"),
            record=record,
        )

    @strawberry.field(description="The closing note (the poster's keys and admins only).")
    async def closing_note(self, info: Info) -> str | None:
        poster = await related_one(info, "need.actor", self.id)
        if not acts_for_poster(info.context.principal, self.record, poster):
            raise ApiError(
                "Need.closingNote is visible only to keys that may act for the actor that posted the need, and to "
                "admins; send such an API key in the Authorization header (Bearer …).",
                "FORBIDDEN",
            )
        value = self.record.get("closingNote")
        return str(value) if value is not None else None

    @strawberry.field(description="The actor that posted it.")
    async def actor(self, info: Info) -> Annotated[Actor, strawberry.lazy("schema.actor")] | None:
        from schema.actor import Actor

        record = await related_one(info, "need.actor", self.id)
        return Actor.from_record(record) if record else None

    @strawberry.field(description="The conflict type it is about (or none: a theme).")
    async def conflict_type(self, info: Info) -> ConflictType | None:
        record = await related_one(info, "need.conflictType", self.id)
        return ConflictType.from_record(record) if record else None

    @strawberry.field(description="The theme it is about (or none: a conflict type).")
    async def theme(self, info: Info) -> Theme | None:
        record = await related_one(info, "need.theme", self.id)
        return Theme.from_record(record) if record else None

    @strawberry.field(description="Where: the territory it gave, else the poster's base commune.")
    async def territory(self, info: Info) -> Territory | None:
        record = await related_one(info, "need.territory", self.id)
        return Territory.from_record(record) if record else None

    @strawberry.field(description="The conflict it is about, if any.")
    async def conflict(self, info: Info) -> Annotated[Conflict, strawberry.lazy("schema.conflict")] | None:
        from schema.conflict import Conflict

        record = await related_one(info, "need.conflict", self.id)
        return Conflict.from_record(record) if record else None

    @strawberry.field(description="The sponsorships proposed for it (oldest first).")
    async def sponsorships(self, info: Info, first: int | None = None) -> list[Sponsorship]:
        items = await related(info, "need.sponsorships", self.id, first=first)
        return [Sponsorship.from_record(item["node"]) for item in items]

    @strawberry.field(description="The task forces created for it (oldest first).")
    async def task_forces(self, info: Info, first: int | None = None) -> list[TaskForce]:
        items = await related(info, "need.taskForces", self.id, first=first)
        return [TaskForce.from_record(item["node"]) for item in items]

    @strawberry.field(description="The help that met it, recorded when it was closed.")
    async def met_by(self, info: Info) -> list[HelpGiven]:
        items = await related(info, "need.metBy", self.id)
        given: list[Sponsorship | TaskForce] = []
        for item in items:
            if "Sponsorship" in item["labels"]:
                given.append(Sponsorship.from_record(item["node"]))
            elif "TaskForce" in item["labels"]:
                given.append(TaskForce.from_record(item["node"]))
        return given

    @strawberry.field(
        description="The sponsorship candidates around it: `sponsorshipCandidates` for its poster and its type or "
        "theme (same ranking, same explanations)."
    )
    async def candidates(
        self,
        info: Info,
        radius_km: float | None = None,
        kinds: list[ActorKind] | None = None,
        first: int | None = 10,
        after: str | None = None,
    ) -> Ranking[SponsorCandidate]:
        # The one field of a type that answers with a root field's resolver: a need's candidates ARE
        # sponsorshipCandidates (docs/decisions.md).
        from resolvers.sponsorships import sponsorship_candidates
        from schema.sponsorship_input import SponsorshipNeedInput

        poster = await related_one(info, "need.actor", self.id)
        if poster is None:
            raise ApiError("This need has no poster any more; it has no candidates.", "NOT_FOUND")
        conflict_type = await related_one(info, "need.conflictType", self.id)
        theme = await related_one(info, "need.theme", self.id)
        need = SponsorshipNeedInput(
            conflict_type=conflict_type["code"] if conflict_type else None, theme=theme["code"] if theme else None
        )
        return await sponsorship_candidates(
            info, strawberry.ID(str(poster["id"])), need, radius_km=radius_km, kinds=kinds, first=first, after=after
        )

    @strawberry.field(
        description="For a need about a conflict: `taskForceProposal` for that conflict (none otherwise)."
    )
    async def task_force_proposal(
        self, info: Info, size: int = 5, radius_km: float | None = None
    ) -> TaskForceProposal | None:
        from resolvers.task_forces import task_force_proposal

        conflict = await related_one(info, "need.conflict", self.id)
        if conflict is None:
            return None
        return await task_force_proposal(info, strawberry.ID(str(conflict["id"])), size=size, radius_km=radius_km)
