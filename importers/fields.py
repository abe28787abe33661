"""Where a mapped field's value comes from, and how it is cleaned, mapped and converted.

`Sources` resolves a mapping's columns (CSV, matched exactly or once folded) or JSON paths against
one file, and holds its value maps; `FieldReader` reads one field of a row (a column, a constant, a
template or a hash; stripped, split, mapped, dates parsed); `PlaceReader` finds a row's commune. A
value that does not fit raises `FieldProblem`, which becomes a line of the import report.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.text import fold
from importers.errors import BadMapping
from importers.mapping import BUILTIN_CONFLICT_TYPES, BUILTIN_THEMES, FieldSpec, Mapping, PlaceSpec, template_fields
from importers.places import PlaceIndex, Unresolved, parse_coordinate
from importers.record_rules import LIST_FIELDS
from importers.reference import Taxonomy

Getter = Callable[[dict[str, Any], dict[str, Any], int], Any]
"""(the record or item, the whole record, the item's number) -> the raw value."""

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_DATE_FIELDS = frozenset({"founded_on", "started_on", "ended_on", "since"})
_REQUIRED_COLUMNS = ("actor.id", "actor.name", "actor.kind", "skip")
_FOLDED_MAX = 10_000


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float
    field: str
    value: str
    max_km: float


class FieldProblem(Exception):
    """A value that does not fit: the column (or path) it came from, the value, the reason."""

    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def show(value: Any) -> str:
    """A value as the report shows it (at most 200 characters)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


class Sources:
    """The columns or paths of one file, and the mapping's value maps and empty values."""

    def __init__(self, mapping: Mapping, taxonomy: Taxonomy, columns: list[str] | None) -> None:
        self.mapping = mapping
        self.taxonomy = taxonomy
        self.columns = columns
        self.empty = frozenset(mapping.file.empty)
        self.missing_columns: list[str] = []
        self._folded_columns = {fold(name): name for name in columns or []}

    def value_map(self, name: str) -> dict[str, str]:
        """A value map with folded keys; the built-in ones come from the taxonomy."""
        values: dict[str, str] = {}
        if name == BUILTIN_CONFLICT_TYPES:
            for record in self.taxonomy.conflict_types:
                for label in (record.code, record.code.replace("_", " "), record.label, *record.aliases):
                    values[fold(label)] = record.code
        elif name == BUILTIN_THEMES:
            for theme in self.taxonomy.themes:
                values[fold(theme.code)] = theme.code
                values[fold(theme.label)] = theme.code
        for label, code in self.mapping.maps.get(name, {}).items():
            values["*" if label == "*" else fold(label)] = code
        return values

    def getter(self, path: str, target: str, *, required: bool) -> Getter:
        """Read a column (CSV, matched exactly or once folded) or a JSON path (`a.b.0`, `$.` from the root)."""
        if self.columns is not None:
            column = path if path in self.columns else self._folded_columns.get(fold(path))
            if column is None:
                if required or target in _REQUIRED_COLUMNS:
                    shown = ", ".join(self.columns[:40])
                    raise BadMapping(f"the file has no column {path!r} (used by {target}); its columns are: {shown}.")
                self.missing_columns.append(path)
                return lambda scope, root, index: None
            return lambda scope, root, index: scope.get(column)
        from_root = path.startswith("$.")
        parts = [int(part) if part.isdigit() else part for part in path.removeprefix("$.").split(".")]

        def walk(scope: dict[str, Any], root: dict[str, Any], index: int) -> Any:
            value: Any = root if from_root else scope
            for part in parts:
                if isinstance(part, int) and isinstance(value, list):
                    value = value[part] if part < len(value) else None
                elif isinstance(value, dict):
                    value = value.get(str(part))
                else:
                    return None
            return value

        return walk


class FieldReader:
    """One mapped field, compiled: where its value comes from and how it is converted."""

    def __init__(self, target: str, spec: FieldSpec, sources: Sources) -> None:
        self.target = target
        self.spec = spec
        self.name = target.rsplit(".", 1)[-1]
        self.column = spec.from_ or (spec.template or "") or "+".join(spec.hash or []) or target
        self.empty = sources.empty
        self.is_list = self.name in LIST_FIELDS
        self.values = sources.value_map(spec.map) if spec.map else None
        self.map_name = spec.map
        self.folded: dict[str, str] = {}  # mapped values and hashed parts (codes, years) recur: fold each once
        self.origin = self._origin(spec, sources)
        # most fields are a value read as it is (no list, no map, no date format): `read` takes a short path
        self._plain = not self.is_list and self.values is None and not (spec.format and self.name in _DATE_FIELDS)

    def _origin(self, spec: FieldSpec, sources: Sources) -> Getter:
        if spec.value is not None:
            constant = spec.value
            return lambda scope, root, index: constant
        if spec.from_ is not None:
            return sources.getter(spec.from_, self.target, required=False)
        if spec.hash is not None:
            parts = [sources.getter(path, self.target, required=True) for path in spec.hash]

            def hashed(scope: dict[str, Any], root: dict[str, Any], index: int) -> Any:
                values = [part(scope, root, index) for part in parts]
                if all(value is None or value == "" for value in values):
                    return None
                text = "\x1f".join(self._fold(str(value)) if value is not None else "" for value in values)
                return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]

            return hashed
        template = spec.template or ""
        getters = {name: sources.getter(name, self.target, required=True) for name in template_fields(template)}

        def render(scope: dict[str, Any], root: dict[str, Any], index: int) -> Any:
            missing = False

            def one(match: re.Match[str]) -> str:
                nonlocal missing
                name = match.group(1).strip()
                if name == "#":
                    return str(index)
                value = getters[name](scope, root, index)
                if value is None or (isinstance(value, str) and not value.strip()):
                    missing = True
                    return ""
                return str(value).strip()

            text = _PLACEHOLDER.sub(one, template)
            return None if missing else text

        return render

    def read(self, scope: dict[str, Any], root: dict[str, Any], index: int = 0) -> Any:
        raw = self.origin(scope, root, index)
        if self._plain:  # the steps below, for a value read as it is
            if raw is None:
                return self.spec.default
            if isinstance(raw, str):
                raw = raw.strip()
                return self.spec.default if not raw or raw in self.empty else raw
            if isinstance(raw, list | dict):
                raise FieldProblem(self.column, raw, "a list or object where a single value is expected")
            return raw
        value = self._clean(raw)
        if value is None:
            return self.spec.default
        if self.is_list:
            items = value if isinstance(value, list) else self._split(value)
            mapped = [self._map(item) for item in items if self._clean(item) is not None]
            return [item for item in mapped if item != ""]
        if isinstance(value, list | dict):
            raise FieldProblem(self.column, value, "a list or object where a single value is expected")
        value = self._map(value)
        if self.spec.format and self.name in _DATE_FIELDS and isinstance(value, str):
            try:
                return datetime.strptime(value, self.spec.format).date()
            except ValueError:
                raise FieldProblem(self.column, value, f"not a date in the format {self.spec.format}") from None
        return value

    def _clean(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value or value in self.empty:
                return None
        return value

    def _split(self, value: Any) -> list[Any]:
        if self.spec.split and isinstance(value, str):
            return [part.strip() for part in value.split(self.spec.split)]
        return [value]

    def _fold(self, text: str) -> str:
        key = self.folded.get(text)
        if key is None:
            if len(self.folded) >= _FOLDED_MAX:  # unique values (titles) fill it: start again
                self.folded.clear()
            key = self.folded[text] = fold(text)
        return key

    def _map(self, value: Any) -> Any:
        if self.values is None or isinstance(value, bool):
            return value
        key = self._fold(str(value))
        if key in self.values:
            return self.values[key]
        if "*" in self.values:
            return self.values["*"]
        raise FieldProblem(self.column, value, f"unknown value: add it to [maps.{self.map_name}] in the mapping")


class PlaceReader:
    """How one record's commune is found, in the order the mapping allows."""

    def __init__(self, target: str, spec: PlaceSpec, sources: Sources) -> None:
        def compiled(name: str) -> FieldReader | None:
            value = getattr(spec, name)
            return FieldReader(f"{target}.{name}", value, sources) if value is not None else None

        self.insee = compiled("insee")
        self.postal = compiled("postal_code")
        self.commune = compiled("commune")
        self.lat = compiled("lat")
        self.lon = compiled("lon")
        self.max_km = spec.max_distance_km

    def read(self, places: PlaceIndex, scope: dict[str, Any], root: dict[str, Any], index: int) -> str | Point:
        if self.insee is not None:
            code = self.insee.read(scope, root, index)
            if code is not None:
                return self._resolved(places.by_insee(self.insee.column, str(code)))
        if self.postal is not None and self.commune is not None:
            postal = self.postal.read(scope, root, index)
            name = self.commune.read(scope, root, index)
            if postal is not None and name is not None:
                fields = (self.postal.column, self.commune.column)
                return self._resolved(places.by_postal_name(fields, str(postal), str(name)))
        if self.lat is not None and self.lon is not None:
            lat_raw, lon_raw = self.lat.read(scope, root, index), self.lon.read(scope, root, index)
            if lat_raw is not None and lon_raw is not None:
                lat = parse_coordinate(lat_raw, -90.0, 90.0)
                lon = parse_coordinate(lon_raw, -180.0, 180.0)
                column = f"{self.lat.column},{self.lon.column}"
                shown = f"{show(lat_raw)},{show(lon_raw)}"
                if lat is None or lon is None:
                    raise FieldProblem(column, shown, "not a latitude,longitude pair in degrees")
                return Point(lat, lon, column, shown, self.max_km)
        given = [reader.column for reader in (self.insee, self.postal, self.commune, self.lat, self.lon) if reader]
        raise FieldProblem(
            "/".join(given),
            "",
            "no place given: the row needs a commune (INSEE code, postal code + name, or coordinates)",
        )

    @staticmethod
    def _resolved(result: str | Unresolved) -> str:
        if isinstance(result, Unresolved):
            raise FieldProblem(result.field, result.value, result.reason)
        return result
