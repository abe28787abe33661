"""The Territory GraphQL type (communes, EPCI, départements, régions)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from schema.scalars import GeoPoint


@strawberry.enum(description="Administrative level of a territory.")
class TerritoryLevel(Enum):
    COMMUNE = "COMMUNE"
    EPCI = "EPCI"
    DEPARTEMENT = "DEPARTEMENT"
    REGION = "REGION"


@strawberry.type(description="A French territory of the 2026 Code officiel géographique.")
class Territory(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="INSEE code (SIREN for an EPCI).")
    level: TerritoryLevel
    name: str
    population: int | None
    zone: str | None = strawberry.field(description="metro, drom or com.")
    location: GeoPoint | None = strawberry.field(description="Centroid (WGS84).")
    distance_km: float | None = strawberry.field(
        default=None, description="Distance from the point a query asked about, when it asked about one."
    )
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any], distance_km: float | None = None) -> Territory:
        return cls(
            id=record["id"],
            code=record["code"],
            level=TerritoryLevel(record["level"]),
            name=record["name"],
            population=record.get("population"),
            zone=record.get("zone"),
            location=GeoPoint.from_value(record.get("location")),
            distance_km=None if distance_km is None else round(distance_km, 3),
            record=record,
        )
