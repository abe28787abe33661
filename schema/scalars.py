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


def near_distance_field() -> Any:
    """The `distanceKm` field of the types a list can be asked `near` a point for."""
    return strawberry.field(
        default=None, description="Distance from the `near` centre, when the list was asked with `near`."
    )


def near_distance(record: dict[str, Any]) -> float | None:
    """The distance a `near` query put on the record (`_distanceKm`), to the metre; None when not asked."""
    distance = record.get("_distanceKm")
    return None if distance is None else round(float(distance), 3)
