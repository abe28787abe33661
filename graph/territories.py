"""Cypher for territories: the reference geography (communes, EPCI, départements, régions)."""

from __future__ import annotations

from typing import Any, LiteralString

from graph.store import Store

TERRITORY_LEVELS: tuple[str, ...] = ("COMMUNE", "EPCI", "DEPARTEMENT", "REGION")

_BY_CODE: LiteralString = "MATCH (t:Territory {level: $level, code: $code}) RETURN t {.*} AS territory"


def territory_id(level: str, code: str) -> str:
    return f"{level}-{code}"


async def territory_by_code(store: Store, level: str, code: str) -> dict[str, Any] | None:
    rows = await store.read("territories.byCode", _BY_CODE, {"level": level, "code": code})
    return rows[0]["territory"] if rows else None
