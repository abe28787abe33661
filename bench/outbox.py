"""The outbox's write cost (issue 18): postNeed and proposeSponsorship throughput with their events, and the
same writes with `outbox.append` made a no-op.

`createActor` writes no event (actors are not among the announced kinds), so its throughput is unchanged by
the outbox; the writes that do announce are measured instead. Each mode runs in alternating blocks (so a
slow minute of the machine weighs on both), one writer at a time and then `CONCURRENCY` writers at once —
the second shows the cost of the one sequence counter, whose lock serialises the writers that announce.
The benchmark's actors carry `source: 'bench-outbox'` and are deleted afterwards with their needs and
sponsorships (their events stay: the outbox is append-only).

Run alone against a running Neo4j: `python -m bench.outbox bolt://127.0.0.1:7687 [writes]`.
"""

from __future__ import annotations

import asyncio
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from bench.runner import connect
from graph import benchmarks, needs, outbox, sponsorships
from graph.editing import Editor
from graph.migrations import migrate
from graph.store import Store

SOURCE = "bench-outbox"
CONCURRENCY = 8
ROUNDS = 8
EDITOR = Editor(by="bench:outbox", admin=True)
TEXT = "Besoin de banc d'essai : une réserve de substitution à concerter avec les irrigants."


async def _no_append(tx: Any, events: Any) -> list[dict[str, Any]]:
    return []


async def _actors(store: Store, count: int, kind: str) -> list[str]:
    ids = [str(uuid.uuid4()) for _ in range(count)]
    await benchmarks.create_bench_actors(store, ids, kind=kind, source=SOURCE, commune="79191")
    return ids


async def _cleanup(store: Store) -> None:
    await benchmarks.delete_bench_actors(store, SOURCE)


async def _rate(calls: list[Callable[[], Awaitable[Any]]], concurrency: int) -> float:
    """Writes per second of `calls`, run by `concurrency` workers."""
    queue = list(calls)
    started = time.perf_counter()

    async def worker() -> None:
        while queue:
            await queue.pop()()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(calls) / (time.perf_counter() - started)


async def _measure(
    make: Callable[[int], Callable[[], Awaitable[Any]]], writes: int, concurrency: int
) -> dict[str, float]:
    """Alternating blocks with and without the outbox; the median block rate of each, and the outbox's share."""
    rates: dict[str, list[float]] = {"with": [], "without": []}
    real = outbox.append
    block = writes // ROUNDS
    index = 0
    for round_number in range(ROUNDS):
        for mode in ("with", "without") if round_number % 2 == 0 else ("without", "with"):
            calls = [make(index + i) for i in range(block)]
            index += block
            outbox.append = real if mode == "with" else _no_append
            try:
                rates[mode].append(await _rate(calls, concurrency))
            finally:
                outbox.append = real
    with_rate = sorted(rates["with"])[ROUNDS // 2]
    without_rate = sorted(rates["without"])[ROUNDS // 2]
    return {
        "with_outbox_per_s": round(with_rate, 1),
        "without_outbox_per_s": round(without_rate, 1),
        "outbox_share_pct": round(100.0 * (1.0 - with_rate / without_rate), 1),
    }


async def bench_outbox(store: Store, writes: int = 400) -> dict[str, Any]:
    """The figures: per write kind and concurrency, writes/s with and without the outbox."""
    results: dict[str, Any] = {}
    try:
        authority = (await _actors(store, 1, "COLLECTIVITE"))[0]
        beneficiaries = await _actors(store, 2 * 2 * writes, "COLLECTIVITE")
        sponsors = await _actors(store, 2 * 2 * writes, "ASSOCIATION")

        def post(index: int) -> Callable[[], Awaitable[Any]]:
            need = needs.NewNeed(actor=authority, description=TEXT, help=("SPONSOR",), conflict_type="DAM")
            return lambda: needs.post_need(store, need, EDITOR)

        pairs = iter(zip(sponsors, beneficiaries, strict=True))

        def propose(index: int) -> Callable[[], Awaitable[Any]]:
            sponsor, beneficiary = next(pairs)
            proposal = sponsorships.Proposal(sponsor=sponsor, beneficiary=beneficiary, need=TEXT, conflict_type="DAM")
            return lambda: sponsorships.propose(store, proposal, EDITOR)

        for concurrency in (1, CONCURRENCY):
            results[f"postNeed x{concurrency}"] = await _measure(post, writes, concurrency)
            results[f"proposeSponsorship x{concurrency}"] = await _measure(propose, writes, concurrency)
    finally:
        await _cleanup(store)
    return results


async def _main(uri: str, writes: int) -> None:
    store = connect(uri)
    try:
        await migrate(store)
        for name, figures in (await bench_outbox(store, writes)).items():
            print(f"{name:26} {figures}")
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(_main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 400))
