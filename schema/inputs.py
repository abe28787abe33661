"""What mutation and list inputs share: pydantic validation with field-level messages, ids, codes, `near`.

A strawberry input becomes a camelCase dict of the fields the caller gave (`input_data`: an omitted
field of an update input stays absent, an explicit null clears it); a pydantic `FieldsModel`
validates it and splits it into node properties and relationship lists. Error paths are the input's
own camelCase field names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Annotated, Any, ClassVar, TypeVar

import strawberry
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic.alias_generators import to_camel
from strawberry import relay
from strawberry.relay.types import GlobalIDValueError

from graph.near import Near
from graph.text import text_problem
from schema.errors import FieldError, Forbidden, NotFound, ValidationFailed, bad_input

M = TypeVar("M", bound="FieldsModel")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return input_data(value)
    return value


def input_data(obj: Any) -> dict[str, Any]:
    """The fields a caller gave in a strawberry input object, camelCase, enums as their values."""
    data: dict[str, Any] = {}
    definition = getattr(obj, "__strawberry_definition__", None)
    names = {f.python_name: f.graphql_name for f in definition.fields} if definition is not None else {}
    for item in dataclasses.fields(obj):
        value = getattr(obj, item.name)
        if value is strawberry.UNSET:
            continue
        data[names.get(item.name) or to_camel(item.name)] = _plain(value)
    return data


def decode_id(value: str, type_name: str) -> str:
    """The record id inside a global id of `type_name` (raw ids are accepted too, for scripts)."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except (GlobalIDValueError, ValueError):
        if re.fullmatch(r"[0-9A-Za-z_-]{1,64}", value):
            return value
        raise ValueError(f"must be the id of a {type_name}") from None
    if global_id.type_name != type_name:
        raise ValueError(f"must be the id of a {type_name}, not of a {global_id.type_name}")
    return global_id.node_id


