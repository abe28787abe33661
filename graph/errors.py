"""The graph layer's exceptions: one root, and the few failures callers handle differently."""

from __future__ import annotations


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


class NotFoundError(GraphError):
    """A record the caller named does not exist."""

    code = "NOT_FOUND"
