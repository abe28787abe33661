"""Cypher for the resource centre and the blog: guides, methods, tools, case studies, articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graph import ancestry, facets
from graph.editing import EditableNode, Editor, LinkField, delete_owned, link_references, save_node
from graph.listing import RELEVANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.pagination import Page
from graph.store import Store

RESOURCE_LIST = ListSpec(
    label="Resource",
    sorts={
        "PUBLISHED_ON": SortKey("coalesce(toString(n.publishedOn), '')", descending=True),
        "TITLE": SortKey("coalesce(n.searchText, toLower(n.title), '')"),
        "CREATED_AT": SortKey("coalesce(n.createdAt.epochMillis, 0)", descending=True),
        "RELEVANCE": RELEVANCE,
    },
    default_sort="PUBLISHED_ON",
    area_filter=(
        "EXISTS { MATCH (n)-[:DOCUMENTS]->(:Conflict|Project)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..3]->(area) }"
    ),
    area_source=(
        "MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:LOCATED_IN]-(:Conflict|Project)<-[:DOCUMENTS]-(n:Resource)"
    ),
    area_codes=True,
    facet_codes=True,
)


@dataclass(frozen=True)
class ResourceFilter:
    kinds: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    conflict_types: tuple[str, ...] = ()  # about one of these types, or a broader or narrower one
    language: str | None = None
    author: str | None = None  # actor id
    published_from: date | None = None
    published_to: date | None = None
    source: str | None = None

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        """Every filter as a clause tested on each node."""
        return self.where().result()

    def where(self) -> FilterClauses:
        where = FilterClauses()
        where.facet(facets.KIND, "n.kind IN $kinds", "kinds", self.kinds)
        where.facet(
            facets.THEME, "EXISTS { MATCH (n)-[:ABOUT]->(th:Theme) WHERE th.code IN $themes }", "themes", self.themes
        )
        # A guide about wind farms serves an ONSHORE_WIND case, and one about ENERGY does too.
        where.any_of(
            "EXISTS { MATCH (n)-[:ABOUT]->(ct:ConflictType) WHERE "
            "EXISTS { MATCH (ct)-[:SUBTYPE_OF*0..3]->(x:ConflictType) WHERE x.code IN $conflictTypes } "
            "OR EXISTS { MATCH (x:ConflictType)-[:SUBTYPE_OF*0..3]->(ct) WHERE x.code IN $conflictTypes } }",
            "conflictTypes",
            self.conflict_types,
        )
        where.equal("coalesce(n.language, 'fr') = $language", "language", self.language)
        where.equal("EXISTS { MATCH (n)<-[:AUTHORED]-(:Actor {id: $author}) }", "author", self.author)
        where.equal("n.publishedOn >= $publishedFrom", "publishedFrom", self.published_from)
        where.equal("n.publishedOn <= $publishedTo", "publishedTo", self.published_to)
        where.source(self.source)
        return where


async def resource_page(store: Store, filters: ResourceFilter, request: ListRequest) -> Page:
    filters.where().apply(request)
    return await list_page(store, RESOURCE_LIST, request, name="resources.page")


RESOURCE_NODE = EditableNode(
    label="Resource",
    links=(
        LinkField("themes", "ABOUT", "Theme", key="code"),
        LinkField("conflictTypes", "ABOUT", "ConflictType", key="code"),
    ),
    after_links=ancestry.refresh_in_call("n", "Resource") + facets.refresh_in_call("n", "Resource"),
)


async def save_resource(
    store: Store, editor: Editor, props: dict[str, Any], links: dict[str, list[str]], record_id: str | None = None
) -> dict[str, Any]:
    """Create or update a resource with its themes and conflict types (codes); one transaction."""
    refs = link_references(links, themes=("themes",), conflict_types=("conflictTypes",))
    return await save_node(
        store, RESOURCE_NODE, record_id=record_id, props=props, links=links, refs=refs, editor=editor
    )


async def delete_resource(store: Store, editor: Editor, resource_id: str) -> None:
    await delete_owned(store, "Resource", resource_id, editor)
