"""The TaskForce GraphQL type, read-only here: proposing and creating task forces is the matching API's."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from schema.context import Info
from schema.enums import TaskForceStatus
from schema.related import related
from schema.taxonomy import ConflictType
from schema.values import to_date, to_enum

if TYPE_CHECKING:
    from schema.actor import Actor
    from schema.conflict import Conflict


@strawberry.type(description="A thematic team that helps settle local conflicts.")
class TaskForce(relay.Node):
    id: relay.NodeID[str]
    name: str
    status: TaskForceStatus | None
    started_on: date | None
    ended_on: date | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> TaskForce:
        return cls(
            id=record["id"],
            name=str(record.get("name") or ""),
            status=to_enum(TaskForceStatus, record.get("status")),
            started_on=to_date(record.get("startedOn")),
            ended_on=to_date(record.get("endedOn")),
            record=record,
        )

    @strawberry.field(description="Its members, with their role and why they were picked.")
    async def members(self, info: Info, first: int | None = None) -> list[TaskForceMember]:
        items = await related(info, "taskForce.members", self.id, first=first)
        return [TaskForceMember.from_item(item) for item in items]

    @strawberry.field(description="The conflict types it focuses on.")
    async def focuses_on(self, info: Info) -> list[ConflictType]:
        items = await related(info, "taskForce.focusesOn", self.id)
        return [ConflictType.from_record(item["node"]) for item in items]

    @strawberry.field(description="The conflicts it handles.")
    async def handles(
        self, info: Info, first: int | None = None
    ) -> list[Annotated[Conflict, strawberry.lazy("schema.conflict")]]:
        from schema.conflict import Conflict

        items = await related(info, "taskForce.handles", self.id, first=first)
        return [Conflict.from_record(item["node"]) for item in items]


@strawberry.type(description="A member of a task force.")
class TaskForceMember:
    actor: Annotated[Actor, strawberry.lazy("schema.actor")]
    role: str | None = strawberry.field(description="What the member brings (mediation, technical expertise…).")
    reason: str | None = strawberry.field(description="Why this member was picked.")

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> TaskForceMember:
        from schema.actor import Actor

        rel = item["rel"]
        return cls(actor=Actor.from_record(item["node"]), role=rel.get("role"), reason=rel.get("reason"))
