"""What analysts can export, with which filters and columns, for the CLI (`tec export`) and the HTTP
downloads (`/export/{what}.{format}`).

`open_export(store, what, fmt, where, include_private=...)` validates the request and checks the codes
it names before anything is streamed (raising `ExportError` with a sentence, or the graph layer's
NotFoundError), then returns an `Export` whose `chunks()` yields the file's bytes as records come from
Neo4j. Contact fields (e-mail, phone, contact name) are included only when `include_private` — that
is, for a caller holding an API key with the reader role or above.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from strawberry import relay

from graph import analytics, exploration
from graph import exports as export_store
from graph.actors import ACTOR_KINDS
from graph.apikeys import find_api_key
from graph.errors import GraphError, NotFoundError
from graph.exploration import display_label, plain
from graph.store import Store
from tec.exports import (
    LAT,
    LON,
    MEDIA_TYPES,
    Chunks,
    Column,
    csv_chunks,
    geojson_chunks,
    graphml_chunks,
)

log = logging.getLogger(__name__)

WHATS: tuple[str, ...] = ("actors", "conflicts", "territories", "experience-gaps", "neighbourhood")
FORMATS: tuple[str, ...] = ("csv", "geojson", "graphml")
GRAPHML_WHATS: tuple[str, ...] = ("actors", "territories", "neighbourhood")


class ExportError(Exception):
    """The export cannot be made as asked; the message says what to change."""

    code = "BAD_USER_INPUT"


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


# --- filters (`--where key=value`, or the query string of a download) ------------------------------------


def _comma_list(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _one_of(values: list[str], allowed: tuple[str, ...], what: str) -> list[str]:
    wrong = [value for value in values if value not in allowed]
    if wrong:
        raise ValueError(f"{what} must be among {', '.join(allowed)} (not {', '.join(wrong)})")
    return values


class _Where(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, populate_by_name=True)


class _PlaceWhere(_Where):
    region: str | None = None
    departement: str | None = None
    epci: str | None = None
    commune: str | None = None

    @model_validator(mode="after")
    def _one_place(self) -> _PlaceWhere:
        if sum(1 for code in (self.region, self.departement, self.epci, self.commune) if code) > 1:
            raise ValueError("give at most one of region, departement, epci, commune")
        return self

    def place(self) -> export_store.Place | None:
        for level, code in (
            ("REGION", self.region),
            ("DEPARTEMENT", self.departement),
            ("EPCI", self.epci),
            ("COMMUNE", self.commune),
        ):
            if code:
                return export_store.Place(level, code)
        return None


class ActorWhere(_PlaceWhere):
    kind: list[str] = Field(default_factory=list)
    conflict_type: str | None = Field(None, alias="conflictType")

    @field_validator("kind", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("kind")
    @classmethod
    def _kinds(cls, value: list[str]) -> list[str]:
        return _one_of(value, ACTOR_KINDS, "kind")


class ConflictWhere(_PlaceWhere):
    conflict_type: str | None = Field(None, alias="conflictType")
    family: str | None = None
    status: list[str] = Field(default_factory=list)
    since: int | None = Field(None, ge=1900, le=2100)
    until: int | None = Field(None, ge=1900, le=2100)

    @field_validator("status", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("status")
    @classmethod
    def _statuses(cls, value: list[str]) -> list[str]:
        return _one_of(value, analytics.CONFLICT_STATUSES, "status")

    @field_validator("family")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        if value is not None:
            _one_of([value], ("AMENAGEMENT", "USAGE"), "family")
        return value


class TerritoryWhere(_PlaceWhere):
    level: str = "DEPARTEMENT"

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _one_of([value], export_store.TERRITORY_LEVELS, "level")[0]


class GapWhere(_Where):
    conflict_type: str = Field(alias="conflictType")
    level: str = "DEPARTEMENT"
    radius_km: float = Field(50.0, alias="radiusKm", gt=0, le=1000)
    since: int = Field(default_factory=lambda: dt.date.today().year - 5, ge=1900, le=2100)
    role: list[str] = Field(default_factory=list)

    @field_validator("role", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("role")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        return _one_of(value, analytics.INVOLVEMENT_ROLES, "role")

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _one_of([value], analytics.TERRITORY_LEVELS, "level")[0]


_TERRITORY_ID = re.compile(r"^(COMMUNE|EPCI|DEPARTEMENT|REGION)-[0-9AB]+$")


class NeighbourhoodWhere(_Where):
    id: str = Field(min_length=1, max_length=200)
    label: str | None = None
    depth: int = Field(1, ge=1, le=exploration.MAX_DEPTH)
    types: list[str] = Field(default_factory=list)
    limit: int = Field(100, ge=1, le=exploration.MAX_NODES)

    @field_validator("types", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _comma_list(value)

    @field_validator("types")
    @classmethod
    def _types(cls, value: list[str]) -> list[str]:
        return _one_of(value, exploration.RELATIONSHIP_TYPES, "types")

    @model_validator(mode="after")
    def _resolve(self) -> NeighbourhoodWhere:
        """Accept the API's global id (base64 of `Type:id`) or a raw id, with an optional label."""
        if self.label is None:
            try:
                global_id: relay.GlobalID | None = relay.GlobalID.from_id(self.id)
            except Exception:  # not a global id: a raw one
                global_id = None
            if global_id is not None and global_id.type_name in exploration.EXPLORABLE_LABELS:
                self.label, self.id = global_id.type_name, global_id.node_id
            else:
                self.label = "Territory" if _TERRITORY_ID.match(self.id) else "Actor"
        _one_of([self.label], exploration.EXPLORABLE_LABELS, "label")
        return self


