"""Documents too costly to validate are refused by a linear check before graphql-core sees them."""

from __future__ import annotations

from graphql import get_introspection_query, parse

from resolvers.root.schema import build_schema
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
