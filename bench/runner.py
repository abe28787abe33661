"""The benchmark: a network in a local Neo4j, the service in its own process, and the figures of issue 7.

Steps (each reported with its own numbers):
1. reference data load time (empty database) and the network's load rate;
2. `experiencedActors` latency over HTTP and the same Cypher through the driver (the ratio is our overhead);
3. a directory page under 1, 8 and 32 concurrent clients (requests/s, p95), and the service's peak RSS;
4. database round trips per directory page at `first: 5` and `first: 100`;
5. import rows/s: an RNA register file (one actor per row) and a network's members with their past cases.
"""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import httpx
import psutil

from graph.store import Store
from tec import neo4j_local
from tec.settings import PROJECT_ROOT

DIRECTORY_QUERY = """
query Directory($first: Int!, $territory: String) {
  actors(first: $first, where: {territory: $territory}) {
    totalCount
    edges { node {
      id name kind
      basedIn { code name }
      themes { code label }
      conflicts(first: 3) { role conflict { id title year status } }
    } }
  }
}
"""

MATCHING_QUERY = """
query Match($type: String!, $lat: Float!, $lon: Float!) {
  experiencedActors(conflictType: $type, near: {lat: $lat, lon: $lon}, radiusKm: 50, first: 10) {
    withinRadius
    edges { node { score distanceKm actor { id name kind } evidence { conflict { id title } role year distanceKm } } }
  }
}
"""


