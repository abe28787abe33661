"""The HTTP surface: probes, GraphiQL, limits and error codes."""

from __future__ import annotations

import httpx

from graph.store import Store
from tec.app.graphql_http import GRAPHQL_RESPONSE_JSON
from tec.app.main import create_app
from tec.settings import Settings
from tests.conftest import GraphQL
from tests.domain import gid, make_actor


async def test_healthz_and_readyz_answer_when_neo4j_is_up(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "alive"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["neo4j"] == "up"


async def test_graphiql_is_served_to_browsers(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()


async def test_typename_and_a_request_id(gql: GraphQL) -> None:
    response = await gql("{ __typename }")
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert len(response.headers["x-request-id"]) >= 8


def _server_timing(response: httpx.Response) -> dict[str, float]:
    parts = [part.strip().split(";") for part in response.headers["server-timing"].split(",")]
    return {part[0]: float(part[1].removeprefix("dur=")) for part in parts}


async def test_server_timing_tells_the_time_spent_in_neo4j_apart_from_the_whole(gql: GraphQL, store: Store) -> None:
    actor = await make_actor(store, "Association des Landes")
    no_database = _server_timing(await gql("{ __typename }"))
    assert no_database["db"] == 0.0
    assert no_database["total"] > 0.0
    page = _server_timing(await gql("{ actors(first: 5) { totalCount edges { node { name } } } }"))
    assert 0.0 < page["db"] <= page["total"]
    # sibling relationship fields load at the same time: overlapping calls are not counted twice
    nested = await gql(
        "query($id: ID!) { actor(id: $id) { name basedIn { code } themes { code } } }", {"id": gid("Actor", actor)}
    )
    assert int(nested.headers["x-db-round-trips"]) == 3  # the actor, then its two fields side by side
    timing = _server_timing(nested)
    assert 0.0 < timing["db"] <= timing["total"]


async def test_a_malformed_query_gets_a_parse_error_code(gql: GraphQL) -> None:
    response = await gql("{ actors { ")
    assert response.status_code == 200  # application/json: a GraphQL request error is a 200 (GraphQL over HTTP)
    assert "data" not in response.json()
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert "Syntax Error" in error["message"]


async def test_an_unknown_field_gets_a_validation_error_code(gql: GraphQL) -> None:
    response = await gql("{ actors { edges { node { nickname } } } }")
    assert response.status_code == 200
    assert "data" not in response.json()
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nickname" in error["message"]


async def test_an_oversized_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    query = "{ __typename }" + " " * 200_000
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_a_too_deep_query_is_refused(store: Store, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_depth": 4}), store)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers={"Accept": GRAPHQL_RESPONSE_JSON}
    ) as http:
        within = await http.post("/graphql", json={"query": "{ actors { edges { node { name } } } }"})
        refused = await http.post(
            "/graphql", json={"query": "{ actors { edges { node { basedIn { location { lat } } } } } }"}
        )
    assert within.status_code == 200
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "maximum operation depth of 4" in error["message"]


async def test_an_expensive_query_is_refused_with_its_cost(store: Store, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_cost": 500}), store)
    cheap = "{ actors(first: 10) { edges { node { name kind } } } }"
    costly = "{ actors(first: 100) { edges { node { name kind website basedIn { name } } } } }"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t", headers={"Accept": GRAPHQL_RESPONSE_JSON}
    ) as http:
        allowed = await http.post("/graphql", json={"query": cheap})
        refused = await http.post("/graphql", json={"query": costly})
    assert allowed.status_code == 200
    assert refused.status_code == 400
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > error["extensions"]["maxCost"] == 500


async def test_too_many_aliases_are_refused(gql: GraphQL) -> None:
    aliases = " ".join(f"t{i}: __typename" for i in range(40))
    response = await gql("{ " + aliases + " }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"


async def test_an_unknown_api_key_is_refused_with_401(gql: GraphQL) -> None:
    response = await gql("{ __typename }", token="tec_not-a-real-key")
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_page_larger_than_the_cap_is_refused(gql: GraphQL) -> None:
    response = await gql("{ actors(first: 500) { edges { node { name } } } }")
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "between 0 and 100" in body["errors"][0]["message"]


async def test_metrics_are_exposed_in_prometheus_text_format(client: httpx.AsyncClient, gql: GraphQL) -> None:
    await gql("{ actors(first: 3) { totalCount } }")
    await client.get("/readyz")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'tec_http_requests_total{route="/graphql",status="200"} 1.0' in text
    assert "tec_graphql_db_round_trips_count 1.0" in text
    assert "tec_neo4j_up 1.0" in text


async def test_a_variable_of_the_wrong_value_is_the_callers_error_not_ours(gql: GraphQL) -> None:
    query = "query Q($kinds: [ActorKind!]) { actors(where: {kinds: $kinds}) { totalCount } }"
    response = await gql(query, {"kinds": ["MARCHAND"]})
    assert response.status_code == 200
    assert "data" not in response.json()
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "MARCHAND" in error["message"]
