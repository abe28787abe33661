"""Opaque keyset cursors (graph/pagination.py): what a client gets back decodes to what was encoded,
and anything else is refused with the same sentence."""

from __future__ import annotations

import pytest

from graph.pagination import InvalidCursor, decode_cursor, encode_cursor, make_page


def test_a_cursor_is_unpadded_base64url_of_the_json_values() -> None:
    # `printf '["NAME","Île-de-France","a1"]' | base64`, without its padding
    assert encode_cursor(["NAME", "Île-de-France", "a1"]) == "WyJOQU1FIiwiw45sZS1kZS1GcmFuY2UiLCJhMSJd"
    assert decode_cursor("WyJOQU1FIiwiw45sZS1kZS1GcmFuY2UiLCJhMSJd", 3) == ["NAME", "Île-de-France", "a1"]


def test_a_cursor_is_safe_in_a_url() -> None:
    cursor = encode_cursor(["TITLE", "???>>>~~~", "id"])
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("cursor", ["", "%%%", "bm90IGpzb24", "WyJhIl0"])  # "", junk, 'not json', ["a"]
def test_anything_else_is_refused_with_one_sentence(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as refused:
        decode_cursor(cursor, 3)
    assert str(refused.value) == "The `after` cursor is not one this API gave out; start again without `after`."


def test_a_page_keeps_first_rows_and_says_whether_more_follow() -> None:
    rows = [{"id": "a", "name": "Ana"}, {"id": "b", "name": "Bo"}, {"id": "c", "name": "Cy"}]
    page = make_page(rows, 2, ("name", "id"), total=7)
    assert [row["id"] for row in page.items] == ["a", "b"]
    assert page.has_next is True
    assert page.total == 7
    assert decode_cursor(page.cursors[1], 2) == ["Bo", "b"]
    last = make_page(rows, 3, ("id",), total=None)
    assert last.has_next is False
    assert len(last.cursors) == 3


def test_scores_travel_exactly_and_cursors_given_out_before_still_decode() -> None:
    values = ["RELEVANCE", 2.3876396509460594e-08, "id-1"]
    assert decode_cursor(encode_cursor(values), 3) == values
    # the encoding of earlier versions wrote the exponent as e-08: such a cursor still continues the list
    earlier = "WyJSRUxFVkFOQ0UiLDIuMzg3NjM5NjUwOTQ2MDU5NGUtMDgsImlkLTEiXQ"
    assert decode_cursor(earlier, 3) == values