@dataclass
class Figures:
    machine: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def add(self, key: str, value: Any) -> None:
        self.results[key] = value
        print(f"  {key}: {value}", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def latency_summary(samples_ms: list[float]) -> dict[str, float]:
    return {
        "n": len(samples_ms),
        "p50_ms": round(percentile(samples_ms, 50), 2),
        "p95_ms": round(percentile(samples_ms, 95), 2),
        "p99_ms": round(percentile(samples_ms, 99), 2),
        "mean_ms": round(statistics.fmean(samples_ms), 2) if samples_ms else float("nan"),
    }


class Service:
    """The service in its own process (`python -m tec serve`), so its RSS and CPU are its own."""

    def __init__(
        self,
        neo4j_uri: str,
        port: int,
        settings: dict[str, str] | None = None,
        cwd: Path | None = None,
        ready_seconds: float = 180,
    ) -> None:
        self.port = port
        self.neo4j_uri = neo4j_uri
        env = {
            **os.environ,
            "NEO4J_URI": neo4j_uri,
            "TEC_PORT": str(port),
            "TEC_LOG_LEVEL": "warning",
            "TEC_ENV": "development",
            "TEC_RATE_LIMIT": "0",  # the load test is one client sending far more than a person would
            "NEO4J_TX_TIMEOUT": "60",
            **(settings or {}),
        }
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tec", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=cwd,  # another checkout's code (`python -m tec` imports from the working directory first)
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + ready_seconds  # start-up plans the matching queries: slow on a busy machine
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url + "/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"the service exited: {self.process.stderr.read().decode() if self.process.stderr else ''}"
                )
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the service did not become ready within {ready_seconds:.0f} s")

    def rss_mb(self) -> float:
        return float(psutil.Process(self.process.pid).memory_info().rss) / 1e6

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class PeakRss:
    """Samples a process's RSS every 50 ms in a thread and keeps the peak."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self.peak = service.rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.service.rss_mb())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def post(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> httpx.Response:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise RuntimeError(f"benchmark query failed: {response.status_code} {json.dumps(body)[:500]}")
    return response


class KeepAliveClient:
    """One HTTP/1.1 keep-alive connection from the standard library, for sequential latency figures.

    httpx's AsyncClient spends about 1.5 ms of its own CPU on each request (a `{ __typename }` query:
    p50 2.2 ms through it, 0.7 ms through this on the same service), which is the client's cost, not
    the service's. Also returns the service's `Server-Timing` (Neo4j and total, ms).
    """

    def __init__(self, url: str) -> None:
        parsed = urlsplit(url)
        self.host, self.port = parsed.hostname or "127.0.0.1", parsed.port or 80
        self.connection: http.client.HTTPConnection | None = None

    def post(self, query: str, variables: dict[str, Any]) -> dict[str, float]:
        body = json.dumps({"query": query, "variables": variables}).encode()
        for attempt in (1, 2):  # the service closes a connection idle for 5 s: open a new one, once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request("POST", "/graphql", body, {"content-type": "application/json"})
                response = self.connection.getresponse()
                payload = json.loads(response.read())
                break
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if attempt == 2:
                    raise
        if response.status != 200 or payload.get("errors"):
            raise RuntimeError(f"benchmark query failed: {response.status} {json.dumps(payload)[:500]}")
        timing = re.findall(r"(\w+);dur=([\d.]+)", response.getheader("server-timing") or "")
        return {name: float(value) for name, value in timing}

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


async def timed_sequence(call: Callable[[int], Awaitable[Any]], count: int, warmup: int) -> list[float]:
    for index in range(warmup):
        await call(index)
    samples = []
    for index in range(count):
        started = time.perf_counter()
        await call(warmup + index)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


async def concurrent_load(
    url: str,
    query: str,
    variables: Callable[[int], dict[str, Any]],
    clients: int,
    seconds: float,
    *,
    requests: int | None = None,
) -> dict[str, float]:
    """`clients` concurrent loops for `seconds`: requests/s and latency percentiles.

    Each client has its own HTTP/1.1 keep-alive connection, like separate visitors (one shared pool of
    8 connections is itself slower than the service). The clients are aiohttp's: httpx's AsyncClient
    spent ≈ 2.9 ms of CPU per directory request, aiohttp's ≈ 0.7 ms, on the two cores the services
    share with the load (docs/performance.md). Every answer is checked (200, no errors).

    With `requests`, `seconds` is ignored: the clients draw inputs 0 … `requests` - 1 from one shared
    sequence until each has been asked once, however long that takes. Two services measured that way
    answer the same questions. In a timed run each client keeps to its own inputs (k, k + `clients`, …):
    a client whose inputs are slow answers few of them, and what is answered leans to the cheap inputs.
    """
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    headers = {"content-type": "application/json"}
    shared = itertools.count()

    async def worker(offset: int) -> None:
        index = offset
        connector = aiohttp.TCPConnector(limit=1)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(url, connector=connector, timeout=timeout) as client:
            while True:
                if requests is not None:
                    index = next(shared)
                    if index >= requests:
                        break
                elif time.perf_counter() >= deadline:
                    break
                body = json.dumps({"query": query, "variables": variables(index)})
                started = time.perf_counter()
                async with client.post("/graphql", data=body, headers=headers) as response:
                    answer = json.loads(await response.read())
                    if response.status != 200 or answer.get("errors"):
                        raise RuntimeError(f"benchmark query failed: {response.status} {json.dumps(answer)[:500]}")
                samples.append((time.perf_counter() - started) * 1000)
                index += clients

    started = time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {"clients": clients, "requests_per_s": round(len(samples) / elapsed, 1), **latency_summary(samples)}


def machine_info(neo4j_version: str) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 1e9, 1),
        "python": platform.python_version(),
        "neo4j": neo4j_version,
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def bench_data_dir(network: str) -> Path:
    return PROJECT_ROOT / "var" / f"bench-{network}"


def start_neo4j(network: str, fresh: bool) -> neo4j_local.LocalNeo4j:
    return start_neo4j_warm(network, fresh, warm_up=False)[0]


def start_neo4j_warm(
    network: str, fresh: bool, *, warm_up: bool
) -> tuple[neo4j_local.LocalNeo4j, bool, neo4j_local.Warmed | None]:
    """The benchmark's Neo4j, whether it was already running, and (`warm_up`, when this call started it)
    how its warm-up went, as `tec neo4j start` warms it (`tec.neo4j_local.warm_up`)."""
    data = bench_data_dir(network)
    if fresh and data.exists():
        neo4j_local.stop(data)
        shutil.rmtree(data)
    heap, pagecache = ("2g", "2g") if network == "scale" else ("1g", "512m")
    running, already = neo4j_local.start(data, neo4j_local.free_port(), heap=heap, pagecache=pagecache)
    warmed = neo4j_local.warm_up(running.uri, "neo4j", "neo4j") if warm_up and not already else None
    return running, already, warmed


def connect(uri: str) -> Store:
    return Store.connect(uri, "neo4j", "neo4j", tx_timeout=600, retry_seconds=30)


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="tec-bench-"))


def rng(seed: int = 2026) -> random.Random:
    return random.Random(seed)
