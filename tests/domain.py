"""Hand-built domain records for tests, written with plain Cypher (independent of the API's own writes).

They rely on the reference data (`reference_data` fixture): real INSEE codes (35238 Rennes, 35288
Saint-Malo, 44109 Nantes, 29019 Brest…), the taxonomy's conflict types and themes.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from strawberry import relay

from graph import ancestry, case_types, facets
from graph.model import derived_properties
from graph.store import Store

RENNES, SAINT_MALO, NANTES, BREST, LYON = "35238", "35288", "44109", "29019", "69123"


def gid(type_name: str, record_id: str) -> str:
    """The global id the API gives a record."""
    return relay.to_base64(type_name, record_id)


async def make_actor(
    store: Store,
    name: str,
    *,
    kind: str = "ASSOCIATION",
    based_in: str | None = RENNES,
    description: str | None = None,
    source: str | None = None,
    **props: Any,
) -> str:
    actor_id = str(uuid.uuid4())
    await store.write(
        "tests.actor",
        "CREATE (a:Actor) SET a = $props, a += $derived, a.id = $id, "
        "a.createdAt = datetime(), a.updatedAt = datetime(), a.createdBy = 'tests' "
        "WITH a OPTIONAL MATCH (t:Territory {level: 'COMMUNE', code: $basedIn}) "
        "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (a)-[:BASED_IN]->(t)) "
        "SET a.location = t.location " + ancestry.refresh("a", "Actor") + facets.refresh("a", "Actor"),
        {
            "id": actor_id,
            "props": {"name": name, "kind": kind, "description": description, "source": source, **props},
            "derived": derived_properties("Actor", {"name": name, "description": description}),
            "basedIn": based_in,
        },
    )
    return actor_id


async def make_conflict(
    store: Store,
    title: str,
    *,
    type_code: str = "ONSHORE_WIND",
    territory: str = RENNES,
    summary: str | None = None,
    status: str = "ACTIVE",
    started_on: date | None = date(2021, 3, 1),
    source: str | None = None,
) -> str:
    conflict_id = str(uuid.uuid4())
    await store.write(
        "tests.conflict",
        "MATCH (ct:ConflictType {code: $type}) "
        "CALL () { MATCH (t:Territory) WHERE t.code = $territory RETURN t ORDER BY t.level = 'COMMUNE' DESC LIMIT 1 } "
        "CREATE (c:Conflict {id: $id, title: $title, summary: $summary, status: $status, startedOn: $startedOn, "
        "  year: $startedOn.year, source: $source, searchText: $searchText, createdAt: datetime(), "
        "  updatedAt: datetime(), createdBy: 'tests', location: t.location}) "
        "CREATE (c)-[:OF_TYPE]->(ct) CREATE (c)-[:LOCATED_IN]->(t) " + ancestry.refresh("c", "Conflict"),
        {
            "id": conflict_id,
            "title": title,
            "summary": summary,
            "status": status,
            "startedOn": started_on,
            "source": source,
            "type": type_code,
            "territory": territory,
            "searchText": derived_properties("Conflict", {"title": title, "summary": summary})["searchText"],
        },
    )
    return conflict_id


async def involve(
    store: Store, actor_id: str, conflict_id: str, role: str, start: int | None = None, end: int | None = None
) -> None:
    await store.write(
        "tests.involve",
        "MATCH (a:Actor {id: $a}), (c:Conflict {id: $c}) "
        "CREATE (a)-[:INVOLVED_IN {role: $role, from: $from, to: $to}]->(c) " + case_types.refresh("a"),
        {"a": actor_id, "c": conflict_id, "role": role, "from": start, "to": end},
    )


async def make_resource(
    store: Store,
    title: str,
    *,
    kind: str = "GUIDE",
    summary: str | None = None,
    published_on: date | None = date(2024, 1, 15),
    themes: tuple[str, ...] = (),
    conflict_types: tuple[str, ...] = (),
    authors: tuple[str, ...] = (),
    documents: tuple[str, ...] = (),
    source: str | None = None,
) -> str:
    resource_id = str(uuid.uuid4())
    await store.write(
        "tests.resource",
        "CREATE (r:Resource {id: $id, title: $title, kind: $kind, summary: $summary, publishedOn: $publishedOn, "
        "  language: 'fr', source: $source, searchText: $searchText, createdAt: datetime(), updatedAt: datetime(), "
        "  createdBy: 'tests'}) "
        "WITH r CALL (r) { UNWIND $themes AS code MATCH (t:Theme {code: code}) CREATE (r)-[:ABOUT]->(t) } "
        "CALL (r) { UNWIND $types AS code MATCH (t:ConflictType {code: code}) CREATE (r)-[:ABOUT]->(t) } "
        "CALL (r) { UNWIND $authors AS a MATCH (x:Actor {id: a}) CREATE (x)-[:AUTHORED]->(r) } "
        "CALL (r) { UNWIND $documents AS d MATCH (x {id: d}) WHERE x:Conflict OR x:Project "
        "  CREATE (r)-[:DOCUMENTS]->(x) } " + ancestry.refresh("r", "Resource") + facets.refresh("r", "Resource"),
        {
            "id": resource_id,
            "title": title,
            "kind": kind,
            "summary": summary,
            "publishedOn": published_on,
            "source": source,
            "searchText": derived_properties("Resource", {"title": title, "summary": summary})["searchText"],
            "themes": list(themes),
            "types": list(conflict_types),
            "authors": list(authors),
            "documents": list(documents),
        },
    )
    return resource_id


async def make_project(
    store: Store,
    title: str,
    *,
    kind: str = "COMMONS",
    territory: str | None = RENNES,
    summary: str | None = None,
    runs: tuple[str, ...] = (),
    source: str | None = None,
) -> str:
    project_id = str(uuid.uuid4())
    await store.write(
        "tests.project",
        "CREATE (p:Project {id: $id, title: $title, kind: $kind, status: 'ONGOING', summary: $summary, "
        "  source: $source, searchText: $searchText, createdAt: datetime(), updatedAt: datetime(), "
        "  createdBy: 'tests'}) "
        "WITH p OPTIONAL MATCH (t:Territory {level: 'COMMUNE', code: $territory}) "
        "FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (p)-[:LOCATED_IN]->(t)) "
        "WITH p CALL (p) { UNWIND $runs AS a MATCH (x:Actor {id: a}) CREATE (x)-[:RUNS]->(p) } "
        + ancestry.refresh("p", "Project")
        + facets.refresh("p", "Project"),
        {
            "id": project_id,
            "title": title,
            "kind": kind,
            "summary": summary,
            "source": source,
            "searchText": derived_properties("Project", {"title": title, "summary": summary})["searchText"],
            "territory": territory,
            "runs": list(runs),
        },
    )
    return project_id


async def make_call(
    store: Store,
    title: str,
    *,
    opens_on: date = date(2026, 1, 1),
    closes_on: date = date(2026, 12, 31),
    description: str | None = None,
    applications: tuple[tuple[str, str], ...] = (),
) -> str:
    call_id = str(uuid.uuid4())
    await store.write(
        "tests.call",
        "CREATE (c:CommonsCall {id: $id, title: $title, description: $description, opensOn: $opensOn, "
        "  closesOn: $closesOn, searchText: $searchText, createdAt: datetime(), updatedAt: datetime(), "
        "  createdBy: 'tests'}) "
        "WITH c CALL (c) { UNWIND $applications AS app MATCH (p:Project {id: app[0]}) "
        "  CREATE (p)-[:APPLIED_TO {status: app[1], submittedAt: datetime()}]->(c) }",
        {
            "id": call_id,
            "title": title,
            "description": description,
            "opensOn": opens_on,
            "closesOn": closes_on,
            "searchText": derived_properties("CommonsCall", {"title": title, "description": description})["searchText"],
            "applications": [list(app) for app in applications],
        },
    )
    return call_id
