"""The effect of `tec serve --workers N` on a computed directory page (docs/performance.md, "Workers").

    python -m bench.workers scale [seconds] [rounds] [workers...]
    python -m bench.workers bolt://127.0.0.1:<port> [seconds] [rounds] [workers...]   # a running Neo4j

Starts the benchmark's Neo4j of that network (`var/bench-scale`, loaded by an earlier `tec bench`;
stopped at the end) and one service per worker count (response cache off: every page is computed),
then loads each in turn, round after round, with the benchmark's directory page (1 and 8 clients).
Prints requests/s and p50 per worker count (medians over the rounds) and the load average.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.runner import DIRECTORY_QUERY, Service, bench_data_dir, concurrent_load, start_neo4j
from bench.suite import directory_variables
from tec import neo4j_local


async def compare(uri: str, seconds: float, rounds: int, counts: tuple[int, ...]) -> dict[int, dict[str, Any]]:
    settings = {"TEC_RESPONSE_CACHE": "false", "NEO4J_TX_TIMEOUT": "600", "TEC_REQUEST_TIMEOUT": "300"}

    def start(count: int) -> Service:
        return Service(uri, neo4j_local.free_port(), {**settings, "TEC_WORKERS": str(count)}, ready_seconds=900)

    with ThreadPoolExecutor(len(counts)) as pool:  # they start side by side (each plans its queries)
        futures = {count: pool.submit(start, count) for count in counts}
    services: dict[int, Service] = {}
    failures = []
    for count, future in futures.items():
        try:
            services[count] = future.result()
        except RuntimeError as error:
            failures.append(error)
    if failures:  # stop those that did start
        for service in services.values():
            service.stop()
        raise failures[0]
    runs: dict[tuple[int, int], list[dict[str, float]]] = {(count, c): [] for count in counts for c in (1, 8)}
    try:
        # warm-up, long enough for every worker to be up (each plans the matching queries as it starts;
        # a worker still starting accepts no connection, the others take them)
        for service in services.values():
            await concurrent_load(service.url, DIRECTORY_QUERY, directory_variables(20), 8, 20)
        for number in range(rounds):
            order = counts if number % 2 == 0 else tuple(reversed(counts))
            for count in order:
                for clients in (1, 8):
                    run = await concurrent_load(
                        services[count].url, DIRECTORY_QUERY, directory_variables(20), clients, seconds
                    )
                    runs[(count, clients)].append(run)
    finally:
        for service in services.values():
            service.stop()
    figures: dict[int, dict[str, Any]] = {}
    for (count, clients), measured in runs.items():
        figures.setdefault(count, {})[f"{clients}_clients"] = {
            "requests_per_s": round(statistics.median(r["requests_per_s"] for r in measured), 1),
            "p50_ms": round(statistics.median(r["p50_ms"] for r in measured), 1),
            "rounds": [r["requests_per_s"] for r in measured],
        }
    return figures


if __name__ == "__main__":
    arguments = sys.argv[1:]
    duration = float(arguments[1]) if len(arguments) > 1 else 10.0
    repeat = int(arguments[2]) if len(arguments) > 2 else 3
    worker_counts = tuple(int(value) for value in arguments[3:]) or (1, 2)
    if arguments[0].startswith(("bolt://", "neo4j://")):  # a Neo4j already running (left as it is)
        result = asyncio.run(compare(arguments[0], duration, repeat, worker_counts))
    else:
        running = start_neo4j(arguments[0], fresh=False)
        try:
            result = asyncio.run(compare(running.uri, duration, repeat, worker_counts))
        finally:
            neo4j_local.stop(bench_data_dir(arguments[0]))
    for workers, measured in result.items():
        print(f"workers {workers}: {measured}")
    print(f"load average {os.getloadavg()}, cores {os.cpu_count()}")
