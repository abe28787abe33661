"""The effect of `tec serve --workers N` on a computed directory page (docs/performance.md, "Workers").

    python -m bench.workers bolt://127.0.0.1:<port> [seconds] [rounds] [workers...]

Against a running Neo4j holding a network (e.g. `tec bench --network scale --keep-neo4j`), starts one
service per worker count (response cache off: every page is computed) and loads each in turn, round
after round, with the benchmark's directory page (1 and 8 clients). Prints requests/s and p50 per
worker count (medians over the rounds) and the machine's load average.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
from typing import Any

from bench.runner import DIRECTORY_QUERY, Service, concurrent_load
from bench.suite import directory_variables
from tec import neo4j_local


async def compare(uri: str, seconds: float, rounds: int, counts: tuple[int, ...]) -> dict[int, dict[str, Any]]:
    services = {
        count: Service(uri, neo4j_local.free_port(), {"TEC_RESPONSE_CACHE": "false", "TEC_WORKERS": str(count)})
        for count in counts
    }
    runs: dict[tuple[int, int], list[dict[str, float]]] = {(count, c): [] for count in counts for c in (1, 8)}
    try:
        for service in services.values():  # warm-up
            await concurrent_load(service.url, DIRECTORY_QUERY, directory_variables(20), 8, 3)
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
    result = asyncio.run(compare(arguments[0], duration, repeat, worker_counts))
    for workers, measured in result.items():
        print(f"workers {workers}: {measured}")
    print(f"load average {os.getloadavg()}, cores {os.cpu_count()}")
