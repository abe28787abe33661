"""The events outbox: an event exists exactly when the write that announced it committed, and `seq` follows
commit order with no gap or repeat, even with many writers at once."""

from __future__ import annotations

import asyncio

import pytest
from neo4j import AsyncManagedTransaction

from graph import outbox
from graph.outbox import NewEvent, UnknownEventKind
from graph.store import Store, run_in_tx


class _Refused(Exception):
    pass


async def test_a_rolled_back_write_announces_nothing_and_a_committed_one_its_events(store: Store) -> None:
    async def failing(tx: AsyncManagedTransaction) -> None:
        await run_in_tx(tx, "CREATE (:Actor {id: 'a-1', name: 'Ville de Rennes'})", {})
        await outbox.append(tx, [NewEvent("NEED_POSTED", (("Need", "need-1"),), ("a-1",), {"title": "Concertation"})])
        raise _Refused

    with pytest.raises(_Refused):
        await store.transaction("tests.failing", failing)
    assert await outbox.events_after(store, 0) == []
    assert await outbox.last_seq(store) == 0

    async def succeeding(tx: AsyncManagedTransaction) -> list[dict[str, object]]:
        await run_in_tx(tx, "CREATE (:Actor {id: 'a-1', name: 'Ville de Rennes'})", {})
        return await outbox.append(
            tx,
            [
                NewEvent(
                    "NEED_POSTED",
                    (("Need", "need-1"), ("Actor", "a-1")),
                    ("a-2", "a-1", "a-2"),
                    {"title": "Concertation"},
                ),
                NewEvent("ALERT", (("Need", "need-1"),), ("a-2",)),
            ],
        )

    appended = await store.transaction("tests.succeeding", succeeding)
    events = await outbox.events_after(store, 0)
    assert [(e.id, e.seq) for e in events] == [(row["id"], row["seq"]) for row in appended]
    assert [(e.seq, e.kind, e.records, e.actors, e.payload) for e in events] == [
        (1, "NEED_POSTED", ("Need:need-1", "Actor:a-1"), ("a-1", "a-2"), {"title": "Concertation"}),
        (2, "ALERT", ("Need:need-1",), ("a-2",), {}),
    ]
    assert events[0].at.startswith("20")
    assert [e.seq for e in await outbox.events_after(store, 0, kinds=["ALERT"])] == [2]
    assert [e.seq for e in await outbox.events_after(store, 0, actor="a-1")] == [1]
    assert await outbox.events_after(store, 2) == []


async def test_concurrent_writers_get_every_number_once_in_commit_order(store: Store) -> None:
    async def announce(n: int) -> None:
        async def work(tx: AsyncManagedTransaction) -> None:
            await outbox.append(tx, [NewEvent("CONFLICT_CREATED", (("Conflict", f"c-{n}"),)) for _ in range(1 + n % 3)])

        await store.transaction("tests.announce", work)

    await asyncio.gather(*(announce(n) for n in range(24)))
    events = await outbox.events_after(store, 0, limit=1000)
    expected = sum(1 + n % 3 for n in range(24))
    assert [e.seq for e in events] == list(range(1, expected + 1))
    assert len({e.id for e in events}) == expected
    assert await outbox.last_seq(store) == expected


def test_an_unknown_kind_is_refused_before_anything_is_written() -> None:
    with pytest.raises(UnknownEventKind, match="NEED_POSTED"):
        NewEvent("NEED_ERASED", (("Need", "x"),))
