"""Rate limits per client: anonymous callers by address, API keys by their own budget."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from graph.apikeys import create_api_key
from graph.store import Store
from tec import settings as settings_module
from tec.app.main import create_app
from tec.app.ratelimits import AUTH_FAILURE_COST
from tec.cli.main import app as cli
from tec.settings import Settings
from tests.tec.apps import query, serve

TYPENAME = query("{ __typename }")


async def test_an_anonymous_client_over_its_limit_gets_429_with_retry_after(store: Store, settings: Settings) -> None:
    async with serve(store, settings, rate_limit=3) as client:
        answers = [await client.post("/graphql", json=TYPENAME) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["ratelimit-remaining"] for answer in answers[:3]] == ["2", "1", "0"]
    assert all(answer.headers["ratelimit-limit"] == "3" for answer in answers)
    refused = answers[3]
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert refused.json()["data"] is None
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert 0 <= int(refused.headers["ratelimit-reset"]) <= 60
    assert refused.headers["x-request-id"]


async def test_health_probes_are_never_limited(store: Store, settings: Settings) -> None:
    async with serve(store, settings, rate_limit=1) as client:
        probes = [await client.get(path) for path in ("/healthz", "/readyz") * 3]
        assert (await client.post("/graphql", json=TYPENAME)).status_code == 200
        assert (await client.post("/graphql", json=TYPENAME)).status_code == 429
    assert all(probe.status_code == 200 for probe in probes)
    assert all("ratelimit-limit" not in probe.headers for probe in probes)


async def test_zero_turns_limits_off(store: Store, settings: Settings) -> None:
    async with serve(store, settings, rate_limit=0) as client:
        answers = [await client.post("/graphql", json=TYPENAME) for _ in range(20)]
    assert all(answer.status_code == 200 for answer in answers)
    assert "ratelimit-limit" not in answers[0].headers


async def test_a_key_has_its_own_budget_apart_from_anonymous_callers(store: Store, settings: Settings) -> None:
    token, _ = await create_api_key(store, role="reader", label="partner", rate_limit=2)
    plain, _ = await create_api_key(store, role="reader", label="no own limit")
    bearer = {"Authorization": f"Bearer {token}"}
    async with serve(store, settings, rate_limit=5) as client:
        keyed = [await client.post("/graphql", json=TYPENAME, headers=bearer) for _ in range(3)]
        anonymous = await client.post("/graphql", json=TYPENAME)
        default = await client.post("/graphql", json=TYPENAME, headers={"Authorization": f"Bearer {plain}"})
    assert [answer.status_code for answer in keyed] == [200, 200, 429]
    assert keyed[0].headers["ratelimit-limit"] == "2"
    assert "2 per minute" in keyed[2].json()["errors"][0]["message"]
    assert anonymous.status_code == 200
    assert anonymous.headers["ratelimit-remaining"] == "4"  # the key's requests were not counted here
    assert default.headers["ratelimit-limit"] == "5"


async def test_the_cli_sets_a_keys_limit(store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", settings.effective_neo4j_uri)
    monkeypatch.setenv("TEC_ENV", "test")
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        created = await asyncio.to_thread(
            runner.invoke, cli, ["apikey", "create", "--role", "reader", "--rate-limit", "2"]
        )
        listed = await asyncio.to_thread(runner.invoke, cli, ["apikey", "list"])
        refused = await asyncio.to_thread(
            runner.invoke, cli, ["apikey", "create", "--role", "reader", "--rate-limit", "-1"]
        )
    finally:
        settings_module.get_settings.cache_clear()
    assert created.exit_code == 0, created.output
    assert "2 requests/min" in created.output
    assert "rate-limit=2/min" in listed.output
    assert refused.exit_code != 0
    token = created.output.strip().splitlines()[-1]
    assert re.fullmatch(r"tec_\S+", token)
    async with serve(store, settings, rate_limit=100) as client:
        answers = [
            await client.post("/graphql", json=TYPENAME, headers={"Authorization": f"Bearer {token}"}) for _ in range(3)
        ]
    assert [answer.status_code for answer in answers] == [200, 200, 429]


async def test_failed_authentications_cost_more_and_are_limited_per_address(store: Store, settings: Settings) -> None:
    limit = 3 * AUTH_FAILURE_COST
    wrong = {"Authorization": "Bearer tec_not-a-key"}
    async with serve(store, settings, rate_limit=limit) as client:
        guesses = [await client.post("/graphql", json=TYPENAME, headers=wrong) for _ in range(4)]
        anonymous = await client.post("/graphql", json=TYPENAME)
    async with serve(store, settings, rate_limit=limit, peer="192.0.2.7") as elsewhere:
        other_address = await elsewhere.post("/graphql", json=TYPENAME, headers=wrong)
    assert [guess.status_code for guess in guesses] == [401, 401, 401, 429]
    assert "failed authentications" in guesses[3].json()["errors"][0]["message"]
    assert guesses[3].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(guesses[3].headers["retry-after"]) >= 1
    assert anonymous.status_code == 200  # callers without credentials keep their own budget
    assert other_address.status_code == 401


async def test_two_hundred_wrong_keys_are_mostly_refused_before_reaching_the_graph(
    store: Store, settings: Settings
) -> None:
    async with serve(store, settings) as client:
        codes = [
            (await client.post("/graphql", json=TYPENAME, headers={"Authorization": f"Bearer tec_{n}"})).status_code
            for n in range(200)
        ]
    assert codes.count(401) == settings.rate_limit // AUTH_FAILURE_COST
    assert codes.count(429) == 200 - settings.rate_limit // AUTH_FAILURE_COST


async def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(store: Store, settings: Settings) -> None:
    def via(address: str) -> dict[str, str]:
        return {"X-Forwarded-For": f"{address}, 10.0.0.9"}

    async with serve(store, settings, rate_limit=2, trusted_proxies="127.0.0.1, 10.0.0.0/8") as proxied:
        first = [await proxied.post("/graphql", json=TYPENAME, headers=via("203.0.113.1")) for _ in range(3)]
        second = await proxied.post("/graphql", json=TYPENAME, headers=via("203.0.113.2"))
    assert [answer.status_code for answer in first] == [200, 200, 429]
    assert second.status_code == 200  # another client behind the same proxy

    async with serve(store, settings, rate_limit=2, trusted_proxies="10.0.0.0/8") as direct:
        spoofed = [await direct.post("/graphql", json=TYPENAME, headers=via(f"203.0.113.{n}")) for n in range(3)]
    assert [answer.status_code for answer in spoofed] == [200, 200, 429]  # the peer is not a proxy


async def test_429s_are_counted_in_metrics(store: Store, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"rate_limit": 1}), store)
    limited = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    scraper = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("192.0.2.50", 9100)), base_url="http://testserver"
    )
    async with limited, scraper:
        await limited.post("/graphql", json=TYPENAME)
        await limited.post("/graphql", json=TYPENAME)
        metrics = (await scraper.get("/metrics")).text
    assert 'tec_http_requests_total{route="/graphql",status="429"} 1.0' in metrics


def test_a_bad_trusted_proxy_or_storage_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="not an IP address or CIDR"):
        Settings(trusted_proxies="proxy.internal")
    with pytest.raises(ValidationError, match="redis://"):
        Settings(rate_limit_storage="localhost:6379")
    assert Settings(rate_limit_storage="redis://redis:6379").rate_limit_storage == "redis://redis:6379"
