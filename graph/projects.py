"""Cypher for projects: development projects, participatory processes and commons projects."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, LiteralString

from graph import ancestry, facets
from graph.editing import EditableNode, Editor, LinkField, delete_owned, link_references, save_node
from graph.listing import RELEVANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.pagination import Page
from graph.store import Store

PROJECT_LIST = ListSpec(
    label="Project",
    sorts={
        "TITLE": SortKey("coalesce(n.searchText, toLower(n.title), '')"),
        "STARTED_ON": SortKey("coalesce(toString(n.startedOn), '')", descending=True),
        "CREATED_AT": SortKey("coalesce(n.createdAt.epochMillis, 0)", descending=True),
        "RELEVANCE": RELEVANCE,
    },
    default_sort="TITLE",
    area_filter="EXISTS { MATCH (n)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..3]->(area) }",
    area_source="MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:LOCATED_IN]-(n:Project)",
    area_codes=True,
    facet_codes=True,
)


@dataclass(frozen=True)
class ProjectFilter:
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    actor: str | None = None  # id of an actor that runs it or takes part in it
    call: str | None = None  # id of a commons call it applied to
    source: str | None = None

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        """Every filter as a clause tested on each node."""
        return self.where().result()

    def where(self) -> FilterClauses:
        where = FilterClauses()
        where.facet(facets.KIND, "n.kind IN $kinds", "kinds", self.kinds)
        where.any_of("n.status IN $statuses", "statuses", self.statuses)
        where.facet(
            facets.THEME, "EXISTS { MATCH (n)-[:ABOUT]->(th:Theme) WHERE th.code IN $themes }", "themes", self.themes
        )
        where.equal("EXISTS { MATCH (n)<-[:RUNS|TAKES_PART_IN]-(:Actor {id: $actor}) }", "actor", self.actor)
        where.equal("EXISTS { MATCH (n)-[:APPLIED_TO]->(:CommonsCall {id: $call}) }", "call", self.call)
        where.source(self.source)
        return where


async def project_page(store: Store, filters: ProjectFilter, request: ListRequest) -> Page:
    filters.where().apply(request)
    return await list_page(store, PROJECT_LIST, request, name="projects.page")


PROJECT_NODE = EditableNode(
    label="Project",
    links=(
        LinkField("territory", "LOCATED_IN", "Territory"),
        LinkField("themes", "ABOUT", "Theme", key="code"),
    ),
    after_links=ancestry.refresh_in_call("n", "Project")
    + facets.refresh_in_call("n", "Project")
    + ancestry.refresh_documenting("n"),
)


async def save_project(
    store: Store, editor: Editor, props: dict[str, Any], links: dict[str, list[str]], record_id: str | None = None
) -> dict[str, Any]:
    """Create or update a project with its territory (code) and themes (codes); one transaction."""
    refs = link_references(links, territories=("territory",), themes=("themes",))
    return await save_node(store, PROJECT_NODE, record_id=record_id, props=props, links=links, refs=refs, editor=editor)


async def delete_project(store: Store, editor: Editor, project_id: str) -> None:
    await delete_owned(store, "Project", project_id, editor)
