"""Resolvers for the taxonomies: conflict types (a tree) and themes."""

from __future__ import annotations

from graph import taxonomy as taxonomy_store
from schema.context import Info
from schema.errors import bad_input
from schema.taxonomy import ConflictFamily, ConflictType, Theme


async def conflict_types(
    info: Info, family: ConflictFamily | None = None, level: int | None = None, parent: str | None = None
) -> list[ConflictType]:
    if level is not None and level not in (1, 2, 3):
        raise bad_input("`level` must be 1 (family), 2 (category) or 3 (type).")
    records = await taxonomy_store.conflict_types(
        info.context.store, family=family.value if family else None, level=level, parent=parent
    )
    return [ConflictType.from_record(record) for record in records]


async def conflict_type(info: Info, code: str) -> ConflictType | None:
    found = await taxonomy_store.conflict_types_by_codes(info.context.store, [code])
    record = found.get(code)
    return ConflictType.from_record(record) if record else None


async def themes(info: Info) -> list[Theme]:
    return [Theme.from_record(record) for record in await taxonomy_store.themes(info.context.store)]
