"""Keyset pagination: opaque cursors and the page shape every list query returns."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph.errors import GraphError


class InvalidCursor(GraphError):
    code = "BAD_USER_INPUT"

    def __init__(self) -> None:
        super().__init__("The `after` cursor is not one this API gave out; start again without `after`.")


@dataclass(frozen=True)
class Page:
    """One page of records (dicts), the cursor of each, and whether more follow."""

    items: list[dict[str, Any]]
    cursors: list[str]
    has_next: bool
    total: int | None
    # Per `ListRequest.related` ask: {node id: its neighbours}, fetched with the page (graph.listing).
    related: list[dict[str, list[dict[str, Any]]]] = field(default_factory=list)


def encode_cursor(values: list[Any]) -> str:
    """The values as compact UTF-8 JSON (orjson: a page encodes 21 of these), base64url without padding."""
    raw = orjson.dumps(values, default=str)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, arity: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidCursor() from None
    if not isinstance(values, list) or len(values) != arity:
        raise InvalidCursor()
    return values


def make_page(rows: list[dict[str, Any]], first: int, keys: tuple[str, ...], total: int | None) -> Page:
    """Build a page from `first + 1` fetched rows; the cursor encodes the sort `keys` of each row."""
    has_next = len(rows) > first
    items = rows[:first]
    cursors = [encode_cursor([row.get(key) for key in keys]) for row in items]
    return Page(items=items, cursors=cursors, has_next=has_next, total=total)
