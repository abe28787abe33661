"""Cypher for graph exploration: a node's neighbourhood as a drawable subgraph, and the shortest
cooperation path between two actors. One query each.

Labels, relationship types and depths are never parameters in Cypher's grammar, so they come from
allow-lists here: the start label from `EXPLORABLE_LABELS`, types are filtered with `type(r) IN $types`
(a parameter) after checking them against `RELATIONSHIP_TYPES`, and the depth picks one of three
prepared queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.errors import GraphError, NotFoundError
from graph.store import Store

# Nodes the exploration may start from or show. ApiKey, SchemaMigration and IdempotencyRecord are never shown.
EXPLORABLE_LABELS: tuple[LiteralString, ...] = (
    "Actor",
    "Territory",
    "Conflict",
    "ConflictType",
    "Project",
    "Resource",
    "Theme",
    "Sponsorship",
    "TaskForce",
    "CommonsCall",
    "Source",
)
HIDDEN_LABELS: tuple[str, ...] = ("ApiKey", "SchemaMigration", "IdempotencyRecord")

RELATIONSHIP_TYPES: tuple[str, ...] = (
    "PART_OF",
    "NEIGHBOUR_OF",
    "SUBTYPE_OF",
    "BASED_IN",
    "ACTS_IN",
    "GOVERNS",
    "INVOLVED_IN",
    "OF_TYPE",
    "LOCATED_IN",
    "ABOUT",
    "RUNS",
    "TAKES_PART_IN",
    "COOPERATES_WITH",
    "MEMBER_OF",
    "AUTHORED",
    "WORKS_ON",
    "DOCUMENTS",
    "SPONSORS",
    "BENEFITS",
    "ON",
    "MEMBER_OF_TASK_FORCE",
    "FOCUSES_ON",
    "HANDLES",
    "APPLIED_TO",
    "FROM_SOURCE",
)
# Properties never shown (search keys, provenance of writes) and those shown only to callers with a role.
INTERNAL_PROPERTIES = frozenset({"searchText", "nameKey", "caseTypes", "areaCodes", "hash", "createdBy", "updatedBy"})
PRIVATE_PROPERTIES = frozenset({"email", "phone", "contactName"})
# What only a sponsorship's parties and admins may read (schema.sponsorship): never in a subgraph.
PARTY_PROPERTIES: dict[str, frozenset[str]] = {"Sponsorship": frozenset({"need", "feedback", "declineReason"})}

MAX_DEPTH = 3
MAX_NODES = 500
MAX_HOPS = 6
# Edges kept per node of a neighbourhood (a documented cap of the cost model: dense graphs are truncated).
EDGES_PER_NODE = 10
# Nodes or edges a record of the neighbourhood query carries (a record is decoded in one go, ≈ 1 ms for 50).
ITEMS_PER_RECORD = 50


class ExplorationInputError(GraphError):
    code = "BAD_USER_INPUT"


def check_label(label: str) -> LiteralString:
    for allowed in EXPLORABLE_LABELS:
        if allowed == label:
            return allowed
    raise ExplorationInputError(f"A neighbourhood can start from {', '.join(EXPLORABLE_LABELS)}, not {label!r}.")


def check_types(types: tuple[str, ...]) -> list[str]:
    unknown = [t for t in types if t not in RELATIONSHIP_TYPES]
    if unknown:
        raise ExplorationInputError(
            f"Unknown relationship type(s) {', '.join(unknown)}; use {', '.join(RELATIONSHIP_TYPES)}."
        )
    return list(types or RELATIONSHIP_TYPES)


def _iso_datetime(value: LiteralString) -> LiteralString:
    """The text the driver's `DateTime.iso_format()` gives for a ZONED DATETIME (nanoseconds in full, the
    offset as +HH:MM), written by Neo4j: `2026-05-04T10:20:30.123000000+00:00`, never `...30.123Z`."""
    return (
        "[d IN [" + value + "] | toString(date(d)) + 'T' + right('0' + toString(d.hour), 2) + ':' "
        "+ right('0' + toString(d.minute), 2) + ':' + right('0' + toString(d.second), 2) + '.' "
        "+ right('00000000' + toString(d.nanosecond), 9) + CASE WHEN d.offsetSeconds < 0 THEN '-' ELSE '+' END "
        "+ right('0' + toString(abs(d.offsetSeconds) / 3600), 2) + ':' "
        "+ right('0' + toString(abs(d.offsetSeconds) % 3600 / 60), 2)][0]"
    )


def property_pairs(entity: LiteralString) -> LiteralString:
    """An entity's properties as [key, value] pairs, with dates and zoned date-times as the ISO text `plain`
    gives them. A large read then carries no temporal value for the driver to hydrate: a neighbourhood of
    500 nodes holds about 1,500 `createdAt`/`updatedAt`, 100-130 ms of the event loop's time as driver
    objects. (Cypher cannot build a map with computed keys, hence pairs; `dict(pairs)` rebuilds it.)"""
    return (
        "[k IN keys(" + entity + ") | [k, CASE "
        "WHEN " + entity + "[k] IS :: ZONED DATETIME THEN " + _iso_datetime(entity + "[k]") + " "
        "WHEN " + entity + "[k] IS :: DATE THEN toString(" + entity + "[k]) "
        "ELSE " + entity + "[k] END]]"
    )


def _neighbourhood_query(label: LiteralString, depth: LiteralString) -> LiteralString:
    # ANY SHORTEST from one source is a breadth-first search: each reachable node once, at its depth,
    # without enumerating every path to it.
    return (
        "MATCH (start:" + label + " {id: $id}) "
        "CALL (start) { "
        "  MATCH ANY SHORTEST (start)-[r WHERE type(r) IN $types]-{1," + depth + "}(n) "
        "  WHERE NOT any(l IN labels(n) WHERE l IN $hidden) AND n <> start "
        "  WITH n, size(r) AS depth ORDER BY depth, n.id, elementId(n) LIMIT $limit "
        "  RETURN collect({node: n, depth: depth}) AS found "
        "} "
        "WITH start, [{node: start, depth: 0}] + found AS found "
        "WITH start, found, [x IN found | x.node] AS nodes "
        "CALL (nodes) { "
        "  UNWIND nodes AS a "
        "  MATCH (a)-[r]->(b) WHERE type(r) IN $types AND b IN nodes "
        "  RETURN collect(DISTINCT {id: elementId(r), type: type(r), source: a.id, sourceLabels: labels(a), "
        "         target: b.id, targetLabels: labels(b), properties: " + property_pairs("r") + "}) AS edges "
        "} "
        "WITH [x IN found | {node: {labels: labels(x.node), properties: " + property_pairs("x.node") + ", "
        "      depth: x.depth}}] + [e IN edges | {edge: e}] AS items "
        # records of ITEMS_PER_RECORD nodes or edges rather than one of everything: the store decodes
        # records between turns of the event loop, never a whole neighbourhood in one go
        "UNWIND range(0, size(items) - 1, $perRecord) AS first "
        "RETURN items[first..first + $perRecord] AS items"
    )


_NEIGHBOURHOOD: dict[int, dict[str, LiteralString]] = {
    1: {label: _neighbourhood_query(label, "1") for label in EXPLORABLE_LABELS},
    2: {label: _neighbourhood_query(label, "2") for label in EXPLORABLE_LABELS},
    3: {label: _neighbourhood_query(label, "3") for label in EXPLORABLE_LABELS},
}


@dataclass(frozen=True)
class Subgraph:
    """Nodes (labels, shown properties, depth from the start) and the edges among them."""

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    truncated: bool


def plain(value: Any) -> Any:
    """A JSON-friendly copy of a Neo4j value: temporal values as ISO 8601, points as {lat, lon}."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "iso_format"):
        return str(value.iso_format())
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "srid") and hasattr(value, "x"):
        return {"lat": round(float(value.y), 6), "lon": round(float(value.x), 6)}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def display_label(properties: Mapping[str, Any]) -> str:
    """What a viewer shows for a node: its name, title, label or code."""
    for key in ("name", "title", "label", "code", "need"):
        if properties.get(key):
            return str(properties[key])
    return str(properties.get("id", ""))


