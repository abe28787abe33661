"""The response cache, through the app on a real Neo4j: hits, exact invalidation, what is never cached."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

import httpx
import pytest

from graph.store import Store
from tec.app.main import create_app
from tec.app.response_cache import ResponseCache, SharedRevision, cache_key
from tec.settings import Settings
from tests.conftest import GraphQL
from tests.domain import gid, make_actor

pytestmark = pytest.mark.usefixtures("reference_data")

DIRECTORY = """
query Directory($territory: String) {
  actors(first: 10, where: {territory: $territory}) {
    totalCount
    nodes { id name kind basedIn { code name } }
  }
}
"""
WITH_EMAIL = "{ actors(first: 10) { nodes { name email } } }"
RENAME = """
mutation($id: ID!, $name: String!) {
  updateActor(input: {id: $id, name: $name}) { __typename ... on ActorUpdated { actor { name } } }
}
"""


def names(response: httpx.Response) -> list[str]:
    return [node["name"] for node in response.json()["data"]["actors"]["nodes"]]


async def test_a_repeated_query_is_answered_from_the_cache(gql: GraphQL, store: Store) -> None:
    await make_actor(store, "Association des Landes")
    first = await gql(DIRECTORY, {"territory": "35"})
    second = await gql(DIRECTORY, {"territory": "35"})
    third = await gql(DIRECTORY, {"territory": "35"})
    assert [r.headers["x-cache"] for r in (first, second, third)] == ["miss", "miss", "hit"]
    assert third.status_code == 200
    assert third.content == second.content == first.content
    assert names(third) == ["Association des Landes"]
    # the page with its base communes (fetched along), the revision read inside it when it is kept
    assert int(first.headers["x-db-round-trips"]) == int(second.headers["x-db-round-trips"]) == 1
    assert int(third.headers["x-db-round-trips"]) == 1  # the revision check only
    # the Server-Timing header counts that revision check as time spent in Neo4j
    hit_timing = dict(part.strip().split(";dur=") for part in third.headers["server-timing"].split(","))
    assert 0.0 < float(hit_timing["db"].split(";")[0]) <= float(hit_timing["total"])


async def test_a_question_asked_once_is_not_kept(gql: GraphQL, store: Store, client: httpx.AsyncClient) -> None:
    await make_actor(store, "Association des Landes")
    for territory in ("35", "44", "56"):
        assert (await gql(DIRECTORY, {"territory": territory})).headers["x-cache"] == "miss"
    assert "tec_response_cache_entries 0.0" in (await client.get("/metrics")).text
    assert (await gql(DIRECTORY, {"territory": "44"})).headers["x-cache"] == "miss"  # asked again: kept now
    assert (await gql(DIRECTORY, {"territory": "44"})).headers["x-cache"] == "hit"
    assert (await gql(DIRECTORY, {"territory": "35"})).headers["x-cache"] == "miss"


async def test_a_write_through_the_api_makes_the_next_read_a_miss_with_the_new_data(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    actor = await make_actor(store, "Collectif du Marais")
    token = await api_key("admin")
    assert names(await gql(DIRECTORY)) == ["Collectif du Marais"]
    renamed = await gql(RENAME, {"id": gid("Actor", actor), "name": "Collectif de la Vilaine"}, token=token)
    assert renamed.json()["data"]["updateActor"]["__typename"] == "ActorUpdated"
    after = await gql(DIRECTORY)
    assert after.headers["x-cache"] == "miss"
    assert names(after) == ["Collectif de la Vilaine"]
    assert (await gql(DIRECTORY)).headers["x-cache"] == "hit"


async def test_a_write_from_another_process_makes_the_next_read_a_miss_with_the_new_data(
    gql: GraphQL, store: Store, settings: Settings
) -> None:
    await make_actor(store, "Atelier des Communs")
    assert [(await gql(DIRECTORY)).headers["x-cache"] for _ in range(3)] == ["miss", "miss", "hit"]
    importer = Store.connect(settings.effective_neo4j_uri, "neo4j", "neo4j")  # as `tec import` would
    try:
        await make_actor(importer, "Bureau Concertation Ouest")
    finally:
        await importer.close()
    after = await gql(DIRECTORY)
    assert after.headers["x-cache"] == "miss"
    assert names(after) == ["Atelier des Communs", "Bureau Concertation Ouest"]


async def test_different_variables_and_roles_are_different_entries(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    await make_actor(store, "Maison de la Médiation")
    reader = await api_key("reader")
    for _ in range(2):  # each asked twice: kept
        assert (await gql(DIRECTORY, {"territory": "35"})).headers["x-cache"] == "miss"
        assert (await gql(DIRECTORY, {"territory": "44"})).headers["x-cache"] == "miss"
    assert (await gql(DIRECTORY, {"territory": "35"}, token=reader)).headers["x-cache"] == "miss"
    assert (await gql(DIRECTORY, {"territory": "35"}, token=reader)).headers["x-cache"] == "miss"
    assert (await gql(DIRECTORY, {"territory": "35"}, token=reader)).headers["x-cache"] == "hit"
    assert (await gql(DIRECTORY, {"territory": "44"})).headers["x-cache"] == "hit"
    assert (await gql(DIRECTORY, {"territory": "35"})).headers["x-cache"] == "hit"


async def test_a_private_field_read_with_a_key_is_never_served_to_an_anonymous_caller(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    await make_actor(store, "Réseau Dialogue", email="contact@dialogue.example")
    editor = await api_key("editor")
    for _ in range(3):
        private = await gql(WITH_EMAIL, token=editor)
        assert private.json()["data"]["actors"]["nodes"] == [
            {"name": "Réseau Dialogue", "email": "contact@dialogue.example"}
        ]
    assert private.headers["x-cache"] == "hit"
    anonymous = await gql(WITH_EMAIL)
    assert anonymous.headers["x-cache"] == "miss"
    assert "contact@dialogue.example" not in anonymous.text
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_mutations_and_errors_are_never_cached(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    actor = await make_actor(store, "Association Estuaire")
    token = await api_key("admin")
    for name in ("Association Estuaire", "Association Estuaire"):
        renamed = await gql(RENAME, {"id": gid("Actor", actor), "name": name}, token=token)
        assert renamed.json()["data"]["updateActor"]["__typename"] == "ActorUpdated"
        assert "x-cache" not in renamed.headers
    for _ in range(3):
        refused = await gql(WITH_EMAIL)
        assert refused.headers["x-cache"] == "miss"
        unknown = await gql(DIRECTORY, {"territory": "99999"})
        assert unknown.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert unknown.headers["x-cache"] == "miss"


async def test_hits_and_misses_are_counted_in_the_metrics(gql: GraphQL, client: httpx.AsyncClient) -> None:
    for _ in range(3):
        await gql(DIRECTORY)
    metrics = (await client.get("/metrics")).text
    assert 'tec_response_cache_requests_total{result="hit"} 1.0' in metrics
    assert 'tec_response_cache_requests_total{result="miss"} 2.0' in metrics
    assert "tec_response_cache_entries 1.0" in metrics


async def test_the_cache_can_be_turned_off(store: Store, settings: Settings) -> None:
    await make_actor(store, "Association Sans Cache")
    app = create_app(settings.model_copy(update={"response_cache": False}), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        for _ in range(2):
            response = await http.post("/graphql", json={"query": DIRECTORY})
            assert "x-cache" not in response.headers
            assert int(response.headers["x-db-round-trips"]) == 1  # the page with its base communes


def test_answers_of_another_day_are_other_entries() -> None:
    # whether a call is open today, recency in years: some answers change at midnight without a write
    payload = {"query": "{ commonsCalls { nodes { title isOpen } } }"}
    assert cache_key(payload, None, date(2026, 11, 27)) != cache_key(payload, None, date(2026, 11, 28))
    assert cache_key({"query": "mutation { __typename }"}, None, date(2026, 11, 27)) is None


def test_the_least_recently_used_entry_leaves_first() -> None:
    cache = ResponseCache(max_entries=2)
    cache.put("a", "r1", b"A")
    cache.put("b", "r1", b"B")
    assert cache.get("a", "r1") == b"A"
    assert cache.put("c", "r1", b"C") == 1
    assert (cache.get("a", "r1"), cache.get("b", "r1"), cache.get("c", "r1")) == (b"A", None, b"C")
    assert cache.get("a", "r2") is None  # an entry of another revision is never served


async def test_a_revision_read_is_shared_only_by_requests_that_arrived_before_it_was_sent() -> None:
    graph = {"revision": 1}
    sent: asyncio.Queue[int] = asyncio.Queue()  # the revision each read saw, as it was sent
    answer = asyncio.Event()

    async def read() -> str | None:
        seen = graph["revision"]
        sent.put_nowait(seen)
        await answer.wait()
        answer.clear()
        return str(seen)

    shared = SharedRevision(read)
    first = asyncio.create_task(shared.current())
    assert await sent.get() == 1
    graph["revision"] = 2  # a write commits while that read is under way
    later = [asyncio.create_task(shared.current()) for _ in range(3)]
    await asyncio.sleep(0)
    answer.set()
    assert await first == "1"
    assert await sent.get() == 2  # the next read is sent after the write
    answer.set()
    assert await asyncio.gather(*later) == ["2", "2", "2"]  # one read for the three
    assert sent.empty()
