"""Production mode means production: no introspection, no suggestions, no GraphiQL, a guarded /metrics."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from graph.store import Store
from schema.hardening import without_suggestion
from tec.settings import Settings, SettingsError, load_settings
from tests.tec.apps import query, serve

INTROSPECTION = query("{ __schema { queryType { name } } }")
MISSPELLED = query("{ actors(first: 1) { totalCont } }")
# with this media type a request error is a 400 (with application/json, a 200: GraphQL over HTTP)
GRAPHQL_RESPONSE = {"Accept": "application/graphql-response+json"}
TOKEN = "a-long-metrics-token-for-tests"


async def test_production_refuses_introspection_but_answers_typename(store: Store, settings: Settings) -> None:
    async with serve(store, settings, environment="production") as client:
        refused = await client.post("/graphql", json=INTROSPECTION, headers=GRAPHQL_RESPONSE)
        typename = await client.post("/graphql", json=query("{ __typename }"))
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "introspection" in error["message"].lower()
    assert typename.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(("environment", "introspection"), [("development", None), ("production", True)])
async def test_introspection_where_allowed(
    store: Store, settings: Settings, environment: str, introspection: bool | None
) -> None:
    async with serve(store, settings, environment=environment, introspection=introspection) as client:
        answer = await client.post("/graphql", json=INTROSPECTION)
    assert answer.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


async def test_production_gives_no_field_suggestions(store: Store, settings: Settings) -> None:
    async with serve(store, settings) as development, serve(store, settings, environment="production") as production:
        suggested = (await development.post("/graphql", json=MISSPELLED)).json()["errors"][0]
        plain = (await production.post("/graphql", json=MISSPELLED)).json()["errors"][0]
        again = (await production.post("/graphql", json=MISSPELLED)).json()["errors"][0]  # from the cache
    assert "Did you mean 'totalCount'?" in suggested["message"]
    assert "totalCont" in plain["message"]
    for error in (plain, again):
        assert "Did you mean" not in error["message"]
        assert "totalCount" not in error["message"]
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_production_gives_no_enum_value_suggestions(store: Store, settings: Settings) -> None:
    wrong_kind = query("query Q($kinds: [ActorKind!]) { actors(where: {kinds: $kinds}) { totalCount } }")
    wrong_kind["variables"] = {"kinds": ["ASSOCIATIONS"]}
    async with serve(store, settings, environment="production") as client:
        answer = await client.post("/graphql", json=wrong_kind, headers=GRAPHQL_RESPONSE)
    assert answer.status_code == 400
    assert "Did you mean" not in answer.json()["errors"][0]["message"]


def test_suggestions_are_cut_from_messages() -> None:
    assert without_suggestion("Unknown argument 'frist' on field 'Query.actors'. Did you mean 'first'?") == (
        "Unknown argument 'frist' on field 'Query.actors'."
    )
    assert without_suggestion("Cannot query field 'x' on type 'Query'.") == "Cannot query field 'x' on type 'Query'."


async def test_graphiql_is_off_in_production_unless_asked_for(store: Store, settings: Settings) -> None:
    html = {"Accept": "text/html"}
    async with serve(store, settings, environment="production") as client:
        page = await client.get("/graphql", headers=html)
    async with serve(store, settings, environment="production", graphiql=True) as client:
        asked = await client.get("/graphql", headers=html)
    assert "graphiql" not in page.text.lower()
    assert page.status_code != 200 or not page.headers["content-type"].startswith("text/html")
    assert asked.status_code == 200
    assert "graphiql" in asked.text.lower()


async def test_metrics_need_the_token_when_one_is_set(store: Store, settings: Settings) -> None:
    async with serve(store, settings, metrics_token=SecretStr(TOKEN)) as client:
        none = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
        right = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert none.status_code == wrong.status_code == 401
    assert none.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "TEC_METRICS_TOKEN" in none.json()["errors"][0]["message"]
    assert "tec_http_requests_total" not in none.text + wrong.text
    assert right.status_code == 200
    assert "tec_http_requests_total" in right.text


async def test_production_closes_metrics_without_a_token(store: Store, settings: Settings) -> None:
    async with serve(store, settings, environment="production") as closed:
        refused = await closed.get("/metrics")
    async with serve(store, settings, environment="production", metrics_token=SecretStr(TOKEN)) as guarded:
        scraped = await guarded.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert refused.status_code == 403
    assert "TEC_METRICS_TOKEN" in refused.json()["errors"][0]["message"]
    assert scraped.status_code == 200


def test_production_refuses_a_weak_metrics_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_ENV", "production")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("TEC_METRICS_TOKEN", "changeme")
    with pytest.raises(SettingsError, match="TEC_METRICS_TOKEN"):
        load_settings()
    monkeypatch.setenv("TEC_METRICS_TOKEN", TOKEN)
    assert load_settings().metrics_token is not None


def test_production_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_ENV", "production")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    production = load_settings()
    assert not production.serves_graphiql
    assert not production.allows_introspection
    assert not production.field_suggestions
    development = Settings(environment="development")
    assert development.serves_graphiql
    assert development.allows_introspection
    assert development.field_suggestions
