"""The Starlette application: GraphQL at /graphql, health probes, and the Neo4j driver's life cycle."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from graph.apikeys import find_api_key
from graph.errors import GraphError
from graph.matching import warm_up
from graph.migrations import migrate
from graph.store import Store, counting_round_trips
from schema.context import ANONYMOUS, Context, Principal
from tec.api import build_schema
from tec.export_requests import export_download
from tec.metrics import Metrics, MetricsMiddleware, metrics_endpoint
from tec.settings import Settings

log = logging.getLogger(__name__)

ROUND_TRIPS_HEADER = "x-db-round-trips"


def graphql_error_body(message: str, code: str) -> dict[str, Any]:
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}


class AuthError(Exception):
    pass


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with our context, API-key auth and round-trip counting."""

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(build_schema(settings), graphql_ide="graphiql" if settings.graphiql else None, **kwargs)
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        async with counting_round_trips() as trips:

            async def send_with_count(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers.append((ROUND_TRIPS_HEADER.encode(), str(trips.count).encode()))
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await super().__call__(scope, receive, send_with_count)
            except AuthError as error:
                response = JSONResponse(graphql_error_body(str(error), "UNAUTHENTICATED"), status_code=401)
                await response(scope, receive, send_with_count)
            except GraphError as error:
                response = JSONResponse(graphql_error_body(str(error), error.code), status_code=503)
                await response(scope, receive, send_with_count)

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        store: Store = request.app.state.store
        principal = await self._principal(store, request)
        return Context(
            store=store,
            settings=self.settings,
            principal=principal,
            request_id=getattr(request.state, "request_id", "-"),
            request=request,
            response=response,
        )

    async def _principal(self, store: Store, request: Request) -> Principal:
        header = request.headers.get("authorization", "")
        if not header:
            return ANONYMOUS
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("The Authorization header must be `Bearer <API key>`.")
        key = await find_api_key(store, token.strip())
        if key is None:
            raise AuthError("This API key is unknown or revoked; ask an admin for a valid one.")
        return Principal(role=key.role, key_id=key.id, source=key.source, actor_id=key.actor_id)


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
        request_id = headers.get(b"x-request-id", b"").decode()[:64] or uuid.uuid4().hex[:16]
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


def create_app(settings: Settings, store: Store | None = None, *, run_migrations: bool = True) -> Starlette:
    """Build the service. Without `store`, the lifespan connects to Neo4j (and closes it at shutdown)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        own = store is None
        active = store or Store.connect(
            settings.effective_neo4j_uri,
            settings.neo4j_user,
            settings.neo4j_password,
            database=settings.neo4j_database,
            tx_timeout=settings.neo4j_tx_timeout,
            connect_timeout=settings.neo4j_connect_timeout,
            retry_seconds=settings.neo4j_retry_seconds,
        )
        try:
            await active.wait_until_ready(settings.neo4j_startup_wait)
            if run_migrations:
                await migrate(active)
                started = time.perf_counter()
                await warm_up(active)
                log.info("matching queries planned in %.1f s", time.perf_counter() - started)
            app.state.store = active
            yield
        finally:
            if own:
                await active.close()

    app = Starlette(
        routes=[
            Route("/graphql", GraphQLView(settings), methods=["GET", "POST"]),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/export/{file}", export_download, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    if store is not None:
        app.state.store = store
    app.state.metrics = Metrics()
    app.add_middleware(RequestGuards, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    return app
