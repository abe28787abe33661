"""The matching query of an earlier commit against today's, on the same questions at the same moment.

    python -m bench.matching_ab bolt://127.0.0.1:<port> <commit> [requests]

On a shared machine the load moves from one minute to the next; running both queries one after the
other on each of the benchmark's matching questions (`bench.suite.match_request`, `first: 10`,
50 km) through the same `Store` compares them under the same conditions. Prints, for each, the p50
and p90 of `Store.read` (the time the benchmark's driver figure measures) and the median PROFILE db
hits over the ten places. docs/performance.md ("Matching") quotes it.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
import types
from typing import Any, LiteralString, cast

from bench.runner import connect
from bench.suite import MATCH_CASES, match_request
from graph import matching
from graph.matching import MatchingWeights, match_params
from graph.store import Store


def experts_query_at(commit: str) -> LiteralString:
    """`EXPERTS_QUERY` as `graph/matching.py` built it at `commit`."""
    source = subprocess.run(  # noqa: S603 (a fixed git command; the commit is the caller's)
        ["git", "show", f"{commit}:graph/matching.py"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"matching_{commit}")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    try:
        exec(compile(source, f"graph/matching.py@{commit}", "exec"), module.__dict__)  # noqa: S102
    finally:
        del sys.modules[module.__name__]
    return cast(LiteralString, module.EXPERTS_QUERY)


def question(index: int) -> dict[str, Any]:
    return match_params(match_request(index), MatchingWeights())


def db_hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(db_hits(child) for child in plan.get("children", []))


async def compare(uri: str, commit: str, requests: int) -> None:
    queries: dict[str, LiteralString] = {commit: experts_query_at(commit), "now": matching.EXPERTS_QUERY}
    store: Store = connect(uri)
    try:
        times: dict[str, list[float]] = {name: [] for name in queries}
        for index in range(requests + 10):
            params = question(index)
            for name, query in queries.items():
                started = time.perf_counter()
                await store.read("bench.matchingAb", query, params)
                if index >= 10:  # after a warm-up
                    times[name].append((time.perf_counter() - started) * 1000)
        hits: dict[str, list[int]] = {name: [] for name in queries}
        for index in range(len(MATCH_CASES)):
            for name, query in queries.items():
                text = "PROFILE " + query.removeprefix("CYPHER replan=skip\n")
                _, summary, _ = await store.driver.execute_query(text, question(index), database_=store.database)
                hits[name].append(db_hits(summary.profile))
        for name, samples in times.items():
            samples.sort()
            p90 = samples[int(len(samples) * 0.9)]
            print(
                f"{name:>10}: p50 {statistics.median(samples):.1f} ms, p90 {p90:.1f} ms, "
                f"db hits (median of {len(MATCH_CASES)} places) {statistics.median(hits[name]):,.0f}"
            )
    finally:
        await store.close()


if __name__ == "__main__":
    asyncio.run(compare(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100))
