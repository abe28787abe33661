"""The Starlette application: GraphQL at /graphql, health probes, and the Neo4j driver's life cycle."""

from __future__ import annotations

import functools
import gc
import json
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from graph.apikeys import find_api_key
from graph.errors import GraphError
from graph.matching import warm_up
from graph.migrations import migrate
from graph.store import RoundTrips, Store, count_round_trip, counting_round_trips, waiting_for_database
from schema.context import ANONYMOUS, Context, Principal
from tec import graphql_http
from tec.api import build_schema
from tec.events import EventHub
from tec.explorer.pages import GRAPHIQL_CSP, explorer_routes, graphiql_html
from tec.export_requests import export_download
from tec.graphql_http_view import GraphQLOverHTTP
from tec.idempotency import replaying, whole_body, with_idempotency
from tec.logs import AccessLog, safe_request_id
from tec.metrics import Metrics, MetricsMiddleware, metrics_endpoint
from tec.ratelimits import RateLimits
from tec.request_limits import RequestLimits
from tec.response_cache import ResponseCache, SharedRevision, cache_key
from tec.security_headers import SecurityHeaders
from tec.settings import Settings
from tec.webhooks import DeliveryWorker

log = logging.getLogger(__name__)

ROUND_TRIPS_HEADER = "x-db-round-trips"
CACHE_HEADER = "x-cache"
TIMING_HEADER = "server-timing"  # W3C Server Timing: what the request spent in Neo4j, and in all
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


def server_timing(db_seconds: float, started: float) -> str:
    """The `Server-Timing` value: time in Neo4j (calls and record decoding), and the whole request."""
    total = (time.perf_counter() - started) * 1000
    return f'db;dur={db_seconds * 1000:.2f};desc="Neo4j", total;dur={total:.2f}'


class AuthError(Exception):
    pass


