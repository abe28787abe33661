"""The deadline of the request a database call is made for: no transaction may outlive it.

The web layer opens `request_deadline(seconds)` around a request; `Store` gives each transaction a
timeout no larger than the time left, so Neo4j stops work that nobody will wait for.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from graph.errors import QueryTimeout

_deadline: ContextVar[float | None] = ContextVar("request_deadline", default=None)

# A transaction gets at least this long (a driver timeout of 0 would mean "no timeout").
SHORTEST_TIMEOUT = 0.05


@contextmanager
def request_deadline(seconds: float) -> Iterator[None]:
    """Every database call made inside (in this task and the tasks it starts) ends within `seconds`."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def bounded_timeout(timeout: float | None) -> float | None:
    """`timeout` (seconds, None for the server's) lowered to the time left before the request's deadline.
    Raises QueryTimeout when the deadline has passed."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise QueryTimeout()
    left = max(left, SHORTEST_TIMEOUT)
    return left if timeout is None else min(timeout, left)
