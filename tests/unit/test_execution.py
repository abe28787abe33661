"""Plain values take `schema.execution`'s short path and answer exactly as graphql-core's own path does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
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


def _counting(field: GraphQLField) -> list[tuple[str, dict[str, Any]]]:
    """Replace `field`'s resolver by one noting each call (field name, arguments) in the returned list."""
    calls: list[tuple[str, dict[str, Any]]] = []
    original = field.resolve
    assert original is not None

    def counted(source: Any, info: Any, **kwargs: Any) -> Any:
        calls.append((info.field_name, kwargs))
        return original(source, info, **kwargs)

    field.resolve = counted
    return calls


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
    calls = _counting(_fields(schema, "Item")["size"])
    assert _run(schema, "{ items { size } }") == ({"items": [{"size": 1}, {"size": 2}]}, [])
    assert calls == []


# --- plain objects and lists of objects ---------------------------------------------------------------


@strawberry.interface
class Named:
    label: str


@strawberry.type
class Leaf(Named):
    value: int  # a row below puts a string here: an error inside a nested object


@strawberry.type
class Branch:
    label: str
    leaf: Leaf | None
    required: Leaf  # non-null: a row leaves it None
    leaves: list[Leaf]
    maybe_leaves: list[Leaf | None] | None
    pairs: list[list[Leaf]]  # a list of lists takes graphql-core's path

    @strawberry.field
    async def later(self) -> Leaf:
        return Leaf(label=self.label + "!", value=len(self.label))


def _leaf(label: str, value: Any = 1) -> Leaf:
    return Leaf(label=label, value=value)


BRANCHES: list[dict[str, Any]] = [
    {
        "label": "one",
        "leaf": _leaf("a"),
        "required": _leaf("r"),
        "leaves": [_leaf("b"), _leaf("c")],
        "maybe_leaves": [None, _leaf("d")],
        "pairs": [[_leaf("e")]],
    },
    {
        "label": "two",
        "leaf": None,
        "required": None,
        "leaves": [_leaf("f", "bad"), _leaf("g")],
        "maybe_leaves": None,
        "pairs": [],
    },
]


@strawberry.type
class Tree:
    @strawberry.field
    def branches(self) -> list[Branch | None]:
        return [Branch(**row) for row in BRANCHES]

    @strawberry.field
    def first(self) -> Branch:
        return Branch(**BRANCHES[0])


def _both_trees(document: str) -> tuple[Any, Any]:
    """The answer (data, errors) of the schema with the short paths, and of strawberry's own."""
    fast = HardenedSchema(query=Tree, types=[Leaf], execution_context_class=CooperativeExecution)
    return _run_async(fast, document), _run_async(strawberry.Schema(query=Tree, types=[Leaf]), document)


def _run_async(schema: strawberry.Schema, document: str) -> tuple[Any, list[tuple[str, list[Any] | None]]]:
    result = asyncio.run(schema.execute(document))
    return result.data, [(error.message, error.path) for error in result.errors or []]


def test_object_fields_are_marked_for_the_short_path() -> None:
    schema = HardenedSchema(query=Tree, types=[Leaf], execution_context_class=CooperativeExecution)
    fields = _fields(schema, "Branch")
    marked = {name for name, field in fields.items() if "tec-plain-object" in (field.extensions or {})}
    assert marked == {"leaf", "required", "leaves", "maybeLeaves"}  # not lists of lists, not resolvers


def test_nested_objects_lists_nulls_fragments_and_aliases_answer_alike() -> None:
    document = """
      query { first {
        label leaf { label value } same: leaf { ... on Leaf { label } } leaves { __typename label value }
        maybeLeaves { label } pairs { label } later { label value } required { ...Parts }
      } }
      fragment Parts on Leaf { label value }
    """
    fast, reference = _both_trees(document)
    assert fast == reference
    assert fast[1] == []
    first = fast[0]["first"]
    assert first["leaves"] == [
        {"__typename": "Leaf", "label": "b", "value": 1},
        {"__typename": "Leaf", "label": "c", "value": 1},
    ]
    assert first["maybeLeaves"] == [None, {"label": "d"}]
    assert first["same"] == {"label": "a"}
    assert list(first) == ["label", "leaf", "same", "leaves", "maybeLeaves", "pairs", "later", "required"]


def test_errors_inside_objects_and_lists_have_graphql_cores_paths_and_nulls() -> None:
    # an item's non-null field fails: the error bubbles to the (non-null) item, then to the (non-null)
    # list, then to the nullable branch; a missing non-null object does the same
    fast, reference = _both_trees("{ branches { label leaves { label value } } }")
    assert fast == reference
    assert fast[0] == {
        "branches": [{"label": "one", "leaves": [{"label": "b", "value": 1}, {"label": "c", "value": 1}]}, None]
    }
    assert [path for _, path in fast[1]] == [["branches", 1, "leaves", 0, "value"]]
    fast, reference = _both_trees("{ branches { leaf { label } required { label } maybeLeaves { label } } }")
    assert fast == reference
    assert fast[1] == [("Cannot return null for non-nullable field Branch.required.", ["branches", 1, "required"])]


def test_objects_with_a_resolver_awaited_inside_a_plain_list() -> None:
    fast, reference = _both_trees("{ branches { label later { label } } first { leaves { label } later { value } } }")
    assert fast == reference
    assert fast[0]["branches"] == [
        {"label": "one", "later": {"label": "one!"}},
        {"label": "two", "later": {"label": "two!"}},
    ]


