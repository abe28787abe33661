"""Hand-built graphs for the analyst tests: made-up actors and conflicts on the real reference data.

Tests using these helpers request the `reference_data` fixture (the full territory snapshot and
taxonomy). Actors and conflicts are written with Cypher as the graph model says: `location` is a copy
of the commune's centroid, `year` the start year.
"""

from __future__ import annotations

import uuid
from typing import Any, LiteralString

from graph import case_types
from graph.model import name_key
from graph.store import Store


async def add_actor(
    store: Store,
    name: str,
    kind: str = "ASSOCIATION",
    base: str | None = None,
    *,
    actor_id: str | None = None,
    **props: Any,
) -> str:
    """An actor based in commune `base` (its location copied from the commune's centroid)."""
    actor_id = actor_id or str(uuid.uuid4())
    await store.write(
        "tests.actor",
        "CREATE (a:Actor {id: $id, name: $name, nameKey: $nameKey, kind: $kind}) "
        "SET a += $props, a.createdAt = datetime() "
        "WITH a OPTIONAL MATCH (t:Territory {level: 'COMMUNE', code: $base}) "
        "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | "
        "  CREATE (a)-[:BASED_IN]->(t) SET a.location = t.location)",
        {"id": actor_id, "name": name, "nameKey": name_key(name), "kind": kind, "base": base, "props": props},
    )
    return actor_id


async def add_conflict(
    store: Store,
    title: str,
    type_code: str,
    commune: str,
    year: int,
    status: str = "ACTIVE",
    *,
    conflict_id: str | None = None,
    **props: Any,
) -> str:
    """A conflict of a type, located in a commune (location copied), started on 1 March of `year`."""
    conflict_id = conflict_id or str(uuid.uuid4())
    await store.write(
        "tests.conflict",
        "MATCH (ct:ConflictType {code: $type}), (t:Territory {level: 'COMMUNE', code: $commune}) "
        "CREATE (c:Conflict {id: $id, title: $title, status: $status, year: $year}) "
        "SET c += $props, c.startedOn = date({year: $year, month: 3, day: 1}), c.location = t.location, "
        "c.createdAt = datetime() "
        "CREATE (c)-[:OF_TYPE]->(ct), (c)-[:LOCATED_IN]->(t)",
        {
            "id": conflict_id,
            "title": title,
            "type": type_code,
            "commune": commune,
            "year": year,
            "status": status,
            "props": props,
        },
    )
    return conflict_id


async def involve(store: Store, actor_id: str, conflict_id: str, role: str = "MEDIATOR") -> None:
    await store.write(
        "tests.involve",
        "MATCH (a:Actor {id: $a}), (c:Conflict {id: $c}) CREATE (a)-[:INVOLVED_IN {role: $role}]->(c) "
        + case_types.refresh("a"),
        {"a": actor_id, "c": conflict_id, "role": role},
    )


async def link(store: Store, source: str, target: str, rel: str = "COOPERATES_WITH", **props: Any) -> None:
    """A COOPERATES_WITH or MEMBER_OF link between two actors."""
    queries: dict[str, LiteralString] = {
        "COOPERATES_WITH": "MATCH (a:Actor {id: $a}), (b:Actor {id: $b}) CREATE (a)-[r:COOPERATES_WITH]->(b) "
        "SET r += $props",
        "MEMBER_OF": "MATCH (a:Actor {id: $a}), (b:Actor {id: $b}) CREATE (a)-[r:MEMBER_OF]->(b) SET r += $props",
        "GOVERNS": "MATCH (a:Actor {id: $a}), (b:Territory {id: $b}) CREATE (a)-[r:GOVERNS]->(b) SET r += $props",
    }
    await store.write("tests.link", queries[rel], {"a": source, "b": target, "props": props})
