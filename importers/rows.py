"""Turn a raw row into checked records, following a mapping: the heart of a partner import.

`RowMapper` is built once per file (it resolves the mapping's columns against the CSV header, so
typos in a mapping fail before the first row) and then maps each `RawRow` to an `ActorDraft` (with
its conflicts), a skip, or a list of problems. It does not touch the graph: places given as
coordinates come out as `Point`s for the caller to resolve in one batched query.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError

from graph.text import fold
from importers.errors import BadMapping
from importers.mapping import BUILTIN_CONFLICT_TYPES, BUILTIN_THEMES, FieldSpec, Mapping, PlaceSpec, template_fields
from importers.places import PlaceIndex, Unresolved, parse_coordinate
from importers.readers import RawRow
from importers.records import (
    LIST_FIELDS,
    ActorRecord,
    ConflictRecord,
    InvolvementRecord,
    MembershipRecord,
    problems,
)
from importers.reference import Taxonomy

Getter = Callable[[dict[str, Any], dict[str, Any], int], Any]
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_ACTOR_FIELDS = tuple(name for name in ActorRecord.model_fields)
_CONFLICT_FIELDS = tuple(name for name in ConflictRecord.model_fields)
_DATE_FIELDS = frozenset({"founded_on", "started_on", "ended_on", "since"})
_FAILED = object()  # marks a field whose reading failed, so validation does not report it twice


@dataclass(frozen=True, slots=True)
class Issue:
    """One line of the import report."""

    line: int | None
    external_id: str | None
    field: str
    value: str
    reason: str
    scope: Literal["row", "item", "absent"] = "row"


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float
    field: str
    value: str
    max_km: float


Place = str | Point | None  # a commune code, coordinates to resolve, or no place mapped


@dataclass(slots=True)
class ConflictDraft:
    external_id: str
    record: ConflictRecord
    type: str
    place: Place
    involvement: InvolvementRecord
    label: str  # where it sits in the row, for the report: references[2]


@dataclass(slots=True)
class ActorDraft:
    line: int
    external_id: str
    record: ActorRecord
    place: Place
    themes: list[str] | None
    membership: MembershipRecord | None
    conflicts: list[ConflictDraft] = field(default_factory=list)
    item_issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str


@dataclass(frozen=True, slots=True)
class Rejected:
    issues: list[Issue]


class _Problem(Exception):
    def __init__(self, field: str, value: Any, reason: str) -> None:
        super().__init__(reason)
        self.field, self.value, self.reason = field, value, reason


def _show(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


class _Field:
    """One mapped field, compiled: where its value comes from and how it is converted."""

    def __init__(self, target: str, spec: FieldSpec, mapper: RowMapper) -> None:
        self.target = target
        self.spec = spec
        self.name = target.rsplit(".", 1)[-1]
        self.column = spec.from_ or (spec.template or "") or "+".join(spec.hash or []) or target
        self.empty = mapper.empty
        self.is_list = self.name in LIST_FIELDS
        self.values = mapper.value_map(spec.map) if spec.map else None
        self.map_name = spec.map
        self.origin = self._origin(spec, mapper)

    def _origin(self, spec: FieldSpec, mapper: RowMapper) -> Getter:
        if spec.value is not None:
            constant = spec.value
            return lambda scope, root, index: constant
        if spec.from_ is not None:
            return mapper.getter(spec.from_, self.target, required=False)
        if spec.hash is not None:
            parts = [mapper.getter(path, self.target, required=True) for path in spec.hash]

            def hashed(scope: dict[str, Any], root: dict[str, Any], index: int) -> Any:
                values = [part(scope, root, index) for part in parts]
                if all(value is None or value == "" for value in values):
                    return None
                text = "\x1f".join(fold(str(value)) if value is not None else "" for value in values)
                return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]

            return hashed
        template = spec.template or ""
        getters = {name: mapper.getter(name, self.target, required=True) for name in template_fields(template)}

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
        value = self._clean(raw)
        if value is None:
            return self.spec.default
        if self.is_list:
            items = value if isinstance(value, list) else self._split(value)
            mapped = [self._map(item) for item in items if self._clean(item) is not None]
            return [item for item in mapped if item != ""]
        if isinstance(value, list | dict):
            raise _Problem(self.column, value, "a list or object where a single value is expected")
        value = self._map(value)
        if self.spec.format and self.name in _DATE_FIELDS and isinstance(value, str):
            try:
                return datetime.strptime(value, self.spec.format).date()
            except ValueError:
                raise _Problem(self.column, value, f"not a date in the format {self.spec.format}") from None
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

    def _map(self, value: Any) -> Any:
        if self.values is None or isinstance(value, bool):
            return value
        key = fold(str(value))
        if key in self.values:
            return self.values[key]
        if "*" in self.values:
            return self.values["*"]
        raise _Problem(self.column, value, f"unknown value: add it to [maps.{self.map_name}] in the mapping")


class _PlaceReader:
    def __init__(self, target: str, spec: PlaceSpec, mapper: RowMapper) -> None:
        def compiled(name: str) -> _Field | None:
            value = getattr(spec, name)
            return _Field(f"{target}.{name}", value, mapper) if value is not None else None

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
                shown = f"{_show(lat_raw)},{_show(lon_raw)}"
                if lat is None or lon is None:
                    raise _Problem(column, shown, "not a latitude,longitude pair in degrees")
                return Point(lat, lon, column, shown, self.max_km)
        given = [reader.column for reader in (self.insee, self.postal, self.commune, self.lat, self.lon) if reader]
        raise _Problem(
            "/".join(given),
            "",
            "no place given: the row needs a commune (INSEE code, postal code + name, or coordinates)",
        )

    @staticmethod
    def _resolved(result: str | Unresolved) -> str:
        if isinstance(result, Unresolved):
            raise _Problem(result.field, result.value, result.reason)
        return result


class RowMapper:
    """A mapping compiled against one file (its columns) and the reference data of the graph."""

    def __init__(
        self,
        mapping: Mapping,
        taxonomy: Taxonomy,
        places: PlaceIndex,
        *,
        columns: list[str] | None,
        conflict_types: set[str],
        themes: set[str],
    ) -> None:
        self.mapping = mapping
        self.taxonomy = taxonomy
        self.places = places
        self.columns = columns
        self.conflict_types = conflict_types
        self.themes = themes
        self.empty = frozenset(mapping.file.empty)
        self.missing_columns: list[str] = []
        self._folded_columns = {fold(name): name for name in columns or []}
        if columns is not None and mapping.conflicts is not None:
            raise BadMapping(
                "a [conflicts] section reads lists inside each record: it needs a JSON or JSON Lines file."
            )
        actor = mapping.actor
        self.actor_id = _Field("actor.id", actor.id, self)
        self.actor_fields = [
            _Field(f"actor.{name}", getattr(actor, name), self) for name in _ACTOR_FIELDS if getattr(actor, name)
        ]
        self.themes_field = _Field("actor.themes", actor.themes, self) if actor.themes else None
        self.actor_place = _PlaceReader("actor.place", actor.place, self) if actor.place else None
        network = mapping.network
        self.since = _Field("network.since", network.since, self) if network and network.since else None
        self.skips = [(self.getter(rule.from_, "skip", required=True), rule) for rule in mapping.skip]
        self.skip_values = [frozenset(fold(value) for value in rule.in_) for rule in mapping.skip]
        conflicts = mapping.conflicts
        if conflicts is not None:
            self.each = self.getter(conflicts.each, "conflicts.each", required=True)
            self.conflict_id = _Field("conflicts.id", conflicts.id, self)
            self.conflict_type = _Field("conflicts.type", conflicts.type, self)
            self.conflict_fields = [
                _Field(f"conflicts.{name}", getattr(conflicts, name), self)
                for name in _CONFLICT_FIELDS
                if getattr(conflicts, name)
            ]
            self.involvement_fields = [
                _Field(f"conflicts.{name}", getattr(conflicts, name), self)
                for name in ("role", "role_from", "role_to")
                if getattr(conflicts, name)
            ]
            self.conflict_place = _PlaceReader("conflicts.place", conflicts.place, self)

    # --- compiling ---------------------------------------------------------------------------------

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
                if required or target in ("actor.id", "actor.name", "actor.kind", "skip"):
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

    # --- mapping one row ---------------------------------------------------------------------------

    def map(self, row: RawRow) -> ActorDraft | Skipped | Rejected:
        data = row.data
        if row.problem is not None:
            return Rejected([Issue(row.line, None, "", "", row.problem)])
        for (getter, rule), skipped in zip(self.skips, self.skip_values, strict=True):
            value = getter(data, data, 0)
            key = "" if value is None else fold(str(value))
            if key in skipped:
                return Skipped(rule.reason or f"{rule.from_} is {_show(value)}")
        try:
            external_id = self.actor_id.read(data, data, 0)
        except _Problem as problem:
            return Rejected([Issue(row.line, None, problem.field, _show(problem.value), problem.reason)])
        if external_id is None:
            return Rejected([Issue(row.line, None, self.actor_id.column, "", "the external id is empty")])
        external_id = str(external_id)
        issues: list[Issue] = []

        def problem_issue(problem: _Problem) -> Issue:
            return Issue(row.line, external_id, problem.field, _show(problem.value), problem.reason)

        values, columns = self._read_fields(self.actor_fields, data, data, 0, issues, problem_issue)
        record = self._validate(
            ActorRecord, values, columns, issues, lambda f, v, r: Issue(row.line, external_id, f, v, r)
        )
        place: Place = None
        if self.actor_place is not None:
            try:
                place = self.actor_place.read(self.places, data, data, 0)
            except _Problem as problem:
                issues.append(problem_issue(problem))
        themes = self._themes(data, issues, problem_issue)
        membership = None
        if self.mapping.network is not None:
            since_values, since_columns = self._read_fields(
                [self.since] if self.since else [], data, data, 0, issues, problem_issue
            )
            membership = self._validate(
                MembershipRecord,
                since_values,
                since_columns,
                issues,
                lambda f, v, r: Issue(row.line, external_id, f, v, r),
            )
        if issues or record is None or (self.mapping.network is not None and membership is None):
            return Rejected(issues)
        draft = ActorDraft(row.line, external_id, record, place, themes, membership)
        if self.mapping.conflicts is not None:
            self._conflicts(row, data, draft)
        return draft

    def _read_fields(
        self,
        fields: Iterable[_Field],
        scope: dict[str, Any],
        root: dict[str, Any],
        index: int,
        issues: list[Issue],
        issue: Callable[[_Problem], Issue],
    ) -> tuple[dict[str, Any], dict[str, tuple[str, Any]]]:
        values: dict[str, Any] = {}
        columns: dict[str, tuple[str, Any]] = {}
        for compiled in fields:
            try:
                values[compiled.name] = compiled.read(scope, root, index)
            except _Problem as problem:
                issues.append(issue(problem))
                columns[compiled.name] = (compiled.column, _FAILED)
                continue
            columns[compiled.name] = (compiled.column, values[compiled.name])
        return values, columns

    @staticmethod
    def _validate(
        model: Any,
        values: dict[str, Any],
        columns: dict[str, tuple[str, Any]],
        issues: list[Issue],
        issue: Callable[[str, str, str], Issue],
    ) -> Any:
        try:
            return model.model_validate(values)
        except ValidationError as error:
            for name, reason in problems(error):
                column, value = columns.get(name, (name, None))
                if value is not _FAILED:  # already reported by the field itself
                    issues.append(issue(column, _show(value), reason))
            return None

    def _themes(
        self, data: dict[str, Any], issues: list[Issue], issue: Callable[[_Problem], Issue]
    ) -> list[str] | None:
        if self.themes_field is None:
            return None
        try:
            codes = self.themes_field.read(data, data, 0) or []
        except _Problem as problem:
            issues.append(issue(problem))
            return None
        unknown = [code for code in codes if code not in self.themes]
        if unknown:
            issues.append(issue(_Problem(self.themes_field.column, ", ".join(unknown), "not a theme of the graph")))
        return sorted(set(codes))

    def _conflicts(self, row: RawRow, data: dict[str, Any], draft: ActorDraft) -> None:
        conflicts = self.mapping.conflicts
        assert conflicts is not None
        items = self.each(data, data, 0)
        if items is None:
            return
        if not isinstance(items, list):
            draft.item_issues.append(Issue(row.line, draft.external_id, conflicts.each, _show(items), "not a list"))
            return
        seen: set[tuple[str, str]] = set()
        for number, item in enumerate(items, start=1):
            label = f"{conflicts.each}[{number}]"
            issues: list[Issue] = []

            def issue(problem: _Problem, label: str = label, issues: list[Issue] = issues) -> Issue:
                return Issue(
                    row.line,
                    draft.external_id,
                    f"{label}.{problem.field}",
                    _show(problem.value),
                    problem.reason,
                    "item",
                )

            if not isinstance(item, dict):
                draft.item_issues.append(issue(_Problem("", item, "not an object")))
                continue
            try:
                external_id = self.conflict_id.read(item, data, number)
                type_code = self.conflict_type.read(item, data, number)
                place = self.conflict_place.read(self.places, item, data, number)
            except _Problem as problem:
                draft.item_issues.append(issue(problem))
                continue
            if external_id is None:
                draft.item_issues.append(issue(_Problem(self.conflict_id.column, "", "the external id is empty")))
                continue
            if type_code is None:
                draft.item_issues.append(issue(_Problem(self.conflict_type.column, "", "the conflict type is empty")))
                continue
            if type_code not in self.conflict_types:
                reason = "not a conflict type of the graph (is the reference data loaded?)"
                draft.item_issues.append(issue(_Problem(self.conflict_type.column, type_code, reason)))
                continue
            values, columns = self._read_fields(self.conflict_fields, item, data, number, issues, issue)
            involvement_values, involvement_columns = self._read_fields(
                self.involvement_fields, item, data, number, issues, issue
            )

            def item_issue(field: str, value: str, reason: str, label: str = label) -> Issue:
                return Issue(row.line, draft.external_id, f"{label}.{field}", value, reason, "item")

            record = self._validate(ConflictRecord, values, columns, issues, item_issue)
            involvement = self._validate(InvolvementRecord, involvement_values, involvement_columns, issues, item_issue)
            if issues or record is None or involvement is None:
                draft.item_issues.extend(issues)
                continue
            key = (str(external_id), involvement.role)
            if key in seen:
                continue
            seen.add(key)
            draft.conflicts.append(ConflictDraft(str(external_id), record, type_code, place, involvement, label))
