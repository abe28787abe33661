"""The relationship fields of the API, read in batches: one Cypher per DataLoader batch.

Each hop is named (`actor.conflicts`, `conflict.type`…) and maps to one constant query (two: with and
without the end nodes' timestamps, which a page rarely shows and the driver is slow to decode) that takes the
ids of a batch of start nodes (`$keys`), an optional filter list (`$filter`: roles, kinds or
statuses) and a per-node limit (`$limit`), and returns, per start node, its neighbours in a stable
order with the properties of the relationship that links them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.store import Store


class Hop:
    """One relationship field: its query with the end nodes' timestamps, and without them."""

    def __init__(
        self, start: LiteralString, pattern: LiteralString, order: LiteralString, where: LiteralString = "true"
    ) -> None:
        self.start = start
        self.pattern = pattern
        end = re.search(r"\(n:(\w+)\)", pattern)
        self.end: str | None = end.group(1) if end else None  # the end nodes' label, when the pattern names one
        self.order = order
        self.where = where
        head: LiteralString = (
            "UNWIND $keys AS key CALL (key) { MATCH (s:" + start + " {id: key})" + pattern + " "
            "WHERE $filter IS NULL OR " + where + " "
            "RETURN n, r ORDER BY " + order + " LIMIT $limit } "
            "RETURN key, "
        )
        self.with_timestamps: LiteralString = head + "collect(" + _item(True) + ") AS items"
        self.without_timestamps: LiteralString = head + "collect(" + _item(False) + ") AS items"

    def inline(self, name: LiteralString) -> LiteralString:
        """The same neighbours of the node bound to `s` inside a larger query (where `n` and `r` are not
        bound): a subquery binding the list `name` (as `neighbours` returns it for one key, except that each
        end node comes as [key, value] pairs without the keys listed in `$<name>Drop`), with its parameters
        `$<name>Limit`, `$<name>Filter` and `$<name>Drop`. A list page fetches its nodes' fields with it."""
        where = self.where.replace("$filter", "$" + name + "Filter")
        return (
            "CALL (s) { MATCH (s)" + self.pattern + " "
            "WHERE $" + name + "Filter IS NULL OR " + where + " "
            "WITH n, r ORDER BY " + self.order + " LIMIT $" + name + "Limit "
            "RETURN collect({rel: r {.*, type: type(r), createdAt: null, updatedAt: null}, labels: labels(n), "
            "node: " + node_pairs("$" + name + "Drop") + "}) AS " + name + " } "
        )


def node_pairs(drop: LiteralString) -> LiteralString:
    """The properties of `n` as [key, value] pairs, but those whose keys are in the list `drop` (a parameter):
    what a page leaves out is chosen per request without changing the query's text (`list_page` makes the
    pairs a dict again). Reading only the kept keys is also cheaper for Neo4j than `n {.*}`."""
    return "[k IN keys(n) WHERE NOT k IN " + drop + " | [k, n[k]]]"


def _item(timestamps: bool) -> LiteralString:
    """One neighbour as the API reads it: the link's properties, the end node's labels and properties."""
    node: LiteralString = "n {.*, searchText: null, caseTypes: null, areaCodes: null"
    node += "}" if timestamps else ", createdAt: null, updatedAt: null}"
    return "{rel: r {.*, type: type(r), createdAt: null, updatedAt: null}, labels: labels(n), node: " + node + "}"


_BY_NAME: LiteralString = "coalesce(n.nameKey, toLower(n.name)), n.id"
_NEWEST_CONFLICT: LiteralString = "coalesce(toString(n.startedOn), '') DESC, n.id"
_NEWEST_RESOURCE: LiteralString = "coalesce(toString(n.publishedOn), '') DESC, n.id"
_BY_TITLE: LiteralString = "coalesce(n.searchText, toLower(n.title)), n.id"
_BY_CODE: LiteralString = "n.code"

