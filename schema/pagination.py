"""Relay connections with a total count, built from the graph layer's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from graph.pagination import Page

T = TypeVar("T")


@strawberry.type(description="An item of a list and the cursor to continue after it.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list (Relay connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: relay.PageInfo
    total_count: int | None = strawberry.field(description="How many items match, across all pages.")

    @strawberry.field(description="The items of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @classmethod
    def from_page(cls, page: Page, convert: Callable[[dict[str, Any]], T], *, after: str | None) -> Connection[T]:
        edges = [Edge(cursor=cursor, node=convert(item)) for item, cursor in zip(page.items, page.cursors, strict=True)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=after is not None,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
            total_count=page.total,
        )
