"""Prometheus metrics (text exposition format at /metrics): requests, latency, database round trips."""

from __future__ import annotations

import hmac
import time

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tec.settings import Settings


class Metrics:
    """One registry per app (tests build several apps in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "tec_http_requests_total", "HTTP requests by route and status.", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "tec_http_request_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.round_trips = Histogram(
            "tec_graphql_db_round_trips",
            "Neo4j round trips per GraphQL request.",
            buckets=(0, 1, 2, 3, 4, 6, 8, 12, 20),
            registry=self.registry,
        )
        self.cache_requests = Counter(
            "tec_response_cache_requests_total",
            "Cacheable GraphQL queries by outcome: hit (answered from the cache) or miss.",
            ["result"],
            registry=self.registry,
        )
        self.cache_evictions = Counter(
            "tec_response_cache_evictions_total", "Responses dropped to make room.", registry=self.registry
        )
        self.cache_entries = Gauge("tec_response_cache_entries", "Responses in the cache.", registry=self.registry)
        self.neo4j_up = Gauge("tec_neo4j_up", "1 when the last readiness probe reached Neo4j.", registry=self.registry)

    def render(self) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


_ROUTES = ("/graphql", "/healthz", "/readyz", "/metrics")


def route_of(path: str) -> str:
    for route in _ROUTES:
        if path == route:
            return route
    return "/export" if path.startswith("/export") else "other"


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = route_of(scope["path"])
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                if route == "/graphql":
                    for name, value in message.get("headers", []):
                        if name == b"x-db-round-trips":
                            self.metrics.round_trips.observe(int(value))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            self.metrics.requests.labels(route, str(status)).inc()
            self.metrics.latency.labels(route).observe(time.perf_counter() - started)


async def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    refused = _refusal(settings, request.headers.get("authorization", ""))
    if refused is not None:
        return refused
    metrics: Metrics = request.app.state.metrics
    return metrics.render()


def _refusal(settings: Settings, authorization: str) -> Response | None:
    """/metrics asks for TEC_METRICS_TOKEN when one is set; in production without one it is closed."""
    if settings.metrics_token is None:
        if not settings.production:
            return None
        return _error("/metrics is closed in production until TEC_METRICS_TOKEN is set.", "FORBIDDEN", 403)
    scheme, _, token = authorization.partition(" ")
    expected = settings.metrics_token.get_secret_value().encode()
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected):
        return None
    refused = _error("/metrics needs `Authorization: Bearer <TEC_METRICS_TOKEN>`.", "UNAUTHENTICATED", 401)
    refused.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return refused


def _error(message: str, code: str, status: int) -> Response:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)
