"""The relationship fields of the API, read in batches: one Cypher per DataLoader batch.

Each hop is named (`actor.conflicts`, `conflict.type`…) and maps to one constant query that takes the
ids of a batch of start nodes (`$keys`), an optional filter list (`$filter`: roles, kinds or
statuses) and a per-node limit (`$limit`), and returns, per start node, its neighbours in a stable
order with the properties of the relationship that links them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.store import Store


def _hop(
    start: LiteralString, pattern: LiteralString, order: LiteralString, where: LiteralString = "true"
) -> LiteralString:
    return (
        "UNWIND $keys AS key CALL (key) { MATCH (s:" + start + " {id: key})" + pattern + " "
        "WHERE $filter IS NULL OR " + where + " "
        "RETURN n, r ORDER BY " + order + " LIMIT $limit } "
        "RETURN key, collect({node: n {.*, searchText: null}, rel: r {.*, type: type(r)}, labels: labels(n)}) AS items"
    )


_BY_NAME: LiteralString = "coalesce(n.nameKey, toLower(n.name)), n.id"
_NEWEST_CONFLICT: LiteralString = "coalesce(toString(n.startedOn), '') DESC, n.id"
_NEWEST_RESOURCE: LiteralString = "coalesce(toString(n.publishedOn), '') DESC, n.id"
_BY_TITLE: LiteralString = "coalesce(n.searchText, toLower(n.title)), n.id"
_BY_CODE: LiteralString = "n.code"

HOPS: dict[str, LiteralString] = {
    "actor.basedIn": _hop("Actor", "-[r:BASED_IN]->(n:Territory)", _BY_CODE),
    "actor.actsIn": _hop("Actor", "-[r:ACTS_IN]->(n:Territory)", "n.level, n.name"),
    "actor.governs": _hop("Actor", "-[r:GOVERNS]->(n:Territory)", _BY_CODE),
    "actor.themes": _hop("Actor", "-[r:WORKS_ON]->(n:Theme)", _BY_CODE),
    "actor.conflicts": _hop("Actor", "-[r:INVOLVED_IN]->(n:Conflict)", _NEWEST_CONFLICT, "r.role IN $filter"),
    "actor.projects": _hop("Actor", "-[r:RUNS|TAKES_PART_IN]->(n:Project)", _BY_TITLE, "type(r) IN $filter"),
    "actor.resources": _hop("Actor", "-[r:AUTHORED]->(n:Resource)", _NEWEST_RESOURCE),
    "actor.cooperations": _hop("Actor", "-[r:COOPERATES_WITH]-(n:Actor)", _BY_NAME, "r.kind IN $filter"),
    "actor.networks": _hop("Actor", "-[r:MEMBER_OF]->(n:Actor)", _BY_NAME),
    "actor.members": _hop("Actor", "<-[r:MEMBER_OF]-(n:Actor)", _BY_NAME),
    "conflict.type": _hop("Conflict", "-[r:OF_TYPE]->(n:ConflictType)", _BY_CODE),
    "conflict.territory": _hop("Conflict", "-[r:LOCATED_IN]->(n:Territory)", _BY_CODE),
    "conflict.actors": _hop("Conflict", "<-[r:INVOLVED_IN]-(n:Actor)", "r.role, " + _BY_NAME, "r.role IN $filter"),
    "conflict.resources": _hop("Conflict", "<-[r:DOCUMENTS]-(n:Resource)", _NEWEST_RESOURCE),
    "conflict.project": _hop("Conflict", "-[r:ABOUT]->(n:Project)", _BY_TITLE),
    "project.territory": _hop("Project", "-[r:LOCATED_IN]->(n:Territory)", _BY_CODE),
    "project.themes": _hop("Project", "-[r:ABOUT]->(n:Theme)", _BY_CODE),
    "project.actors": _hop("Project", "<-[r:RUNS|TAKES_PART_IN]-(n:Actor)", _BY_NAME, "type(r) IN $filter"),
    "project.conflicts": _hop("Project", "<-[r:ABOUT]-(n:Conflict)", _NEWEST_CONFLICT),
    "project.resources": _hop("Project", "<-[r:DOCUMENTS]-(n:Resource)", _NEWEST_RESOURCE),
    "project.applications": _hop(
        "Project", "-[r:APPLIED_TO]->(n:CommonsCall)", "coalesce(toString(n.opensOn), '') DESC, n.id"
    ),
    "resource.authors": _hop("Resource", "<-[r:AUTHORED]-(n:Actor)", _BY_NAME),
    "resource.themes": _hop("Resource", "-[r:ABOUT]->(n:Theme)", _BY_CODE),
    "resource.conflictTypes": _hop("Resource", "-[r:ABOUT]->(n:ConflictType)", _BY_CODE),
    "resource.conflicts": _hop("Resource", "-[r:DOCUMENTS]->(n:Conflict)", _NEWEST_CONFLICT),
    "resource.projects": _hop("Resource", "-[r:DOCUMENTS]->(n:Project)", _BY_TITLE),
    "call.applications": _hop(
        "CommonsCall",
        "<-[r:APPLIED_TO]-(n:Project)",
        "coalesce(toString(r.submittedAt), ''), n.id",
        "r.status IN $filter",
    ),
    "sponsorship.sponsor": _hop("Sponsorship", "<-[r:SPONSORS]-(n:Actor)", _BY_NAME),
    "sponsorship.beneficiary": _hop("Sponsorship", "-[r:BENEFITS]->(n:Actor)", _BY_NAME),
    "sponsorship.conflictTypes": _hop("Sponsorship", "-[r:ON]->(n:ConflictType)", _BY_CODE),
    "sponsorship.themes": _hop("Sponsorship", "-[r:ON]->(n:Theme)", _BY_CODE),
    "taskForce.members": _hop("TaskForce", "<-[r:MEMBER_OF_TASK_FORCE]-(n:Actor)", "r.role, " + _BY_NAME),
    "taskForce.focusesOn": _hop("TaskForce", "-[r:FOCUSES_ON]->(n:ConflictType)", _BY_CODE),
    "taskForce.handles": _hop("TaskForce", "-[r:HANDLES]->(n:Conflict)", _NEWEST_CONFLICT),
}


async def neighbours(
    store: Store, hop: str, keys: Sequence[str], *, limit: int, only: Sequence[str] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """{start id: [{node, rel, labels}…]} for a batch of start nodes (one round trip)."""
    query = HOPS[hop]
    if not keys:
        return {}
    params = {"keys": list(dict.fromkeys(keys)), "limit": limit, "filter": list(only) if only is not None else None}
    rows = await store.read(f"neighbours.{hop}", query, params)
    return {row["key"]: row["items"] for row in rows}
