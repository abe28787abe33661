"""Cypher for the resource centre and the blog: guides, methods, tools, case studies, articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graph import ancestry
from graph.editing import EditableNode, Editor, LinkField, delete_owned, link_references, save_node
from graph.listing import RELEVANCE, ListRequest, ListSpec, SortKey, list_page
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
        clauses: list[LiteralString] = []
        params: dict[str, Any] = {}
        if self.kinds:
            clauses.append("n.kind IN $kinds")
            params["kinds"] = list(self.kinds)
        if self.themes:
            clauses.append("EXISTS { MATCH (n)-[:ABOUT]->(th:Theme) WHERE th.code IN $themes }")
            params["themes"] = list(self.themes)
        if self.conflict_types:
            # A guide about wind farms serves an ONSHORE_WIND case, and one about ENERGY does too.
            clauses.append(
                "EXISTS { MATCH (n)-[:ABOUT]->(ct:ConflictType) WHERE "
                "EXISTS { MATCH (ct)-[:SUBTYPE_OF*0..3]->(x:ConflictType) WHERE x.code IN $conflictTypes } "
                "OR EXISTS { MATCH (x:ConflictType)-[:SUBTYPE_OF*0..3]->(ct) WHERE x.code IN $conflictTypes } }"
            )
            params["conflictTypes"] = list(self.conflict_types)
        if self.language is not None:
            clauses.append("coalesce(n.language, 'fr') = $language")
            params["language"] = self.language
        if self.author is not None:
            clauses.append("EXISTS { MATCH (n)<-[:AUTHORED]-(:Actor {id: $author}) }")
            params["author"] = self.author
        if self.published_from is not None:
            clauses.append("n.publishedOn >= $publishedFrom")
            params["publishedFrom"] = self.published_from
        if self.published_to is not None:
            clauses.append("n.publishedOn <= $publishedTo")
            params["publishedTo"] = self.published_to
        if self.source is not None:
            clauses.append("n.source = $source")
            params["source"] = self.source
        return clauses, params


async def resource_page(store: Store, filters: ResourceFilter, request: ListRequest) -> Page:
    request.clauses, request.params = filters.clauses()
    return await list_page(store, RESOURCE_LIST, request, name="resources.page")


RESOURCE_NODE = EditableNode(
    label="Resource",
    links=(
        LinkField("themes", "ABOUT", "Theme", key="code"),
        LinkField("conflictTypes", "ABOUT", "ConflictType", key="code"),
    ),
    after_links=ancestry.refresh_in_call("n", "Resource"),
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
