"""Turn a raw row into checked records, following a mapping: the heart of a partner import.

`RowMapper` is built once per file (it resolves the mapping's columns against the CSV header, so
typos in a mapping fail before the first row) and then maps each `RawRow` to an `ActorDraft` (with
its conflicts), a skip, or a list of problems. It does not touch the graph: places given as
coordinates come out as `Point`s for the caller to resolve in one batched query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from graph.text import fold, text_problem
from importers.errors import BadMapping
from importers.fields import FieldProblem, FieldReader, PlaceReader, Point, Sources, show
from importers.mapping import Mapping
from importers.places import PlaceIndex
from importers.readers import RawRow
from importers.record_rules import ActorRecord, ConflictRecord, InvolvementRecord, MembershipRecord, problems
from importers.reference import Taxonomy

_ACTOR_FIELDS = tuple(name for name in ActorRecord.model_fields)
_CONFLICT_FIELDS = tuple(name for name in ConflictRecord.model_fields)
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
        self.sources = Sources(mapping, taxonomy, columns)
        self.missing_columns = self.sources.missing_columns
        if columns is not None and mapping.conflicts is not None:
            raise BadMapping(
                "a [conflicts] section reads lists inside each record: it needs a JSON or JSON Lines file."
            )
        actor = mapping.actor
        self.actor_id = FieldReader("actor.id", actor.id, self.sources)
        self.actor_fields = [
            FieldReader(f"actor.{name}", getattr(actor, name), self.sources)
            for name in _ACTOR_FIELDS
            if getattr(actor, name)
        ]
        self.themes_field = FieldReader("actor.themes", actor.themes, self.sources) if actor.themes else None
        self.actor_place = PlaceReader("actor.place", actor.place, self.sources) if actor.place else None
        network = mapping.network
        self.since = FieldReader("network.since", network.since, self.sources) if network and network.since else None
        self.skips = [(self.sources.getter(rule.from_, "skip", required=True), rule) for rule in mapping.skip]
        self.skip_values = [frozenset(fold(value) for value in rule.in_) for rule in mapping.skip]
        conflicts = mapping.conflicts
        if conflicts is not None:
            self.each = self.sources.getter(conflicts.each, "conflicts.each", required=True)
            self.conflict_id = FieldReader("conflicts.id", conflicts.id, self.sources)
            self.conflict_type = FieldReader("conflicts.type", conflicts.type, self.sources)
            self.conflict_fields = [
                FieldReader(f"conflicts.{name}", getattr(conflicts, name), self.sources)
                for name in _CONFLICT_FIELDS
                if getattr(conflicts, name)
            ]
            self.involvement_fields = [
                FieldReader(f"conflicts.{name}", getattr(conflicts, name), self.sources)
                for name in ("role", "role_from", "role_to", "expertise", "role_label")
                if getattr(conflicts, name)
            ]
            self.conflict_place = PlaceReader("conflicts.place", conflicts.place, self.sources)

    # --- mapping one row ---------------------------------------------------------------------------

    def map(self, row: RawRow) -> ActorDraft | Skipped | Rejected:
        data = row.data
        if row.problem is not None:
            return Rejected([Issue(row.line, None, "", "", row.problem)])
        for (getter, rule), skipped in zip(self.skips, self.skip_values, strict=True):
            value = getter(data, data, 0)
            key = "" if value is None else fold(str(value))
            if key in skipped:
                return Skipped(rule.reason or f"{rule.from_} is {show(value)}")
        try:
            external_id = self.actor_id.read(data, data, 0)
        except FieldProblem as problem:
            return Rejected([Issue(row.line, None, problem.field, show(problem.value), problem.reason)])
        if external_id is None:
            return Rejected([Issue(row.line, None, self.actor_id.column, "", "the external id is empty")])
        external_id = str(external_id)
        id_problem = text_problem(external_id, free=False)
        if id_problem is not None:
            return Rejected([Issue(row.line, None, self.actor_id.column, show(external_id), id_problem)])
        issues: list[Issue] = []

        def problem_issue(problem: FieldProblem) -> Issue:
            return Issue(row.line, external_id, problem.field, show(problem.value), problem.reason)

        values, columns = self._read_fields(self.actor_fields, data, data, 0, issues, problem_issue)
        record = self._validate(
            ActorRecord, values, columns, issues, lambda f, v, r: Issue(row.line, external_id, f, v, r)
        )
        place: Place = None
        if self.actor_place is not None:
            try:
                place = self.actor_place.read(self.places, data, data, 0)
            except FieldProblem as problem:
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
        fields: Iterable[FieldReader],
        scope: dict[str, Any],
        root: dict[str, Any],
        index: int,
        issues: list[Issue],
        issue: Callable[[FieldProblem], Issue],
    ) -> tuple[dict[str, Any], dict[str, tuple[str, Any]]]:
        values: dict[str, Any] = {}
        columns: dict[str, tuple[str, Any]] = {}
        for compiled in fields:
            try:
                values[compiled.name] = compiled.read(scope, root, index)
            except FieldProblem as problem:
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
                    issues.append(issue(column, show(value), reason))
            return None

    def _themes(
        self, data: dict[str, Any], issues: list[Issue], issue: Callable[[FieldProblem], Issue]
    ) -> list[str] | None:
        if self.themes_field is None:
            return None
        try:
            codes = self.themes_field.read(data, data, 0) or []
        except FieldProblem as problem:
            issues.append(issue(problem))
            return None
        unknown = [code for code in codes if code not in self.themes]
        if unknown:
            issues.append(issue(FieldProblem(self.themes_field.column, ", ".join(unknown), "not a theme of the graph")))
        return sorted(set(codes))

    def _conflicts(self, row: RawRow, data: dict[str, Any], draft: ActorDraft) -> None:
        conflicts = self.mapping.conflicts
        assert conflicts is not None
        items = self.each(data, data, 0)
        if items is None:
            return
        if not isinstance(items, list):
            draft.item_issues.append(Issue(row.line, draft.external_id, conflicts.each, show(items), "not a list"))
            return
        seen: set[tuple[str, str, str | None]] = set()
        for number, item in enumerate(items, start=1):
            label = f"{conflicts.each}[{number}]"
            issues: list[Issue] = []

            def issue(problem: FieldProblem, label: str = label, issues: list[Issue] = issues) -> Issue:
                return Issue(
                    row.line,
                    draft.external_id,
                    f"{label}.{problem.field}",
                    show(problem.value),
                    problem.reason,
                    "item",
                )

            if not isinstance(item, dict):
                draft.item_issues.append(issue(FieldProblem("", item, "not an object")))
                continue
            try:
                external_id = self.conflict_id.read(item, data, number)
                type_code = self.conflict_type.read(item, data, number)
                place = self.conflict_place.read(self.places, item, data, number)
            except FieldProblem as problem:
                draft.item_issues.append(issue(problem))
                continue
            if external_id is None:
                draft.item_issues.append(issue(FieldProblem(self.conflict_id.column, "", "the external id is empty")))
                continue
            id_problem = text_problem(str(external_id), free=False)
            if id_problem is not None:
                draft.item_issues.append(issue(FieldProblem(self.conflict_id.column, external_id, id_problem)))
                continue
            if type_code is None:
                draft.item_issues.append(
                    issue(FieldProblem(self.conflict_type.column, "", "the conflict type is empty"))
                )
                continue
            if type_code not in self.conflict_types:
                reason = "not a conflict type of the graph (is the reference data loaded?)"
                draft.item_issues.append(issue(FieldProblem(self.conflict_type.column, type_code, reason)))
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
            key = (str(external_id), involvement.role, involvement.expertise)
            if key in seen:
                continue
            seen.add(key)
            draft.conflicts.append(ConflictDraft(str(external_id), record, type_code, place, involvement, label))
