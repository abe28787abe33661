"""`tec bench --growth`: how a search page's cost grows with the network (issue 17, item 4).

For each size (actors of the scale network, other counts in proportion: `synthetic.generator.scaled`)
the benchmark keeps its own Neo4j data folder (`var/bench-growth-<actors>`, seeded once, reused by
later runs), then asks through the graph layer, one client, the same questions at every size:

- the directory: a full-text search in a département (`DIRECTORY_SEARCHES`), first 20, with its total;
- the conflict list: the same, on conflicts (`CONFLICT_SEARCHES`);
- matching: `experiencedActors` around the benchmark's places (bench.suite.MATCH_CASES).

Per question and size it reports the p50/p95 latency, the database hits of one run (PROFILE: the
sum over the plan's operators) and, for searches, the number of results inside the territory (the
total): the acceptance is that, from 50,000 to 200,000 actors, db hits grow no faster than that total.
"""

from __future__ import annotations

import time
from itertools import pairwise
from pathlib import Path
from typing import Any, LiteralString

from bench.runner import Figures, connect, latency_summary, machine_info
from graph import benchmarks, listing
from graph.actors import ACTOR_LIST, ActorFilter
from graph.bulk import count_nodes
from graph.conflicts import CONFLICT_LIST, ConflictFilter
from graph.listing import ListRequest, ListSpec
from graph.matching import EXPERTS_QUERY, MatchingWeights, experienced_actors, match_params
from graph.migrations import migrate
from graph.pagination import Page
from graph.store import Store
from importers.territories import load_missing_reference_data
from synthetic.generator import GROWTH_ACTORS, scaled
from synthetic.seeding import seed_network
from tec import neo4j_local
from tec.settings import PROJECT_ROOT

# (words, département): dense and sparse places, frequent and rare words.
DIRECTORY_SEARCHES: tuple[tuple[str, str], ...] = (
    ("concertation", "35"),
    ("association", "35"),
    ("eau", "44"),
    ("collectif", "69"),
    ("energie", "33"),
)
CONFLICT_SEARCHES: tuple[tuple[str, str], ...] = (
    ("parc", "35"),
    ("projet", "44"),
    ("eolien", "29"),
    ("carriere", "69"),
    ("eau", "79"),
)
MATCHING_QUESTIONS = 10


def _hits(plan: Any) -> int:
    """The database hits of a PROFILE plan (the driver's summary.profile dict), children included."""
    if not plan:
        return 0
    own = int(plan.get("dbHits", 0) or 0)
    return own + sum(_hits(child) for child in plan.get("children", []))


async def profiled_hits(store: Store, query: LiteralString, params: dict[str, Any]) -> int:
    """Run `query` once under PROFILE and return its database hits."""
    async with store.driver.session(database=store.database) as session:
        result = await session.run("PROFILE " + query, params)
        summary = await result.consume()
    return _hits(summary.profile)


def _page_request(clauses: tuple[list[LiteralString], dict[str, Any]], words: str, territory: str) -> ListRequest:
    """What the directory's GraphQL question asks: a page of 20 with its total, no timestamps."""
    request = ListRequest(first=20, search=words, area=territory, with_total=True, timestamps=False)
    request.clauses, request.params = list(clauses[0]), dict(clauses[1])
    return request


async def measure_search(
    store: Store,
    spec: ListSpec,
    clauses: tuple[list[LiteralString], dict[str, Any]],
    words: str,
    territory: str,
    runs: int,
) -> dict[str, Any]:
    """One search question: latency (after two warm-up runs), db hits and its total."""
    query, params, _ = listing.page_query(spec, _page_request(clauses, words, territory))
    name = f"bench.growth.{spec.label}"

    async def call() -> Page:
        return await listing.list_page(store, spec, _page_request(clauses, words, territory), name=name)

    page = await call()
    await call()
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "search": words,
        "territory": territory,
        "total": page.total,
        "db_hits": await profiled_hits(store, query, params),
        **latency_summary(samples),
    }


async def measure_matching(store: Store, runs: int) -> dict[str, Any]:
    """`experiencedActors` (first 10, 50 km) around the benchmark's places: latency and mean db hits."""
    from bench.suite import match_request

    weights = MatchingWeights()
    for index in range(MATCHING_QUESTIONS):  # warm-up
        await experienced_actors(store, match_request(index), weights)
    samples: list[float] = []
    for index in range(runs):
        started = time.perf_counter()
        await experienced_actors(store, match_request(index), weights)
        samples.append((time.perf_counter() - started) * 1000)
    hits = [
        await profiled_hits(store, EXPERTS_QUERY, match_params(match_request(index), weights))
        for index in range(MATCHING_QUESTIONS)
    ]
    return {"db_hits_mean": round(sum(hits) / len(hits)), "db_hits": hits, **latency_summary(samples)}


async def _ready(store: Store, actors: int) -> dict[str, Any]:
    """Migrate, load the reference data and seed the network of this size when the folder is new."""
    await migrate(store)
    await load_missing_reference_data(store)
    found = await count_nodes(store, "Actor")
    loaded: dict[str, Any] = {"seeded": False}
    if found == 0:
        started = time.perf_counter()
        report = await seed_network(store, scaled(actors))
        loaded = {"seeded": True, "seconds": round(time.perf_counter() - started, 1), "rows": report.rows}
    counts = await benchmarks.network_counts(store)
    return {**loaded, "actors": counts["actors"], "conflicts": counts["conflicts"]}


