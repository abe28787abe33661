"""Idempotency-Key on mutations: a retried write happens once, and its retry gets the first answer."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.apikeys import create_api_key
from graph.migrations import migrate
from graph.store import Store
from tec import neo4j_local
from tec.app.main import create_app
from tec.settings import Settings

CREATE = """
mutation Create($input: CreateActorInput!) {
  createActor(input: $input) {
    __typename
    ... on ActorCreated { actor { id name createdAt } }
    ... on ValidationFailed { message }
    ... on Forbidden { message }
  }
}
"""

ApiKey = Callable[..., Awaitable[str]]


async def post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], token: str, key: str | None
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def database_id(global_id: str) -> str:
    """The actor's own id inside its Relay global id (base64 of `Actor:<id>`)."""
    label, _, own = base64.b64decode(global_id + "=" * (-len(global_id) % 4)).decode().partition(":")
    assert label == "Actor"
    return own


def actor_input(name: str) -> dict[str, Any]:
    return {"input": {"name": name, "kind": "ASSOCIATION"}}


async def count(store: Store, query: str, params: dict[str, Any] | None = None) -> int:
    rows = await store.read("tests.count", query, params or {})
    return int(rows[0]["n"])


async def actors_named(store: Store, name: str) -> int:
    return await count(store, "MATCH (a:Actor {name: $name}) RETURN count(a) AS n", {"name": name})


