"""Strawberry's ASGI view made to follow the GraphQL-over-HTTP spec, and to refuse bad requests cleanly.

What it adds to strawberry's view (rules in `tec.graphql_http`): the response media type negotiated
from Accept, and status codes by media type; request bodies read by our own checks (content types
matched case-insensitively, UTF-8 only, one JSON object — a JSON array, `null`, a string or a number
is a 400 naming what was sent); request errors as GraphQL-shaped JSON without `data` instead of
strawberry's plain text; variables holding lone surrogates refused before execution (they cannot be
encoded for Neo4j); mutations over GET answered 405 with `Allow: POST`.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from schema.context import Context
from tec.app import graphql_http

_CODE_BY_STATUS = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
_BODY_SHAPE = "a JSON object with a `query` string (and optionally `variables`, `operationName`, `extensions`)"
_JSON_KINDS = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string"}


def error_body(message: str, code: str) -> dict[str, Any]:
    """A request error: one error with its code, and no `data` key."""
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


class GraphQLOverHTTP(GraphQL[Context, None]):
    def error_response(self, media: str, message: str, code: str, status: int, **headers: str) -> Response:
        body = json.dumps(error_body(message, code), separators=(",", ":"))  # ASCII: any text encodes
        return Response(body, status_code=status, media_type=media, headers=headers or None)

    def encode_json(self, data: object) -> str:
        """A WebSocket message (or a streamed part) as compact JSON text (`encode_answer`'s, decoded:
        strawberry sends bytes as binary frames, which GraphQL-over-WebSocket clients do not read)."""
        return encode_answer(data).decode()

    def not_acceptable(self) -> Response:
        return self.error_response(
            graphql_http.JSON,
            "The Accept header names no media type this endpoint answers with; accept "
            f"{graphql_http.GRAPHQL_RESPONSE_JSON} or {graphql_http.JSON}.",
            "NOT_ACCEPTABLE",
            406,
        )

    async def serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run one HTTP request through strawberry, answering its request errors as GraphQL JSON."""
        request = Request(scope, receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            status = error.status_code
            headers = {"Allow": "POST"} if status == 405 else {}
            code = _CODE_BY_STATUS.get(status, "BAD_REQUEST")
            response = self.error_response(_media(request), error.reason, code, status, **headers)
        await response(scope, receive, send)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except ValueError as error:  # UnicodeDecodeError is a ValueError too
            raise HTTPException(400, f"The request is not valid UTF-8 JSON; send {_BODY_SHAPE}.") from error
        except RecursionError as error:
            raise HTTPException(400, "The request's JSON nests too deep to be read; send a flatter body.") from error

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method != "POST":
            parsed = await super().parse_http_body(request)
            if isinstance(parsed, list):  # not reachable from query parameters; for the type checker
                raise HTTPException(400, "Send one operation per request.")
            return parsed
        content_type = request.content_type
        if graphql_http.media_type(content_type) != graphql_http.JSON:
            raise HTTPException(415, f"Send the request body as `Content-Type: application/json`: {_BODY_SHAPE}.")
        if graphql_http.charset(content_type) not in (None, "utf-8", "utf8"):
            raise HTTPException(415, "The request body must be encoded in UTF-8 (`charset=utf-8`).")
        body = await request.get_body()
        if not body.strip():
            raise HTTPException(400, f"The request body is empty; send {_BODY_SHAPE}.")
        data = self.parse_json(body)
        if isinstance(data, list):
            raise HTTPException(
                400,
                f"Batched requests (a JSON array) are not supported; send one operation per request, as {_BODY_SHAPE}.",
            )
        if not isinstance(data, dict):
            raise HTTPException(
                400, f"The request body is {_JSON_KINDS.get(type(data), 'not an object')}; send {_BODY_SHAPE}."
            )
        query, variables = data.get("query"), data.get("variables")
        operation_name, extensions = data.get("operationName"), data.get("extensions")
        for name, value, expected, wanted in (
            ("query", query, str, "a string"),
            ("operationName", operation_name, str, "a string"),
            ("variables", variables, dict, "an object"),
            ("extensions", extensions, dict, "an object"),
        ):
            if value is not None and not isinstance(value, expected):
                raise HTTPException(400, f"`{name}` must be {wanted} (or null), not {_kind(value)}.")
        if query is None:
            raise HTTPException(400, f"The request has no `query`; send {_BODY_SHAPE}.")
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=operation_name, extensions=extensions
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        where = graphql_http.lone_surrogate(request_data.variables or {}, "$")
        if where is not None:
            sub_response.status_code = 400
            name = where[2:] if where.startswith("$.") else where
            message = (
                f"Variable `${name}` holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff escape), which "
                "is not a character and cannot be stored or searched; send valid Unicode text."
            )
            return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})])
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError) and request_adapter.method == "GET":
                raise HTTPException(405, "Mutations are sent with POST, not GET.") from error
            raise

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub_response = await super().get_sub_response(request)
        request.state.graphql_sub_response = sub_response
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        body = await super().process_result(request, result)
        media = _media(request)
        request_error = graphql_http.is_request_error(dict(body))
        if request_error:
            body = {key: value for key, value in body.items() if key != "data"}  # type: ignore[assignment]
        sub_response: Response | None = getattr(request.state, "graphql_sub_response", None)
        if sub_response is not None:
            implied = int(sub_response.status_code or 200)
            sub_response.status_code = graphql_http.response_status(media, request_error, implied)
            sub_response.media_type = media
        return body

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """strawberry's `create_response`, with the body encoded by `encode_answer` (bytes, as sent)."""
        response = Response(encode_answer(response_data), status_code=200, media_type=graphql_http.JSON)
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if sub_response.status_code:
            response.status_code = sub_response.status_code
        response.headers["content-type"] = sub_response.media_type or graphql_http.JSON
        return response


def encode_answer(data: object) -> bytes:
    """An answer as compact UTF-8 JSON, by orjson (≈ 14× faster than `json.dumps` on a matching answer:
    6 µs instead of 82), non-ASCII characters as themselves. What orjson refuses — a lone surrogate in a
    string (an error message quoting the request), an integer beyond 64 bits — is written by `json.dumps`
    as strawberry wrote it."""
    try:
        return orjson.dumps(data)
    except (orjson.JSONEncodeError, TypeError):
        return json.dumps(data, separators=(",", ":")).encode()


def _media(request: Request) -> str:
    return str(request.scope.get("state", {}).get("graphql_media_type", graphql_http.JSON))


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return _JSON_KINDS.get(type(value), "something else")
