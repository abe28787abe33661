"""Cypher for actors: the directory's records, their filters and their writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from graph import ancestry, case_types, facets
from graph.editing import EditableNode, Editor, LinkField, delete_owned, link_references, save_node
from graph.listing import DISTANCE, RELEVANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.pagination import Page
from graph.store import Store

ACTOR_LIST = ListSpec(
    label="Actor",
    sorts={
        # every writer sets `nameKey` (graph.editing, graph.bulk, the partner importer; migration 20
        # filled it in before): the directory walks the `actor_name_key` index in order
        "NAME": SortKey("n.nameKey", indexed="nameKey"),
        "CREATED_AT": SortKey("coalesce(n.createdAt.epochMillis, 0)", descending=True),
        "RELEVANCE": RELEVANCE,
        "DISTANCE": DISTANCE,
    },
    default_sort="NAME",
    area_filter="EXISTS { MATCH (n)-[:BASED_IN]->(:Territory)-[:PART_OF*0..3]->(area) }",
    area_source="MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:BASED_IN]-(n:Actor)",
    located=True,
    area_codes=True,
    facet_codes=True,
)


@dataclass(frozen=True)
class ActorFilter:
    """Directory filters; every given one must hold."""

    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    conflict_types: tuple[str, ...] = ()  # involved in a conflict of one of these types or a subtype
    roles: tuple[str, ...] = ()  # involved in a conflict with one of these roles
    open_to_sponsorship: bool | None = None
    source: str | None = None
    network: str | None = None  # id of a network the actor is a member of

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        """Every filter as a clause tested on each node."""
        return self.where().result()

    def where(self) -> FilterClauses:
        where = FilterClauses()
        where.facet(facets.KIND, "n.kind IN $kinds", "kinds", self.kinds)
        where.facet(
            facets.THEME, "EXISTS { MATCH (n)-[:WORKS_ON]->(th:Theme) WHERE th.code IN $themes }", "themes", self.themes
        )
        if self.conflict_types or self.roles:
            where.add(
                "EXISTS { MATCH (n)-[inv:INVOLVED_IN]->(:Conflict)-[:OF_TYPE]->(:ConflictType)"
                "-[:SUBTYPE_OF*0..3]->(ct:ConflictType) "
                "WHERE ($conflictTypes IS NULL OR ct.code IN $conflictTypes) "
                "AND ($roles IS NULL OR inv.role IN $roles) }",
                conflictTypes=list(self.conflict_types) or None,
                roles=list(self.roles) or None,
            )
        where.equal(
            "coalesce(n.openToSponsorship, false) = $openToSponsorship", "openToSponsorship", self.open_to_sponsorship
        )
        where.source(self.source)
        where.equal("EXISTS { MATCH (n)-[:MEMBER_OF]->(:Actor {id: $network}) }", "network", self.network)
        return where


async def actor_page(store: Store, filters: ActorFilter, request: ListRequest) -> Page:
    """One page of the directory (search, filters, territory, distance), with its total when asked."""
    filters.where().apply(request)
    return await list_page(store, ACTOR_LIST, request, name="actors.page")


ACTOR_NODE = EditableNode(
    label="Actor",
    links=(
        LinkField("basedIn", "BASED_IN", "Territory", copy_location=True),
        LinkField("actsIn", "ACTS_IN", "Territory"),
        LinkField("themes", "WORKS_ON", "Theme", key="code"),
    ),
    on_create="SET n." + case_types.ON_CREATE + " ",
    after_links=ancestry.refresh_in_call("n", "Actor") + facets.refresh_in_call("n", "Actor"),
)


async def save_actor(
    store: Store, editor: Editor, props: dict[str, Any], links: dict[str, list[str]], record_id: str | None = None
) -> dict[str, Any]:
    """Create (no `record_id`) or update an actor with its base, areas of action and themes; one transaction.

    `links` holds the relationship lists to replace: `basedIn` ([] or [INSEE code of a commune]),
    `actsIn` (territory codes), `themes` (theme codes).
    """
    refs = link_references(
        links, territories=("basedIn", "actsIn"), themes=("themes",), communes_only=frozenset({"basedIn"})
    )
    return await save_node(store, ACTOR_NODE, record_id=record_id, props=props, links=links, refs=refs, editor=editor)


async def delete_actor(store: Store, editor: Editor, actor_id: str) -> None:
    await delete_owned(store, "Actor", actor_id, editor)


_BASED_IN: LiteralString = """
MATCH (a:Actor)-[:BASED_IN]->(t:Territory) WHERE a.id IN $ids
RETURN a.id AS actorId, t {.*} AS territory
"""


async def base_territories(store: Store, actor_ids: list[str]) -> dict[str, dict[str, Any]]:
    """{actor id: base territory} for a batch of actors (one round trip)."""
    rows = await store.read("actors.basedIn", _BASED_IN, {"ids": actor_ids})
    return {row["actorId"]: row["territory"] for row in rows}