def id_of(type_name: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        return decode_id(value, type_name)

    return check


def _optional_text(value: str | None) -> str | None:
    return value or None


def _code(value: str) -> str:
    if not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", value):
        raise ValueError("must be an upper-case code such as ONSHORE_WIND or CONCERTATION")
    return value


def _territory_code(value: str) -> str:
    if not re.fullmatch(r"[0-9A-Za-z-]{2,24}", value):
        raise ValueError("must be a territory code: an INSEE code (35238, 35, 53), an EPCI SIREN or a territory id")
    return value


def _commune_code(value: str | None) -> str | None:
    if value and not re.fullmatch(r"(\d[0-9AB]|97)\d{3}", value):
        raise ValueError("must be the 5-character INSEE code of a commune, e.g. 35238 for Rennes")
    return value or None


def _url(value: str | None) -> str | None:
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", value):
        raise ValueError("must be a web address starting with http:// or https://")
    return value or None


def _no_duplicates(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


OptionalText = Annotated[str | None, AfterValidator(_optional_text)]
Code = Annotated[str, AfterValidator(_code)]
Codes = Annotated[list[Code], AfterValidator(_no_duplicates)]
TerritoryCode = Annotated[str, AfterValidator(_territory_code)]
TerritoryCodes = Annotated[list[TerritoryCode], AfterValidator(_no_duplicates)]
CommuneCode = Annotated[str | None, AfterValidator(_commune_code)]
WebAddress = Annotated[str | None, AfterValidator(_url)]


FREE_TEXT_FIELDS = frozenset({"description", "summary", "need", "reason", "feedback", "note"})


def _hygiene(value: Any, free: bool) -> None:
    if isinstance(value, str):
        problem = text_problem(value, free=free)
        if problem is not None:
            raise ValueError(problem)
    elif isinstance(value, list):
        for item in value:
            _hygiene(item, free)


class CleanTextModel(BaseModel):
    """Applies the text-hygiene rule (`graph.text`) to every text field of an input, the field named.

    Free text (`FREE_TEXT_FIELDS`) may hold newlines and tabs; every other text (names, titles,
    codes, ids) holds no control character and no bidirectional override.
    """

    @field_validator("*", mode="after")
    @classmethod
    def _clean_text(cls, value: Any, info: ValidationInfo) -> Any:
        _hygiene(value, info.field_name in FREE_TEXT_FIELDS)
        return value


class FieldsModel(CleanTextModel):
    """Base of the editable fields of a record: create and update share one model.

    `REQUIRED` fields must be present on create (GraphQL makes them non-null there) and may not be
    cleared by an update; `LINKS` are relationship fields, returned apart from the node properties.
    """

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", str_strip_whitespace=True
    )
    REQUIRED: ClassVar[tuple[str, ...]] = ()
    LINKS: ClassVar[tuple[str, ...]] = ()

    def split(self) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """(node properties, relationship lists) of the fields given, camelCase."""
        data = self.model_dump(by_alias=True, exclude_unset=True)
        links: dict[str, list[str]] = {}
        for name in self.LINKS:
            if name in data:
                value = data.pop(name)
                links[name] = [] if value is None else (list(value) if isinstance(value, list) else [value])
        return data, links

    @classmethod
    def check(cls, data: dict[str, Any]) -> list[FieldError]:
        """Cross-field rules over the given (camelCase) data, such as dates in order; override where needed."""
        return []


def validate_fields(model: type[M], data: dict[str, Any], *, creating: bool) -> M | ValidationFailed:
    """Validate input `data` against `model`; a `ValidationFailed` listing every wrong field otherwise."""
    errors: list[FieldError] = []
    for name in model.REQUIRED:
        if (creating and data.get(name) is None) or (not creating and name in data and data[name] is None):
            errors.append(FieldError(field=name, message="is required and cannot be empty"))
    fields: M | None = None
    try:
        fields = model.model_validate({k: v for k, v in data.items() if not (k in model.REQUIRED and v is None)})
    except ValidationError as error:
        errors.extend(ValidationFailed.from_pydantic(error).errors)
    errors.extend(model.check(data))
    if errors or fields is None:
        return ValidationFailed(
            message=f"{len(errors)} input field(s) are invalid; nothing was written.", errors=errors
        )
    return fields


def in_order(data: dict[str, Any], start_name: str, end_name: str) -> list[FieldError]:
    """An error on `end_name` when both values are given (dates or years) and the end comes first."""
    start, end = data.get(start_name), data.get(end_name)
    both_dates = isinstance(start, date) and isinstance(end, date)
    both_years = isinstance(start, int) and isinstance(end, int)
    if (both_dates or both_years) and end < start:  # type: ignore[operator]
        return [FieldError(field=end_name, message=f"must not be before {start_name}")]
    return []


@strawberry.input(description="A circle to search in: around a territory, or around a latitude/longitude.")
class NearPlaceInput:
    territory: str | None = strawberry.field(
        default=None, description="INSEE code (35238, 35…), EPCI SIREN or territory id; its centroid is the centre."
    )
    lat: float | None = None
    lon: float | None = None
    radius_km: float = strawberry.field(default=50.0, description="Radius in kilometres (default 50, at most 1000).")


def to_near(near: NearPlaceInput | None) -> Near | None:
    if near is None:
        return None
    return Near(radius_km=near.radius_km, territory=near.territory, lat=near.lat, lon=near.lon)


def filter_id(value: strawberry.ID | None, type_name: str, argument: str) -> str | None:
    """Decode an id given to a `where` filter, refusing a wrong one with BAD_USER_INPUT."""
    if value is None:
        return None
    try:
        return decode_id(str(value), type_name)
    except ValueError as error:
        raise bad_input(f"`{argument}` {error}.") from None


@strawberry.input(description="Names the record a delete mutation removes.")
class DeleteInput:
    id: strawberry.ID


@strawberry.type(description="The record was deleted, with its relationships.")
class Deleted:
    id: strawberry.ID


DeleteResult = Annotated[Deleted | ValidationFailed | NotFound | Forbidden, strawberry.union("DeleteResult")]


def record_data(input: Any) -> dict[str, Any]:
    """The fields given in an input, minus the `id` of the record it changes."""
    data = input_data(input)
    data.pop("id", None)
    return data
