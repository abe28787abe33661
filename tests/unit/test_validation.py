"""Documents too costly to validate are refused by a linear check before graphql-core sees them."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import DocumentNode, get_introspection_query, parse

from resolvers.root.schema import build_schema
from schema import validation
from schema.validation import MAX_EXPANDED, MAX_SAME_NAME, shape_problem
from tec.settings import Settings


def fan_out(depth: int) -> str:
    fragments = [f"fragment F{depth} on Actor {{ name kind }}"]
    for level in range(depth - 1, -1, -1):
        fragments.append(f"fragment F{level} on Actor {{ ...F{level + 1} ... on Actor {{ ...F{level + 1} }} }}")
    return "{ actors(first: 1) { nodes { ...F0 } } } " + " ".join(fragments)


def test_ordinary_documents_pass_the_shape_check() -> None:
    assert shape_problem(parse(get_introspection_query())) is None
    assert shape_problem(parse("{ a: themes { code } b: themes { label } themes { code } }")) is None
    assert shape_problem(parse(fan_out(8))) is None


def test_one_field_repeated_many_times_is_refused_even_through_inline_fragments() -> None:
    repeated = "{ " + "themes { code } " * (MAX_SAME_NAME + 1) + "}"
    assert "`themes` is asked 11 times" in (shape_problem(parse(repeated)) or "")
    inline = "{ " + "... on Query { themes { code } } " * 50 + "}"
    assert "`themes` is asked 50 times" in (shape_problem(parse(inline)) or "")


def test_fragments_spreading_into_a_huge_document_are_refused() -> None:
    problem = shape_problem(parse(fan_out(40)))  # 2**40 paths: sized in linear time
    assert problem is not None
    assert f"at most {MAX_EXPANDED}" in problem


async def test_the_schema_answers_the_refusal_with_query_too_complex() -> None:
    schema = build_schema(Settings())
    result = await schema.execute("{ " + "themes { code } " * 1000 + "}")
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "QUERY_TOO_COMPLEX"}
    assert result.data is None


async def test_a_document_asked_again_is_validated_once_and_a_refused_one_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    validated: list[DocumentNode] = []
    checked: list[DocumentNode] = []
    original_validate, original_shape = validation._validate, validation.shape_problem

    def counted_validate(*args: Any) -> Any:
        validated.append(args[1])
        return original_validate(*args)

    def counted_shape(document: DocumentNode) -> str | None:
        checked.append(document)
        return original_shape(document)

    monkeypatch.setattr(validation, "_validate", counted_validate)
    monkeypatch.setattr(validation, "shape_problem", counted_shape)
    schema = build_schema(Settings())
    query = "{ themes { code } __typename validatedOnce: __typename }"
    for _ in range(3):
        await schema.execute(query)  # its resolver fails without a store: validation came before
    assert len(validated) == 1
    assert len(checked) == 1
    wrong = "{ themes { nope } onceWrong: __typename }"
    for _ in range(2):
        result = await schema.execute(wrong)
        assert result.errors is not None
        assert "nope" in result.errors[0].message
    assert len(validated) == 2  # its errors are kept too
    refused = "{ " + "themes { code } " * (MAX_SAME_NAME + 1) + " refusedTwice: __typename }"
    for _ in range(2):
        result = await schema.execute(refused)
        assert result.errors is not None
        assert result.errors[0].extensions == {"code": "QUERY_TOO_COMPLEX"}
    assert len(validated) == 2  # never validated: refused by the shape check, each time
