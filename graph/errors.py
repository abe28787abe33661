"""The graph layer's exceptions: one root, and the few failures callers handle differently."""

from __future__ import annotations

from typing import Any, Literal


class GraphError(Exception):
    """Root of every error raised by the graph layer."""

    code = "GRAPH_ERROR"


class StoreUnavailable(GraphError):
    """Neo4j cannot be reached (down, restarting, network)."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, detail: str = "") -> None:
        message = "The graph database is unavailable right now; retry in a few seconds."
        if detail:
            message = f"{message} ({detail})"
        super().__init__(message)


class QueryTimeout(GraphError):
    """A transaction ran past the server-side timeout."""

    code = "QUERY_TIMEOUT"

    def __init__(self) -> None:
        super().__init__(
            "The query took longer than the database's time limit; narrow it (smaller page, "
            "smaller radius or depth) and retry."
        )


class ConstraintConflict(GraphError):
    """A write would break a uniqueness constraint."""

    code = "CONFLICT"


class FieldRefused(GraphError):
    """A write refused because of one input field (named in `field`); nothing was written."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class NotFoundError(GraphError):
    """A record the caller named does not exist."""

    code = "NOT_FOUND"


ListProblem = Literal[
    "UNKNOWN_SORT",  # details: sort, allowed
    "SORT_NEEDS_SEARCH",  # details: sort
    "SORT_NEEDS_CENTRE",  # details: sort
    "NO_AREA_FILTER",
    "NO_DISTANCE_FILTER",
    "RADIUS_OUT_OF_RANGE",  # details: radius_km, max_km
    "POINT_OUT_OF_RANGE",
    "CENTRE_MISSING",
    "SEARCH_WITHOUT_WORDS",
    "AREA_NOT_FOUND",  # details: code
    "CENTRE_NOT_FOUND",  # details: code
]


class ListRefused(GraphError):
    """A list was asked for with arguments that cannot work together, or names a territory that does not exist.

    `problem` is stable and `details` holds the values it names, so that each caller (the GraphQL API, the
    exports) words it in its own vocabulary; the message is the store's own wording.
    """

    code = "LIST_REFUSED"

    def __init__(self, problem: ListProblem, message: str, **details: Any) -> None:
        super().__init__(message)
        self.problem: ListProblem = problem
        self.details = details
