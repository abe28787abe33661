"""Resolvers for territories: one by code, and filtered, ranked lists."""

from __future__ import annotations

import math

from graph import territories as territory_store
from graph.near import Near
from graph.text import fold
from resolvers.paging import wants_total
from schema.context import Info
from schema.errors import bad_input
from schema.pagination import Connection, page_size
from schema.territory import Territory, TerritoryLevel, TerritoryWhere

MAX_RADIUS_KM = 1000.0
MAX_SEARCH_LENGTH = 100


async def territory(info: Info, code: str, level: TerritoryLevel = TerritoryLevel.COMMUNE) -> Territory | None:
    record = await territory_store.territory_by_code(info.context.store, level.value, code)
    return Territory.from_record(record) if record else None


async def _within_id(info: Info, code: str, level: TerritoryLevel | None) -> str:
    found = await territory_store.territories_with_code(info.context.store, code, level.value if level else None)
    if not found:
        where = f" at level {level.value}" if level else ""
        raise bad_input(f"`within`: no territory has the code {code!r}{where}.")
    if len(found) > 1:
        levels = ", ".join(str(record["level"]) for record in found)
        raise bad_input(f"`within`: the code {code!r} names several territories ({levels}); add `withinLevel`.")
    return str(found[0]["id"])


def _near(where: TerritoryWhere) -> Near | None:
    near = where.near
    if near is None:
        return None
    if not (math.isfinite(near.lat) and -90.0 <= near.lat <= 90.0):
        raise bad_input("`near.lat` must be a latitude between -90 and 90.")
    if not (math.isfinite(near.lon) and -180.0 <= near.lon <= 180.0):
        raise bad_input("`near.lon` must be a longitude between -180 and 180.")
    if not (math.isfinite(near.radius_km) and 0.0 <= near.radius_km <= MAX_RADIUS_KM):
        raise bad_input(f"`near.radiusKm` must be between 0 and {MAX_RADIUS_KM:.0f}.")
    return Near(lat=near.lat, lon=near.lon, radius_km=near.radius_km)


async def territories(
    info: Info,
    where: TerritoryWhere | None = None,
    search: str | None = None,
    first: int | None = 20,
    after: str | None = None,
) -> Connection[Territory]:
    size = page_size(info, first)
    where = where or TerritoryWhere()
    folded: str | None = None
    if search is not None:
        if len(search) > MAX_SEARCH_LENGTH:
            raise bad_input(f"`search` must be at most {MAX_SEARCH_LENGTH} characters.")
        folded = fold(search)
        if not folded:
            raise bad_input("`search` must contain at least one letter or digit.")
    near = _near(where)
    within_id = await _within_id(info, where.within, where.within_level) if where.within else None
    if where.within_level and not where.within:
        raise bad_input("`withinLevel` only makes sense with `within`.")
    filters = territory_store.TerritoryFilter(
        level=where.level.value if where.level else None, within_id=within_id, near=near, search=folded
    )
    page = await territory_store.territory_page(
        info.context.store, filters, first=size, after=after, with_total=wants_total(info)
    )
    return Connection[Territory].from_page(page, Territory.from_record, after=after)
