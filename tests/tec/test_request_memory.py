"""A request lets go of what it loaded once its response is sent: its objects hold one another in cycles
(context, DataLoaders and their futures, strawberry's `Info`), so without that the page's records would
stay in memory until the garbage collector's next pass reached them."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from strawberry.dataloader import DataLoader

from graph.store import Store
from schema.context import Context
from schema.cooperative import CooperativeExecution
from tests.conftest import GraphQL
from tests.domain import RENNES, SAINT_MALO, make_actor

pytestmark = pytest.mark.usefixtures("reference_data")
DIRECTORY = "{ actors(first: 10) { edges { node { name basedIn { name } themes { code } } } } }"


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Nothing is freed but by reference counting while the test looks (what a collector pass would free
    stays visible to `gc.get_objects`)."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def loaders_holding_records() -> list[DataLoader[object, object]]:
    return [o for o in gc.get_objects() if isinstance(o, DataLoader) and len(o.cache_map.cache_map) > 0]  # type: ignore[attr-defined]


async def test_no_dataloader_still_holds_a_page_once_its_response_is_sent(
    store: Store, gql: GraphQL, collector_off: None
) -> None:
    for name, base in (("Collectif Rennes", RENNES), ("Amis de Saint-Malo", SAINT_MALO)):
        await make_actor(store, name, based_in=base)
    before = len(loaders_holding_records())

    body = (await gql(DIRECTORY)).json()

    assert "errors" not in body, body
    names = {edge["node"]["basedIn"]["name"] for edge in body["data"]["actors"]["edges"]}
    assert names == {"Rennes", "Saint-Malo"}  # the bases came through the page's DataLoaders
    assert len(loaders_holding_records()) == before


def live(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


async def test_nothing_of_a_request_waits_for_the_collector_once_its_response_is_sent(
    store: Store, gql: GraphQL, collector_off: None
) -> None:
    """The execution, its plans and resolve infos refer to one another and to the request's context
    (which holds the Starlette request and response): once the answer is sent, they are let go and
    reference counting frees the whole request."""
    await make_actor(store, "Collectif Rennes", based_in=RENNES)
    await gql(DIRECTORY)  # first request: schema and caches built
    before = {kind: live(kind) for kind in (Context, CooperativeExecution, Request)}

    for _ in range(3):
        body = (await gql(DIRECTORY)).json()
        assert body["data"]["actors"]["edges"][0]["node"]["basedIn"]["name"] == "Rennes", body

    assert {kind: live(kind) for kind in before} == before
