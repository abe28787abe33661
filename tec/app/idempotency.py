"""The `Idempotency-Key` header on mutations (IETF draft "The Idempotency-Key HTTP Header Field").

A client that may retry a mutation (after a 503, a timeout, a lost connection) sends a key of its
own choosing, new for each logical write, and resends the same request with the same key until it
gets an answer. This module validates the key, binds it to the request (a hash of the query,
variables and operation name) within the caller's scope (its API key, or anonymous), refuses a key
already bound to another request, and runs the request inside `graph.idempotency.keyed_request`,
which makes each of its write transactions happen once (see that module). Keys on queries are
ignored: a query writes nothing and is safe to retry as it is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import Message, Receive, Scope, Send

from graph.idempotency import ANONYMOUS_SCOPE, KeyedRequest, KeyReused, bound_request, keyed_request
from graph.store import Store

HEADER = b"idempotency-key"
REPLAYED_HEADER = b"idempotent-replayed"
MAX_KEY_LENGTH = 128
KEY_PATTERN = re.compile(r"[A-Za-z0-9._~:+/=-]{1,128}")

ASGICall = Callable[[Scope, Receive, Send], Awaitable[None]]
ScopeOf = Callable[[Request], Awaitable[str | None]]


class KeyRefused(Exception):
    """The request cannot run under its key; answered with `status` and a GraphQL-shaped error."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    def response(self) -> JSONResponse:
        body = {"data": None, "errors": [{"message": str(self), "extensions": {"code": self.code}}]}
        return JSONResponse(body, status_code=self.status)


def header_key(scope: Scope) -> str | None:
    """The raw Idempotency-Key header, or None when the request has none."""
    for name, value in scope.get("headers", []):
        if name == HEADER:
            return bytes(value).decode("latin-1")
    return None


def valid_key(raw: str) -> str:
    """The key itself: 1–128 characters of letters, digits and `. _ ~ : + / = -` (a UUID is fine),
    optionally in double quotes as the draft's structured-field string form writes it."""
    key = raw.strip()
    if len(key) >= 2 and key.startswith('"') and key.endswith('"'):
        key = key[1:-1]
    if not KEY_PATTERN.fullmatch(key):
        raise KeyRefused(
            400,
            "IDEMPOTENCY_KEY_INVALID",
            f"The Idempotency-Key header must be 1 to {MAX_KEY_LENGTH} characters among letters, digits and "
            "`. _ ~ : + / = -` (a UUID is a good key); send a new key of that form.",
        )
    return key


def request_hash(payload: dict[str, Any]) -> str:
    """What a key is bound to: the query text, the variables and the operation name."""
    bound = {
        "query": payload.get("query"),
        "variables": payload.get("variables") or {},
        "operationName": payload.get("operationName"),
    }
    canonical = json.dumps(bound, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def is_mutation(payload: dict[str, Any]) -> bool:
    """Whether the operation the request runs is a mutation (a document that does not parse is not)."""
    query = payload.get("query")
    name = payload.get("operationName")
    if not isinstance(query, str) or not (name is None or isinstance(name, str)):
        return False
    try:
        operation = get_operation_ast(parse(query), name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation == OperationType.MUTATION


async def with_idempotency(
    scope: Scope, receive: Receive, send: Send, call: ASGICall, scope_of: ScopeOf, ttl_hours: float
) -> None:
    """Run `call` (the GraphQL view) for this request; under its Idempotency-Key when it has one and
    runs a mutation. `scope_of` names the caller's key scope (its API key id; None when anonymous)."""
    raw = header_key(scope)
    if raw is None or scope.get("method") != "POST":
        await call(scope, receive, send)
        return
    try:
        key = valid_key(raw)
    except KeyRefused as refused:
        await refused.response()(scope, receive, send)
        return
    body = await whole_body(receive)
    replay = replaying(body, receive)
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or not is_mutation(payload):
        await call(scope, replay, send)
        return
    request = Request(scope)
    store: Store = request.app.state.store
    keyed = KeyedRequest(
        scope=await scope_of(request) or ANONYMOUS_SCOPE,
        key=key,
        request=request_hash(payload),
        ttl_seconds=max(1, round(ttl_hours * 3600)),
    )
    bound = await bound_request(store, keyed.scope, keyed.key)
    if bound is not None and bound != keyed.request:
        reused = KeyReused()
        await KeyRefused(422, reused.code, str(reused)).response()(scope, replay, send)
        return

    async def send_marked(message: Message) -> None:
        if message["type"] == "http.response.start" and keyed.replayed:
            message = {**message, "headers": [*message.get("headers", []), (REPLAYED_HEADER, b"true")]}
        await send(message)

    with keyed_request(keyed):
        await call(scope, replay, send_marked)


def replaying(body: bytes, receive: Receive) -> Receive:
    """A `receive` that gives the body already read once, then the connection's own messages."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def whole_body(receive: Receive) -> bytes:
    """The request's whole body, read from the ASGI `receive` channel."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