async def test_a_retry_with_the_same_key_gets_the_first_answer_and_writes_nothing(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    first = await post(client, CREATE, actor_input("Médiateurs du Lac"), token, key)
    again = await post(client, CREATE, actor_input("Médiateurs du Lac"), token, key)
    assert first.status_code == again.status_code == 200
    assert first.json()["data"]["createActor"]["__typename"] == "ActorCreated"
    assert again.json() == first.json()  # same id, same createdAt
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert await actors_named(store, "Médiateurs du Lac") == 1
    assert await count(store, "MATCH (r:IdempotencyRecord) RETURN count(r) AS n") == 1
    # without a key, the same request is a new write
    other = await post(client, CREATE, actor_input("Médiateurs du Lac"), token, None)
    assert other.json()["data"]["createActor"]["actor"]["id"] != first.json()["data"]["createActor"]["actor"]["id"]
    assert await actors_named(store, "Médiateurs du Lac") == 2


async def test_the_same_key_for_another_request_is_refused_with_422(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    assert (await post(client, CREATE, actor_input("Premier acteur"), token, key)).status_code == 200
    reused = await post(client, CREATE, actor_input("Second acteur"), token, key)
    assert reused.status_code == 422
    error = reused.json()["errors"][0]
    assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "new key" in error["message"]
    assert await actors_named(store, "Second acteur") == 0


async def test_keys_are_scoped_per_api_key(client: httpx.AsyncClient, store: Store, api_key: ApiKey) -> None:
    one, two = await api_key("admin"), await api_key("admin")
    key = "shared-key-1"
    first = await post(client, CREATE, actor_input("Réseau partagé"), one, key)
    second = await post(client, CREATE, actor_input("Réseau partagé"), two, key)
    assert first.status_code == second.status_code == 200
    assert "idempotent-replayed" not in second.headers
    assert await actors_named(store, "Réseau partagé") == 2


@pytest.mark.parametrize("bad", ["", "x" * 129, "clé-accentuée", "two words", "semi;colon", '"'])
async def test_a_malformed_key_is_refused_with_400(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey, bad: str
) -> None:
    token = await api_key("admin")
    response = await client.post(
        "/graphql",
        json={"query": CREATE, "variables": actor_input("Jamais écrit")},
        headers={b"authorization": f"Bearer {token}".encode(), b"idempotency-key": bad.encode()},
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "IDEMPOTENCY_KEY_INVALID"
    assert "1 to 128 characters" in error["message"]
    assert await actors_named(store, "Jamais écrit") == 0


async def test_a_quoted_key_of_128_characters_is_accepted(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    key = "a" * 128
    first = await post(client, CREATE, actor_input("Clé longue"), token, f'"{key}"')
    again = await post(client, CREATE, actor_input("Clé longue"), token, key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert await actors_named(store, "Clé longue") == 1


async def test_a_key_on_a_query_is_ignored(client: httpx.AsyncClient, store: Store, api_key: ApiKey) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    query = "query Count { actors(first: 1) { totalCount } }"
    first = await post(client, query, {}, token, key)
    assert first.status_code == 200
    assert first.json()["data"]["actors"]["totalCount"] == 0
    assert await count(store, "MATCH (r:IdempotencyRecord) RETURN count(r) AS n") == 0
    # the key is still free for a mutation
    created = await post(client, CREATE, actor_input("Après la lecture"), token, key)
    assert created.json()["data"]["createActor"]["__typename"] == "ActorCreated"


async def test_a_mutation_that_writes_several_times_is_replayed_whole(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    both = """
    mutation Two {
      a: createActor(input: {name: "Acteur A", kind: ASSOCIATION}) { ... on ActorCreated { actor { id } } }
      b: createActor(input: {name: "Acteur B", kind: ASSOCIATION}) { ... on ActorCreated { actor { id } } }
    }
    """
    first = await post(client, both, {}, token, key)
    again = await post(client, both, {}, token, key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert first.json()["data"]["a"]["actor"]["id"] != first.json()["data"]["b"]["actor"]["id"]
    assert await actors_named(store, "Acteur A") == 1
    assert await actors_named(store, "Acteur B") == 1


async def test_only_the_writes_that_committed_are_replayed(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    """A first attempt that committed its first write and lost the second: the retry replays the first
    and performs the second (here the record is cut back to one step, as a crash would leave it)."""
    token = await api_key("admin")
    key = str(uuid.uuid4())
    both = """
    mutation Two {
      a: createActor(input: {name: "Étape A", kind: ASSOCIATION}) { ... on ActorCreated { actor { id } } }
      b: createActor(input: {name: "Étape B", kind: ASSOCIATION}) { ... on ActorCreated { actor { id } } }
    }
    """
    first = await post(client, both, {}, token, key)
    await store.write(
        "tests.loseSecondStep",
        "MATCH (r:IdempotencyRecord {key: $key}) SET r.steps = r.steps[0..1] "
        "WITH r MATCH (b:Actor {name: 'Étape B'}) DETACH DELETE b",
        {"key": key},
    )
    again = await post(client, both, {}, token, key)
    assert again.json()["data"]["a"] == first.json()["data"]["a"]
    assert again.json()["data"]["b"]["actor"]["id"] != first.json()["data"]["b"]["actor"]["id"]
    assert await actors_named(store, "Étape A") == 1
    assert await actors_named(store, "Étape B") == 1


async def test_concurrent_attempts_with_one_key_write_once(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    answers = await asyncio.gather(*(post(client, CREATE, actor_input("Concurrent"), token, key) for _ in range(4)))
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.json()["data"]["createActor"]["actor"]["id"] for answer in answers}) == 1
    assert await actors_named(store, "Concurrent") == 1


async def test_a_refused_write_keeps_no_record(client: httpx.AsyncClient, store: Store, api_key: ApiKey) -> None:
    token = await api_key("admin")
    key = str(uuid.uuid4())
    invalid = await post(client, CREATE, actor_input("X"), token, key)
    assert invalid.json()["data"]["createActor"]["__typename"] == "ValidationFailed"
    assert await count(store, "MATCH (r:IdempotencyRecord) RETURN count(r) AS n") == 0


async def test_an_expired_key_is_free_again_and_expired_records_are_purged(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    old, new = str(uuid.uuid4()), str(uuid.uuid4())
    assert (await post(client, CREATE, actor_input("Ancien"), token, old)).status_code == 200
    await store.write(
        "tests.expire",
        "MATCH (r:IdempotencyRecord {key: $key}) SET r.expiresAt = datetime() - duration('PT1S')",
        {"key": old},
    )
    reused = await post(client, CREATE, actor_input("Autre demande"), token, old)
    assert reused.status_code == 200
    assert reused.json()["data"]["createActor"]["__typename"] == "ActorCreated"
    await store.write(
        "tests.expire",
        "MATCH (r:IdempotencyRecord {key: $key}) SET r.expiresAt = datetime() - duration('PT1S')",
        {"key": old},
    )
    assert (await post(client, CREATE, actor_input("Nouveau"), token, new)).status_code == 200
    keys = await store.read("tests.keys", "MATCH (r:IdempotencyRecord) RETURN r.key AS key")
    assert [row["key"] for row in keys] == [new]


async def test_the_record_expires_after_the_configured_hours(store: Store, settings: Settings, api_key: ApiKey) -> None:
    app = create_app(settings.model_copy(update={"idempotency_ttl_hours": 2.0}), store)
    token = await api_key("admin")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        assert (await post(http, CREATE, actor_input("Deux heures"), token, "k-2h")).status_code == 200
    rows = await store.read(
        "tests.ttl",
        "MATCH (r:IdempotencyRecord) RETURN duration.inSeconds(r.createdAt, r.expiresAt).seconds AS seconds",
    )
    assert rows[0]["seconds"] == 7200


# --- exactly once through a Neo4j crash ---------------------------------------------------------

CLIENTS = 4
WRITES_PER_CLIENT = 60


class LosesAnswers:
    """A gateway that loses every `every`-th answer after the service produced it (and committed what
    it wrote): the client gets a 502, as when a connection drops between the commit and the response."""

    def __init__(self, app: ASGIApp, every: int) -> None:
        self.app = app
        self.every = every
        self.seen = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.seen += 1
        if scope["type"] != "http" or self.seen % self.every:
            await self.app(scope, receive, send)
            return

        async def lose(message: Message) -> None:
            return None

        await self.app(scope, receive, lose)
        await JSONResponse({"errors": [{"message": "the gateway lost the answer"}]}, status_code=502)(
            scope, receive, send
        )


@pytest.mark.slow
async def test_every_acknowledged_write_is_there_exactly_once_across_a_neo4j_crash(
    tmp_path: Path, settings: Settings
) -> None:
    port = neo4j_local.free_port()
    running, _ = neo4j_local.start(tmp_path, port, heap="512m", pagecache="64m")
    store = Store.connect(running.uri, "neo4j", "neo4j", connect_timeout=1.0, retry_seconds=1.0)
    await store.wait_until_ready(60)
    await migrate(store)
    token, _ = await create_api_key(store, role="admin", label="crash test")
    app = create_app(settings.model_copy(update={"neo4j_uri": running.uri}), store)
    acknowledged: dict[str, str] = {}  # name -> actor id
    failures: list[str] = []
    replays = 0
    crashed, quarter_done = asyncio.Event(), asyncio.Event()

    async def client(number: int, http: httpx.AsyncClient) -> None:
        nonlocal replays
        for i in range(WRITES_PER_CLIENT):
            name = f"Exactement une fois {number}-{i}"
            key = str(uuid.uuid4())
            while True:
                try:
                    response = await asyncio.wait_for(post(http, CREATE, actor_input(name), token, key), 20)
                except (httpx.HTTPError, TimeoutError) as error:
                    failures.append(type(error).__name__)
                    await asyncio.sleep(0.2)
                    continue
                if response.status_code >= 500:
                    failures.append(str(response.status_code))
                    await asyncio.sleep(0.2)
                    continue
                assert response.status_code == 200, response.text
                result = response.json()["data"]["createActor"]
                assert result["__typename"] == "ActorCreated", result
                acknowledged[name] = result["actor"]["id"]
                if len(acknowledged) >= CLIENTS * WRITES_PER_CLIENT // 4:
                    quarter_done.set()
                replays += response.headers.get("idempotent-replayed") == "true"
                break

    async def crash_and_restart() -> None:
        await quarter_done.wait()
        os.killpg(running.pid, signal.SIGKILL)  # no clean shutdown: transactions in flight are cut
        await asyncio.sleep(1.0)
        await asyncio.to_thread(neo4j_local.start, tmp_path, port, heap="512m", pagecache="64m")
        crashed.set()

    try:
        gateway = LosesAnswers(app, every=9)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gateway), base_url="http://t") as http:
            await asyncio.wait_for(
                asyncio.gather(crash_and_restart(), *(client(n, http) for n in range(CLIENTS))), timeout=600
            )
        assert crashed.is_set()
        assert failures, "Neo4j was killed while clients wrote, yet no request failed"
        assert replays, "answers were lost after their write committed, yet no retry was answered from the record"
        rows = await store.read(
            "tests.crashActors",
            "MATCH (a:Actor) WHERE a.name STARTS WITH 'Exactement une fois ' "
            "RETURN a.name AS name, collect(a.id) AS ids",
        )
        found = {row["name"]: row["ids"] for row in rows}
        assert len(acknowledged) == CLIENTS * WRITES_PER_CLIENT
        assert {name: [database_id(actor_id)] for name, actor_id in acknowledged.items()} == found
        print(f"{len(failures)} failed attempts retried, {replays} answers replayed from a committed write")
    finally:
        await store.close()
        neo4j_local.stop(tmp_path)
