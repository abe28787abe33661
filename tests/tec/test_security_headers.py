"""Security headers on every answer, and CORS for front ends on the allowed origins only."""

from __future__ import annotations

import httpx
import pytest

from graph.store import Store
from tec.settings import Settings
from tests.tec.apps import query, serve

FRONT = "https://app.territoires.example"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
}


def assert_secure(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert "server" not in response.headers


async def test_every_route_sends_the_security_headers(store: Store, settings: Settings) -> None:
    async with serve(store, settings, rate_limit=3) as client:
        answers = [
            await client.post("/graphql", json=query("{ __typename }")),
            await client.get("/healthz"),
            await client.get("/export/actors.csv"),
            await client.get("/nowhere"),
            await client.post("/graphql", json=query("{ __typename }")),  # the fourth counted: over the limit
        ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 404, 429]
    for answer in answers:
        assert_secure(answer)
        assert "strict-transport-security" not in answer.headers  # not behind TLS outside production


async def test_production_adds_hsts(store: Store, settings: Settings) -> None:
    async with serve(store, settings, environment="production", metrics_token=None) as client:
        answer = await client.get("/healthz")
    assert_secure(answer)
    assert answer.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_graphiqls_page_loads_its_scripts_from_this_origin_only(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "http" not in page.text  # every asset from this origin: no CDN
    assert page.headers["x-frame-options"] == "DENY"  # the common headers are kept


async def test_a_preflight_from_an_allowed_origin_succeeds(store: Store, settings: Settings) -> None:
    async with serve(store, settings, cors_origins=f"{FRONT}, https://carte.example") as client:
        preflight = await client.options("/graphql", headers={"Origin": FRONT, **PREFLIGHT})
        simple = await client.post("/graphql", json=query("{ __typename }"), headers={"Origin": FRONT})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == FRONT
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed = preflight.headers["access-control-allow-headers"].lower()
    for header in ("authorization", "content-type", "idempotency-key"):
        assert header in allowed
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == FRONT
    exposed = simple.headers["access-control-expose-headers"].lower()
    for header in ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "retry-after", "x-request-id"):
        assert header in exposed
    assert "server-timing" in exposed
    assert "access-control-allow-credentials" not in simple.headers  # keys travel in headers, not cookies


@pytest.mark.parametrize("configured", ["", FRONT])
async def test_other_origins_get_no_cors_headers(store: Store, settings: Settings, configured: str) -> None:
    evil = "https://evil.example"
    async with serve(store, settings, cors_origins=configured) as client:
        preflight = await client.options("/graphql", headers={"Origin": evil, **PREFLIGHT})
        simple = await client.post("/graphql", json=query("{ __typename }"), headers={"Origin": evil})
    assert preflight.status_code >= 400
    assert "access-control-allow-origin" not in preflight.headers
    assert simple.status_code == 200  # the server answers; the browser keeps the answer from the page
    assert "access-control-allow-origin" not in simple.headers


def test_a_cors_origin_must_be_an_origin() -> None:
    with pytest.raises(ValueError, match="not an origin"):
        Settings(cors_origins="https://app.example.org/graphql")
    assert Settings(cors_origins=f" {FRONT} ,http://localhost:5173").cors_origin_list == [
        FRONT,
        "http://localhost:5173",
    ]
