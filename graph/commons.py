"""Cypher for the calls for commons (Appels à communs) and the projects that apply to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, LiteralString

from graph.editing import EditableNode, Editor, References, delete_owned, save_node
from graph.listing import RELEVANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.pagination import Page
from graph.store import Store

CALL_LIST = ListSpec(
    label="CommonsCall",
    sorts={
        "OPENS_ON": SortKey("coalesce(toString(n.opensOn), '')", descending=True),
        "CLOSES_ON": SortKey("coalesce(toString(n.closesOn), '9999-12-31')"),
        "TITLE": SortKey("coalesce(n.searchText, toLower(n.title), '')"),
        "RELEVANCE": RELEVANCE,
    },
    default_sort="OPENS_ON",
)


@dataclass(frozen=True)
class CallFilter:
    open_on: date | None = None  # calls open on that day (opensOn <= day <= closesOn)
    source: str | None = None

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        where = FilterClauses()
        where.equal(
            "coalesce(n.opensOn <= $openOn, true) AND coalesce(n.closesOn >= $openOn, true)", "openOn", self.open_on
        )
        where.source(self.source)
        return where.result()


async def call_page(store: Store, filters: CallFilter, request: ListRequest) -> Page:
    request.clauses, request.params = filters.clauses()
    return await list_page(store, CALL_LIST, request, name="commonsCalls.page")


CALL_NODE = EditableNode(label="CommonsCall", links=())


async def save_call(
    store: Store, editor: Editor, props: dict[str, Any], *, call_id: str | None = None
) -> dict[str, Any]:
    refs = References(territories={}, themes={}, conflict_types={}, records={})
    return await save_node(store, CALL_NODE, record_id=call_id, props=props, links={}, refs=refs, editor=editor)


async def delete_call(store: Store, editor: Editor, call_id: str) -> None:
    await delete_owned(store, "CommonsCall", call_id, editor)
