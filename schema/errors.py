"""Errors as part of the API: typed mutation results, and stable codes on GraphQL errors.

Expected failures of a mutation are union members (`ValidationFailed`, `NotFound`, `Forbidden`).
Everything else becomes a GraphQL error whose `extensions.code` is stable; unexpected exceptions
are logged with the request id and masked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError
from pydantic import ValidationError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError

from graph.errors import GraphError, ListRefused, StoreUnavailable

log = logging.getLogger(__name__)

# The most field errors a ValidationFailed lists (a documented cap of the cost model).
MAX_FIELD_ERRORS = 100


@strawberry.type(description="One input field and what is wrong with it.")
class FieldError:
    field: str = strawberry.field(description="Path of the input field, e.g. `name` or `contact.email`.")
    message: str


@strawberry.type(description="The input was refused; nothing was written.")
class ValidationFailed:
    message: str
    errors: list[FieldError]

    @classmethod
    def from_pydantic(cls, error: ValidationError) -> ValidationFailed:
        fields = []
        for item in error.errors():
            path = ".".join(str(part) for part in item["loc"]) or "input"
            message = str(item["msg"]).removeprefix("Value error, ")
            fields.append(FieldError(field=path, message=message))
        message = f"{len(fields)} input field(s) are invalid; nothing was written."
        return cls(message=message, errors=fields[:MAX_FIELD_ERRORS])

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls(
            message="An input field is invalid; nothing was written.",
            errors=[FieldError(field=field, message=message)],
        )


@strawberry.type(description="A record named in the input does not exist; nothing was written.")
class NotFound:
    message: str
    id: str | None = None


@strawberry.type(description="The caller's role does not allow this; nothing was written.")
class Forbidden:
    message: str


class ApiError(GraphQLError):
    """A GraphQL error with a stable `extensions.code` (and the HTTP status it implies)."""

    def __init__(self, message: str, code: str, status: int = 200, **extra: Any) -> None:
        super().__init__(message, extensions={"code": code, **extra})
        self.status = status


def forbidden_field(what: str) -> ApiError:
    return ApiError(
        f"{what} is visible only to callers with the reader, editor or admin role; send an API key "
        "in the Authorization header (Bearer …).",
        "FORBIDDEN",
    )


def parties_only_field(what: str) -> ApiError:
    return ApiError(
        f"{what} is visible only to the sponsorship's parties (an editor key that may act for the sponsor "
        "or the beneficiary) and to admins; send such an API key in the Authorization header (Bearer …).",
        "FORBIDDEN",
    )


def bad_input(message: str) -> ApiError:
    return ApiError(message, "BAD_USER_INPUT")


_STATUS_BY_CODE = {
    "SERVICE_UNAVAILABLE": 503,
    "GRAPHQL_PARSE_FAILED": 400,
    "GRAPHQL_VALIDATION_FAILED": 400,
    "QUERY_TOO_COMPLEX": 400,
    "QUERY_TOO_DEEP": 400,
    "TOO_MANY_ALIASES": 400,
    "QUERY_TIMEOUT": 504,
    "BAD_USER_INPUT": 400,
    "INVALID_ID": 400,
    "IDEMPOTENCY_KEY_REUSED": 422,
}


class ErrorCodes(SchemaExtension):
    """Give every error a stable code, mask unexpected ones, and pick the HTTP status."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not result or not errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        parse_failed = self.execution_context.graphql_document is None
        mapped = [self._map(error, request_id, parse_failed) for error in errors]
        result.errors = mapped
        for error in mapped:
            _log_expected(error, request_id)
        statuses = [_STATUS_BY_CODE.get(str((error.extensions or {}).get("code")), 200) for error in mapped]
        response = getattr(context, "response", None)
        if response is None:
            return
        if 503 in statuses:
            response.status_code = 503
        elif result.data is None and max(statuses) > 200:
            response.status_code = max(statuses)

    @staticmethod
    def _map(error: GraphQLError, request_id: str, parse_failed: bool) -> GraphQLError:
        original = error.original_error
        if isinstance(error, ApiError) or (error.extensions or {}).get("code"):
            return error
        if isinstance(original, ApiError):
            return _with(error, original.message, dict(original.extensions or {}))
        if isinstance(original, ListRefused):
            return _with(error, list_refusal(original), {"code": "BAD_USER_INPUT"})
        if isinstance(original, GraphError):
            return _with(error, str(original), {"code": original.code})
        if isinstance(original, GlobalIDValueError):
            # an id argument that is not a global id: strawberry decodes it before our resolver runs
            return _with(
                error,
                "An id argument is not an id this API gave out: ids are the opaque strings of `id` fields "
                "(base64 of `Type:key`); copy one from a result.",
                {"code": "INVALID_ID"},
            )
        if isinstance(original, ValidationError):
            return _with(error, f"Invalid input: {original.errors()[0]['msg']}", {"code": "BAD_USER_INPUT"})
        if original is not None and not error.path:
            # raised before execution (e.g. a variable of the wrong type): the request itself is wrong
            return _with(error, error.message, {"code": "BAD_USER_INPUT"})
        if original is None:
            code = "GRAPHQL_PARSE_FAILED" if parse_failed else "GRAPHQL_VALIDATION_FAILED"
            lowered = error.message.lower()
            if "maximum operation depth" in lowered:
                code = "QUERY_TOO_DEEP"
            elif "aliases found" in lowered:
                code = "TOO_MANY_ALIASES"
            elif "token limit" in lowered or "tokens" in lowered:
                code = "QUERY_TOO_COMPLEX"
            return _with(error, error.message, {"code": code})
        log.error(
            "unexpected error in request %s at %s: %s",
            request_id,
            ".".join(str(p) for p in error.path or []),
            type(original).__name__,
            exc_info=original,
        )
        return _with(
            error,
            f"Internal error; it has been logged with request id {request_id}. Retry, or report that id.",
            {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )


# Codes whose messages describe the query text (names; at most an inline literal of the wrong type),
# never the values of its variables.
_QUERY_CODES = frozenset(
    {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX", "QUERY_TOO_DEEP", "TOO_MANY_ALIASES"}
)


def _log_expected(error: GraphQLError, request_id: str) -> None:
    """One INFO line per client error, without a traceback (unexpected ones were logged at ERROR by _map)."""
    code = str((error.extensions or {}).get("code"))
    if code == "INTERNAL_SERVER_ERROR":
        return
    where = ".".join(str(p) for p in error.path or []) or "-"
    level = logging.WARNING if code == "SERVICE_UNAVAILABLE" else logging.INFO
    detail = f": {error.message[:300]}" if code in _QUERY_CODES else ""
    log.log(level, "request %s: %s at %s%s", request_id, code, where, detail)


def _with(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def list_refusal(error: ListRefused) -> str:
    """A list request the store refused, in the words of the list fields' arguments."""
    details = error.details
    match error.problem:
        case "UNKNOWN_SORT":
            return f"orderBy {details['sort']} is not available here; use one of {', '.join(details['allowed'])}."
        case "SORT_NEEDS_SEARCH":
            return f"orderBy {details['sort']} needs a `search` text."
        case "SORT_NEEDS_CENTRE":
            return f"orderBy {details['sort']} needs a `near` filter."
        case "NO_AREA_FILTER":
            return "This list cannot be filtered by territory."
        case "NO_DISTANCE_FILTER":
            return "This list cannot be filtered by distance."
        case "RADIUS_OUT_OF_RANGE":
            return f"`radiusKm` must be more than 0 and at most {details['max_km']:g}."
        case "POINT_OUT_OF_RANGE":
            return "`lat` must be within ±90 and `lon` within ±180."
        case "CENTRE_MISSING":
            return "`near` needs either a `territory` or both `lat` and `lon`."
        case "SEARCH_WITHOUT_WORDS":
            return "`search` needs at least one letter or digit."
        case "AREA_NOT_FOUND":
            return f"No territory has the code {details['code']!r} (an INSEE code, an EPCI SIREN or an id)."
        case "CENTRE_NOT_FOUND":
            return f"No territory has the code {details['code']!r}; `near` cannot be placed."


def is_unavailable(error: BaseException) -> bool:
    return isinstance(error, StoreUnavailable)