WHERE_MODELS: dict[str, type[_Where]] = {
    "actors": ActorWhere,
    "conflicts": ConflictWhere,
    "territories": TerritoryWhere,
    "experience-gaps": GapWhere,
    "neighbourhood": NeighbourhoodWhere,
}


def filter_names(what: str) -> list[str]:
    return [spec.alias or name for name, spec in WHERE_MODELS[what].model_fields.items()]


def parse_where(what: str, where: Mapping[str, str]) -> _Where:
    """Validate the filters of an export; ExportError lists every problem."""
    model = WHERE_MODELS[what]
    try:
        return model.model_validate(dict(where))
    except ValidationError as error:
        problems = []
        for item in error.errors():
            key = ".".join(str(part) for part in item["loc"])
            message = str(item["msg"]).removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                problems.append(f"`{key}` is not a filter of {what} (use {', '.join(filter_names(what))})")
            elif item["type"] == "missing":
                problems.append(f"`{key}` is required to export {what}")
            else:
                problems.append(f"`{key}`: {message}" if key else message)
        raise ExportError("; ".join(problems) + ".") from None


def parse_pairs(pairs: Iterable[str]) -> dict[str, str]:
    """`key=value` strings (the CLI's --where) as a mapping; a repeated key joins its values with commas."""
    where: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ExportError(f"--where takes key=value, not {pair!r}.")
        where[key] = f"{where[key]},{value.strip()}" if key in where else value.strip()
    return where


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
    what: str,
    fmt: str,
    where: Mapping[str, str] | None = None,
    *,
    include_private: bool = False,
    chunk: int = export_store.DEFAULT_CHUNK,
) -> Export:
    """Validate an export request, check what it names, and prepare its stream.

    Bounded exports (experience gaps, a neighbourhood) are read here, so their errors come before the
    first byte; the large ones (actors, conflicts, territories) are read chunk by chunk while streaming.
    """
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


# --- HTTP downloads: GET /export/{what}.{format}?key=value… ----------------------------------------------


def _error(message: str, code: str, status: int) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


async def export_download(request: Request) -> Response:
    """Stream an export; filters come from the query string, contact fields need a reader API key."""
    name = str(request.path_params["file"])
    what, dot, fmt = name.rpartition(".")
    if not dot:
        return _error(f"Name the format too: /export/{name}.csv, .geojson or .graphml.", "BAD_USER_INPUT", 400)
    store: Store = request.app.state.store
    include_private = False
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error("The Authorization header must be `Bearer <API key>`.", "UNAUTHENTICATED", 401)
        try:
            key = await find_api_key(store, token.strip())
        except GraphError as error:
            return _error(str(error), error.code, 503)
        if key is None:
            return _error("This API key is unknown or revoked; ask an admin for a valid one.", "UNAUTHENTICATED", 401)
        include_private = key.role in ("reader", "editor", "admin")
    where: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        where[name] = f"{where[name]},{value}" if name in where else value
    try:
        export = await open_export(store, what, fmt, where, include_private=include_private)
    except ExportError as error:
        return _error(str(error), error.code, 400)
    except NotFoundError as error:
        return _error(str(error), error.code, 404)
    except GraphError as error:
        status = 504 if error.code == "QUERY_TIMEOUT" else 503 if error.code == "SERVICE_UNAVAILABLE" else 400
        return _error(str(error), error.code, status)
    log.info("export %s.%s started (private fields: %s)", export.what, export.fmt, include_private)
    return StreamingResponse(
        export.chunks(),
        media_type=export.media_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"', "Cache-Control": "no-store"},
    )
