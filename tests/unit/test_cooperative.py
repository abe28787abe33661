"""A large answer is completed in slices: other tasks get turns while it is built (`schema.cooperative`)."""

from __future__ import annotations

import asyncio
import time

import strawberry

from schema.cooperative import SLICE_SECONDS, CooperativeExecution

ROWS = 4000


@strawberry.type
class Row:
    a: int
    b: str
    c: float
    d: bool


@strawberry.type
class Query:
    @strawberry.field
    def rows(self) -> list[Row]:
        return [Row(a=i, b=str(i), c=i / 2, d=i % 2 == 0) for i in range(ROWS)]


DOCUMENT = "{ rows { a b c d } }"


async def _turns_while_executing(schema: strawberry.Schema) -> tuple[int, float, int]:
    """How many times another task ran while `schema` answered DOCUMENT, the answer's duration, its rows."""
    turns = 0
    done = False

    async def other_request() -> None:
        nonlocal turns
        while not done:
            await asyncio.sleep(0)
            turns += 1

    other = asyncio.create_task(other_request())
    await asyncio.sleep(0)  # the other task is waiting for its turn
    turns = 0
    started = time.perf_counter()
    result = await schema.execute(DOCUMENT)
    elapsed = time.perf_counter() - started
    done = True
    await other
    assert result.errors is None, result.errors
    assert result.data is not None
    return turns, elapsed, len(result.data["rows"])


async def test_a_large_answer_of_plain_values_gives_other_tasks_turns() -> None:
    turns, elapsed, rows = await _turns_while_executing(
        strawberry.Schema(query=Query, execution_context_class=CooperativeExecution)
    )
    assert rows == ROWS
    assert elapsed > 3 * SLICE_SECONDS, "the answer was too small to need slices: make ROWS larger"
    assert turns >= 2, f"no other task ran during {elapsed * 1000:.0f} ms of execution"


async def test_without_it_the_answer_holds_the_event_loop() -> None:
    turns, _, rows = await _turns_while_executing(strawberry.Schema(query=Query))
    assert rows == ROWS
    assert turns <= 1
