"""GraphQL over HTTP: media types, status codes, and a clean 4xx or typed error for every bad input."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from graph.search import MAX_SEARCH_LENGTH, MAX_WORD_LENGTH
from graph.store import Store
from tec.app.graphql_http import GRAPHQL_RESPONSE_JSON, JSON, lone_surrogate, negotiate, response_status
from tests.domain import make_actor

BODY_SHAPE = "JSON object with a `query`"


async def post(
    client: httpx.AsyncClient, body: str, content_type: str = "application/json", accept: str | None = None
) -> httpx.Response:
    headers = {"content-type": content_type}
    if accept is not None:
        headers["accept"] = accept
    return await client.post("/graphql", content=body.encode("utf-8"), headers=headers)


def ask(query: str, variables: dict[str, Any] | None = None) -> str:
    """A request body as JSON text, lone surrogates written as `\\ud800` escapes (as JavaScript would)."""
    return json.dumps({"query": query, "variables": variables})


def only_error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert len(body["errors"]) == 1, body
    error: dict[str, Any] = body["errors"][0]
    return error


# --- the rules, without a server ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/json", JSON),
        ("APPLICATION/JSON; charset=UTF-8", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE_JSON),
        ("application/graphql-response+json;q=0.5, application/json", JSON),
        ("application/json;q=0.9, APPLICATION/GRAPHQL-RESPONSE+JSON", GRAPHQL_RESPONSE_JSON),
        ("text/html, */*;q=0.1", JSON),
        ("application/graphql-response+json;q=0, application/json;q=0.2", JSON),
        ("text/html", None),
        ("application/xml, application/json;q=0", None),
    ],
)
def test_accept_negotiation_prefers_graphql_response_json(accept: str | None, expected: str | None) -> None:
    assert negotiate(accept) == expected


def test_status_codes_follow_the_media_type() -> None:
    # a request error: 200 with application/json, 4xx with application/graphql-response+json
    assert response_status(JSON, request_error=True, implied=400) == 200
    assert response_status(GRAPHQL_RESPONSE_JSON, request_error=True, implied=400) == 400
    assert response_status(GRAPHQL_RESPONSE_JSON, request_error=True, implied=200) == 400
    # a result with `data` (even null) is 2xx; the service being down or out of time stays a 5xx
    assert response_status(GRAPHQL_RESPONSE_JSON, request_error=False, implied=400) == 200
    assert response_status(JSON, request_error=False, implied=504) == 504
    assert response_status(GRAPHQL_RESPONSE_JSON, request_error=True, implied=503) == 503


def test_lone_surrogates_are_found_at_any_depth_and_pairs_are_not() -> None:
    assert lone_surrogate({"a": ["ok", {"b": "\U0001f30a"}]}, "$") is None
    assert lone_surrogate({"a": ["ok", {"b": "x\udc00"}]}, "$") == "$.a[1].b"
    assert lone_surrogate({"\ud800": 1}, "$") == "$ (a key)"
    deep: dict[str, Any] = {"leaf": "\ud83d"}
    for _ in range(5000):
        deep = {"n": deep}
    found = lone_surrogate(deep, "$")
    assert found is not None
    assert found.endswith(".n.leaf")


# --- bodies that are not one JSON object ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("null", "is null"),
        ('"s"', "is a string"),
        ("123", "is a number"),
        ("true", "is a boolean"),
        ('"[]"', "is a string"),
        ("[]", "Batched requests (a JSON array) are not supported"),
        ('[{"query": "{ __typename }"}]', "Batched requests (a JSON array) are not supported"),
        ('{ "not a JSON', "not valid UTF-8 JSON"),
        ("", "is empty"),
        ('{"variables": {}}', "has no `query`"),
        ('{"query": 1}', "`query` must be a string"),
        ('{"query": "{ __typename }", "variables": "x"}', "`variables` must be an object"),
        ('{"query": "{ __typename }", "operationName": ["Q"]}', "`operationName` must be a string"),
        ('{"query": "{ __typename }", "extensions": 0}', "`extensions` must be an object"),
        ("[" * 40_000 + "]" * 40_000, "nests too deep"),
        ('{"a":' * 15_000 + "1" + "}" * 15_000, "nests too deep"),
    ],
)
async def test_a_body_that_is_not_one_json_object_is_a_400_saying_what_was_sent(
    client: httpx.AsyncClient, body: str, said: str
) -> None:
    for accept in (None, GRAPHQL_RESPONSE_JSON):
        response = await post(client, body, accept=accept)
        assert response.status_code == 400, response.text
        assert "data" not in response.json()
        error = only_error(response)
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert said in error["message"]
        assert response.headers["content-type"].startswith(accept or JSON)


async def test_a_body_that_is_not_utf8_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }", "x": "\xe9"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert only_error(response)["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize("content_type", ["text/plain;charset=UTF-8", "application/x-www-form-urlencoded", ""])
async def test_a_post_that_is_not_json_is_a_415(client: httpx.AsyncClient, content_type: str) -> None:
    response = await post(client, ask("{ __typename }"), content_type=content_type)
    assert response.status_code == 415
    error = only_error(response)
    assert error["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "Content-Type: application/json" in error["message"]


async def test_a_body_in_another_charset_is_a_415(client: httpx.AsyncClient) -> None:
    response = await post(client, ask("{ __typename }"), content_type="application/json; charset=latin-1")
    assert response.status_code == 415
    assert "UTF-8" in only_error(response)["message"]


# --- media types ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type", ["APPLICATION/JSON", "Application/Json; Charset=UTF-8", "application/json;charset=utf-8"]
)
async def test_media_types_are_matched_whatever_their_case(client: httpx.AsyncClient, content_type: str) -> None:
    response = await post(client, ask("{ __typename }"), content_type=content_type, accept="APPLICATION/JSON")
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["content-type"] == JSON


async def test_the_response_is_in_the_media_type_the_client_prefers(client: httpx.AsyncClient) -> None:
    for accept, expected in [
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{JSON}, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.1, {JSON}", JSON),
        ("*/*", JSON),
        (None, JSON),
    ]:
        response = await post(client, ask("{ __typename }"), accept=accept)
        assert response.status_code == 200
        assert response.headers["content-type"] == expected, accept
        assert response.json() == {"data": {"__typename": "Query"}}


async def test_an_accept_header_naming_none_of_ours_is_a_406(client: httpx.AsyncClient) -> None:
    response = await post(client, ask("{ __typename }"), accept="application/xml")
    assert response.status_code == 406
    error = only_error(response)
    assert error["extensions"]["code"] == "NOT_ACCEPTABLE"
    assert GRAPHQL_RESPONSE_JSON in error["message"]


async def test_request_errors_have_no_data_and_a_status_by_media_type(client: httpx.AsyncClient) -> None:
    cases = [
        ("{ actors { ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nickname }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query Q($k: [ActorKind!]) { actors(where: {kinds: $k}) { totalCount } }", {"k": ["X"]}, "BAD_USER_INPUT"),
    ]
    for query, variables, code in cases:
        legacy = await post(client, ask(query, variables), accept=JSON)
        modern = await post(client, ask(query, variables), accept=GRAPHQL_RESPONSE_JSON)
        assert (legacy.status_code, modern.status_code) == (200, 400), query
        for response in (legacy, modern):
            assert "data" not in response.json()
            assert only_error(response)["extensions"]["code"] == code


async def test_a_field_error_keeps_its_data_and_is_a_200_in_both_media_types(client: httpx.AsyncClient) -> None:
    query = "{ actors(first: 500) { totalCount } }"
    for accept in (JSON, GRAPHQL_RESPONSE_JSON):
        response = await post(client, ask(query), accept=accept)
        assert response.status_code == 200
        body = response.json()
        assert "data" in body
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_queries_work_over_get_and_mutations_are_refused_with_405(client: httpx.AsyncClient) -> None:
    query = await client.get(
        "/graphql",
        params={"query": "query T($n: String!) { __type(name: $n) { name } }", "variables": '{"n": "Actor"}'},
    )
    assert query.status_code == 200
    assert query.json() == {"data": {"__type": {"name": "Actor"}}}
    mutation = await client.get(
        "/graphql", params={"query": "mutation { __typename }"}, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "POST"
    assert only_error(mutation)["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in only_error(mutation)["message"]


async def test_the_response_cache_answers_in_the_negotiated_media_type(client: httpx.AsyncClient, store: Store) -> None:
    await make_actor(store, "Association des Landes")
    query = ask("{ actors(first: 5) { edges { node { name } } } }")
    answers = [await post(client, query, accept=accept) for accept in (JSON, JSON, GRAPHQL_RESPONSE_JSON, JSON)]
    assert [a.headers["x-cache"] for a in answers] == ["miss", "miss", "hit", "hit"]
    assert [a.headers["content-type"] for a in answers] == [JSON, JSON, GRAPHQL_RESPONSE_JSON, JSON]
    assert len({a.text for a in answers}) == 1
    upper = await post(client, query, content_type="APPLICATION/JSON; CHARSET=UTF-8", accept=JSON)
    assert upper.headers["x-cache"] == "hit"


# --- bad values inside a well-formed request ----------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    [
        "abc",
        "!!!",
        "",
        "QWN0b3I=",  # base64 of "Actor" without the colon
        base64.b64encode(b"\xff\xfe:x").decode(),  # not UTF-8 inside
        "a" * 5000,
    ],
)
async def test_a_malformed_id_is_an_invalid_id_error_for_node_neighbourhood_and_cooperation_path(
    client: httpx.AsyncClient, bad_id: str
) -> None:
    queries = [
        "query Q($id: ID!) { node(id: $id) { id } }",
        "query Q($id: ID!) { neighbourhood(id: $id) { __typename } }",
        "query Q($id: ID!) { cooperationPath(from: $id, to: $id) { __typename } }",
    ]
    for query in queries:
        response = await post(client, ask(query, {"id": bad_id}))
        assert response.status_code == 200
        error = only_error(response)
        assert error["extensions"]["code"] == "INVALID_ID", (query, error)
        assert "copy one from a result" in error["message"]
    literal = await post(client, ask('{ node(id: "abc") { id } }'))
    assert only_error(literal)["extensions"]["code"] == "INVALID_ID"


async def test_a_lone_surrogate_in_a_variable_is_refused_naming_the_variable(client: httpx.AsyncClient) -> None:
    query = "query Q($where: ActorWhere, $s: String) { actors(where: $where, search: $s) { totalCount } }"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"s": "m\ud800diation"}, "`$s`"),
        ({"where": {"territory": "44\udfff"}}, "`$where.territory`"),
        ({"where": {"kinds": ["ASSOCIATION"]}, "s": ["ok", "\ud83d"]}, "`$s[1]`"),
    ]
    for variables, named in cases:
        for accept, status in ((JSON, 200), (GRAPHQL_RESPONSE_JSON, 400)):
            response = await post(client, ask(query, variables), accept=accept)
            assert response.status_code == status
            assert "data" not in response.json()
            error = only_error(response)
            assert error["extensions"]["code"] == "BAD_USER_INPUT"
            assert named in error["message"]
            assert "surrogate" in error["message"]
    paired = await post(client, ask(query, {"s": "\ud83c\udf0a littoral"}))  # an emoji: a valid pair
    assert paired.status_code == 200
    assert paired.json() == {"data": {"actors": {"totalCount": 0}}}


async def test_a_lone_surrogate_in_a_literal_is_a_parse_error(client: httpx.AsyncClient) -> None:
    for literal in ('"m\\ud800diation"', '"m\ud800diation"'):
        response = await post(client, ask("{ actors(search: " + literal + ") { totalCount } }"))
        assert response.status_code == 200
        error = only_error(response)
        assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
        assert "U+D800" in error["message"] or "\\ud800" in error["message"]


async def test_a_lone_surrogate_over_get_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={"query": "query Q($s: String) { actors(search: $s) { totalCount } }", "variables": '{"s": "\\ud800"}'},
    )
    assert response.status_code == 200
    assert only_error(response)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_over_long_search_word_is_refused_naming_the_limit(client: httpx.AsyncClient, store: Store) -> None:
    await make_actor(store, "Association des Landes")
    for field in ("actors", "conflicts", "resources", "projects", "commonsCalls"):
        query = f"query Q($s: String) {{ {field}(search: $s) {{ totalCount }} }}"
        for search, limit in (
            ("x" * 1500, f"at most {MAX_SEARCH_LENGTH}"),
            ("landes " + "x" * 101, f"up to {MAX_WORD_LENGTH}"),
        ):
            response = await post(client, ask(query, {"s": search}))
            assert response.status_code == 200
            error = only_error(response)
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (field, error)
            assert limit in error["message"]
    query = "query Q($s: String) { actors(search: $s) { totalCount } }"
    longest_allowed = await post(client, ask(query, {"s": "landes " + "x" * MAX_WORD_LENGTH}))
    assert longest_allowed.json() == {"data": {"actors": {"totalCount": 0}}}
    found = await post(client, ask(query, {"s": "landes"}))
    assert found.json() == {"data": {"actors": {"totalCount": 1}}}