def public_properties(
    properties: dict[str, Any], *, include_private: bool, labels: Iterable[str] = ()
) -> dict[str, Any]:
    party_only: frozenset[str] = frozenset().union(*(PARTY_PROPERTIES.get(label, frozenset()) for label in labels))
    return {
        key: value
        for key, value in properties.items()
        if key not in INTERNAL_PROPERTIES
        and key not in party_only
        and (include_private or key not in PRIVATE_PROPERTIES)
    }


async def neighbourhood(
    store: Store,
    label: str,
    node_id: str,
    *,
    depth: int = 1,
    types: tuple[str, ...] = (),
    limit: int = 100,
    include_private: bool = False,
) -> Subgraph:
    """The nodes within `depth` hops of a node over the given relationship types (all when empty),
    nearest first, at most `limit` besides the start, and every such relationship among them."""
    if depth not in _NEIGHBOURHOOD:
        raise ExplorationInputError(f"depth must be between 1 and {MAX_DEPTH}.")
    if not 1 <= limit <= MAX_NODES:
        raise ExplorationInputError(f"limit must be between 1 and {MAX_NODES}.")
    query = _NEIGHBOURHOOD[depth][check_label(label)]
    params = {
        "id": node_id,
        "types": check_types(types),
        "hidden": list(HIDDEN_LABELS),
        "limit": limit + 1,
        "perRecord": ITEMS_PER_RECORD,
    }
    rows = await store.read("exploration.neighbourhood", query, params)
    if not rows:
        raise NotFoundError(f"No {label} has the id {node_id!r}.")
    items = [item for row in rows for item in row["items"]]
    nodes: list[dict[str, Any]] = [item["node"] for item in items if "node" in item]
    truncated = len(nodes) > limit + 1
    nodes = nodes[: limit + 1]
    for node in nodes:
        node["properties"] = public_properties(
            dict(node["properties"]), include_private=include_private, labels=node["labels"]
        )
    kept = {node["properties"].get("id") for node in nodes}
    edges = [
        edge
        for edge in (item["edge"] for item in items if "edge" in item)
        if edge["source"] in kept and edge["target"] in kept
    ]
    for edge in edges:
        edge["properties"] = dict(edge["properties"])
    if len(edges) > EDGES_PER_NODE * len(nodes):
        edges, truncated = edges[: EDGES_PER_NODE * len(nodes)], True
    return Subgraph(nodes=nodes, edges=edges, truncated=truncated)


