"""Relationship fields through per-request DataLoaders: one Cypher per hop and batch, never one per item."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, TypeVar

from graph.neighbours import neighbours
from graph.store import Store
from schema.context import Info
from schema.pagination import page_size
from schema.selection import asks_timestamps

NESTED_DEFAULT = 20

T = TypeVar("T")


async def related(
    info: Info, hop: str, key: str, *, first: int | None = None, only: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The neighbours of one node through `hop` ({node, rel, labels} each), batched with its siblings."""
    limit = page_size(info, first, NESTED_DEFAULT, nested=True)
    wanted = tuple(only) if only is not None else None
    timestamps = asks_timestamps(info)
    name = f"{hop}|{limit}|{','.join(wanted) if wanted is not None else '*'}"

    async def batch(store: Store, keys: list[str]) -> Sequence[list[dict[str, Any]]]:
        found = await neighbours(store, hop, keys, limit=limit, only=wanted, timestamps=timestamps)
        return [found.get(k, []) for k in keys]

    items: list[dict[str, Any]] = await info.context.loaders.get(name, batch).load(key)
    return items


async def related_one(info: Info, hop: str, key: str) -> dict[str, Any] | None:
    """The single neighbour through `hop` (a base commune, a conflict's type…), or None."""
    items = await related(info, hop, key, first=1)
    return items[0]["node"] if items else None


async def related_nodes(
    info: Info, hop: str, key: str, build: Callable[[dict[str, Any]], T], *, first: int | None = None
) -> list[T]:
    """The neighbours through `hop`, each built from its node record (`Theme.from_record`…)."""
    return [build(item["node"]) for item in await related(info, hop, key, first=first)]


async def related_links(
    info: Info,
    hop: str,
    key: str,
    build: Callable[[dict[str, Any]], T],
    *,
    first: int | None = None,
    kinds: Sequence[Enum] | None = None,
) -> list[T]:
    """The links through `hop`, each built from its {node, rel} item; `kinds` (roles…) keeps only those."""
    only = [kind.value for kind in kinds] if kinds else None
    return [build(item) for item in await related(info, hop, key, first=first, only=only)]
