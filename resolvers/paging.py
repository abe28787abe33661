"""Checks shared by every list resolver."""

from __future__ import annotations

from schema.context import Info
from schema.errors import bad_input


def page_size(info: Info, first: int | None, default: int = 20) -> int:
    """The requested page size, refused (not silently capped) when out of bounds."""
    limit = info.context.settings.max_page_size
    size = default if first is None else first
    if size < 0 or size > limit:
        raise bad_input(f"`first` must be between 0 and {limit}; ask for the next page with `after`.")
    return size


def wants_total(info: Info) -> bool:
    """Whether the selection asks for `totalCount` (a count costs a scan; skip it when unused)."""
    for field in info.selected_fields:
        for selection in field.selections:
            if getattr(selection, "name", None) == "totalCount":
                return True
    return False
