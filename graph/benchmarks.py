"""The queries the benchmark (`bench/`) runs besides the service's own: what the graph holds, which Neo4j
answers, and throw-away actors for the outbox's write benchmark."""

from __future__ import annotations

from typing import Any, LiteralString

from graph.store import Store

_NETWORK_COUNTS: LiteralString = (
    "CALL () { MATCH (a:Actor) RETURN count(a) AS actors } "
    "CALL () { MATCH (c:Conflict) RETURN count(c) AS conflicts } "
    "CALL () { MATCH ()-[r:INVOLVED_IN]->() RETURN count(r) AS involvements } "
    "CALL () { MATCH ()-[r:COOPERATES_WITH]->() RETURN count(r) AS cooperations } "
    "RETURN actors, conflicts, involvements, cooperations"
)
_SERVER_VERSION: LiteralString = "CALL dbms.components() YIELD versions RETURN versions[0] AS v"
_FIRST_ACTOR_BASED_IN: LiteralString = (
    "MATCH (a:Actor)-[:BASED_IN]->(:Territory {id: $territory}) RETURN a.id AS id ORDER BY a.id LIMIT 1"
)
_CREATE_BENCH_ACTORS: LiteralString = (
    "UNWIND $ids AS id MATCH (t:Territory {level: 'COMMUNE', code: $commune}) "
    "CREATE (a:Actor {id: id, name: 'Banc ' + id, kind: $kind, source: $source, openToSponsorship: true, "
    "sponsorshipCapacity: 1000, location: t.location})-[:BASED_IN]->(t)"
)
_DELETE_BENCH_ACTORS: LiteralString = (
    "MATCH (a:Actor {source: $source}) OPTIONAL MATCH (a)-[:POSTED|SPONSORS]->(x) DETACH DELETE x, a"
)


async def network_counts(store: Store) -> dict[str, Any]:
    """Actors, conflicts, involvements and cooperation links in the graph."""
    rows = await store.read("bench.counts", _NETWORK_COUNTS)
    return dict(rows[0])


async def server_version(store: Store) -> str:
    rows = await store.read("bench.version", _SERVER_VERSION)
    return str(rows[0]["v"])


async def first_actor_based_in(store: Store, territory_id: str) -> str | None:
    """The first actor (by id) based in a territory, or None."""
    rows = await store.read("bench.actorBasedIn", _FIRST_ACTOR_BASED_IN, {"territory": territory_id})
    return str(rows[0]["id"]) if rows else None


async def create_bench_actors(store: Store, ids: list[str], *, kind: str, source: str, commune: str) -> None:
    """Open-to-sponsorship actors of a throw-away `source`, based in a commune (its INSEE code)."""
    await store.write(
        "bench.outboxActors",
        _CREATE_BENCH_ACTORS,
        {"ids": ids, "kind": kind, "source": source, "commune": commune},
    )


async def delete_bench_actors(store: Store, source: str) -> None:
    """The actors of a throw-away source, with the needs they posted and the sponsorships they offered."""
    await store.write("bench.outboxCleanup", _DELETE_BENCH_ACTORS, {"source": source})


_TERRITORY_IDS: LiteralString = (
    "UNWIND $codes AS code CALL (code) { MATCH (t:Territory) WHERE t.code = code OR t.id = code "
    "RETURN t.id AS id ORDER BY CASE t.level WHEN 'COMMUNE' THEN 0 WHEN 'EPCI' THEN 1 "
    "WHEN 'DEPARTEMENT' THEN 2 ELSE 3 END LIMIT 1 } RETURN code, id"
)


async def territory_ids(store: Store, codes: list[str]) -> dict[str, str]:
    """{code or id: the id of the territory the service means by it (the most local level holding it)}."""
    rows = await store.read("bench.peerTerritories", _TERRITORY_IDS, {"codes": codes})
    return {row["code"]: row["id"] for row in rows}
