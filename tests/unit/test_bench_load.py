"""The benchmark's load generator: in a peer comparison both sides must answer the same questions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bench.runner import concurrent_load


@pytest.fixture
async def recording_server() -> AsyncIterator[tuple[str, list[int]]]:
    """A GraphQL endpoint that answers `{"data": {}}` and notes each request's input number."""
    asked: list[int] = []

    async def graphql(request: web.Request) -> web.Response:
        asked.append(json.loads(await request.read())["variables"]["i"])
        return web.json_response({"data": {}})

    app = web.Application()
    app.router.add_post("/graphql", graphql)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}", asked
    finally:
        await runner.cleanup()


async def test_a_run_of_so_many_requests_asks_each_input_once_whatever_the_clients(
    recording_server: tuple[str, list[int]],
) -> None:
    url, asked = recording_server
    run = await concurrent_load(url, "{ x }", lambda index: {"i": index}, 3, 0, requests=25)
    assert sorted(asked) == list(range(25))
    assert run["n"] == 25


async def test_a_timed_run_gives_each_client_its_own_inputs(recording_server: tuple[str, list[int]]) -> None:
    url, asked = recording_server
    run = await concurrent_load(url, "{ x }", lambda index: {"i": index}, 3, 1.0)
    assert run["n"] == len(asked) > 3
    assert len(set(asked)) == len(asked)  # client k asks k, k + 3, k + 6, …
    assert {index % 3 for index in asked} == {0, 1, 2}
