"""What analysts can export, with which filters and columns, for the CLI (`tec export`) and the HTTP
downloads (`/export/{what}.{format}`).

`open_export(store, principal, what, fmt, where)` validates the request and checks the codes it names
before anything is streamed (raising `ExportError` with a sentence, or the graph layer's NotFoundError),
then returns an `Export` whose `chunks()` yields the file's bytes as records come from Neo4j. Contact
fields (e-mail, phone, contact name) are included only for a principal that may read private fields
(an API key with the reader role or above), as in GraphQL.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graph import analytics, exploration
from graph import exports as export_store
from graph.errors import NotFoundError
from graph.exploration import display_label, plain
from graph.store import Store
from resolvers.export_filters import (
    ActorWhere,
    ConflictWhere,
    ExportError,
    GapWhere,
    NeighbourhoodWhere,
    TerritoryWhere,
    parse_where,
)
from resolvers.export_formats import (
    LAT,
    LON,
    MEDIA_TYPES,
    Chunks,
    Column,
    csv_chunks,
    geojson_chunks,
    graphml_chunks,
)
from schema.context import Principal

log = logging.getLogger(__name__)

WHATS: tuple[str, ...] = ("actors", "conflicts", "territories", "experience-gaps", "neighbourhood")
FORMATS: tuple[str, ...] = ("csv", "geojson", "graphml")
GRAPHML_WHATS: tuple[str, ...] = ("actors", "territories", "neighbourhood")


# --- columns ---------------------------------------------------------------------------------------------


ACTOR_COLUMNS = [
    Column("id"),
    Column("name"),
    Column("kind"),
    Column("description"),
    Column("website"),
    Column("siren"),
    Column("siret"),
    Column("rna"),
    Column("openToSponsorship", "boolean"),
    Column("baseCode"),
    Column("baseName"),
    LAT,
    LON,
    Column("createdAt"),
    Column("source"),
    Column("externalId"),
]
PRIVATE_ACTOR_COLUMNS = [Column("email"), Column("phone"), Column("contactName")]
CONFLICT_COLUMNS = [
    Column("id"),
    Column("title"),
    Column("status"),
    Column("intensity"),
    Column("year", "long"),
    Column("startedOn"),
    Column("endedOn"),
    Column("outcome"),
    Column("mobilisations"),
    Column("typeCode"),
    Column("typeLabel"),
    Column("family"),
    Column("placeCode"),
    Column("placeName"),
    Column("placeLevel"),
    LAT,
    LON,
    Column("summary"),
    Column("source"),
    Column("externalId"),
]
TERRITORY_COLUMNS = [
    Column("id"),
    Column("code"),
    Column("level"),
    Column("name"),
    Column("population", "long"),
    Column("zone"),
    Column("epci"),
    Column("departement"),
    Column("region"),
    LAT,
    LON,
]
GAP_COLUMNS = [
    Column("id"),
    Column("code"),
    Column("level"),
    Column("name"),
    Column("conflicts", "long"),
    Column("uncovered", "long"),
    Column("nearestHelpKm", "double"),
    Column("uncoveredConflicts"),
    LAT,
    LON,
]
ACTOR_LINK_COLUMNS = [Column("label", key="type"), Column("kind"), Column("since", "long"), Column("until", "long")]
TERRITORY_LINK_COLUMNS = [Column("label", key="type")]


# --- the export -------------------------------------------------------------------------------------------


@dataclass
class Export:
    """A validated export: its file name, media type, and the bytes as they are produced."""

    what: str
    fmt: str
    produce: Callable[[Export], AsyncIterator[bytes]]
    rows: int = 0
    links: int = 0
    _started: bool = field(default=False, repr=False)

    @property
    def filename(self) -> str:
        return f"{self.what}.{self.fmt}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.fmt]

    def chunks(self) -> AsyncIterator[bytes]:
        """The file's bytes, block by block (an export streams once)."""
        if self._started:
            raise RuntimeError("an export streams once")
        self._started = True
        return self.produce(self)

    async def counted_rows(self, chunks: Chunks) -> Chunks:
        async for rows in chunks:
            self.rows += len(rows)
            yield rows

    async def counted_links(self, chunks: Chunks) -> Chunks:
        async for links in chunks:
            self.links += len(links)
            yield links


