"""The taxonomy GraphQL types: ConflictType (a three-level tree) and Theme.

Other types import `ConflictType` and `Theme` and build them with `from_record(record)`, where the
record is the node's property map (`n {.*}`).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from graph import taxonomy as taxonomy_store
from graph.store import Store
from schema.context import Info


@strawberry.enum(description="The two families of conflicts.")
class ConflictFamily(Enum):
    AMENAGEMENT = "AMENAGEMENT"
    USAGE = "USAGE"


# The most aliases listed per conflict type (the shipped taxonomy has at most 5).
MAX_ALIASES = 32


@strawberry.enum(description="André Torre's interference facets of a conflit d'usage.")
class InterferenceFacet(Enum):
    SUPERPOSITION = "SUPERPOSITION"
    CONTIGUITY = "CONTIGUITY"
    NEIGHBOURHOOD = "NEIGHBOURHOOD"


async def _load_parents(store: Store, codes: list[str]) -> Sequence[dict[str, Any] | None]:
    found = await taxonomy_store.parents(store, codes)
    return [found.get(code) for code in codes]


async def _load_children(store: Store, codes: list[str]) -> Sequence[list[dict[str, Any]]]:
    found = await taxonomy_store.children(store, codes)
    return [found.get(code, []) for code in codes]


@strawberry.type(description="A type of conflict: a family (level 1), a category (2) or a type (3).")
class ConflictType(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable identifier, e.g. ONSHORE_WIND.")
    label: str = strawberry.field(description="French label.")
    family: ConflictFamily
    level: int = strawberry.field(description="1 family, 2 category, 3 type.")
    facets: list[InterferenceFacet] = strawberry.field(description="Torre's interference facets (usage conflicts).")
    aliases: list[str] = strawberry.field(description="Lower-case French labels partners use for it.")
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ConflictType:
        code = str(record["code"])
        return cls(
            id=str(record.get("id") or code),
            code=code,
            label=str(record.get("label") or code),
            family=ConflictFamily(record.get("family") or "AMENAGEMENT"),
            level=int(record.get("level") or 1),
            facets=[InterferenceFacet(facet) for facet in record.get("facets") or []],
            aliases=[str(alias) for alias in (record.get("aliases") or [])[:MAX_ALIASES]],
            record=record,
        )

    @strawberry.field(description="The broader type this one refines (none for a family).")
    async def parent(self, info: Info) -> ConflictType | None:
        record = await info.context.loaders.get("conflictType.parent", _load_parents).load(self.code)
        return ConflictType.from_record(record) if record else None

    @strawberry.field(description="The narrower types, by code.")
    async def children(self, info: Info) -> list[ConflictType]:
        records = await info.context.loaders.get("conflictType.children", _load_children).load(self.code)
        return [ConflictType.from_record(record) for record in records]


@strawberry.type(description="A theme that tags resources, actors and sponsorship needs.")
class Theme(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Stable identifier, e.g. MEDIATION.")
    label: str = strawberry.field(description="French label.")
    description: str | None
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Theme:
        code = str(record["code"])
        return cls(
            id=str(record.get("id") or code),
            code=code,
            label=str(record.get("label") or code),
            description=record.get("description"),
            record=record,
        )
