"""Execution that gives other requests a turn: a large answer is built in slices, not in one block.

graphql-core completes the fields of a result synchronously as long as their resolvers return plain
values; an answer of tens of thousands of fields (allowed by the cost budget) would then hold the
event loop for hundreds of milliseconds, and `/healthz` or a small query would wait behind it. This
executor counts the fields of the objects a request completes and, once `SLICE_SECONDS` of work have
passed since its last turn, makes the next object's fields awaitable after one pass of the event
loop. It counts per object, not per field (graphql-core's middleware would wrap every field's
resolver, plain values included): the matching question completes ≈ 60 objects for ≈ 210 fields,
and pays one addition per object.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from graphql import GraphQLObjectType
from graphql.pyutils import Path

from schema.execution import PlainValueExecution

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


class CooperativeExecution(PlainValueExecution):
    """strawberry's graphql-core executor (with `schema.execution`'s short path for plain values),
    counting the fields of each object it completes: no hook is called for every field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = 0
        self.looked_at = 0
        self.turn = time.perf_counter()

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        self.fields += len(grouped_field_set)
        if self.fields - self.looked_at < CHECK_EVERY:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        self.looked_at = self.fields
        if time.perf_counter() - self.turn < SLICE_SECONDS:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        return self._after_a_turn(parent_type, source_value, path, grouped_field_set, position_context)

    async def _after_a_turn(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: Any,
        position_context: Any,
    ) -> Any:
        await asyncio.sleep(0)
        self.turn = time.perf_counter()
        value = super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        if inspect.isawaitable(value):
            value = await value
        return value
