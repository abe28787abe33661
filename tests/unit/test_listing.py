"""Query building of every API list (graph/listing.py), without Neo4j: which order a page takes, which
argument combinations are refused and with what sentence, and that the caller's values travel as
parameters (never in the query text)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from graph import facets
from graph.actors import ACTOR_LIST, ActorFilter
from graph.commons import CALL_LIST
from graph.errors import ListRefused
from graph.listing import ListRequest, SortKey, effective_sort, page_query
from graph.near import Near
from graph.pagination import InvalidCursor
from schema.errors import list_refusal


@contextmanager
def refused_with(match: str) -> Iterator[None]:
    """The store refuses the list, and the API words the refusal so that it matches `match`."""
    with pytest.raises(ListRefused) as refusal:
        yield
    assert re.search(match, list_refusal(refusal.value)), list_refusal(refusal.value)


# A cursor as the API gives it out: base64url (no padding) of the JSON [sort, sort value, last id],
# written out by hand (`printf '["NAME","Île-de-France","a1"]' | base64`).
NAME_CURSOR = "WyJOQU1FIiwiw45sZS1kZS1GcmFuY2UiLCJhMSJd"


def test_a_plain_directory_is_in_name_order() -> None:
    assert effective_sort(ACTOR_LIST, ListRequest(first=10)) == "NAME"


def test_a_search_is_in_relevance_order_and_a_near_filter_in_distance_order() -> None:
    assert effective_sort(ACTOR_LIST, ListRequest(first=10, search="médiation")) == "RELEVANCE"
    assert effective_sort(ACTOR_LIST, ListRequest(first=10, near=Near(radius_km=20, territory="35238"))) == "DISTANCE"
    # an explicit order wins over both
    asked = ListRequest(first=10, sort="CREATED_AT", search="médiation", near=Near(radius_km=20, territory="35238"))
    assert effective_sort(ACTOR_LIST, asked) == "CREATED_AT"


def test_an_order_the_list_does_not_have_is_refused_naming_the_ones_it_has() -> None:
    with pytest.raises(ListRefused) as refused:
        effective_sort(ACTOR_LIST, ListRequest(first=10, sort="BUDGET"))
    assert list_refusal(refused.value) == (
        "orderBy BUDGET is not available here; use one of NAME, CREATED_AT, RELEVANCE, DISTANCE."
    )


def test_relevance_needs_a_search_and_distance_needs_a_place() -> None:
    with refused_with("RELEVANCE needs a `search` text"):
        page_query(ACTOR_LIST, ListRequest(first=10, sort="RELEVANCE"))
    with refused_with("DISTANCE needs a `near` filter"):
        page_query(ACTOR_LIST, ListRequest(first=10, sort="DISTANCE"))


def test_one_more_row_than_the_page_is_fetched_to_know_whether_a_next_page_exists() -> None:
    _, params, sort = page_query(ACTOR_LIST, ListRequest(first=25))
    assert params["limit"] == 26
    assert sort == "NAME"


@pytest.mark.parametrize("radius", [0.0, -5.0, 1000.5, 5000.0])
def test_a_radius_outside_0_to_1000_km_is_refused(radius: float) -> None:
    with refused_with(r"`radiusKm` must be more than 0 and at most 1000"):
        page_query(ACTOR_LIST, ListRequest(first=10, near=Near(radius_km=radius, territory="35238")))


def test_the_radius_reaches_neo4j_in_metres() -> None:
    _, params, _ = page_query(ACTOR_LIST, ListRequest(first=10, near=Near(radius_km=12.5, lat=48.11, lon=-1.68)))
    assert params["radiusM"] == 12500.0
    assert (params["lat"], params["lon"]) == (48.11, -1.68)


@pytest.mark.parametrize(("lat", "lon"), [(90.5, 0.0), (-91.0, 0.0), (0.0, 180.01), (0.0, -200.0)])
def test_a_point_off_the_globe_is_refused(lat: float, lon: float) -> None:
    with refused_with("`lat` must be within ±90 and `lon` within ±180"):
        page_query(ACTOR_LIST, ListRequest(first=10, near=Near(radius_km=5, lat=lat, lon=lon)))


def test_near_needs_a_territory_or_both_coordinates() -> None:
    with refused_with("`near` needs either a `territory` or both `lat` and `lon`"):
        page_query(ACTOR_LIST, ListRequest(first=10, near=Near(radius_km=5, lat=48.0)))


def test_a_list_without_territories_or_places_refuses_those_filters() -> None:
    with refused_with("cannot be filtered by territory"):
        page_query(CALL_LIST, ListRequest(first=10, area="35"))
    with refused_with("cannot be filtered by distance"):
        page_query(CALL_LIST, ListRequest(first=10, near=Near(radius_km=5, territory="35238")))


@pytest.mark.parametrize("search", ["", "   ", "!!! --- ''", "«»"])
def test_a_search_without_a_letter_or_digit_is_refused(search: str) -> None:
    with refused_with("`search` needs at least one letter or digit"):
        page_query(ACTOR_LIST, ListRequest(first=10, search=search))


def test_a_search_reaches_the_full_text_index_as_a_folded_lucene_query() -> None:
    _, params, _ = page_query(ACTOR_LIST, ListRequest(first=10, search="Éolien"))
    assert params["index"] == "actor_search"
    # the words are confined to the text field, so that the territory's token can join them (graph.ancestry)
    assert params["search"] == "+searchText:(+(eolien OR eolien*))"


def test_every_value_of_the_caller_is_a_parameter_never_query_text() -> None:
    hostile = "x' }) DETACH DELETE n //"
    query, params, _ = page_query(
        ACTOR_LIST,
        ListRequest(first=10, area=hostile, near=Near(radius_km=5, territory=hostile), search="parc " + hostile),
    )
    assert "DETACH DELETE" not in query
    assert hostile not in query
    assert params["area"] == hostile
    assert params["nearTerritory"] == hostile


def test_a_cursor_continues_after_the_last_row_of_its_page() -> None:
    query, params, _ = page_query(ACTOR_LIST, ListRequest(first=10, after=NAME_CURSOR))
    assert params["afterValue"] == "Île-de-France"
    assert params["afterId"] == "a1"
    # ascending: strictly after the last value, ties broken by id
    assert "sortValue > $afterValue OR (sortValue = $afterValue AND n.id > $afterId)" in query
    # the name order is read from its index, from the cursor on
    assert "n.nameKey >= $afterValue" in query


def test_a_descending_order_continues_below_the_last_value() -> None:
    cursor = "WyJDUkVBVEVEX0FUIiwxNzAwMDAwMDAwMDAwLCJhOSJd"  # ["CREATED_AT",1700000000000,"a9"]
    query, params, _ = page_query(ACTOR_LIST, ListRequest(first=10, sort="CREATED_AT", after=cursor))
    assert params["afterValue"] == 1700000000000
    assert "sortValue < $afterValue" in query
    assert "ORDER BY sortValue DESC, n.id" in query


@pytest.mark.parametrize(
    "cursor",
    [
        "WyJOQU1FIiwieCJd",  # ["NAME","x"]: two values, a list cursor has three
        "eyJhIjoxfQ",  # {"a":1}: not a list
        "not base64 at all!",
        "WyJDUkVBVEVEX0FUIiwxNzAwMDAwMDAwMDAwLCJhOSJd",  # a CREATED_AT cursor on a NAME page
    ],
)
def test_a_cursor_this_list_did_not_give_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as refused:
        page_query(ACTOR_LIST, ListRequest(first=10, after=cursor))
    assert refused.value.code == "BAD_USER_INPUT"
    assert "start again without `after`" in str(refused.value)


def test_a_territory_filter_without_search_walks_from_the_territory() -> None:
    query, params, _ = page_query(ACTOR_LIST, ListRequest(first=10, area="35"))
    assert params["area"] == "35"
    assert "MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:BASED_IN]-(n:Actor) WITH DISTINCT n" in query
    # with a search, the index gives only the candidates inside the territory: its ancestry token
    # (`+areaCodes:d35^0`, no score) joins the words in the Lucene query, no walk from the territory
    searched, searched_params, _ = page_query(ACTOR_LIST, ListRequest(first=10, area="35", search="parc"))
    assert "MATCH (area)<-[:PART_OF*0..3]" not in searched
    assert "' +areaCodes:' + areaCode + '^0'" in searched
    assert searched_params["search"] == "+searchText:(+(parc OR parc*))"


def test_the_total_is_counted_only_when_asked() -> None:
    counted, _, _ = page_query(ACTOR_LIST, ListRequest(first=10))
    uncounted, _, _ = page_query(ACTOR_LIST, ListRequest(first=10, with_total=False))
    assert "count(n) AS total" in counted
    assert "count(n) AS total" not in uncounted


def test_an_indexed_sort_key_must_be_the_indexed_property_itself() -> None:
    with pytest.raises(ValueError, match=r"must be `n.nameKey`"):
        SortKey("toLower(n.name)", indexed="nameKey")


def _actor_page(filters: ActorFilter, **request: Any) -> tuple[str, dict[str, Any]]:
    built = ListRequest(first=10, **request)
    filters.where().apply(built)
    query, params, _ = page_query(ACTOR_LIST, built)
    return query, params


def test_a_search_with_kind_and_theme_filters_asks_the_index_for_those_facets_only() -> None:
    filters = ActorFilter(kinds=("ASSOCIATION", "BUREAU_ETUDES"), themes=("CONCERTATION",))
    query, params = _actor_page(filters, search="parc")
    # any of the kinds, and any of the themes, as required groups with no score
    assert params["search"] == (
        "+searchText:(+(parc OR parc*)) +facetCodes:(kassociation0 kbureau_etudes0)^0 +facetCodes:(tconcertation0)^0"
    )
    assert "n.kind IN $kinds" not in query
    assert "WORKS_ON" not in query
    # without a search there is no full-text query: each node is tested
    browsed, browsed_params = _actor_page(filters)
    assert "n.kind IN $kinds" in browsed
    assert "th.code IN $themes" in browsed
    assert browsed_params["kinds"] == ["ASSOCIATION", "BUREAU_ETUDES"]
    assert browsed_params["themes"] == ["CONCERTATION"]


def test_a_code_that_cannot_be_a_lucene_token_is_tested_on_each_hit_instead() -> None:
    query, params = _actor_page(ActorFilter(kinds=("ASSOCIATION",), themes=("EAU) OR (x",)), search="parc")
    assert params["search"] == "+searchText:(+(parc OR parc*)) +facetCodes:(kassociation0)^0"
    assert "th.code IN $themes" in query
    assert params["themes"] == ["EAU) OR (x"]


def test_facet_tokens_are_one_french_term_each() -> None:
    assert facets.token(facets.KIND, "BUREAU_ETUDES") == "kbureau_etudes0"
    assert facets.token(facets.THEME, "WATER") == "twater0"
    for hostile in ("A B", "A:B", "A*", 'A"', "É", "", "A" * 41, "water"):
        assert facets.token(facets.THEME, hostile) is None


def test_the_filters_tested_on_each_node_keep_every_facet() -> None:
    clauses, params = ActorFilter(kinds=("RESEAU",), themes=("EAU",)).clauses()
    assert "n.kind IN $kinds" in clauses
    assert params == {"kinds": ["RESEAU"], "themes": ["EAU"]}
