"""GraphQL at /graphql: strawberry's view with our context, the caller set by `tec.app.authentication`,
round-trip counting, Idempotency-Key and the response cache (the GraphQL-over-HTTP media types, status
codes and request checks come from `GraphQLOverHTTP`)."""

from __future__ import annotations

import functools
import json
import time
from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from graph.errors import GraphError
from graph.store import RoundTrips, Store, count_round_trip, counting_round_trips, waiting_for_database
from resolvers.root.schema import build_schema
from schema.context import Context
from tec.app import graphql_http
from tec.app.authentication import Authentication, AuthenticationFailed, principal_for_header, principal_of
from tec.app.graphql_http_view import GraphQLOverHTTP
from tec.app.idempotency import replaying, whole_body, with_idempotency
from tec.app.metrics import Metrics
from tec.app.response_cache import ResponseCache, SharedRevision, cache_key
from tec.explorer.pages import GRAPHIQL_CSP, graphiql_html
from tec.settings import Settings

ROUND_TRIPS_HEADER = "x-db-round-trips"
CACHE_HEADER = "x-cache"
TIMING_HEADER = "server-timing"  # W3C Server Timing: what the request spent in Neo4j, and in all


def server_timing(db_seconds: float, started: float) -> str:
    """The `Server-Timing` value: time in Neo4j (calls and record decoding), and the whole request."""
    total = (time.perf_counter() - started) * 1000
    return f'db;dur={db_seconds * 1000:.2f};desc="Neo4j", total;dur={total:.2f}'


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

    async def _with_idempotency(self, scope: Scope, receive: Receive, send: Send, *, trips: RoundTrips) -> None:
        dispatch = functools.partial(self._dispatch, trips=trips)
        await with_idempotency(scope, receive, send, dispatch, self._key_scope, self.settings.idempotency_ttl_hours)

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
                # the caller is known before idempotency and the cache look at it, within the round-trip count
                authenticated = Authentication(functools.partial(self._with_idempotency, trips=trips))
                await authenticated(scope, receive, send_with_count)
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
        return principal_of(request).key_id

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
            try:
                key = cache_key(json.loads(body), principal_of(request).role, date.today())
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
        assert isinstance(response, Response)
        context = Context(
            store=store,
            settings=self.settings,
            principal=principal_of(request),
            request_id=getattr(request.state, "request_id", "-"),
            request=request,
            response=response,
        )
        request.state.graphql_context = context  # released by `serve` once the response is sent
        return context

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().serve(scope, receive, send)
        finally:
            context = scope.get("state", {}).pop("graphql_context", None)
            if isinstance(context, Context):
                context.release()

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
            context.principal = await principal_for_header(context.store, header)
        except AuthenticationFailed as error:
            if error.status == 503:
                raise ConnectionRejectionError({"message": "Neo4j is unavailable", "code": error.code}) from None
            raise ConnectionRejectionError({"message": str(error), "code": error.code}) from None


async def _send_json(send: Send, body: bytes, cache: bytes, media: str) -> None:
    headers = [
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
        (CACHE_HEADER.encode(), cache),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