async def measure_size(uri: str, actors: int, runs: int) -> dict[str, Any]:
    store = connect(uri)
    try:
        result: dict[str, Any] = {"actors_asked": actors, "network": await _ready(store, actors)}
        result["directory"] = [
            await measure_search(store, ACTOR_LIST, ActorFilter().clauses(), words, territory, runs)
            for words, territory in DIRECTORY_SEARCHES
        ]
        result["conflicts"] = [
            await measure_search(store, CONFLICT_LIST, ConflictFilter().clauses(), words, territory, runs)
            for words, territory in CONFLICT_SEARCHES
        ]
        result["matching"] = await measure_matching(store, runs)
        return result
    finally:
        await store.close()


def growth_data_dir(actors: int) -> Path:
    return PROJECT_ROOT / "var" / f"bench-growth-{actors}"


async def run_growth(figures: Figures, sizes: tuple[int, ...] = GROWTH_ACTORS, runs: int = 30) -> None:
    """Measure every size in turn (one Neo4j at a time: 2 GB heap, 2 GB page cache, as the scale bench)."""
    per_size: list[dict[str, Any]] = []
    for actors in sizes:
        data = growth_data_dir(actors)
        running, _ = neo4j_local.start(data, neo4j_local.free_port(), heap="2g", pagecache="2g")
        try:
            if not figures.machine:
                store = connect(running.uri)
                try:
                    version = await benchmarks.server_version(store)
                finally:
                    await store.close()
                figures.machine = machine_info(version)
            started = time.perf_counter()
            print(f"growth: {actors:,} actors (Neo4j at {running.uri}, data {data})", flush=True)
            result = await measure_size(running.uri, actors, runs)
            result["seconds"] = round(time.perf_counter() - started, 1)
            per_size.append(result)
            print(growth_line(result), flush=True)
        finally:
            neo4j_local.stop(data)
    figures.add("growth", {"sizes": per_size, "ratios": growth_ratios(per_size)})


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def growth_ratios(per_size: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Between consecutive sizes: how much actors, results, db hits and p50 grew (medians over questions)."""
    ratios: list[dict[str, Any]] = []
    for small, large in pairwise(per_size):
        entry: dict[str, Any] = {
            "from_actors": small["network"]["actors"],
            "to_actors": large["network"]["actors"],
            "actors": round(large["network"]["actors"] / max(1, small["network"]["actors"]), 2),
        }
        for part in ("directory", "conflicts"):
            pairs = list(zip(small[part], large[part], strict=True))
            entry[part] = {
                "results": round(_median([b["total"] / max(1, a["total"]) for a, b in pairs]), 2),
                "db_hits": round(_median([b["db_hits"] / max(1, a["db_hits"]) for a, b in pairs]), 2),
                "p50": round(_median([b["p50_ms"] / max(0.001, a["p50_ms"]) for a, b in pairs]), 2),
            }
        entry["matching"] = {
            "db_hits": round(large["matching"]["db_hits_mean"] / max(1, small["matching"]["db_hits_mean"]), 2),
            "p50": round(large["matching"]["p50_ms"] / max(0.001, small["matching"]["p50_ms"]), 2),
        }
        ratios.append(entry)
    return ratios


def growth_line(result: dict[str, Any]) -> str:
    def part(name: str) -> str:
        rows = result[name]
        return (
            f"{name}: p50 {_median([r['p50_ms'] for r in rows]):.1f} ms, "
            f"db hits {_median([float(r['db_hits']) for r in rows]):,.0f}, "
            f"results {_median([float(r['total']) for r in rows]):,.0f} (medians)"
        )

    matching = result["matching"]
    return (
        f"  {result['network']['actors']:,} actors: {part('directory')}; {part('conflicts')}; "
        f"matching: p50 {matching['p50_ms']:.1f} ms, db hits {matching['db_hits_mean']:,} (mean)"
    )


def main(json_path: Path | None, sizes: tuple[int, ...] = GROWTH_ACTORS, runs: int = 30) -> Figures:
    """Run the growth benchmark, print one line per size and the ratios, write the JSON when asked."""
    import asyncio
    import json

    figures = Figures()
    asyncio.run(run_growth(figures, sizes, runs))
    growth = figures.results["growth"]
    for ratio in growth["ratios"]:
        print(
            f"  {ratio['from_actors']:,} → {ratio['to_actors']:,} actors (×{ratio['actors']}): "
            + "; ".join(
                f"{name} results ×{part['results']}, db hits ×{part['db_hits']}, p50 ×{part['p50']}"
                for name, part in ((name, ratio[name]) for name in ("directory", "conflicts"))
            )
            + f"; matching db hits ×{ratio['matching']['db_hits']}, p50 ×{ratio['matching']['p50']}"
        )
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"network": "scale (growth)", "machine": figures.machine, "results": figures.results}
        json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"\nWritten to {json_path}")
    return figures
