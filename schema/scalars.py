"""Shared small GraphQL types."""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type(description="A WGS84 point.")
class GeoPoint:
    lat: float
    lon: float

    @classmethod
    def from_value(cls, value: Any) -> GeoPoint | None:
        """From a Neo4j WGS84 point (x = longitude, y = latitude) or None."""
        if value is None:
            return None
        return cls(lat=round(float(value.y), 6), lon=round(float(value.x), 6))


def iso(value: Any) -> str | None:
    """Neo4j temporal values as ISO 8601 strings."""
    if value is None:
        return None
    return str(value.iso_format()) if hasattr(value, "iso_format") else str(value)
