"""The query cost model (schema/limits.py) on a schema written here: a query's price is the number of
records it can return, each list at its page size. The expected prices are counted by hand."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import build_schema, parse

from schema.bounds import LIST_BOUNDS, Bound, fixed, page
from schema.limits import PageTooLarge, Pricing, UnpricedList, too_complex

SCHEMA = build_schema(
    """
    type Query { actors(first: Int): [Actor!]!  actor(id: ID!): Actor  untracked: [Actor!]! }
    type Actor { name: String  friends(first: Int): [Actor!]!  tags: [String!]!  cases(per: Int): [Case!]! }
    type Case { title: String }
    """
)
BOUNDS: dict[str, Bound] = {
    "Query.actors": page(),  # `first`, 20 when absent
    "Actor.friends": page(),
    "Actor.tags": fixed(5),
    "Actor.cases": Bound("per", default=2, per=3, plus=1),  # 3 × per + 1
}
PRICING = Pricing(SCHEMA, BOUNDS, max_page=100)


def price(query: str, variables: dict[str, Any] | None = None, pricing: Pricing = PRICING) -> int:
    return pricing.price(parse(query), None, variables)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ actor(id: 1) { name } }", 2),  # actor 1 + name 1
        ("{ actors(first: 10) { name } }", 11),  # 1 + 10 × 1
        ("{ actors { name } }", 21),  # no `first`: the default page of 20
        ("{ actors(first: 10) { name friends(first: 3) { name } } }", 51),  # 1 + 10 × (1 + (1 + 3 × 1))
        ("{ actors(first: 2) { friends { name } } }", 43),  # 1 + 2 × (1 + 20 × 1)
        ("{ actors(first: 2) { tags } }", 13),  # a list of scalars costs one per item: 1 + 2 × (1 + 5)
        ("{ actors(first: 1) { cases(per: 4) { title } } }", 15),  # 1 + 1 × (1 + (3 × 4 + 1) × 1)
        ("{ actors(first: 1) { cases { title } } }", 9),  # per defaults to 2: 1 + (1 + 7)
        ("{ a: actors(first: 3) { name } b: actors(first: 3) { name } }", 8),  # aliases each pay
        ("{ ...F } fragment F on Query { actors(first: 3) { name } }", 4),
        ("{ actors(first: 0) { name } }", 1),
        ("{ actors(first: -5) { name } }", 1),  # a negative page returns nothing
    ],
)
def test_a_query_costs_the_records_it_can_return(query: str, expected: int) -> None:
    assert price(query) == expected


def test_variables_and_their_defaults_are_priced_as_sent() -> None:
    query = "query($n: Int = 4) { actors(first: $n) { name } }"
    assert price(query, {"n": 7}) == 8
    assert price(query, {}) == 5


def test_a_fan_out_of_fragments_is_priced_in_linear_time() -> None:
    # 2^30 paths of spreads priced once per fragment: this would never finish if every path were walked
    fragments = " ".join(f"fragment F{i} on Actor {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30))
    query = "{ actors(first: 1) { ...F0 } } " + fragments + " fragment F30 on Actor { name }"
    assert price(query) == 1 + 1 * 2**30


def test_a_page_over_the_largest_is_refused_before_pricing() -> None:
    with pytest.raises(PageTooLarge):
        price("{ actors(first: 101) { name } }")
    assert price("{ actors(first: 100) { name } }") == 101


def test_a_list_the_cost_model_does_not_know_is_an_error_not_free() -> None:
    with pytest.raises(UnpricedList, match=r"Query\.untracked"):
        price("{ untracked { name } }")


def test_the_refusal_tells_the_price_the_budget_and_what_to_do() -> None:
    error = too_complex(5001, 5000)
    assert str(error).startswith("This query would cost 5001, over the budget of 5000")
    assert "Ask for smaller pages (`first`)" in str(error)
    assert error.extensions == {"code": "QUERY_TOO_COMPLEX", "cost": 5001, "maxCost": 5000}


def test_every_list_bound_of_the_api_is_positive() -> None:
    # a bound of 0 would make a list free and let a query multiply it at no cost
    assert LIST_BOUNDS
    for name, bound in LIST_BOUNDS.items():
        assert bound.default > 0, name
        assert bound.per > 0, name
