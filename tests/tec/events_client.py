"""Test helpers for event delivery: the service in this process on a real port, a graphql-transport-ws
client, events appended as a domain write would, and a webhook receiver."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
import websockets
from neo4j import AsyncManagedTransaction
from websockets.asyncio.client import ClientConnection

from graph import outbox
from graph.store import Store
from tec.app import create_app
from tec.neo4j_local import free_port
from tec.settings import Settings

SUBSCRIPTION = """
subscription Follow($kinds: [EventKind!], $actor: ID, $after: String) {
  events(kinds: $kinds, actor: $actor, after: $after) {
    id seq kind records payload actors { id name }
  }
}
"""


@asynccontextmanager
async def running_service(store: Store, settings: Settings, **changes: Any) -> AsyncIterator[str]:
    """The service (with its lifespan: event hub, delivery worker) served by uvicorn in this event loop;
    yields its ws:// URL."""
    port = free_port()
    app = create_app(settings.model_copy(update=changes), store, run_migrations=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the service did not start"
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def subscribed(
    url: str, token: str | None, variables: dict[str, Any] | None = None
) -> AsyncIterator[ClientConnection]:
    """A socket past connection_ack with the `events` subscription (id "1") sent."""
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await asyncio.wait_for(socket.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        message = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION, "variables": variables or {}}}
        await socket.send(json.dumps(message))
        yield socket


async def receive(socket: ClientConnection, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The next `count` events sent on the subscription (fails on an error message or a timeout)."""
    events: list[dict[str, Any]] = []
    while len(events) < count:
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        events.append(message["payload"]["data"]["events"])
    return events


async def silent(socket: ClientConnection, seconds: float) -> bool:
    """True when nothing arrives on the socket for `seconds`."""
    try:
        message = await asyncio.wait_for(socket.recv(), seconds)
    except TimeoutError:
        return True
    raise AssertionError(f"unexpected message: {message!r}")


async def announce(store: Store, *events: outbox.NewEvent) -> list[dict[str, Any]]:
    """Commit events as a domain write does (in a transaction of their own here)."""

    async def work(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
        return await outbox.append(tx, list(events))

    return await store.transaction("tests.announce", work)


async def add_actor(store: Store, actor_id: str, name: str) -> None:
    query = "CREATE (:Actor {id: $id, name: $name, kind: 'ASSOCIATION'})"
    await store.write("tests.actor", query, {"id": actor_id, "name": name})
