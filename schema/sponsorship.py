"""The Sponsorship GraphQL type (mécénat d'expérience), read-only here: its workflow is the matching API's."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info, Principal
from schema.enums import SponsorshipStatus
from schema.errors import parties_only_field
from schema.inputs import decode_id
from schema.related import related, related_one
from schema.scalars import iso
from schema.taxonomy import ConflictType, Theme
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor


def _acts_for(principal: Principal, actor: dict[str, Any]) -> bool:
    scoped = principal.actor_id
    if scoped:
        with suppress(ValueError):
            scoped = decode_id(scoped, "Actor")
    return (
        (scoped is not None and actor.get("id") == scoped)
        or (principal.source is not None and actor.get("source") == principal.source)
        or actor.get("createdBy") == principal.label
    )


@strawberry.type(description="An experience sponsorship: an experienced actor helps an authority with a need.")
class Sponsorship(relay.Node):
    id: relay.NodeID[str]
    status: SponsorshipStatus | None
    proposed_at: str | None
    responded_at: str | None
    started_on: date | None
    completed_on: date | None
    outcome: str | None
    record: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="The beneficiary's need, in its own words (parties and admins only).")
    async def need(self, info: Info) -> str | None:
        return await self._for_parties(info, "need", "Sponsorship.need")

    @strawberry.field(description="Why it was declined (parties and admins only).")
    async def decline_reason(self, info: Info) -> str | None:
        return await self._for_parties(info, "declineReason", "Sponsorship.declineReason")

    @strawberry.field(description="The beneficiary's feedback once completed (parties and admins only).")
    async def feedback(self, info: Info) -> str | None:
        return await self._for_parties(info, "feedback", "Sponsorship.feedback")

    async def _for_parties(self, info: Info, key: str, what: str) -> str | None:
        """A field the parties' keys and admins may read; FORBIDDEN for anyone else."""
        if not await self._read_by_a_party(info):
            raise parties_only_field(what)
        value = self.record.get(key)
        return str(value) if value is not None else None

    async def _read_by_a_party(self, info: Info) -> bool:
        """Admin, or an editor key that may act for the sponsor or the beneficiary: scoped to that actor,
        to its source, or the key that created it (the rule of `graph.editing.owns`)."""
        principal = info.context.principal
        if principal.is_admin:
            return True
        if not principal.can_write:
            return False
        sponsor = await related_one(info, "sponsorship.sponsor", self.id)
        beneficiary = await related_one(info, "sponsorship.beneficiary", self.id)
        return any(_acts_for(principal, actor) for actor in (sponsor, beneficiary) if actor)

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Sponsorship:
        return cls(
            id=record["id"],
            status=to_enum(SponsorshipStatus, record.get("status")),
            proposed_at=iso(record.get("proposedAt")),
            responded_at=iso(record.get("respondedAt")),
            started_on=to_date(record.get("startedOn")),
            completed_on=to_date(record.get("completedOn")),
            outcome=record.get("outcome"),
            record=record,
        )

    @strawberry.field(description="The experienced actor.")
    async def sponsor(self, info: Info) -> Annotated[Actor, strawberry.lazy("schema.actor")] | None:
        from schema.actor import Actor

        record = await related_one(info, "sponsorship.sponsor", self.id)
        return Actor.from_record(record) if record else None

    @strawberry.field(description="The authority it helps.")
    async def beneficiary(self, info: Info) -> Annotated[Actor, strawberry.lazy("schema.actor")] | None:
        from schema.actor import Actor

        record = await related_one(info, "sponsorship.beneficiary", self.id)
        return Actor.from_record(record) if record else None

    @strawberry.field(description="The conflict types the need is about.")
    async def conflict_types(self, info: Info) -> list[ConflictType]:
        items = await related(info, "sponsorship.conflictTypes", self.id)
        return [ConflictType.from_record(item["node"]) for item in items]

    @strawberry.field(description="The themes the need is about.")
    async def themes(self, info: Info) -> list[Theme]:
        return [Theme.from_record(item["node"]) for item in await related(info, "sponsorship.themes", self.id)]