class GraphQLView(GraphQLOverHTTP):
    """Strawberry's ASGI view with our context, API-key auth, round-trip counting and the response cache
    (the GraphQL-over-HTTP media types, status codes and request checks come from `GraphQLOverHTTP`)."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.serves_graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.max_subscriptions_per_connection,
            allowed_origins=settings.cors_origin_list,
            connection_init_wait_timeout=timedelta(seconds=10),
            **kwargs,
        )
        self.settings = settings
        self.cache = ResponseCache(settings.response_cache_entries) if settings.response_cache else None
        self._revision: SharedRevision | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope)
        media = graphql_http.negotiate(request.headers.get("accept"))
        if media is None:
            if scope["method"] != "GET" or "query" in request.query_params:
                await self.not_acceptable()(scope, receive, send)
                return
            media = graphql_http.JSON  # a browser opening GraphiQL
        scope.setdefault("state", {})["graphql_media_type"] = media
        started = time.perf_counter()
        async with counting_round_trips() as trips:

            async def send_with_count(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers.append((ROUND_TRIPS_HEADER.encode(), str(trips.count).encode()))
                    headers.append((TIMING_HEADER.encode(), server_timing(trips.db_seconds, started).encode()))
                    message = {**message, "headers": headers}
                await send(message)

            try:
                dispatch = functools.partial(self._dispatch, trips=trips)
                ttl_hours = self.settings.idempotency_ttl_hours
                await with_idempotency(scope, receive, send_with_count, dispatch, self._key_scope, ttl_hours)
            except AuthError as error:
                response = self.error_response(media, str(error), "UNAUTHENTICATED", 401)
                await response(scope, receive, send_with_count)
            except GraphError as error:
                response = self.error_response(media, str(error), error.code, 503)
                await response(scope, receive, send_with_count)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the files the service ships (tec/explorer/static/vendor), never from a CDN."""
        return HTMLResponse(graphiql_html(), headers={"content-security-policy": GRAPHIQL_CSP})

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send, *, trips: RoundTrips) -> None:
        if self.cache is not None and scope["method"] == "POST":
            await self._through_cache(self.cache, scope, receive, send, trips)
        else:
            await self.serve(scope, receive, send)

    async def _key_scope(self, request: Request) -> str | None:
        """The scope of the caller's idempotency keys: its API key id (None when anonymous)."""
        principal = getattr(request.state, "principal", None) or await self._principal(request.app.state.store, request)
        request.state.principal = principal
        return principal.key_id

    async def _through_cache(
        self, cache: ResponseCache, scope: Scope, receive: Receive, send: Send, trips: RoundTrips
    ) -> None:
        """Answer a query from the cache when its entry is of the graph's current revision; else run
        it and keep a successful answer under the revision its reads saw."""
        body = await whole_body(receive)
        replay = replaying(body, receive)
        request = Request(scope)
        media = str(scope["state"]["graphql_media_type"])
        key: str | None = None
        if graphql_http.media_type(request.headers.get("content-type")) == graphql_http.JSON:
            principal = await self._principal(request.app.state.store, request)
            request.state.principal = principal
            try:
                key = cache_key(json.loads(body), principal.role, date.today())
            except (ValueError, RecursionError):  # not JSON: the view answers why
                key = None
        if key is None:
            await self.serve(scope, replay, send)
            return
        metrics: Metrics = request.app.state.metrics
        store: Store = request.app.state.store
        if cache.has(key):
            if self._revision is None:
                self._revision = SharedRevision(store.revision)
            async with waiting_for_database(trips):
                revision = await self._revision.current()
            count_round_trip("graph.revision")  # this request waited for one (perhaps shared with others)
            cached = cache.get(key, revision)
            if cached is not None:
                metrics.cache_requests.labels("hit").inc()
                await _send_json(send, cached, b"hit", media)
                return
            trips.saw_revision(revision)  # the query's reads come after this one
        elif cache.seen_before(key):
            trips.want_revision = True  # read it with the query's first read, then keep the answer
        # else: asked for the first time: answered without reading the revision, and not kept
        metrics.cache_requests.labels("miss").inc()
        status = 0
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", []), (CACHE_HEADER.encode(), b"miss")]}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await self.serve(scope, replay, capture)
        succeeded = getattr(request.state, "graphql_succeeded", False)
        if status == 200 and succeeded and trips.revision_known and not trips.revision_mixed and not trips.wrote:
            metrics.cache_evictions.inc(cache.put(key, trips.revision, b"".join(chunks)))
            metrics.cache_entries.set(len(cache))

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        request.state.graphql_succeeded = not result.errors
        return await super().process_result(request, result)

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        store: Store = request.app.state.store
        if isinstance(request, WebSocket):
            # authenticated by `on_ws_connect`, from connection_init's payload or the handshake's header
            return Context(store=store, settings=self.settings, request=request)  # type: ignore[arg-type]
        principal = getattr(request.state, "principal", None) or await self._principal(store, request)
        request.state.principal = principal
        assert isinstance(response, Response)
        return Context(
            store=store,
            settings=self.settings,
            principal=principal,
            request_id=getattr(request.state, "request_id", "-"),
            request=request,
            response=response,
        )

    async def on_ws_connect(self, context: Context) -> None:
        """A WebSocket's API key: `{"authorization": "Bearer …"}` in connection_init's payload, else the
        handshake's Authorization header. A wrong key closes the socket (4403); none leaves it anonymous,
        and anonymous callers may subscribe to nothing."""
        params = context.connection_params or {}
        header = params.get("authorization", params.get("Authorization"))
        request = context.request
        assert request is not None
        if not isinstance(header, str):
            header = request.headers.get("authorization", "")
        try:
            context.principal = await self._key_principal(context.store, header)
        except AuthError as error:
            raise ConnectionRejectionError({"message": str(error), "code": "UNAUTHENTICATED"}) from None
        except GraphError:
            raise ConnectionRejectionError({"message": "Neo4j is unavailable", "code": "SERVICE_UNAVAILABLE"}) from None

    async def _principal(self, store: Store, request: Request) -> Principal:
        return await self._key_principal(store, request.headers.get("authorization", ""))

    async def _key_principal(self, store: Store, header: str) -> Principal:
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("The Authorization header must be `Bearer <API key>`.")
        key = await find_api_key(store, token.strip())
        if key is None:
            raise AuthError("This API key is unknown or revoked; ask an admin for a valid one.")
        return Principal(role=key.role, key_id=key.id, source=key.source, actor_id=key.actor_id)


async def _send_json(send: Send, body: bytes, cache: bytes, media: str) -> None:
    headers = [
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
        (CACHE_HEADER.encode(), cache),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


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


def create_app_from_environment() -> Starlette:
    """The app of one `tec serve --workers N` process (uvicorn's factory): settings from the environment."""
    from tec.logs import configure_logging
    from tec.settings import get_settings

    settings = get_settings()
    configure_logging(settings)
    return create_app(settings)


def create_app(settings: Settings, store: Store | None = None, *, run_migrations: bool = True) -> Starlette:
    """Build the service. Without `store`, the lifespan connects to Neo4j (and closes it at shutdown)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        switch_interval = sys.getswitchinterval()
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
            Route("/export/{file}", export_download, methods=["GET"]),
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
