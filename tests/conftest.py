"""Every behaviour test runs against a real Neo4j 5.26, started once per session by the project's launcher.

Set TEC_TEST_NEO4J_URI to use an existing (throwaway!) server instead. Each test starts from a
graph holding only the schema and the reference data (territories, taxonomy): everything else is
deleted before it runs.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
import pytest_asyncio

from graph.apikeys import create_api_key
from graph.migrations import migrate
from graph.store import Store
from graph.territories import upsert_territories
from importers.reference import Taxonomy, TerritorySnapshot, read_taxonomy, read_territory_snapshot
from importers.territories import NODE_BATCH, load_missing_reference_data, territory_rows
from tec import neo4j_local
from tec.app.main import create_app
from tec.settings import Settings

REFERENCE_LABELS: tuple[LiteralString, ...] = ("Territory", "ConflictType", "Theme", "SchemaMigration")
# Every node without a reference label: a label expression (`n:!Territory&!…`) takes half the time of a
# test on `labels(n)` (12 ms against 25 ms over the reference data, before each test).
CLEAN: LiteralString = "MATCH (n:" + "&".join(["!" + label for label in REFERENCE_LABELS]) + ") DETACH DELETE n"
GraphQL = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    existing = os.environ.get("TEC_TEST_NEO4J_URI")
    if existing:
        yield existing
        return
    folder = Path(tempfile.mkdtemp(prefix="tec-test-neo4j-"))
    running, _ = neo4j_local.start(folder, neo4j_local.free_port(), heap="1g", pagecache="256m")
    try:
        yield running.uri
    finally:
        neo4j_local.stop(folder)


@pytest.fixture(scope="session")
def settings(neo4j_uri: str) -> Settings:
    return Settings(
        environment="test", neo4j_uri=neo4j_uri, neo4j_startup_wait=30.0, neo4j_tx_timeout=600.0, request_timeout=120.0
    )


@pytest_asyncio.fixture(scope="session")
async def session_store(settings: Settings) -> AsyncIterator[Store]:
    store = Store.connect(
        settings.effective_neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password,
        tx_timeout=settings.neo4j_tx_timeout,
        retry_seconds=5.0,
    )
    await store.wait_until_ready(60)
    await migrate(store)
    yield store
    await store.close()


@pytest.fixture(scope="module")
def snapshot() -> TerritorySnapshot:
    """The shipped territory snapshot, read once per test module."""
    return read_territory_snapshot()


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    """The shipped conflict taxonomy, read once per test module."""
    return read_taxonomy()


@pytest_asyncio.fixture(scope="session")
async def reference_data(session_store: Store) -> None:
    """The full taxonomy and territory snapshot, loaded once per session unless already there."""
    await load_missing_reference_data(session_store)


@pytest_asyncio.fixture(scope="module")
async def pristine_territories(session_store: Store, reference_data: None) -> None:
    """The territories exactly as the snapshot has them, for tests that check reference values: drops
    hand-made test territories and restores the reference ones `add_territory` overwrote (once per module)."""
    rows = [territory_rows(record) for record in read_territory_snapshot().territories]
    await session_store.write(
        "tests.dropHandMadeTerritories",
        "MATCH (t:Territory) WHERE NOT t.id IN $ids DETACH DELETE t",
        {"ids": [row["id"] for row in rows]},
    )
    for start in range(0, len(rows), NODE_BATCH):
        await upsert_territories(session_store, rows[start : start + NODE_BATCH])


@pytest_asyncio.fixture
async def store(session_store: Store) -> Store:
    """The session's store, over a graph emptied of everything but schema and reference data."""
    await session_store.write("tests.clean", CLEAN)
    return session_store


@pytest_asyncio.fixture
async def client(store: Store, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQL:
    """POST a GraphQL query; returns the raw response (status, headers, json)."""

    async def run(query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)

    return run


@pytest.fixture
def api_key(store: Store) -> Callable[..., Awaitable[str]]:
    """Factory: create an API key with a role (and optional scope) and return its token."""

    async def make(role: str, source: str | None = None, actor_id: str | None = None) -> str:
        token, _ = await create_api_key(store, role=role, label="test", source=source, actor_id=actor_id)
        return token

    return make


async def add_territory(
    store: Store, level: str, code: str, name: str, lat: float, lon: float, population: int = 1000
) -> None:
    """A territory for hand-built graphs (MERGE: it coexists with the full reference data)."""
    await store.write(
        "tests.territory",
        "MERGE (t:Territory {level: $level, code: $code}) "
        "SET t.id = $level + '-' + $code, t.name = $name, t.population = $population, t.zone = 'metro', "
        "t.location = point({latitude: $lat, longitude: $lon})",
        {"level": level, "code": code, "name": name, "lat": lat, "lon": lon, "population": population},
    )