async def _once(rows: list[dict[str, Any]]) -> Chunks:
    if rows:
        yield rows


def _tabular(fmt: str, columns: list[Column], rows: Callable[[], Chunks]) -> Callable[[Export], AsyncIterator[bytes]]:
    if fmt == "csv":
        return lambda export: csv_chunks(columns, export.counted_rows(rows()))
    return lambda export: geojson_chunks(columns, export.counted_rows(rows()))


async def open_export(
    store: Store,
    principal: Principal,
    what: str,
    fmt: str,
    where: Mapping[str, str] | None = None,
    *,
    chunk: int = export_store.DEFAULT_CHUNK,
) -> Export:
    """Validate an export request, check what it names, and prepare its stream.

    Bounded exports (experience gaps, a neighbourhood) are read here, so their errors come before the
    first byte; the large ones (actors, conflicts, territories) are read chunk by chunk while streaming.
    """
    include_private = principal.can_read_private
    if what not in WHATS:
        raise ExportError(f"Cannot export {what!r}; choose one of {', '.join(WHATS)}.")
    if fmt not in FORMATS:
        raise ExportError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    if fmt == "graphml" and what not in GRAPHML_WHATS:
        raise ExportError(
            f"GraphML exports a network: choose {', '.join(GRAPHML_WHATS)}, or export {what} as csv or geojson."
        )
    parsed = parse_where(what, where or {})
    if isinstance(parsed, ActorWhere | ConflictWhere | TerritoryWhere):
        conflict_type = None if isinstance(parsed, TerritoryWhere) else parsed.conflict_type
        problems = await export_store.unknown_references(store, conflict_type, parsed.place())
        if problems:
            raise NotFoundError("Cannot export: " + "; ".join(problems) + ".")
    if isinstance(parsed, ActorWhere):
        return Export(what, fmt, _actors(store, parsed, fmt, include_private=include_private, chunk=chunk))
    if isinstance(parsed, ConflictWhere):
        scope = export_store.ConflictScope(
            conflict_type=parsed.conflict_type,
            family=parsed.family,
            statuses=tuple(parsed.status),
            since=parsed.since,
            until=parsed.until,
            place=parsed.place(),
        )
        return Export(
            what, fmt, _tabular(fmt, CONFLICT_COLUMNS, lambda: export_store.conflict_chunks(store, scope, chunk=chunk))
        )
    if isinstance(parsed, TerritoryWhere):
        return Export(what, fmt, _territories(store, parsed, fmt, chunk=chunk))
    if isinstance(parsed, GapWhere):
        rows = await _gap_rows(store, parsed)
        return Export(what, fmt, _tabular(fmt, GAP_COLUMNS, lambda: _once(rows)))
    assert isinstance(parsed, NeighbourhoodWhere)
    return await _neighbourhood(store, parsed, fmt, include_private=include_private)


def _actors(
    store: Store, where: ActorWhere, fmt: str, *, include_private: bool, chunk: int
) -> Callable[[Export], AsyncIterator[bytes]]:
    scope = export_store.ActorScope(kinds=tuple(where.kind), place=where.place(), conflict_type=where.conflict_type)
    columns = ACTOR_COLUMNS + (PRIVATE_ACTOR_COLUMNS if include_private else [])

    def rows() -> Chunks:
        return export_store.actor_chunks(store, scope, include_private=include_private, chunk=chunk)

    if fmt != "graphml":
        return _tabular(fmt, columns, rows)
    node_columns = [Column("label", key="name"), *columns[1:]]
    return lambda export: graphml_chunks(
        node_columns,
        ACTOR_LINK_COLUMNS,
        export.counted_rows(rows()),
        export.counted_links(export_store.actor_link_chunks(store, scope, chunk=chunk)),
    )


