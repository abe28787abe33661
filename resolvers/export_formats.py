"""Stream writers for analysts' tools: CSV (spreadsheets), GeoJSON (maps), GraphML (Gephi).

Each writer takes chunks of records (lists of dicts, as `graph/exports.py` reads them) and yields
bytes as the chunks arrive, so an export never holds more than one chunk. What is exported, with
which filters and columns, is in `resolvers/exports.py`.

- CSV: UTF-8 with a byte-order mark (so a spreadsheet shows accents), comma-separated, header row;
  a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` so a
  spreadsheet does not run it as a formula (`importers.spreadsheet_cells`); numbers are left as they are.
- GeoJSON: one RFC 7946 FeatureCollection; each record a Feature with a Point at [longitude, latitude]
  or a null geometry when it has no place; the collection is closed even when empty.
- GraphML: a directed graph, typed attribute keys declared up front, then nodes, then edges; the node
  attribute `label` is what Gephi shows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from graph.exploration import plain
from importers.spreadsheet_cells import safe_cell

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "graphml": "application/graphml+xml",
}
BOM = "\ufeff"
Chunks = AsyncIterator[list[dict[str, Any]]]


# --- values -------------------------------------------------------------------------------------------


def lon_lat(value: Any) -> tuple[float, float] | None:
    """[longitude, latitude] of a WGS84 point (Neo4j: x = longitude, y = latitude)."""
    if value is None or not hasattr(value, "x"):
        return None
    return round(float(value.x), 6), round(float(value.y), 6)


def _text(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _cell(value: Any) -> str:
    text = _text(value)
    if isinstance(plain(value), bool | int | float):
        return text  # a number (a negative one starts with `-`) is not a formula
    return safe_cell(text)


@dataclass(frozen=True)
class Column:
    """One exported field: its name, GraphML type, and how to read it from a record."""

    name: str
    type: str = "string"  # GraphML attr.type: string, long, double, boolean
    key: str | None = None  # record key (default: name)
    read: Callable[[Mapping[str, Any]], Any] | None = None

    def get(self, row: Mapping[str, Any]) -> Any:
        if self.read is not None:
            return self.read(row)
        return row.get(self.key or self.name)


def _lat(row: Mapping[str, Any]) -> float | None:
    point = lon_lat(row.get("location"))
    return None if point is None else point[1]


def _lon(row: Mapping[str, Any]) -> float | None:
    point = lon_lat(row.get("location"))
    return None if point is None else point[0]


LAT = Column("lat", "double", read=_lat)
LON = Column("lon", "double", read=_lon)


# --- writers -------------------------------------------------------------------------------------------


async def csv_chunks(columns: list[Column], chunks: Chunks) -> AsyncIterator[bytes]:
    """CSV with a BOM and a header row, one encoded block per chunk of records."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in columns])
    yield (BOM + buffer.getvalue()).encode("utf-8")
    async for rows in chunks:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in rows:
            writer.writerow([_cell(column.get(row)) for column in columns])
        yield buffer.getvalue().encode("utf-8")


def feature(row: Mapping[str, Any], columns: list[Column], location_key: str = "location") -> dict[str, Any]:
    point = lon_lat(row.get(location_key))
    return {
        "type": "Feature",
        "id": row.get("id"),
        "geometry": None if point is None else {"type": "Point", "coordinates": list(point)},
        "properties": {column.name: plain(column.get(row)) for column in columns},
    }


async def geojson_chunks(columns: list[Column], chunks: Chunks, location_key: str = "location") -> AsyncIterator[bytes]:
    """One FeatureCollection, written feature by feature (closed even when empty)."""
    yield b'{"type":"FeatureCollection","features":['
    first = True
    async for rows in chunks:
        parts = []
        for row in rows:
            text = json.dumps(feature(row, columns, location_key), ensure_ascii=False, separators=(",", ":"))
            parts.append(text if first else "," + text)
            first = False
        yield "\n".join(parts).encode("utf-8")
    yield b"]}\n"


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(value: Any, kind: str) -> str | None:
    value = plain(value)
    if value is None:
        return None
    if kind == "boolean":
        return "true" if value else "false"
    if kind in ("int", "long"):
        try:
            return str(int(value))
        except (TypeError, ValueError):
            return None
    if kind in ("double", "float"):
        try:
            return repr(float(value))
        except (TypeError, ValueError):
            return None
    return escape(_XML_INVALID.sub("", _text(value)))


def _graphml_element(tag: str, attrs: dict[str, str], data: Iterable[tuple[str, str]]) -> str:
    head = "<" + tag + "".join(f" {name}={quoteattr(_XML_INVALID.sub('', value))}" for name, value in attrs.items())
    body = "".join(f'<data key="{key}">{text}</data>' for key, text in data)
    return head + ">" + body + "</" + tag + ">\n"


async def graphml_chunks(
    node_columns: list[Column], edge_columns: list[Column], nodes: Chunks, edges: Chunks
) -> AsyncIterator[bytes]:
    """A directed GraphML graph: attribute keys, then nodes chunk by chunk, then edges chunk by chunk."""
    keys = [
        f'<key id="n{i}" for="node" attr.name={quoteattr(c.name)} attr.type="{c.type}"/>'
        for i, c in enumerate(node_columns)
    ]
    keys += [
        f'<key id="e{i}" for="edge" attr.name={quoteattr(c.name)} attr.type="{c.type}"/>'
        for i, c in enumerate(edge_columns)
    ]
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        + "\n".join(keys)
        + '\n<graph id="G" edgedefault="directed">\n'
    ).encode("utf-8")
    async for rows in nodes:
        parts = []
        for row in rows:
            data = [(f"n{i}", _xml(c.get(row), c.type)) for i, c in enumerate(node_columns)]
            parts.append(_graphml_element("node", {"id": str(row["id"])}, [(k, v) for k, v in data if v is not None]))
        yield "".join(parts).encode("utf-8")
    async for links in edges:
        parts = []
        for link in links:
            data = [(f"e{i}", _xml(c.get(link), c.type)) for i, c in enumerate(edge_columns)]
            attrs = {"id": str(link["id"]), "source": str(link["source"]), "target": str(link["target"])}
            parts.append(_graphml_element("edge", attrs, [(k, v) for k, v in data if v is not None]))
        yield "".join(parts).encode("utf-8")
    yield b"</graph>\n</graphml>\n"
