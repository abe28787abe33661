"""The request deadline (TEC_REQUEST_TIMEOUT) and the response-size cap (TEC_MAX_RESPONSE_BYTES)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from graph.deadlines import request_deadline
from graph.errors import QueryTimeout
from graph.store import Store
from tec.app.main import create_app
from tec.app.request_limits import RequestLimits
from tec.settings import Settings

# Compares every pair of territories: minutes of work for Neo4j, streamed (no memory build-up).
SLOW_CYPHER = "MATCH (a:Territory), (b:Territory) WHERE a.population > b.population + 1 RETURN count(*) AS n"


async def test_work_past_the_deadline_is_cancelled_and_answered_with_query_timeout() -> None:
    cancelled = asyncio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    app = RequestLimits(slow, timeout=0.3, max_response_bytes=10_000, max_query_bytes=10_000)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 504
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TIMEOUT"
    assert "0.3 s" in error["message"]
    assert cancelled.is_set()


@pytest.mark.slow
async def test_a_transaction_gets_no_more_time_than_the_request_has_left(store: Store, reference_data: None) -> None:
    started = time.monotonic()
    with request_deadline(1.0), pytest.raises(QueryTimeout):
        await store.read("tests.slow", SLOW_CYPHER)  # the store's own timeout is 600 s in tests
    assert time.monotonic() - started < 10  # stopped by Neo4j at about 1 s, not after minutes
    with request_deadline(-1), pytest.raises(QueryTimeout):
        await store.read("tests.quick", "RETURN 1 AS one")  # nothing is started past the deadline


@pytest.mark.slow
async def test_an_answer_over_the_size_cap_is_refused_with_a_code(
    store: Store, settings: Settings, reference_data: None
) -> None:
    large = '{ territories(first: 100, where: {within: "35"}) { nodes { id code name level population zone } } }'
    small = '{ territories(first: 5, where: {within: "35"}) { nodes { code name } } }'
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings, store)), base_url="http://t"
    ) as http:
        whole = await http.post("/graphql", json={"query": large})
    assert whole.status_code == 200
    assert len(whole.content) > 10_000
    app = create_app(settings.model_copy(update={"max_response_bytes": 10_000}), store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        refused = await http.post("/graphql", json={"query": large})
        answered = await http.post("/graphql", json={"query": small})
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert "10000 bytes" in error["message"]
    assert refused.headers["x-request-id"]
    assert answered.status_code == 200
    assert len(answered.json()["data"]["territories"]["nodes"]) == 5
