"""The filters of an export (`tec export --where key=value`, or a download's query string), validated
with pydantic: one model per thing exported, with its allowed keys and values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from strawberry import relay

from graph import exploration
from graph import exports as export_store
from graph.model import (
    ACTOR_KINDS,
    CONFLICT_FAMILIES,
    CONFLICT_STATUSES,
    INVOLVEMENT_ROLES,
    TERRITORY_LEVELS_LARGEST_FIRST,
)


class ExportError(Exception):
    """The export cannot be made as asked; the message says what to change."""

    code = "BAD_USER_INPUT"


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
        return _one_of(value, CONFLICT_STATUSES, "status")

    @field_validator("family")
    @classmethod
    def _family(cls, value: str | None) -> str | None:
        if value is not None:
            _one_of([value], CONFLICT_FAMILIES, "family")
        return value


class TerritoryWhere(_PlaceWhere):
    level: str = "DEPARTEMENT"

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _one_of([value], TERRITORY_LEVELS_LARGEST_FIRST, "level")[0]


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
        return _one_of(value, INVOLVEMENT_ROLES, "role")

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        return _one_of([value], TERRITORY_LEVELS_LARGEST_FIRST, "level")[0]


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
