"""Relay connections with a total count, built from the graph layer's pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from graph.pagination import Page
from schema.context import Info
from schema.errors import bad_input

T = TypeVar("T")


def page_size(info: Info, first: int | None, default: int = 20, *, nested: bool = False) -> int:
    """The requested page size (`first`), refused (not silently capped) when out of bounds; `nested`: the
    per-item limit of a list inside a list, held to the same cap."""
    limit = info.context.settings.max_page_size
    size = default if first is None else first
    if size < 0 or size > limit:
        hint = " on nested lists too." if nested else "; ask for the next page with `after`."
        raise bad_input(f"`first` must be between 0 and {limit}{hint}")
    return size


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
