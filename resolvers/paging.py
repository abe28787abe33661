"""Checks shared by every list resolver."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from graph.listing import ListRequest
from graph.near import Near
from graph.search import search_text_problem
from schema.context import Info
from schema.errors import bad_input
from schema.pagination import page_size
from schema.selection import asks_timestamps

TITLE_AND_SUMMARY_SEARCH = Annotated[
    str | None,
    strawberry.argument(description="French full text on title and summary: accents, case and plurals do not matter."),
]
"""The `search` argument of the lists of conflicts, projects and resources."""


def checked_search(search: str | None) -> str | None:
    """A full-text search argument, refused when Lucene could not run it (too long, or a giant word)."""
    problem = search_text_problem(search)
    if problem is not None:
        raise bad_input(problem)
    return search


def _asks_total(selections: Iterable[Selection]) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == "totalCount":
                return True
        elif _asks_total(selection.selections):  # a fragment spread or an inline fragment on the connection
            return True
    return False


def wants_total(info: Info) -> bool:
    """Whether the selection asks for `totalCount`, directly or in a fragment (a count costs a pass over
    every match; skipped when unused)."""
    return any(_asks_total(field.selections) for field in info.selected_fields)


def list_request(
    info: Info,
    first: int | None,
    after: str | None,
    order_by: Enum | None,
    search: str | None,
    area: str | None,
    near: Near | None = None,
) -> ListRequest:
    """The checked page request of a list resolver (filters are added by the graph module)."""
    return ListRequest(
        first=page_size(info, first),
        after=after,
        sort=order_by.value if order_by else None,
        search=checked_search(search),
        area=area,
        near=near,
        with_total=wants_total(info),
        timestamps=asks_timestamps(info),
    )
