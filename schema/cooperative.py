"""Execution that gives other requests a turn: a large answer is built in slices, not in one block.

graphql-core completes the fields of a result synchronously as long as their resolvers return plain
values; an answer of tens of thousands of fields (allowed by the cost budget) would then hold the
event loop for hundreds of milliseconds, and `/healthz` or a small query would wait behind it. This
extension counts the fields a request resolves and, once `SLICE_SECONDS` of work have passed since
its last turn, makes the next field's value awaitable after one pass of the event loop. Small
requests (the matching question resolves ≈ 230 fields) never pay more than the count.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from graphql import GraphQLResolveInfo
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

SLICE_SECONDS = 0.005  # the longest stretch of field resolution between two turns of the event loop
CHECK_EVERY = 64  # fields resolved between two looks at the clock
BUILT_PER_LOOK = 16  # objects built by `built_in_turns` between two looks at the clock

T = TypeVar("T")
U = TypeVar("U")


async def built_in_turns(items: Iterable[T], build: Callable[[T], U]) -> list[U]:
    """`[build(item) for item in items]`, giving other requests a turn every `SLICE_SECONDS`: for a
    resolver that turns hundreds of records into GraphQL objects before execution sees any of them."""
    built: list[U] = []
    turn = time.perf_counter()
    for item in items:
        built.append(build(item))
        if len(built) % BUILT_PER_LOOK == 0 and time.perf_counter() - turn > SLICE_SECONDS:
            await asyncio.sleep(0)
            turn = time.perf_counter()
    return built


class CooperativeExecution(SchemaExtension):
    def __init__(self, *, execution_context: ExecutionContext | None = None) -> None:
        if execution_context is not None:
            self.execution_context = execution_context
        self.fields = 0
        self.turn = time.perf_counter()

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
    ) -> Any:
        self.fields += 1
        if self.fields % CHECK_EVERY:
            return _next(root, info, *args, **kwargs)
        now = time.perf_counter()
        if now - self.turn < SLICE_SECONDS:
            return _next(root, info, *args, **kwargs)
        return self._after_a_turn(_next, root, info, args, kwargs)

    async def _after_a_turn(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], args: Any, kwargs: Any
    ) -> Any:
        await asyncio.sleep(0)
        self.turn = time.perf_counter()
        value = _next(root, info, *args, **kwargs)
        if inspect.isawaitable(value):
            value = await value
        return value
