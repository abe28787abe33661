"""A deadline for the whole GraphQL request, and a cap on the size of its answer.

`RequestLimits` wraps the GraphQL endpoint. Past `TEC_REQUEST_TIMEOUT` seconds the request's work is
cancelled (its Neo4j transactions were given timeouts within the same deadline, `graph/deadlines.py`)
and the client gets `QUERY_TIMEOUT` (HTTP 504). An answer longer than `TEC_MAX_RESPONSE_BYTES` is
replaced by `RESPONSE_TOO_LARGE` (HTTP 400): the cost budget keeps answers far below that, so this is
the backstop for records much larger than usual. A GET whose query string is over `TEC_MAX_BODY_BYTES`
is refused like a POST body over it (`REQUEST_TOO_LARGE`, HTTP 413).
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.deadlines import request_deadline

log = logging.getLogger(__name__)


def _error(message: str, code: str, status: int, content_type: bytes, request_id: str) -> tuple[Message, Message]:
    body = json.dumps(
        {"data": None, "errors": [{"message": message, "extensions": {"code": code, "requestId": request_id}}]}
    ).encode()
    start: Message = {
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
    }
    return start, {"type": "http.response.body", "body": body, "more_body": False}


class RequestLimits:
    """ASGI wrapper of the GraphQL endpoint: a deadline per request and a cap on the response body."""

    def __init__(self, app: ASGIApp, *, timeout: float, max_response_bytes: int, max_query_bytes: int) -> None:
        self.app = app
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self.max_query_bytes = max_query_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(scope.get("state", {}).get("request_id", "-"))
        if len(scope.get("query_string", b"")) > self.max_query_bytes:  # a GET carries its query there
            for part in _error(
                f"The query string is longer than {self.max_query_bytes} bytes; send a smaller query, or POST it.",
                "REQUEST_TOO_LARGE",
                413,
                b"application/json",
                request_id,
            ):
                await send(part)
            return
        held: Message | None = None  # the response start, sent with the first part of the body
        sent = 0
        started = False

        async def capped_send(message: Message) -> None:
            nonlocal held, sent, started
            if message["type"] == "http.response.start":
                held = message
                return
            if message["type"] != "http.response.body" or held is None:
                await send(message)
                return
            sent += len(message.get("body", b""))
            if sent > self.max_response_bytes and not started:
                log.warning("request %s: answer over %d bytes refused", request_id, self.max_response_bytes)
                for part in _error(
                    f"The answer would be larger than {self.max_response_bytes} bytes; ask for fewer fields, "
                    "smaller pages (`first`) or fewer nested lists.",
                    "RESPONSE_TOO_LARGE",
                    400,
                    _content_type(held),
                    request_id,
                ):
                    await send(part)
                started = True
                held = None
                raise _Answered()
            if not started:
                await send(held)
                started = True
            await send(message)

        try:
            with request_deadline(self.timeout):
                async with asyncio.timeout(self.timeout):
                    await self.app(scope, receive, capped_send)
        except _Answered:
            return
        except TimeoutError:
            log.warning("request %s: cancelled at its deadline of %g s", request_id, self.timeout)
            if started:
                return  # part of an answer is out: the connection just ends
            for part in _error(
                f"The request took longer than {self.timeout:g} s and was stopped; narrow it (smaller pages, "
                "radius or depth) and retry.",
                "QUERY_TIMEOUT",
                504,
                _content_type(held),
                request_id,
            ):
                await send(part)


class _Answered(Exception):
    """The wrapper has answered in place of the endpoint."""


def _content_type(start: Message | None) -> bytes:
    for name, value in (start or {}).get("headers", []):
        if name.lower() == b"content-type":
            return bytes(value)
    return b"application/json"
