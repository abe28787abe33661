"""The matching query of an earlier commit against today's, on the same questions at the same moment.

    python -m bench.matching_ab bolt://127.0.0.1:<port> <commit> [requests]
    python -m bench.matching_ab bolt://127.0.0.1:<port> <commit> --plans

On a shared machine the load moves from one minute to the next; running both queries one after the
other on each of the benchmark's matching questions (`bench.suite.match_request`, `first: 10`,
50 km) through the same `Store` compares them under the same conditions. Prints, for each, the p50
and p90 of `Store.read` (the time the benchmark's driver figure measures) and the median PROFILE db
hits over the ten places. docs/performance.md ("Matching") quotes it.

`--plans` prints instead the PROFILE db hits of both versions of each variant (experts, sponsors by
type, sponsors by theme) on the questions of docs/matching.md's table ("How the query runs").
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
import types
from dataclasses import replace
from typing import Any, LiteralString, cast

from bench.runner import connect
from bench.suite import MATCH_CASES, match_request
from graph import benchmarks, matching
from graph.matching import MatchingWeights, MatchRequest, match_params
from graph.near import Near
from graph.store import Store


def matching_at(commit: str) -> types.ModuleType:
    """`graph/matching.py` as it was at `commit`, loaded as a module."""
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
    return module


def experts_query_at(commit: str) -> LiteralString:
    """`EXPERTS_QUERY` as `graph/matching.py` built it at `commit`."""
    return cast(LiteralString, matching_at(commit).EXPERTS_QUERY)


def question(index: int) -> dict[str, Any]:
    return match_params(match_request(index), MatchingWeights())


def db_hits(plan: Any) -> int:
    return int(plan.get("dbHits", 0)) + sum(db_hits(child) for child in plan.get("children", []))


async def profiled_hits(store: Store, query: LiteralString, params: dict[str, Any]) -> int:
    text = "PROFILE " + query.removeprefix("CYPHER replan=skip\n")
    _, summary, _ = await store.driver.execute_query(text, params, database_=store.database)
    return db_hits(summary.profile)


def plan_questions(beneficiary: str) -> list[tuple[str, str, MatchRequest]]:
    """docs/matching.md's table: (label, query constant, request); sponsors for an actor of Niort."""
    rennes, niort = Near(territory="35238"), Near(territory="79191")
    return [
        ("experts ONSHORE_WIND near Rennes, 50 km", "EXPERTS_QUERY", MatchRequest(rennes, 50, "ONSHORE_WIND")),
        (
            "experts IRRIGATION_RESERVOIR near Niort, 50 km",
            "EXPERTS_QUERY",
            MatchRequest(niort, 50, "IRRIGATION_RESERVOIR"),
        ),
        (
            "experts SKI_RESORT near Niort, 10 km",
            "EXPERTS_QUERY",
            MatchRequest(niort, 10, "SKI_RESORT", widen_to_km=40),
        ),
        (
            "sponsors IRRIGATION_RESERVOIR, Niort",
            "SPONSORS_BY_TYPE_QUERY",
            MatchRequest(niort, 50, "IRRIGATION_RESERVOIR", beneficiary=beneficiary),
        ),
        (
            "sponsors theme WATER, Niort",
            "SPONSORS_BY_THEME_QUERY",
            MatchRequest(niort, 50, theme="WATER", beneficiary=beneficiary),
        ),
    ]


async def compare_plans(uri: str, commit: str) -> None:
    versions = {commit: matching_at(commit), "now": matching}
    store: Store = connect(uri)
    try:
        niort_actor = await benchmarks.first_actor_based_in(store, "COMMUNE-79191")
        assert niort_actor is not None, "no actor based in Niort: seed the scale network first"
        print(f"{'question':<50} " + " ".join(f"{name:>10}" for name in versions))
        for label, constant, request in plan_questions(niort_actor):
            params = match_params(
                replace(request, widen_to_km=request.widen_to_km or 200.0, timestamps=False), MatchingWeights()
            )
            hits = [await profiled_hits(store, getattr(module, constant), params) for module in versions.values()]
            print(f"{label:<50} " + " ".join(f"{value:>10,}" for value in hits))
        medians = [
            statistics.median(
                [await profiled_hits(store, module.EXPERTS_QUERY, question(i)) for i in range(len(MATCH_CASES))]
            )
            for module in versions.values()
        ]
        print(f"{'the benchmark ten questions (median)':<50} " + " ".join(f"{value:>10,.0f}" for value in medians))
    finally:
        await store.close()


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
                hits[name].append(await profiled_hits(store, query, question(index)))
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
    if sys.argv[3:] == ["--plans"]:
        asyncio.run(compare_plans(sys.argv[1], sys.argv[2]))
    else:
        asyncio.run(compare(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100))
