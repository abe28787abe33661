"""Cypher for sources: where imported records come from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.store import Store

SOURCE_KINDS: tuple[str, ...] = ("PARTNER", "REGISTER", "REFERENCE", "DEMO")

# The most sources `sources` lists (a documented cap of the cost model, docs/api.md).
MAX_SOURCES = 500

_ALL: LiteralString = "MATCH (s:Source) RETURN s {.*} AS source ORDER BY s.name LIMIT $max"
_BY_NAMES: LiteralString = "MATCH (s:Source) WHERE s.name IN $names RETURN s {.*} AS source"


async def all_sources(store: Store) -> list[dict[str, Any]]:
    rows = await store.read("sources.all", _ALL, {"max": MAX_SOURCES})
    return [row["source"] for row in rows]


async def sources_by_names(store: Store, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{name: properties} for the named sources that exist (one round trip)."""
    if not names:
        return {}
    rows = await store.read("sources.byNames", _BY_NAMES, {"names": list(set(names))})
    return {row["source"]["name"]: row["source"] for row in rows}
