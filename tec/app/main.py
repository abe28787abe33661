"""The Starlette application: the routes (GraphQL, exports, health probes, metrics, the explorer), the
middleware around them, and the Neo4j driver's life cycle."""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.matching import warm_up
from graph.migrations import migrate
from graph.store import Store
from resolvers.event_hub import EventHub
from tec.app.authentication import Authentication
from tec.app.exports import export_download
from tec.app.graphql_view import GraphQLView
from tec.app.logs import AccessLog, configure_logging, safe_request_id
from tec.app.metrics import Metrics, MetricsMiddleware, metrics_endpoint
from tec.app.ratelimits import RateLimits
from tec.app.request_limits import RequestLimits
from tec.app.security_headers import SecurityHeaders
from tec.app.webhooks import DeliveryWorker
from tec.explorer.pages import explorer_routes
from tec.settings import Settings, get_settings

log = logging.getLogger(__name__)

CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"]
CORS_EXPOSED_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "RateLimit-Policy",
    "Retry-After",
    "X-Request-Id",
    "Server-Timing",
    "Idempotent-Replayed",
]


def graphql_error_body(message: str, code: str) -> dict[str, Any]:
    """A request error's body: no `data` key (the GraphQL-over-HTTP spec), one error with its code."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class RequestGuards:
    """Request ids on every response, and a cap on the request body (413 with a GraphQL-shaped error)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        request_id = safe_request_id(headers.get(b"x-request-id"))
        scope.setdefault("state", {})["request_id"] = request_id
        limit = self.max_body_bytes
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _too_large(limit)(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge()
            return message

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())],
                }
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_id)
        except _BodyTooLarge:
            await _too_large(limit)(scope, receive, send_with_id)


class _BodyTooLarge(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        graphql_error_body(
            f"The request body is larger than {limit} bytes; send a smaller query.", "REQUEST_TOO_LARGE"
        ),
        status_code=413,
    )


async def healthz(_: Request) -> Response:
    return JSONResponse({"status": "alive"})


async def readyz(request: Request) -> Response:
    store: Store = request.app.state.store
    up = await store.ping()
    request.app.state.metrics.neo4j_up.set(1 if up else 0)
    if up:
        return JSONResponse({"status": "ready", "neo4j": "up"})
    return JSONResponse(
        {
            "status": "unavailable",
            "neo4j": "down",
            "message": "Neo4j does not answer; requests will fail until it does.",
        },
        status_code=503,
    )


GIL_SWITCH_SECONDS = 0.001  # how long a thread may hold the GIL while another waits for it (sys.setswitchinterval)
# The collector's thresholds while serving (gc.set_threshold). Requests in flight keep thousands of objects
# alive, so with Python's default (a young pass every 700 allocations) each request's objects were walked
# about once by a young pass, and an older pass every ten walked those of every request in flight: at 8
# clients ≈ 0.35 ms of a ≈ 5 ms directory page, at 32 clients ≈ 0.9 ms. Every 10,000 they are walked
# after most have been freed (≈ 0.2 ms at 8 and 32 clients). Raising it was taken back once: while a
# request's objects held one another in cycles, garbage waited ten times longer and the peak RSS rose
# from ≈ 154 to ≈ 230 MB; now that a request lets go of them (`Context.release`), the peak RSS at 32
# clients is ≈ 140 MB either way (docs/performance.md, "The collector").
GC_THRESHOLDS = (10_000, 10, 10)


def create_app_from_environment() -> Starlette:
    """The app of one `tec serve --workers N` process (uvicorn's factory): settings from the environment."""
    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)


def create_app(settings: Settings, store: Store | None = None, *, run_migrations: bool = True) -> Starlette:
    """Build the service. Without `store`, the lifespan connects to Neo4j (and closes it at shutdown)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        switch_interval = sys.getswitchinterval()
        thresholds = gc.get_threshold()
        active = store or Store.connect(
            settings.effective_neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            database=settings.neo4j_database,
            tx_timeout=settings.neo4j_tx_timeout,
            connect_timeout=settings.neo4j_connect_timeout,
            retry_seconds=settings.neo4j_retry_seconds,
        )
        active.audit_retention_days = settings.audit_retention_days
        try:
            await active.wait_until_ready(settings.neo4j_startup_wait)
            if run_migrations:
                await migrate(active)
                started = time.perf_counter()
                await warm_up(active)
                log.info("matching queries planned in %.1f s", time.perf_counter() - started)
            app.state.store = active
            hub = EventHub(active, settings.events_poll_ms / 1000, settings.max_subscriptions)
            await hub.start()
            app.state.events = hub
            worker = DeliveryWorker(active, settings, hub=hub) if settings.webhooks else None
            if worker is not None:
                worker.start()
            # what start-up built (schema, plans, modules) lives as long as the process: kept out of the
            # collector's full passes, which would otherwise walk it while a large answer is built
            gc.collect()
            gc.freeze()
            gc.set_threshold(*GC_THRESHOLDS)
            # Validation runs in worker threads; while they compute, the event loop's thread waits for the
            # GIL at each of its system calls, up to the switch interval each time (5 ms by default: a
            # /healthz behind a few hostile documents waited 100 ms and more). 1 ms keeps that wait short.
            sys.setswitchinterval(GIL_SWITCH_SECONDS)
            try:
                yield
            finally:
                if worker is not None:
                    await worker.stop()
                await hub.stop()
        finally:
            sys.setswitchinterval(switch_interval)
            gc.set_threshold(*thresholds)
            if own:
                await active.close()

    view = GraphQLView(settings)
    app = Starlette(
        routes=[
            WebSocketRoute("/graphql", view),
            Route(
                "/graphql",
                RequestLimits(
                    view,
                    timeout=settings.request_timeout,
                    max_response_bytes=settings.max_response_bytes,
                    max_query_bytes=settings.max_body_bytes,
                ),
                methods=["GET", "POST"],
            ),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/export/{file}", export_download, methods=["GET"], middleware=[Middleware(Authentication)]),
            *explorer_routes(settings),
        ],
        lifespan=lifespan,
    )
    if store is not None:
        app.state.store = store
    app.state.settings = settings
    app.state.response_cache = view.cache  # emptied by an erasure of personal data (resolvers.privacy)
    app.state.metrics = Metrics()
    # innermost first: rate limits answer within the request id, metrics and access log
    app.add_middleware(RateLimits, settings=settings)
    app.add_middleware(RequestGuards, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(AccessLog)
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "POST"],
            allow_headers=CORS_REQUEST_HEADERS,
            expose_headers=CORS_EXPOSED_HEADERS,
            max_age=600,
        )
    app.add_middleware(SecurityHeaders, hsts=settings.production)
    return app
