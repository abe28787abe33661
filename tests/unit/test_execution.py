"""Plain values take `schema.execution`'s short path and answer exactly as graphql-core's own path does."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType

from schema.cooperative import CooperativeExecution
from schema.hardening import HardenedSchema


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Item:
    name: str
    size: int
    ratio: float | None
    colour: Colour
    tags: list[str]
    broken: int  # the rows below put a value here that Int refuses
    missing: str  # non-null, left None by a row

    @strawberry.field
    def shout(self, times: int = 1) -> str:
        return self.name.upper() * times


ROWS: list[dict[str, Any]] = [
    {"name": "a", "size": 1, "ratio": 0.5, "colour": Colour.RED, "tags": ["x"], "broken": 1, "missing": "m"},
    {"name": "b", "size": 2, "ratio": None, "colour": Colour.BLUE, "tags": [], "broken": "two", "missing": None},
]


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return [Item(**row) for row in ROWS]


def _run(schema: strawberry.Schema, document: str) -> tuple[Any, list[tuple[str, list[Any] | None]]]:
    result = schema.execute_sync(document)
    return result.data, [(error.message, error.path) for error in result.errors or []]


def _fields(schema: strawberry.Schema, name: str) -> dict[str, GraphQLField]:
    graphql_type = schema._schema.type_map[name]
    assert isinstance(graphql_type, GraphQLObjectType)
    fields: dict[str, GraphQLField] = graphql_type.fields
    return fields


def _both(document: str) -> tuple[Any, Any]:
    fast = HardenedSchema(query=Query, execution_context_class=CooperativeExecution)
    return _run(fast, document), _run(strawberry.Schema(query=Query), document)


def test_plain_fields_are_marked_for_the_short_path() -> None:
    schema = HardenedSchema(query=Query, execution_context_class=CooperativeExecution)
    fields = _fields(schema, "Item")
    marked = {name for name, field in fields.items() if "tec-plain-value" in (field.extensions or {})}
    assert marked == {"name", "size", "ratio", "colour", "broken", "missing"}  # not lists, not resolvers


def test_values_enums_nulls_aliases_and_typenames_answer_alike() -> None:
    fast, reference = _both("{ items { name size ratio colour tags __typename big: shout(times: 2) n: name } }")
    assert fast == reference
    # in the document's order, plain values and the others interleaved as asked
    assert list(fast[0]["items"][1]) == ["name", "size", "ratio", "colour", "tags", "__typename", "big", "n"]
    assert fast[0]["items"][1] == {
        "name": "b",
        "size": 2,
        "ratio": None,
        "colour": "BLUE",
        "tags": [],
        "__typename": "Item",
        "big": "BB",
        "n": "b",
    }


def test_a_refused_value_and_a_missing_non_null_value_give_the_same_errors() -> None:
    fast, reference = _both("{ items { name broken } }")
    assert fast == reference
    assert [path for _, path in fast[1]] == [["items", 1, "broken"]]
    fast, reference = _both("{ items { name missing } }")
    assert fast == reference
    assert fast[1] == [("Cannot return null for non-nullable field Item.missing.", ["items", 1, "missing"])]


def test_a_plain_value_is_read_without_calling_its_resolver() -> None:
    schema = HardenedSchema(query=Query, execution_context_class=CooperativeExecution)
    calls: list[str] = []
    field = _fields(schema, "Item")["size"]
    original = field.resolve
    assert original is not None

    def counted(source: Any, info: Any, **kwargs: Any) -> Any:
        calls.append(info.field_name)
        return original(source, info, **kwargs)

    field.resolve = counted
    assert _run(schema, "{ items { size } }") == ({"items": [{"size": 1}, {"size": 2}]}, [])
    assert calls == []
