"""Profile one GraphQL page in process (cProfile), against a running Neo4j holding a network.

    python -m bench.profile_page bolt://127.0.0.1:7687 [requests] [--cached]

Prints the CPU time per page and the functions that took the most time of their own; see
docs/performance.md, "Profiles". The response cache is off (every page is computed) unless `--cached`
is given (then every page after the warm-up is a cache hit).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import sys
import time

import httpx

from bench.runner import DIRECTORY_QUERY
from graph.store import Store
from tec.app.main import create_app
from tec.settings import Settings


async def profile(uri: str, requests: int, cached: bool) -> str:
    store = Store.connect(uri, "neo4j", "neo4j")
    app = create_app(Settings(neo4j_uri=uri, response_cache=cached), store)
    profiler = cProfile.Profile()
    cpu = 0.0
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for index in range(requests + 5):
                if index == 5:  # after a warm-up
                    cpu = time.process_time()
                    profiler.enable()
                territory = None if index % 2 else "35"
                variables = {"first": 20, "territory": territory}
                await client.post("/graphql", json={"query": DIRECTORY_QUERY, "variables": variables})
            profiler.disable()
            cpu = time.process_time() - cpu
    finally:
        await store.close()
    out = io.StringIO()
    out.write(f"{requests} pages, CPU {cpu / requests * 1000:.1f} ms per page (under cProfile)\n")
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return out.getvalue()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--cached"]
    count = int(arguments[1]) if len(arguments) > 1 else 20
    print(asyncio.run(profile(arguments[0], count, "--cached" in sys.argv)))