HOPS: dict[str, Hop] = {
    "actor.basedIn": Hop("Actor", "-[r:BASED_IN]->(n:Territory)", _BY_CODE),
    "actor.actsIn": Hop("Actor", "-[r:ACTS_IN]->(n:Territory)", "n.level, n.name"),
    "actor.governs": Hop("Actor", "-[r:GOVERNS]->(n:Territory)", _BY_CODE),
    "actor.themes": Hop("Actor", "-[r:WORKS_ON]->(n:Theme)", _BY_CODE),
    "actor.conflicts": Hop("Actor", "-[r:INVOLVED_IN]->(n:Conflict)", _NEWEST_CONFLICT, "r.role IN $filter"),
    "actor.projects": Hop("Actor", "-[r:RUNS|TAKES_PART_IN]->(n:Project)", _BY_TITLE, "type(r) IN $filter"),
    "actor.resources": Hop("Actor", "-[r:AUTHORED]->(n:Resource)", _NEWEST_RESOURCE),
    "actor.cooperations": Hop("Actor", "-[r:COOPERATES_WITH]-(n:Actor)", _BY_NAME, "r.kind IN $filter"),
    "actor.networks": Hop("Actor", "-[r:MEMBER_OF]->(n:Actor)", _BY_NAME),
    "actor.members": Hop("Actor", "<-[r:MEMBER_OF]-(n:Actor)", _BY_NAME),
    "conflict.type": Hop("Conflict", "-[r:OF_TYPE]->(n:ConflictType)", _BY_CODE),
    "conflict.territory": Hop("Conflict", "-[r:LOCATED_IN]->(n:Territory)", _BY_CODE),
    "conflict.actors": Hop("Conflict", "<-[r:INVOLVED_IN]-(n:Actor)", "r.role, " + _BY_NAME, "r.role IN $filter"),
    "conflict.resources": Hop("Conflict", "<-[r:DOCUMENTS]-(n:Resource)", _NEWEST_RESOURCE),
    "conflict.project": Hop("Conflict", "-[r:ABOUT]->(n:Project)", _BY_TITLE),
    "project.territory": Hop("Project", "-[r:LOCATED_IN]->(n:Territory)", _BY_CODE),
    "project.themes": Hop("Project", "-[r:ABOUT]->(n:Theme)", _BY_CODE),
    "project.actors": Hop("Project", "<-[r:RUNS|TAKES_PART_IN]-(n:Actor)", _BY_NAME, "type(r) IN $filter"),
    "project.conflicts": Hop("Project", "<-[r:ABOUT]-(n:Conflict)", _NEWEST_CONFLICT),
    "project.resources": Hop("Project", "<-[r:DOCUMENTS]-(n:Resource)", _NEWEST_RESOURCE),
    "project.applications": Hop(
        "Project", "-[r:APPLIED_TO]->(n:CommonsCall)", "coalesce(toString(n.opensOn), '') DESC, n.id"
    ),
    "resource.authors": Hop("Resource", "<-[r:AUTHORED]-(n:Actor)", _BY_NAME),
    "resource.themes": Hop("Resource", "-[r:ABOUT]->(n:Theme)", _BY_CODE),
    "resource.conflictTypes": Hop("Resource", "-[r:ABOUT]->(n:ConflictType)", _BY_CODE),
    "resource.conflicts": Hop("Resource", "-[r:DOCUMENTS]->(n:Conflict)", _NEWEST_CONFLICT),
    "resource.projects": Hop("Resource", "-[r:DOCUMENTS]->(n:Project)", _BY_TITLE),
    "call.applications": Hop(
        "CommonsCall",
        "<-[r:APPLIED_TO]-(n:Project)",
        "coalesce(toString(r.submittedAt), ''), n.id",
        "r.status IN $filter",
    ),
    "sponsorship.sponsor": Hop("Sponsorship", "<-[r:SPONSORS]-(n:Actor)", _BY_NAME),
    "sponsorship.beneficiary": Hop("Sponsorship", "-[r:BENEFITS]->(n:Actor)", _BY_NAME),
    "sponsorship.conflictTypes": Hop("Sponsorship", "-[r:ON]->(n:ConflictType)", _BY_CODE),
    "sponsorship.themes": Hop("Sponsorship", "-[r:ON]->(n:Theme)", _BY_CODE),
    "taskForce.members": Hop("TaskForce", "<-[r:MEMBER_OF_TASK_FORCE]-(n:Actor)", "r.role, " + _BY_NAME),
    "taskForce.focusesOn": Hop("TaskForce", "-[r:FOCUSES_ON]->(n:ConflictType)", _BY_CODE),
    "taskForce.handles": Hop("TaskForce", "-[r:HANDLES]->(n:Conflict)", _NEWEST_CONFLICT),
    "need.actor": Hop("Need", "<-[r:POSTED]-(n:Actor)", _BY_NAME),
    "need.conflictType": Hop("Need", "-[r:ON]->(n:ConflictType)", _BY_CODE),
    "need.theme": Hop("Need", "-[r:ON]->(n:Theme)", _BY_CODE),
    "need.territory": Hop("Need", "-[r:LOCATED_IN]->(n:Territory)", _BY_CODE),
    "need.conflict": Hop("Need", "-[r:ABOUT]->(n:Conflict)", _NEWEST_CONFLICT),
    "need.sponsorships": Hop("Need", "<-[r:ANSWERS]-(n:Sponsorship)", "n.createdAt, n.id"),
    "need.taskForces": Hop("Need", "<-[r:ANSWERS]-(n:TaskForce)", "n.createdAt, n.id"),
    "need.metBy": Hop("Need", "-[r:MET_BY]->(n)", "n.id"),
    "actor.needs": Hop("Actor", "-[r:POSTED]->(n:Need)", "n.postedAt DESC, n.id", "n.status IN $filter"),
}


@dataclass(frozen=True)
class RelatedAsk:
    """The neighbours a list page fetches for each of its nodes: what `neighbours` would be asked."""

    hop: str
    limit: int
    only: tuple[str, ...] | None = None
    timestamps: bool = True
    # properties of the end nodes no field of the request can show (`schema.projection`): left out
    drop: tuple[str, ...] = ()


# The names of the lists a page fetches along (an allow-list: they become Cypher variables).
RELATED_NAMES: tuple[LiteralString, ...] = (
    "related0",
    "related1",
    "related2",
    "related3",
    "related4",
    "related5",
    "related6",
    "related7",
)


async def neighbours(
    store: Store,
    hop: str,
    keys: Sequence[str],
    *,
    limit: int,
    only: Sequence[str] | None = None,
    timestamps: bool = True,
) -> dict[str, list[dict[str, Any]]]:
    """{start id: [{node, rel, labels}…]} for a batch of start nodes (one round trip).

    Without `timestamps`, the nodes' `createdAt`/`updatedAt` are None (relationships never carry them here).
    """
    query = HOPS[hop].with_timestamps if timestamps else HOPS[hop].without_timestamps
    if not keys:
        return {}
    params = {"keys": list(dict.fromkeys(keys)), "limit": limit, "filter": list(only) if only is not None else None}
    rows = await store.read(f"neighbours.{hop}", query, params)
    return {row["key"]: row["items"] for row in rows}