def _territories(
    store: Store, where: TerritoryWhere, fmt: str, *, chunk: int
) -> Callable[[Export], AsyncIterator[bytes]]:
    scope = export_store.TerritoryScope(level=where.level, within=where.place())

    def rows() -> Chunks:
        return export_store.territory_chunks(store, scope, chunk=chunk)

    if fmt != "graphml":
        return _tabular(fmt, TERRITORY_COLUMNS, rows)
    node_columns = [Column("label", key="name"), *TERRITORY_COLUMNS[1:]]
    return lambda export: graphml_chunks(
        node_columns,
        TERRITORY_LINK_COLUMNS,
        export.counted_rows(rows()),
        export.counted_links(export_store.territory_link_chunks(store, scope, chunk=chunk)),
    )


async def _gap_rows(store: Store, where: GapWhere) -> list[dict[str, Any]]:
    query = analytics.GapQuery(
        conflict_type=where.conflict_type,
        territory_level=where.level,
        radius_km=where.radius_km,
        since=where.since,
        roles=tuple(where.role),
        limit=analytics.MAX_GROUPS,
        examples=1000,
    )
    gaps = await analytics.experience_gaps(store, query)
    rows = []
    for gap in gaps.gaps:
        distances = [case["nearestHelpKm"] for case in gap["uncovered"] if case["nearestHelpKm"] is not None]
        rows.append(
            {
                **gap["territory"],
                "conflicts": gap["conflicts"],
                "uncovered": gap["uncoveredCount"],
                "nearestHelpKm": round(min(distances), 1) if distances else None,
                "uncoveredConflicts": [case["conflict"]["title"] for case in gap["uncovered"]],
            }
        )
    return rows


def _graphml_type(values: list[Any]) -> str:
    present = [value for value in values if value is not None]
    if not present:
        return "string"
    if all(isinstance(value, bool) for value in present):
        return "boolean"
    if all(isinstance(value, int) and not isinstance(value, bool) for value in present):
        return "long"
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in present):
        return "double"
    return "string"


def _property_columns(records: list[dict[str, Any]], skip: set[str]) -> list[Column]:
    """One column per property found in a (bounded) subgraph, typed from the values."""
    keys = sorted({key for record in records for key in record["properties"]} - skip)
    columns = []
    for key in keys:
        values = [plain(record["properties"].get(key)) for record in records]

        def read(row: Mapping[str, Any], key: str = key) -> Any:
            return row["properties"].get(key)

        columns.append(Column(key, _graphml_type(values), read=read))
    return columns


def _properties_json(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: plain(value) for key, value in row["properties"].items() if key != "location"}


async def _neighbourhood(store: Store, where: NeighbourhoodWhere, fmt: str, *, include_private: bool) -> Export:
    """A neighbourhood is bounded (at most 500 nodes): read it whole, then write it."""
    assert where.label is not None
    subgraph = await exploration.neighbourhood(
        store,
        where.label,
        where.id,
        depth=where.depth,
        types=tuple(where.types),
        limit=where.limit,
        include_private=include_private,
    )
    nodes = [
        {
            "id": node["properties"].get("id"),
            "label": display_label(node["properties"]),
            "labels": node["labels"],
            "depth": node["depth"],
            "location": node["properties"].get("location"),
            "properties": node["properties"],
        }
        for node in subgraph.nodes
    ]
    edges = [{**edge, "properties": edge["properties"] or {}} for edge in subgraph.edges]
    base = [Column("id"), Column("label"), Column("labels"), Column("depth", "long")]
    if fmt == "graphml":
        node_columns = [*base[1:], LAT, LON, *_property_columns(nodes, {"id", "location", "label"})]
        edge_columns = [Column("label", key="type"), *_property_columns(edges, {"id", "label"})]
        return Export(
            "neighbourhood",
            fmt,
            lambda export: graphml_chunks(
                node_columns, edge_columns, export.counted_rows(_once(nodes)), export.counted_links(_once(edges))
            ),
        )
    properties = Column("properties", read=_properties_json)
    columns = [*base, LAT, LON, properties] if fmt == "csv" else [*base, properties]
    return Export("neighbourhood", fmt, _tabular(fmt, columns, lambda: _once(nodes)))
