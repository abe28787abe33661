"""The store refuses a list in its own words (graph.listing); the API words each refusal as it always has."""

from __future__ import annotations

import pytest

from graph.actors import ACTOR_LIST
from graph.commons import CALL_LIST
from graph.errors import ListRefused
from graph.listing import ListRequest, ListSpec, page_query
from graph.near import Near
from graph.projects import PROJECT_LIST
from schema.errors import list_refusal

CASES: list[tuple[ListSpec, ListRequest, str]] = [
    (
        ACTOR_LIST,
        ListRequest(first=5, sort="PRICE"),
        "orderBy PRICE is not available here; use one of NAME, CREATED_AT, RELEVANCE, DISTANCE.",
    ),
    (ACTOR_LIST, ListRequest(first=5, sort="RELEVANCE"), "orderBy RELEVANCE needs a `search` text."),
    (ACTOR_LIST, ListRequest(first=5, sort="DISTANCE"), "orderBy DISTANCE needs a `near` filter."),
    (CALL_LIST, ListRequest(first=5, area="35"), "This list cannot be filtered by territory."),
    (
        PROJECT_LIST,
        ListRequest(first=5, near=Near(territory="35238", radius_km=10.0)),
        "This list cannot be filtered by distance.",
    ),
    (
        ACTOR_LIST,
        ListRequest(first=5, near=Near(territory="35238", radius_km=0.0)),
        "`radiusKm` must be more than 0 and at most 1000.",
    ),
    (
        ACTOR_LIST,
        ListRequest(first=5, near=Near(territory="35238", radius_km=1000.5)),
        "`radiusKm` must be more than 0 and at most 1000.",
    ),
    (
        ACTOR_LIST,
        ListRequest(first=5, near=Near(lat=91.0, lon=0.0, radius_km=10.0)),
        "`lat` must be within ±90 and `lon` within ±180.",
    ),
    (
        ACTOR_LIST,
        ListRequest(first=5, near=Near(lat=48.1, radius_km=10.0)),
        "`near` needs either a `territory` or both `lat` and `lon`.",
    ),
    (ACTOR_LIST, ListRequest(first=5, search=" -- "), "`search` needs at least one letter or digit."),
]


@pytest.mark.parametrize(("spec", "request_", "message"), CASES, ids=[message[:40] for _, _, message in CASES])
def test_a_refused_list_is_worded_for_the_api(spec: ListSpec, request_: ListRequest, message: str) -> None:
    with pytest.raises(ListRefused) as refused:
        page_query(spec, request_)
    assert list_refusal(refused.value) == message
    for graphql_word in ("orderBy", "radiusKm", "`near`", "`search`"):
        assert graphql_word not in str(refused.value)


def test_a_territory_that_names_nothing_is_worded_with_its_code() -> None:
    area = ListRefused("AREA_NOT_FOUND", "no territory has the code '99'", code="99")
    centre = ListRefused("CENTRE_NOT_FOUND", "no territory has the code '99'", code="99")
    assert list_refusal(area) == "No territory has the code '99' (an INSEE code, an EPCI SIREN or an id)."
    assert list_refusal(centre) == "No territory has the code '99'; `near` cannot be placed."
