"""The Sponsorship GraphQL type (mécénat d'expérience), read-only here: its workflow is the matching API's."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import SponsorshipStatus
from schema.related import related, related_one
from schema.scalars import iso
from schema.taxonomy import ConflictType, Theme
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor


@strawberry.type(description="An experience sponsorship: an experienced actor helps an authority with a need.")
class Sponsorship(relay.Node):
    id: relay.NodeID[str]
    status: SponsorshipStatus | None
    need: str | None = strawberry.field(description="The beneficiary's need, in its own words.")
    proposed_at: str | None
    responded_at: str | None
    started_on: date | None
    completed_on: date | None
    decline_reason: str | None
    outcome: str | None
    feedback: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Sponsorship:
        return cls(
            id=record["id"],
            status=to_enum(SponsorshipStatus, record.get("status")),
            need=record.get("need"),
            proposed_at=iso(record.get("proposedAt")),
            responded_at=iso(record.get("respondedAt")),
            started_on=to_date(record.get("startedOn")),
            completed_on=to_date(record.get("completedOn")),
            decline_reason=record.get("declineReason"),
            outcome=record.get("outcome"),
            feedback=record.get("feedback"),
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
