"""Profile one GraphQL page in process (cProfile), against a running Neo4j holding a network.

    python -m bench.profile_page bolt://127.0.0.1:7687 [requests]

Prints the functions that took the most time of their own; see docs/performance.md, "Profiles".
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import pstats
import sys

import httpx

from bench.runner import DIRECTORY_QUERY
from graph.store import Store
from tec.app import create_app
from tec.settings import Settings


async def profile(uri: str, requests: int) -> str:
    store = Store.connect(uri, "neo4j", "neo4j")
    app = create_app(Settings(neo4j_uri=uri), store)
    profiler = cProfile.Profile()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            for index in range(requests + 5):
                if index == 5:  # after a warm-up
                    profiler.enable()
                territory = None if index % 2 else "35"
                variables = {"first": 20, "territory": territory}
                await client.post("/graphql", json={"query": DIRECTORY_QUERY, "variables": variables})
            profiler.disable()
    finally:
        await store.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
    return out.getvalue()


if __name__ == "__main__":
    print(asyncio.run(profile(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20)))
