"""Cypher for actors: the directory's records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.errors import NotFoundError
from graph.pagination import Page, decode_cursor, make_page
from graph.store import Store, run_in_tx
from graph.text import fold

ACTOR_KINDS: tuple[str, ...] = (
    "COLLECTIVITE",
    "ASSOCIATION",
    "ENTREPRISE",
    "BUREAU_ETUDES",
    "RESEAU",
    "SERVICE_ETAT",
    "COLLECTIF_CITOYEN",
    "CHERCHEUR",
    "AUTRE",
)

# Sort keys a caller may ask for, mapped to the property they read: never formatted from input.
ACTOR_SORT_KEYS: dict[str, LiteralString] = {"NAME": "name", "CREATED_AT": "createdAt"}


@dataclass(frozen=True)
class ActorFilter:
    kinds: tuple[str, ...] = ()


def _where(flt: ActorFilter) -> tuple[LiteralString, dict[str, Any]]:
    clauses: list[LiteralString] = ["true"]
    params: dict[str, Any] = {}
    if flt.kinds:
        clauses.append("a.kind IN $kinds")
        params["kinds"] = list(flt.kinds)
    return " AND ".join(clauses), params


async def actor_page(
    store: Store,
    flt: ActorFilter,
    *,
    first: int,
    after: str | None,
    sort: str = "NAME",
    with_total: bool = True,
) -> Page:
    """One page of actors in `sort` order (then id), with the total count in the same round trip."""
    key = ACTOR_SORT_KEYS[sort]
    where, params = _where(flt)
    keyset: LiteralString = "true"
    if after is not None:
        value, last_id = decode_cursor(after, 2)
        keyset = "(a." + key + " > $afterValue OR (a." + key + " = $afterValue AND a.id > $afterId))"
        params.update(afterValue=value, afterId=last_id)
    total_part: LiteralString = (
        "CALL () { MATCH (a:Actor) WHERE " + where + " RETURN count(a) AS total } "
        if with_total
        else "WITH null AS total "
    )
    query: LiteralString = (
        total_part + "CALL () { MATCH (a:Actor) WHERE " + where + " AND " + keyset + " "
        "WITH a ORDER BY a." + key + ", a.id LIMIT $limit RETURN collect(a {.*}) AS items } "
        "RETURN total, items"
    )
    params["limit"] = first + 1
    rows = await store.read("actors.page", query, params)
    row = rows[0]
    items = [dict(item, _sortValue=item.get(key)) for item in row["items"]]
    return make_page(items, first, ("_sortValue", "id"), row["total"])


_CREATE: LiteralString = """
OPTIONAL MATCH (t:Territory {level: 'COMMUNE', code: $basedIn})
WITH t
WHERE $basedIn IS NULL OR t IS NOT NULL
CREATE (a:Actor)
SET a = $props, a.id = $id, a.nameKey = $nameKey,
    a.createdAt = datetime(), a.updatedAt = datetime(), a.createdBy = $by, a.updatedBy = $by
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (a)-[:BASED_IN]->(t))
RETURN a {.*} AS actor
"""


async def create_actor(store: Store, props: dict[str, Any], *, based_in: str | None, by: str) -> dict[str, Any]:
    """Create an actor (and its BASED_IN link) in one transaction; NotFoundError if the commune is unknown."""
    params = {
        "props": props,
        "id": str(uuid.uuid4()),
        "nameKey": fold(str(props.get("name", ""))),
        "basedIn": based_in,
        "by": by,
    }

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await run_in_tx(tx, _CREATE, params)

    rows = await store.transaction("actors.create", work)
    if not rows:
        raise NotFoundError(f"No commune has the INSEE code {based_in!r}.")
    actor: dict[str, Any] = rows[0]["actor"]
    return actor


_BASED_IN: LiteralString = """
MATCH (a:Actor)-[:BASED_IN]->(t:Territory) WHERE a.id IN $ids
RETURN a.id AS actorId, t {.*} AS territory
"""


async def base_territories(store: Store, actor_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{actor id: base territory} for a batch of actors (one round trip)."""
    rows = await store.read("actors.basedIn", _BASED_IN, {"ids": actor_ids})
    return {row["actorId"]: row["territory"] for row in rows}
