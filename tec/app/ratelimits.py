"""Rate limits per client: the API key when one is sent, else the client's address.

Counters are kept by the `limits` library (a moving window of one minute: exact, each hit kept for
60 s) in memory, per process, or in a shared store named by TEC_RATE_LIMIT_STORAGE
(e.g. redis://redis:6379) for several instances.
A failed authentication (any 401) costs AUTH_FAILURE_COST requests of a separate per-address
budget, and a request carrying credentials is refused while that budget cannot pay another failure:
guessing keys is slowed down without touching the budget of callers behind the same address.
"""

from __future__ import annotations

import ipaddress
import json
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.apikeys import find_api_key, hash_token
from graph.errors import GraphError
from graph.store import Store
from tec.settings import Settings

AUTH_FAILURE_COST = 10
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})
KEY_CACHE_SECONDS = 60.0  # how long a key's limit is remembered (revocation itself is immediate)
KEY_CACHE_ENTRIES = 10_000
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Budget:
    """Whose counter a request uses, and how many requests per minute it allows (0: unlimited)."""

    bucket: str
    limit: int


def client_address(scope: Scope, trusted: list[Network]) -> str:
    """The direct peer; when that peer is a trusted proxy, the nearest untrusted address of X-Forwarded-For."""
    peer = scope["client"][0] if scope.get("client") else "unknown"
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = b",".join(value for name, value in scope.get("headers", []) if name == b"x-forwarded-for")
    hops = [hop.strip() for hop in forwarded.decode("latin-1").split(",") if hop.strip()]
    address = peer
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a garbled hop: believe no further than the last proxy we trust
        address = hop
        if not _within(hop, trusted):
            return hop
    return address


def _within(address: str, networks: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class KeyLimits:
    """API keys' own limits, remembered briefly by token hash so that limiting costs no extra round trip."""

    def __init__(self) -> None:
        self._known: OrderedDict[str, tuple[float, str, int | None]] = OrderedDict()

    async def lookup(self, store: Store, token: str) -> tuple[str, int | None] | None:
        digest = hash_token(token)
        now = time.monotonic()
        known = self._known.get(digest)
        if known is not None and known[0] > now:
            return known[1], known[2]
        try:
            key = await find_api_key(store, token)
        except GraphError:
            return None  # the request itself will report the outage
        if key is None:
            self._known.pop(digest, None)
            return None
        self._known[digest] = (now + KEY_CACHE_SECONDS, key.id, key.rate_limit)
        self._known.move_to_end(digest)
        while len(self._known) > KEY_CACHE_ENTRIES:
            self._known.popitem(last=False)
        return key.id, key.rate_limit


class RateLimits:
    """ASGI middleware: 429 with Retry-After over the limit; RateLimit-* headers on every limited answer."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.default = settings.rate_limit
        self.trusted = settings.trusted_proxy_networks
        uri = settings.rate_limit_storage
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri if uri.startswith("async+") else "async+" + uri))
        self.keys = KeyLimits()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http" or scope["path"] in EXEMPT_PATHS or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        address = client_address(scope, self.trusted)
        headers = dict(scope.get("headers", []))
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        failures = RateLimitItemPerMinute(max(self.default, AUTH_FAILURE_COST)) if self.default else None
        if (
            authorization
            and failures is not None
            and not await self.limiter.test(failures, "auth-failures", address, cost=AUTH_FAILURE_COST)
        ):
            stats = await self.limiter.get_window_stats(failures, "auth-failures", address)
            message = "Too many failed authentications from this address"
            await _refuse(send, message, failures.amount, 0, stats.reset_time)
            return
        budget = await self._budget(scope, authorization, address)
        scope.setdefault("state", {})["rate_limit_client"] = budget.bucket
        extra: list[tuple[bytes, bytes]] = []
        if budget.limit:
            item = RateLimitItemPerMinute(budget.limit)
            allowed = await self.limiter.hit(item, budget.bucket)
            stats = await self.limiter.get_window_stats(item, budget.bucket)
            if not allowed:
                message = f"Too many requests: this client may send {budget.limit} per minute"
                await _refuse(send, message, budget.limit, 0, stats.reset_time)
                return
            extra = _headers(budget.limit, stats.remaining, stats.reset_time)
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
        if status == 401 and failures is not None:
            await self.limiter.hit(failures, "auth-failures", address, cost=AUTH_FAILURE_COST)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket handshake costs one request of its client's budget (the API key of its Authorization
        header, else its address); over the limit it is refused (HTTP 403) before the socket opens. What is
        sent on an open socket is bounded by TEC_MAX_SUBSCRIPTIONS_PER_CONNECTION instead."""
        address = client_address(scope, self.trusted)
        authorization = dict(scope.get("headers", [])).get(b"authorization", b"").decode("latin-1")
        budget = await self._budget(scope, authorization, address)
        if budget.limit and not await self.limiter.hit(RateLimitItemPerMinute(budget.limit), budget.bucket):
            message = await receive()  # websocket.connect
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": 1008, "reason": "rate limited"})
            return
        await self.app(scope, receive, send)

    async def _budget(self, scope: Scope, authorization: str, address: str) -> Budget:
        scheme, _, token = authorization.partition(" ")
        path: str = scope["path"]
        if scheme.lower() == "bearer" and token.strip() and (path == "/graphql" or path.startswith("/export/")):
            store: Store | None = getattr(scope["app"].state, "store", None) if "app" in scope else None
            found = await self.keys.lookup(store, token.strip()) if store is not None else None
            if found is not None:
                key_id, own = found
                return Budget(f"apikey:{key_id}", self.default if own is None else own)
        return Budget(f"address:{address}", self.default)


def _headers(limit: int, remaining: int, reset_time: float) -> list[tuple[bytes, bytes]]:
    reset = max(0, math.ceil(reset_time - time.time()))
    return [
        (b"ratelimit-limit", str(limit).encode()),
        (b"ratelimit-remaining", str(max(0, remaining)).encode()),
        (b"ratelimit-reset", str(reset).encode()),
        (b"ratelimit-policy", f"{limit};w=60".encode()),
    ]


async def _refuse(send: Send, message: str, limit: int, remaining: int, reset_time: float) -> None:
    retry = max(1, math.ceil(reset_time - time.time()))
    body = json.dumps(
        {
            "data": None,
            "errors": [
                {
                    "message": f"{message}; retry in {retry} s.",
                    "extensions": {"code": "RATE_LIMITED", "retryAfter": retry},
                }
            ],
        }
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry).encode()),
        *_headers(limit, remaining, reset_time),
    ]
    await send({"type": "http.response.start", "status": 429, "headers": headers})
    await send({"type": "http.response.body", "body": body})
