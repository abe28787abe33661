"""The Territory GraphQL type (communes, EPCI, départements, régions) and its list filters.

Nested fields (`parent`, `children`, `neighbours`) go through per-request DataLoaders, so a page of
territories costs one database round trip per nested field, whatever the page size.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from graph import territories as territory_store
from graph.pagination import Page, decode_cursor
from graph.store import Store
from schema.context import Info
from schema.pagination import Connection, page_size
from schema.scalars import GeoPoint


@strawberry.enum(description="Administrative level of a territory.")
class TerritoryLevel(Enum):
    COMMUNE = "COMMUNE"
    EPCI = "EPCI"
    DEPARTEMENT = "DEPARTEMENT"
    REGION = "REGION"


@strawberry.input(description="A circle on the map: territories whose centroid lies within `radiusKm` of a point.")
class NearInput:
    lat: float = strawberry.field(description="Latitude, WGS84 degrees (-90 to 90).")
    lon: float = strawberry.field(description="Longitude, WGS84 degrees (-180 to 180).")
    radius_km: float = strawberry.field(default=50.0, description="Radius in km (0 to 1000; default 50).")


@strawberry.input(description="Filters on territories; all given filters must hold.")
class TerritoryWhere:
    level: TerritoryLevel | None = None
    within: str | None = strawberry.field(
        default=None,
        description=(
            "Code of a containing territory of any level: a région holds its départements and their "
            "communes, a département or an EPCI its communes. A région and a département can share a "
            "code (e.g. 53): then say which with `withinLevel`."
        ),
    )
    within_level: TerritoryLevel | None = strawberry.field(
        default=None, description="Level of the `within` territory, when its code is ambiguous."
    )
    near: NearInput | None = strawberry.field(
        default=None, description="Only territories within this circle, nearest first, each with `distanceKm`."
    )


async def _load_parents(store: Store, keys: list[tuple[str, str]]) -> Sequence[dict[str, Any] | None]:
    found = await territory_store.parents(store, keys)
    return [found.get(key) for key in keys]


async def _load_neighbours(store: Store, ids: list[str]) -> Sequence[list[dict[str, Any]]]:
    found = await territory_store.neighbours(store, ids)
    return [found.get(id_, []) for id_ in ids]


async def _load_children(store: Store, keys: list[territory_store.ChildrenKey]) -> Sequence[Page]:
    return await territory_store.children_pages(store, keys)


@strawberry.type(description="A French territory of the 2026 Code officiel géographique.")
class Territory(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="INSEE code (SIREN for an EPCI).")
    level: TerritoryLevel
    name: str
    population: int | None = strawberry.field(
        description="Legal municipal population in force in 2026 (a sum over its communes above the commune)."
    )
    zone: str | None = strawberry.field(description="metro, drom or com.")
    location: GeoPoint | None = strawberry.field(description="Centroid (WGS84).")
    centroid_source: str | None = strawberry.field(
        description="How the centroid was computed (contour, former-communes, epci, collectivity-seat…)."
    )
    epci_nature: str | None = strawberry.field(description="Legal form of an EPCI: CC, CA, CU, METRO, MET69.")
    distance_km: float | None = strawberry.field(
        default=None, description="Distance from the point a query asked about (`near`), when it asked about one."
    )
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any], distance_km: float | None = None) -> Territory:
        if distance_km is None:
            distance_km = record.get("_distanceKm")
        return cls(
            id=record["id"],
            code=record["code"],
            level=TerritoryLevel(record["level"]),
            name=record["name"],
            population=record.get("population"),
            zone=record.get("zone"),
            location=GeoPoint.from_value(record.get("location")),
            centroid_source=record.get("centroidSource"),
            epci_nature=record.get("epciNature"),
            distance_km=None if distance_km is None else round(distance_km, 3),
            record=record,
        )

    @strawberry.field(
        description=(
            "The enclosing territory of a level; without `level`, a commune's département or a "
            "département's région. An EPCI has no parent."
        )
    )
    async def parent(self, info: Info, level: TerritoryLevel | None = None) -> Territory | None:
        wanted = level.value if level else territory_store.DEFAULT_PARENT_LEVEL.get(self.level.value)
        if wanted is None:
            return None
        record = await info.context.loaders.get("territory.parent", _load_parents).load((self.id, wanted))
        return Territory.from_record(record) if record else None

    @strawberry.field(
        description=(
            "Territories inside this one, by name: without `level`, those directly part of it (a région's "
            "départements, a département's or an EPCI's communes); with `level`, every territory of that "
            "level inside it (a région's communes)."
        )
    )
    async def children(
        self, info: Info, first: int | None = 20, after: str | None = None, level: TerritoryLevel | None = None
    ) -> Connection[Territory]:
        if after is not None:
            decode_cursor(after, 3)  # refuse a foreign cursor here, not in the batch shared with others
        key = territory_store.ChildrenKey(
            id=self.id,
            level=level.value if level else None,
            first=page_size(info, first),
            after=after,
        )
        page = await info.context.loaders.get("territory.children", _load_children).load(key)
        return Connection[Territory].from_page(page, Territory.from_record, after=after)

    @strawberry.field(description="Communes sharing a border with this commune, by name.")
    async def neighbours(self, info: Info) -> list[Territory]:
        records = await info.context.loaders.get("territory.neighbours", _load_neighbours).load(self.id)
        return [Territory.from_record(record) for record in records]
