"""The reference data shipped in ``data/``: the territory snapshot and the conflict-type taxonomy.

Standard library only. ``scripts/build_territories.py`` writes the snapshot; ``docs/reference-data.md``
says where both files come from and what they hold.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.text import fold

_DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_SNAPSHOT = _DATA / "territories-2026.json.gz"
DEFAULT_TAXONOMY = _DATA / "taxonomy.json"

LEVELS = frozenset({"REGION", "DEPARTEMENT", "EPCI", "COMMUNE"})
ZONES = frozenset({"metro", "drom", "com"})
FAMILIES = frozenset({"AMENAGEMENT", "USAGE"})
TORRE_FACETS = frozenset({"SUPERPOSITION", "CONTIGUITY", "NEIGHBOURHOOD"})
_CODE = re.compile(r"[A-Z][A-Z0-9_]*")


@dataclass(frozen=True, slots=True)
class SourceRecord:
    name: str
    version: str
    licence: str
    producer: str


@dataclass(frozen=True, slots=True)
class TerritoryRecord:
    level: str
    code: str
    name: str
    population: int | None
    lat: float
    lon: float
    zone: str
    centroid_source: str
    region: str | None
    departement: str | None
    epci: str | None
    epci_nature: str | None


@dataclass(frozen=True, slots=True)
class TerritorySnapshot:
    cog: int
    sources: list[SourceRecord]
    territories: list[TerritoryRecord]
    neighbours: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class ConflictTypeRecord:
    code: str
    label: str
    family: str
    parent: str | None
    level: int  # 1 = family root, 2 = category, 3 = type
    facets: tuple[str, ...]
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThemeRecord:
    code: str
    label: str
    description: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    conflict_types: tuple[ConflictTypeRecord, ...]
    themes: tuple[ThemeRecord, ...]

    def conflict_type_for_label(self, text: str) -> ConflictTypeRecord | None:
        """The conflict type whose code, label or one of whose aliases matches ``text`` once normalized."""
        wanted = normalize_name(text)
        for record in self.conflict_types:
            names = (record.code.replace("_", " "), record.label, *record.aliases)
            if any(normalize_name(name) == wanted for name in names):
                return record
        return None


def normalize_name(text: str) -> str:
    """A place or label name reduced for search: ``"St-Étienne"`` and ``"SAINT ETIENNE"`` give ``"saint etienne"``.

    The same folding as the graph's `nameKey` (`graph.text.fold`): lowercase, no accents, ligatures spelt
    out, every run of punctuation or spaces made one space, "st"/"ste" written out as "saint"/"sainte".
    """
    return fold(text)


# --- territory snapshot ----------------------------------------------------------------------------


def read_territory_snapshot(path: Path = DEFAULT_SNAPSHOT) -> TerritorySnapshot:
    """Read the gzip JSON snapshot written by ``scripts/build_territories.py``.

    Raises ``ValueError`` naming the first problem when the file does not have the expected shape.
    """
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        document = json.load(handle)
    root = _mapping(document, str(path))
    territories = [
        _territory(item, f"{path}: territories[{i}]") for i, item in enumerate(_list(root, "territories", str(path)))
    ]
    seen: set[tuple[str, str]] = set()
    for record in territories:
        key = (record.level, record.code)
        if key in seen:
            raise ValueError(f"{path}: duplicate territory {record.level} {record.code}")
        seen.add(key)
    neighbours: list[tuple[str, str]] = []
    for i, pair in enumerate(_list(root, "neighbours", str(path))):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(code, str) for code in pair)):
            raise ValueError(f"{path}: neighbours[{i}] is not a pair of commune codes")
        neighbours.append((pair[0], pair[1]))
    return TerritorySnapshot(
        cog=_int(root, "cog", str(path)),
        sources=[_source(item, f"{path}: sources[{i}]") for i, item in enumerate(_list(root, "sources", str(path)))],
        territories=territories,
        neighbours=neighbours,
    )


def _territory(item: Any, where: str) -> TerritoryRecord:
    row = _mapping(item, where)
    record = TerritoryRecord(
        level=_str(row, "level", where),
        code=_str(row, "code", where),
        name=_str(row, "name", where),
        population=_optional_int(row, "population", where),
        lat=_float(row, "lat", where),
        lon=_float(row, "lon", where),
        zone=_str(row, "zone", where),
        centroid_source=_str(row, "centroidSource", where),
        region=_optional_str(row, "region", where),
        departement=_optional_str(row, "departement", where),
        epci=_optional_str(row, "epci", where),
        epci_nature=_optional_str(row, "epciNature", where),
    )
    if record.level not in LEVELS:
        raise ValueError(f"{where}: unknown level {record.level!r}")
    if record.zone not in ZONES:
        raise ValueError(f"{where}: unknown zone {record.zone!r}")
    return record


def _source(item: Any, where: str) -> SourceRecord:
    row = _mapping(item, where)
    return SourceRecord(
        name=_str(row, "name", where),
        version=_str(row, "version", where),
        licence=_str(row, "licence", where),
        producer=_str(row, "producer", where),
    )


# --- taxonomy --------------------------------------------------------------------------------------


def read_taxonomy(path: Path = DEFAULT_TAXONOMY) -> Taxonomy:
    """Read and check ``data/taxonomy.json``.

    Raises ``ValueError`` naming the problem: a bad code, a duplicate code or alias, an unknown
    parent, a level that does not follow its parent's, a family that differs from its parent's, or a
    Torre facet outside the USAGE family.
    """
    with path.open(encoding="utf-8") as handle:
        document = json.load(handle)
    root = _mapping(document, str(path))
    if root.get("version") != 1:
        raise ValueError(f"{path}: unsupported taxonomy version {root.get('version')!r}")
    types = tuple(
        _conflict_type(item, f"{path}: conflictTypes[{i}]")
        for i, item in enumerate(_list(root, "conflictTypes", str(path)))
    )
    themes = tuple(_theme(item, f"{path}: themes[{i}]") for i, item in enumerate(_list(root, "themes", str(path))))
    _check_conflict_types(types, str(path))
    theme_codes = [theme.code for theme in themes]
    for code in theme_codes:
        if not _CODE.fullmatch(code):
            raise ValueError(f"{path}: theme code {code!r} is not UPPER_SNAKE ASCII")
        if theme_codes.count(code) > 1:
            raise ValueError(f"{path}: duplicate theme code {code}")
    return Taxonomy(conflict_types=types, themes=themes)


def _check_conflict_types(types: tuple[ConflictTypeRecord, ...], where: str) -> None:
    by_code: dict[str, ConflictTypeRecord] = {}
    for record in types:
        if not _CODE.fullmatch(record.code):
            raise ValueError(f"{where}: conflict type code {record.code!r} is not UPPER_SNAKE ASCII")
        if record.code in by_code:
            raise ValueError(f"{where}: duplicate conflict type code {record.code}")
        by_code[record.code] = record
    alias_owner: dict[str, str] = {}
    for record in types:
        if record.family not in FAMILIES:
            raise ValueError(f"{where}: {record.code} has unknown family {record.family!r}")
        if record.parent is None:
            if record.level != 1 or record.family != record.code:
                raise ValueError(f"{where}: root {record.code} must be level 1 and its own family")
        else:
            parent = by_code.get(record.parent)
            if parent is None:
                raise ValueError(f"{where}: {record.code} has unknown parent {record.parent}")
            if record.level != parent.level + 1 or record.level > 3:
                raise ValueError(f"{where}: {record.code} is level {record.level} under level {parent.level}")
            if record.family != parent.family:
                raise ValueError(
                    f"{where}: family mismatch: {record.code} is {record.family}, its parent {parent.code} "
                    f"is {parent.family}"
                )
        unknown = set(record.facets) - TORRE_FACETS
        if unknown:
            raise ValueError(f"{where}: {record.code} has unknown facets {sorted(unknown)}")
        if record.facets and record.family != "USAGE":
            raise ValueError(f"{where}: {record.code} carries Torre facets but is not a USAGE type")
        for name in {normalize_name(name): name for name in (record.label, *record.aliases)}.values():
            key = normalize_name(name)
            if alias_owner.setdefault(key, record.code) != record.code:
                raise ValueError(f"{where}: duplicate alias {name!r} ({alias_owner[key]} and {record.code})")


def _conflict_type(item: Any, where: str) -> ConflictTypeRecord:
    row = _mapping(item, where)
    return ConflictTypeRecord(
        code=_str(row, "code", where),
        label=_str(row, "label", where),
        family=_str(row, "family", where),
        parent=_optional_str(row, "parent", where),
        level=_int(row, "level", where),
        facets=_str_tuple(row, "facets", where),
        aliases=_str_tuple(row, "aliases", where),
    )


def _theme(item: Any, where: str) -> ThemeRecord:
    row = _mapping(item, where)
    return ThemeRecord(
        code=_str(row, "code", where),
        label=_str(row, "label", where),
        description=_str(row, "description", where),
    )


# --- shape checks ----------------------------------------------------------------------------------


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected a JSON object")
    return value


def _list(row: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = row.get(key)
    if not isinstance(value, list):
        raise ValueError(f"{where}: {key!r} must be a list")
    return value


def _str(row: Mapping[str, Any], key: str, where: str) -> str:
    value = row.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value


def _optional_str(row: Mapping[str, Any], key: str, where: str) -> str | None:
    return None if row.get(key) is None else _str(row, key, where)


def _int(row: Mapping[str, Any], key: str, where: str) -> int:
    value = row.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be an integer")
    return value


def _optional_int(row: Mapping[str, Any], key: str, where: str) -> int | None:
    return None if row.get(key) is None else _int(row, key, where)


def _float(row: Mapping[str, Any], key: str, where: str) -> float:
    value = row.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"{where}: {key!r} must be a number")
    return float(value)


def _str_tuple(row: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = row.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ValueError(f"{where}: {key!r} must be a list of non-empty strings")
    return tuple(value)