def test_a_plain_object_is_read_without_calling_its_resolver() -> None:
    schema = HardenedSchema(query=Tree, types=[Leaf], execution_context_class=CooperativeExecution)
    calls = _counting(_fields(schema, "Branch")["leaves"])
    data, errors = _run_async(schema, "{ first { leaves { label } } }")
    assert (data, errors) == ({"first": {"leaves": [{"label": "b"}, {"label": "c"}]}}, [])
    assert calls == []


# --- object fields whose resolver takes the request's info ------------------------------------------

CALLS: list[tuple[str, Any, Any]] = []  # (label, first, the context the resolver's info carried)


@strawberry.type
class Holder:
    label: str

    @strawberry.field
    def picked(self, info: strawberry.Info, first: int | None = None) -> list[Leaf]:
        CALLS.append((self.label, first, info.context["who"]))
        return [_leaf(self.label + str(i), i) for i in range(first if first is not None else 2)]

    @strawberry.field(description="A leaf at hand or loaded.", graphql_type=Leaf | None)  # type: ignore[untyped-decorator]
    def held(self, info: strawberry.Info) -> Leaf | Awaitable[Leaf] | None:
        # at hand for "one", loaded (an awaitable) for the others: graphql-core's path awaits it
        if self.label == "one":
            return _leaf("held-" + self.label)

        async def load() -> Leaf:
            await asyncio.sleep(0)
            return _leaf("loaded-" + self.label, 7)

        return load()

    @strawberry.field
    def refused(self, info: strawberry.Info) -> Leaf | None:
        if info.context["who"] != "admin":
            raise PermissionError(f"{self.label}: admins only")
        return _leaf("secret")


@strawberry.type
class Holders:
    @strawberry.field
    def holders(self) -> list[Holder]:
        return [Holder(label="one"), Holder(label="two"), Holder(label="three")]

    @strawberry.field
    def caller(self, info: strawberry.Info) -> Leaf:
        return _leaf(info.context["who"])


def _both_holders(document: str, who: str = "visitor") -> tuple[Any, Any]:
    fast = HardenedSchema(query=Holders, types=[Leaf], execution_context_class=CooperativeExecution)
    reference = strawberry.Schema(query=Holders, types=[Leaf])
    answers = []
    for schema in (fast, reference):
        result = asyncio.run(schema.execute(document, context_value={"who": who}))
        answers.append((result.data, [(error.message, error.path) for error in result.errors or []]))
    return answers[0], answers[1]


def test_resolvers_taking_info_are_marked_and_called_directly_with_it() -> None:
    schema = HardenedSchema(query=Holders, types=[Leaf], execution_context_class=CooperativeExecution)
    fields = _fields(schema, "Holder")
    marked = {name for name, field in fields.items() if "tec-plain-object" in (field.extensions or {})}
    assert marked == {"picked", "held", "refused"}
    assert "tec-plain-object" not in (_fields(schema, "Holders")["caller"].extensions or {})  # a root field
    CALLS.clear()
    fast, reference = _both_holders("{ holders { label picked { label value } } }")
    assert fast == reference
    assert fast[0]["holders"][0]["picked"] == [{"label": "one0", "value": 0}, {"label": "one1", "value": 1}]
    # each holder's resolver ran once on each side, with the request's context and the default argument
    assert [(label, None, "visitor") for label in ("one", "two", "three")] * 2 == CALLS


def test_a_resolver_asked_with_arguments_takes_graphql_cores_path_with_them() -> None:
    CALLS.clear()
    fast, reference = _both_holders("{ holders { few: picked(first: 1) { label } picked { label } } }")
    assert fast == reference
    assert fast[0]["holders"][2] == {"few": [{"label": "three0"}], "picked": [{"label": "three0"}, {"label": "three1"}]}
    assert sorted({first for _, first, _ in CALLS}, key=str) == [1, None]


def test_an_awaitable_value_and_a_refusal_answer_as_graphql_core_answers_them() -> None:
    fast, reference = _both_holders("{ holders { label held { label value } refused { label } } }")
    assert fast == reference
    assert [holder["held"] for holder in fast[0]["holders"]] == [
        {"label": "held-one", "value": 1},
        {"label": "loaded-two", "value": 7},
        {"label": "loaded-three", "value": 7},
    ]
    assert [holder["refused"] for holder in fast[0]["holders"]] == [None, None, None]
    assert fast[1] == [
        (f"{label}: admins only", ["holders", index, "refused"]) for index, label in enumerate(("one", "two", "three"))
    ]
    admin, reference = _both_holders("{ holders { refused { label } } }", who="admin")
    assert admin == reference
    assert admin == ({"holders": [{"refused": {"label": "secret"}}] * 3}, [])


def test_a_resolver_taking_info_skips_graphql_cores_wrapper_unless_given_arguments() -> None:
    schema = HardenedSchema(query=Holders, types=[Leaf], execution_context_class=CooperativeExecution)
    wrapped = _counting(_fields(schema, "Holder")["picked"])
    result = asyncio.run(schema.execute("{ holders { picked { value } } }", context_value={"who": "visitor"}))
    assert result.errors is None
    assert result.data is not None
    assert result.data["holders"][1] == {"picked": [{"value": 0}, {"value": 1}]}
    assert wrapped == []
    result = asyncio.run(schema.execute("{ holders { picked(first: 3) { value } } }", context_value={"who": "visitor"}))
    assert result.data is not None
    assert result.data["holders"][1] == {"picked": [{"value": 0}, {"value": 1}, {"value": 2}]}
    assert wrapped == [("picked", {"first": 3})] * 3
