"""The GraphQL-over-HTTP rules (https://graphql.github.io/graphql-over-http/draft/) the view follows.

Media types: `application/graphql-response+json` is preferred; `application/json` is answered when
the client asks for it, for `*/*`, or sends no Accept header. Media types and their parameters
are matched case-insensitively. Status codes follow the media type: with `application/json`, every
well-formed request is answered 200 whatever its GraphQL errors (a 5xx stays: the service is
unavailable or out of time); with `application/graphql-response+json`, a request error (one that
stops the operation before it runs: parse, validation, variables, limits) is a 4xx and a result
with `data` is 2xx. A request error never carries a `data` key, in either media type.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
SUPPORTED = (GRAPHQL_RESPONSE_JSON, JSON)  # in order of preference on a tie

_SURROGATE = re.compile("[\ud800-\udfff]")


def media_type(content_type: str | None) -> str:
    """`APPLICATION/JSON; charset=utf-8` → `application/json` (no parameters, lower case)."""
    return (content_type or "").split(";", 1)[0].strip().lower()


def charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a content type, lower case, or None."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None when it accepts neither of ours."""
    if accept is None or not accept.strip():
        return JSON
    best: tuple[float, int, str] | None = None
    for item in accept.split(","):
        name, *parameters = (part.strip() for part in item.split(";"))
        name = name.lower()
        quality = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        if name in SUPPORTED:
            choice = name
        elif name in ("*/*", "application/*"):
            choice = JSON  # a client that did not name ours gets the long-standing one
        else:
            continue
        preference = len(SUPPORTED) - SUPPORTED.index(choice)
        if best is None or (quality, preference) > best[:2]:
            best = (quality, preference, choice)
    return best[2] if best else None


def lone_surrogate(value: Any, path: str) -> str | None:
    """The path of the first string in `value` holding a lone UTF-16 surrogate (which cannot be
    encoded in UTF-8, so can neither be stored nor searched), or None. Iterative: JSON may nest deep."""
    pending: list[tuple[Any, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return where
        elif isinstance(item, Mapping):
            for key, child in reversed(list(item.items())):
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{where} (a key)"
                pending.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{index}]") for index, child in reversed(list(enumerate(item))))
    return None


def is_request_error(body: Mapping[str, Any]) -> bool:
    """Errors raised before execution started: no data, and no error belongs to a field's path."""
    errors = body.get("errors") or []
    return body.get("data") is None and bool(errors) and all(not error.get("path") for error in errors)


def response_status(media: str, request_error: bool, implied: int) -> int:
    """The HTTP status for a GraphQL result, given the status its error codes imply."""
    if implied >= 500:
        return implied
    if media == JSON or not request_error:
        return 200
    return implied if implied >= 400 else 400
