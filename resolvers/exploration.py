"""Resolvers of graph exploration: a node's neighbourhood and the cooperation path between two actors."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from graph import exploration
from graph.errors import NotFoundError
from schema.context import Info
from schema.errors import NotFound, bad_input
from schema.exploration import (
    CooperationPath,
    CooperationPathResult,
    GraphRelationshipType,
    NeighbourhoodResult,
    NoCooperationPath,
    Subgraph,
)


async def neighbourhood(
    info: Info,
    id: Annotated[relay.GlobalID, strawberry.argument(description="Global id of the start node.")],
    depth: Annotated[int, strawberry.argument(description="Hops from the start node, 1 to 3.")] = 1,
    relationship_types: Annotated[
        list[GraphRelationshipType] | None, strawberry.argument(description="Follow only these (default: all).")
    ] = None,
    limit: Annotated[int, strawberry.argument(description="Most nodes besides the start one (1–500).")] = 100,
) -> NeighbourhoodResult:
    if id.type_name not in exploration.EXPLORABLE_LABELS:
        raise bad_input(f"A neighbourhood starts from one of {', '.join(exploration.EXPLORABLE_LABELS)}.")
    if not 1 <= depth <= exploration.MAX_DEPTH:
        raise bad_input(f"`depth` must be between 1 and {exploration.MAX_DEPTH}.")
    if not 1 <= limit <= exploration.MAX_NODES:
        raise bad_input(f"`limit` must be between 1 and {exploration.MAX_NODES}.")
    try:
        record = await exploration.neighbourhood(
            info.context.store,
            id.type_name,
            id.node_id,
            depth=depth,
            types=tuple(t.value for t in relationship_types or []),
            limit=limit,
            include_private=info.context.principal.can_read_private,
        )
    except NotFoundError as error:
        return NotFound(message=str(error), id=str(id))
    return await Subgraph.from_record(record)


async def cooperation_path(
    info: Info,
    from_: Annotated[relay.GlobalID, strawberry.argument(name="from", description="Global id of an actor.")],
    to: Annotated[relay.GlobalID, strawberry.argument(description="Global id of another actor.")],
    max_hops: Annotated[int, strawberry.argument(description="Longest chain looked for, 1 to 6.")] = 4,
) -> CooperationPathResult:
    for name, value in (("from", from_), ("to", to)):
        if value.type_name != "Actor":
            raise bad_input(f"`{name}` must be the id of an Actor.")
    if not 1 <= max_hops <= exploration.MAX_HOPS:
        raise bad_input(f"`maxHops` must be between 1 and {exploration.MAX_HOPS}.")
    try:
        path = await exploration.cooperation_path(info.context.store, from_.node_id, to.node_id, max_hops=max_hops)
    except NotFoundError as error:
        missing = from_ if from_.node_id in str(error) else to
        return NotFound(message=str(error), id=str(missing))
    if path is None:
        return NoCooperationPath(
            message=f"No chain of cooperation or network links within {max_hops} hops joins these two actors.",
            max_hops=max_hops,
        )
    return CooperationPath.from_record(path)
