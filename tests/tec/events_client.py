"""Test helpers for event delivery: the service in this process on a real port, a graphql-transport-ws
client, events appended as a domain write would, and a webhook receiver."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
import websockets
from neo4j import AsyncManagedTransaction
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from websockets.asyncio.client import ClientConnection

from graph import outbox
from graph.store import Store
from tec.app.main import create_app
from tec.app.webhook_signing import InvalidSignature, verify
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
    url: str, token: str | None, variables: dict[str, Any] | None = None, *, query: str = SUBSCRIPTION
) -> AsyncIterator[ClientConnection]:
    """A socket past connection_ack with the `events` subscription (id "1", `query`) sent."""
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(_text(await asyncio.wait_for(socket.recv(), 10)))
        assert ack["type"] == "connection_ack", ack
        message = {"id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables or {}}}
        await socket.send(json.dumps(message))
        yield socket


async def receive(socket: ClientConnection, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The next `count` events sent on the subscription (fails on an error message or a timeout)."""
    events: list[dict[str, Any]] = []
    while len(events) < count:
        message = json.loads(_text(await asyncio.wait_for(socket.recv(), timeout)))
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message["payload"]
        events.append(message["payload"]["data"]["events"])
    return events


def _text(frame: str | bytes) -> str:
    """graphql-transport-ws messages are text frames (browser clients do not read binary ones)."""
    assert isinstance(frame, str), f"a binary frame: {frame!r}"
    return frame


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


@dataclass
class Received:
    event_id: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Receiver:
    """A partner's webhook endpoint: checks signatures with `tec.app.webhook_signing.verify` (401 when wrong or
    too old), answers 500 to the first `fail_first` attempts of each event, waits `delay` before answering."""

    secret: str
    fail_first: int = 0
    delay: float = 0.0
    clock_offset: float = 0.0  # seconds added to the receiver's clock (to receive a request "later")
    received: list[Received] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    attempts: dict[str, int] = field(default_factory=dict)
    url: str = ""

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        headers = dict(request.headers)
        try:
            verify(self.secret, headers, body, now=time.time() + self.clock_offset)
        except InvalidSignature as error:
            self.refused.append(str(error))
            return Response(status_code=401)
        event_id = headers["x-tec-event-id"]
        assert json.loads(body)["id"] == event_id
        self.received.append(Received(event_id, body, headers))
        self.attempts[event_id] = self.attempts.get(event_id, 0) + 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.attempts[event_id] <= self.fail_first:
            return Response(status_code=500)
        return Response(status_code=204)

    def ids(self) -> list[str]:
        return [item.event_id for item in self.received]


@asynccontextmanager
async def receiving(receiver: Receiver) -> AsyncIterator[Receiver]:
    """The receiver served by uvicorn in this event loop, at `receiver.url`."""
    port = free_port()
    app = Starlette(routes=[Route("/hook", receiver.endpoint, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "the receiver did not start"
        await asyncio.sleep(0.02)
    receiver.url = f"http://127.0.0.1:{port}/hook"
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not await check():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        await asyncio.sleep(0.1)
