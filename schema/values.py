"""Conversions from Neo4j property values to the values GraphQL types hold."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any, TypeVar

E = TypeVar("E", bound=Enum)


def to_date(value: Any) -> date | None:
    """A Neo4j `date` (or an ISO string) as a Python date."""
    if value is None:
        return None
    if isinstance(value, date):
        return value
    if hasattr(value, "to_native"):
        native = value.to_native()
        return native.date() if hasattr(native, "date") and callable(native.date) else native  # type: ignore[no-any-return]
    return date.fromisoformat(str(value)[:10])


def to_enum(kind: type[E], value: Any, default: E | None = None) -> E | None:
    """The enum member for a stored value; `default` when the value is missing or unknown."""
    if value is None:
        return default
    try:
        return kind(value)
    except ValueError:
        return default


def to_int(value: Any) -> int | None:
    return None if value is None else int(value)


def to_text(value: Any) -> str | None:
    return None if value is None else str(value)
