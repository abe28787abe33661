"""Resolvers for territories."""

from __future__ import annotations

from graph import territories as territory_store
from schema.context import Info
from schema.territory import Territory, TerritoryLevel


async def territory(info: Info, code: str, level: TerritoryLevel = TerritoryLevel.COMMUNE) -> Territory | None:
    record = await territory_store.territory_by_code(info.context.store, level.value, code)
    return Territory.from_record(record) if record else None