COOPERATION_TYPES: tuple[str, ...] = ("COOPERATES_WITH", "MEMBER_OF")


def _path_query(hops: LiteralString) -> LiteralString:
    return (
        "OPTIONAL MATCH (a:Actor {id: $from}) "
        "OPTIONAL MATCH (b:Actor {id: $to}) "
        "OPTIONAL CALL (a, b) { "
        "  WITH a, b WHERE a IS NOT NULL AND b IS NOT NULL AND a <> b "
        "  MATCH p = SHORTEST 1 (a)-[:COOPERATES_WITH|MEMBER_OF]-{1," + hops + "}(b) "
        "  RETURN [n IN nodes(p) | n {.*}] AS actors, "
        "         [r IN relationships(p) | {type: type(r), source: startNode(r).id, target: endNode(r).id, "
        "          properties: properties(r)}] AS links "
        "} "
        "RETURN a IS NOT NULL AS fromFound, b IS NOT NULL AS toFound, actors, links"
    )


_PATHS: dict[int, LiteralString] = {
    1: _path_query("1"),
    2: _path_query("2"),
    3: _path_query("3"),
    4: _path_query("4"),
    5: _path_query("5"),
    6: _path_query("6"),
}

_ACTOR: LiteralString = "MATCH (a:Actor {id: $id}) RETURN a {.*} AS actor"


@dataclass(frozen=True)
class CooperationPath:
    """The actors along the path, in order, and the links between consecutive ones (as stored)."""

    actors: list[dict[str, Any]]
    links: list[dict[str, Any]]

    @property
    def hops(self) -> int:
        return len(self.links)


async def cooperation_path(store: Store, source: str, target: str, *, max_hops: int = 4) -> CooperationPath | None:
    """The shortest chain of COOPERATES_WITH or MEMBER_OF links (either direction) between two actors,
    or None when there is none within `max_hops`; NotFoundError names an unknown actor."""
    if max_hops not in _PATHS:
        raise ExplorationInputError(f"maxHops must be between 1 and {MAX_HOPS}.")
    if source == target:
        rows = await store.read("exploration.pathSelf", _ACTOR, {"id": source})
        if not rows:
            raise NotFoundError(f"No actor has the id {source!r}.")
        return CooperationPath(actors=[rows[0]["actor"]], links=[])
    rows = await store.read("exploration.cooperationPath", _PATHS[max_hops], {"from": source, "to": target})
    row = rows[0]  # the OPTIONAL MATCHes always yield one row
    for flag, actor_id in (("fromFound", source), ("toFound", target)):
        if not row[flag]:
            raise NotFoundError(f"No actor has the id {actor_id!r}.")
    if row["actors"] is None:
        return None
    return CooperationPath(actors=row["actors"], links=row["links"])
