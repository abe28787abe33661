"""Hand-built graphs for the analyst tests: real territories and taxonomy, made-up actors and conflicts.

Territories come from the shipped snapshot (real codes, names, centroids and parents) and are MERGEd
with ON CREATE only, so they coexist with the full reference data without altering it. Actors and
conflicts are written with Cypher, as the graph model says (`location` copied from the commune).
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from typing import Any, LiteralString

from graph.store import Store
from importers.reference import DEFAULT_TAXONOMY, TerritoryRecord, read_territory_snapshot


@cache
def _snapshot() -> dict[tuple[str, str], TerritoryRecord]:
    return {(t.level, t.code): t for t in read_territory_snapshot().territories}


def territory_record(level: str, code: str) -> TerritoryRecord:
    return _snapshot()[(level, code)]


def _row(record: TerritoryRecord) -> dict[str, Any]:
    return {
        "level": record.level,
        "code": record.code,
        "name": record.name,
        "population": record.population,
        "zone": record.zone,
        "lat": record.lat,
        "lon": record.lon,
    }


async def add_communes(store: Store, *codes: str) -> None:
    """The communes and their EPCI, département and région, with PART_OF links (idempotent)."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    links: set[tuple[str, str, str, str]] = set()
    for code in codes:
        commune = territory_record("COMMUNE", code)
        rows[("COMMUNE", code)] = _row(commune)
        assert commune.departement
        assert commune.region
        departement = territory_record("DEPARTEMENT", commune.departement)
        region = territory_record("REGION", commune.region)
        rows[("DEPARTEMENT", departement.code)] = _row(departement)
        rows[("REGION", region.code)] = _row(region)
        links.add(("COMMUNE", code, "DEPARTEMENT", departement.code))
        links.add(("DEPARTEMENT", departement.code, "REGION", region.code))
        if commune.epci:
            epci = territory_record("EPCI", commune.epci)
            rows[("EPCI", epci.code)] = _row(epci)
            links.add(("COMMUNE", code, "EPCI", epci.code))
    await store.write(
        "tests.territories",
        "UNWIND $rows AS row MERGE (t:Territory {level: row.level, code: row.code}) "
        "ON CREATE SET t.id = row.level + '-' + row.code, t.name = row.name, t.population = row.population, "
        "t.zone = row.zone, t.location = point({latitude: row.lat, longitude: row.lon})",
        {"rows": list(rows.values())},
    )
    await store.write(
        "tests.partOf",
        "UNWIND $links AS link "
        "MATCH (a:Territory {level: link[0], code: link[1]}), (b:Territory {level: link[2], code: link[3]}) "
        "MERGE (a)-[:PART_OF]->(b)",
        {"links": [list(link) for link in links]},
    )


async def add_taxonomy(store: Store) -> None:
    """The shipped conflict-type taxonomy (MERGE, ON CREATE only: it may already be loaded)."""
    types = json.loads(DEFAULT_TAXONOMY.read_text(encoding="utf-8"))["conflictTypes"]
    await store.write(
        "tests.taxonomy",
        "UNWIND $types AS row MERGE (c:ConflictType {code: row.code}) "
        "ON CREATE SET c.id = row.code, c.label = row.label, c.family = row.family, c.level = row.level "
        "WITH c, row WHERE row.parent IS NOT NULL "
        "MATCH (p:ConflictType {code: row.parent}) MERGE (c)-[:SUBTYPE_OF]->(p)",
        {"types": types},
    )


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
        "CREATE (a:Actor {id: $id, name: $name, kind: $kind}) SET a += $props, a.createdAt = datetime() "
        "WITH a OPTIONAL MATCH (t:Territory {level: 'COMMUNE', code: $base}) "
        "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | "
        "  CREATE (a)-[:BASED_IN]->(t) SET a.location = t.location)",
        {"id": actor_id, "name": name, "kind": kind, "base": base, "props": props},
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
        "MATCH (a:Actor {id: $a}), (c:Conflict {id: $c}) CREATE (a)-[:INVOLVED_IN {role: $role}]->(c)",
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
