"""GraphQL types of graph exploration: a generic subgraph a viewer can draw, and cooperation paths.

Node ids in a subgraph are the API's global ids (`node(id:)` fetches them); properties are a JSON
object of the node's shown properties (points as {lat, lon}, dates as ISO 8601).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from graph.exploration import CooperationPath as PathRecord
from graph.exploration import Subgraph as SubgraphRecord
from graph.exploration import display_label, plain
from schema.actor import Actor
from schema.cooperative import built_in_turns
from schema.enums import CooperationKind
from schema.errors import NotFound
from schema.values import to_enum, to_int


@strawberry.enum(description="Relationship types a neighbourhood may follow (docs/graph-model.md).")
class GraphRelationshipType(Enum):
    PART_OF = "PART_OF"
    NEIGHBOUR_OF = "NEIGHBOUR_OF"
    SUBTYPE_OF = "SUBTYPE_OF"
    BASED_IN = "BASED_IN"
    ACTS_IN = "ACTS_IN"
    GOVERNS = "GOVERNS"
    INVOLVED_IN = "INVOLVED_IN"
    OF_TYPE = "OF_TYPE"
    LOCATED_IN = "LOCATED_IN"
    ABOUT = "ABOUT"
    RUNS = "RUNS"
    TAKES_PART_IN = "TAKES_PART_IN"
    COOPERATES_WITH = "COOPERATES_WITH"
    MEMBER_OF = "MEMBER_OF"
    AUTHORED = "AUTHORED"
    WORKS_ON = "WORKS_ON"
    DOCUMENTS = "DOCUMENTS"
    SPONSORS = "SPONSORS"
    BENEFITS = "BENEFITS"
    ON = "ON"
    MEMBER_OF_TASK_FORCE = "MEMBER_OF_TASK_FORCE"
    FOCUSES_ON = "FOCUSES_ON"
    HANDLES = "HANDLES"
    APPLIED_TO = "APPLIED_TO"
    FROM_SOURCE = "FROM_SOURCE"


def global_id(labels: list[str], node_id: str) -> str:
    """The API's global id of a node (its first label is its GraphQL type)."""
    return relay.to_base64(labels[0] if labels else "Node", node_id)


@strawberry.type(description="A node of a subgraph.")
class GraphNode:
    id: strawberry.ID = strawberry.field(description="Global id (use it with `node(id:)`).")
    key: str = strawberry.field(description="The stored id (a uuid, a code, or LEVEL-code for a territory).")
    labels: list[str]
    label: str = strawberry.field(description="What to show: its name, title or label.")
    depth: int = strawberry.field(description="Hops from the start node (0 for the start node itself).")
    properties: JSON = strawberry.field(description="Its properties, without internal ones; contacts need a role.")


@strawberry.type(description="A relationship between two nodes of the subgraph, as stored (direction kept).")
class GraphEdge:
    id: strawberry.ID
    type: GraphRelationshipType
    source: strawberry.ID = strawberry.field(description="Global id of the start node.")
    target: strawberry.ID = strawberry.field(description="Global id of the end node.")
    properties: JSON


@strawberry.type(description="A node's neighbourhood: nodes nearest first, and every edge among them.")
class Subgraph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="More nodes lie within the depth than `limit` allowed.")

    @classmethod
    async def from_record(cls, record: SubgraphRecord) -> Subgraph:
        """The subgraph of a record, built in turns (up to 500 nodes and 5,000 edges)."""
        nodes = await built_in_turns(record.nodes, _graph_node)
        edges = await built_in_turns(record.edges, _graph_edge)
        return cls(nodes=nodes, edges=edges, truncated=record.truncated)


def _graph_node(node: dict[str, Any]) -> GraphNode:
    return GraphNode(
        id=strawberry.ID(global_id(node["labels"], str(node["properties"].get("id")))),
        key=str(node["properties"].get("id")),
        labels=list(node["labels"]),
        label=display_label(node["properties"]),
        depth=int(node["depth"]),
        properties=plain(node["properties"]),
    )


def _graph_edge(edge: dict[str, Any]) -> GraphEdge:
    return GraphEdge(
        id=strawberry.ID(str(edge["id"])),
        type=GraphRelationshipType(edge["type"]),
        source=strawberry.ID(global_id(edge["sourceLabels"], str(edge["source"]))),
        target=strawberry.ID(global_id(edge["targetLabels"], str(edge["target"]))),
        properties=plain(edge["properties"] or {}),
    )


NeighbourhoodResult = Annotated[Subgraph | NotFound, strawberry.union("NeighbourhoodResult")]


@strawberry.enum(description="A link of a cooperation path.")
class CooperationLinkType(Enum):
    COOPERATES_WITH = "COOPERATES_WITH"
    MEMBER_OF = "MEMBER_OF"


@strawberry.type(description="One link of a cooperation path, as stored (source → target).")
class CooperationLink:
    type: CooperationLinkType
    source: Actor
    target: Actor
    kind: CooperationKind | None = strawberry.field(description="For COOPERATES_WITH: partnership, contract…")
    since: int | None
    until: int | None


@strawberry.type(description="The shortest chain of cooperation or network links between two actors.")
class CooperationPath:
    hops: int
    actors: list[Actor] = strawberry.field(description="From the first actor to the second, in order.")
    links: list[CooperationLink] = strawberry.field(description="Between consecutive actors, whatever their direction.")

    @classmethod
    def from_record(cls, record: PathRecord) -> CooperationPath:
        actors = {actor["id"]: Actor.from_record(actor) for actor in record.actors}
        links = [
            CooperationLink(
                type=CooperationLinkType(link["type"]),
                source=actors[link["source"]],
                target=actors[link["target"]],
                kind=to_enum(CooperationKind, (link["properties"] or {}).get("kind")),
                since=to_int((link["properties"] or {}).get("since")),
                until=to_int((link["properties"] or {}).get("until")),
            )
            for link in record.links
        ]
        return cls(hops=record.hops, actors=[actors[actor["id"]] for actor in record.actors], links=links)


@strawberry.type(description="The two actors are not linked within the hops asked for.")
class NoCooperationPath:
    message: str
    max_hops: int


CooperationPathResult = Annotated[
    CooperationPath | NoCooperationPath | NotFound, strawberry.union("CooperationPathResult")
]
