"""`experiencedActors` through the service against the raw driver, and against an earlier service.

    python -m bench.matching_services bolt://127.0.0.1:<port> [requests] [--base DIR] [--warmup N]

On the benchmark's matching questions (`bench.suite.MATCHING_QUERY`, `first: 10`, 50 km, jittered
places), each question is asked, one right after the other in an order that rotates, to:
- `service`: this checkout's service over HTTP (its own process, response cache on as deployed);
- `driver`: the raw driver running the same Cypher with the parameters the service sends for that
  document (`execute_query`, READ routing, records as the driver returns them), the floor of issue 17;
- `driver-auto`: the same through an auto-commit `session.run` (the cheapest way the driver offers);
- with `--base DIR` (a checkout of an earlier commit, e.g. `git worktree add /tmp/base <commit>`):
  `base`, that checkout's service, and `base-driver`, the raw driver running that checkout's Cypher
  with its parameters, so a before/after is measured at the same moment of a busy machine.
Prints each side's p50 and p90 and the ratios of the services to their drivers' p50.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from neo4j import READ_ACCESS, RoutingControl

from bench.runner import MATCHING_QUERY, KeepAliveClient, Service, connect
from bench.suite import MATCHING_WARMUP, match_request, match_variables
from graph import matching
from graph.matching import MatchingWeights, match_params
from graph.store import Store
from tec import neo4j_local

# A busy machine can hold a question past the service's 10 s deadline during the warm-up.
_PATIENT = {"TEC_REQUEST_TIMEOUT": "120"}


def _base_matching(base: Path) -> types.ModuleType:
    """`graph/matching.py` of the checkout at `base`, loaded as a module (as `bench.matching_ab` does)."""
    source = (base / "graph" / "matching.py").read_text()
    module = types.ModuleType("matching_base")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    try:
        exec(compile(source, str(base / "graph" / "matching.py"), "exec"), module.__dict__)  # noqa: S102
    finally:
        del sys.modules[module.__name__]
    return module


def _base_params(module: types.ModuleType, index: int) -> dict[str, Any]:
    """What that checkout's service sent for the benchmark's question (no timestamps, places or bases)."""
    variables = match_variables(index)
    request = module.MatchRequest(
        near=module.Near(lat=variables["lat"], lon=variables["lon"]),
        radius_km=50.0,
        conflict_type=variables["type"],
        first=10,
        widen_to_km=200.0,
        timestamps=False,
        places=False,
        bases=False,
    )
    params: dict[str, Any] = module.match_params(request, module.MatchingWeights())
    return params


async def compare(uri: str, requests: int, base: Path | None, warmup: int = MATCHING_WARMUP) -> None:
    store: Store = connect(uri)
    weights = MatchingWeights()
    services: dict[str, Service] = {}
    try:
        services["service"] = Service(uri, neo4j_local.free_port(), _PATIENT, ready_seconds=900)
        if base is not None:
            services["base"] = Service(uri, neo4j_local.free_port(), _PATIENT, cwd=base, ready_seconds=900)
    except RuntimeError:
        for service in services.values():
            service.stop()
        await store.close()
        raise
    clients = {name: KeepAliveClient(service.url) for name, service in services.items()}
    old = _base_matching(base) if base is not None else None

    async def driver(index: int) -> None:
        params = match_params(match_request(index), weights)
        await store.driver.execute_query(
            matching.EXPERTS_QUERY, params, routing_=RoutingControl.READ, database_=store.database
        )

    async def driver_auto(index: int) -> None:
        params = match_params(match_request(index), weights)
        async with store.driver.session(database=store.database, default_access_mode=READ_ACCESS) as session:
            await (await session.run(matching.EXPERTS_QUERY, params)).values()

    async def base_driver(index: int) -> None:
        assert old is not None
        await store.driver.execute_query(
            old.EXPERTS_QUERY, _base_params(old, index), routing_=RoutingControl.READ, database_=store.database
        )

    def over_http(name: str) -> Callable[[int], Awaitable[None]]:
        async def ask(index: int) -> None:
            clients[name].post(MATCHING_QUERY, match_variables(index))

        return ask

    sides: dict[str, Callable[[int], Awaitable[None]]] = {
        "service": over_http("service"),
        "driver": driver,
        "driver-auto": driver_auto,
    }
    if old is not None:
        sides |= {"base": over_http("base"), "base-driver": base_driver}
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    try:
        for index in range(warmup + requests):
            shift = index % len(names)
            for name in names[shift:] + names[:shift]:
                started = time.perf_counter()
                await sides[name](index)
                if index >= warmup:
                    times[name].append((time.perf_counter() - started) * 1000)
    finally:
        for client in clients.values():
            client.close()
        for service in services.values():
            service.stop()
        await store.close()
    p50 = {name: statistics.median(samples) for name, samples in times.items()}
    for name, samples in times.items():
        samples.sort()
        print(f"{name:>12}: p50 {p50[name]:.2f} ms, p90 {samples[int(len(samples) * 0.9)]:.2f} ms (n={len(samples)})")
    print(f"service / driver (p50): {p50['service'] / p50['driver']:.3f}")
    print(f"service / driver-auto (p50): {p50['service'] / p50['driver-auto']:.3f}")
    if old is not None:
        print(f"base / base-driver (p50): {p50['base'] / p50['base-driver']:.3f}")
        print(f"service / base (p50): {p50['service'] / p50['base']:.3f}")


if __name__ == "__main__":
    arguments = sys.argv[1:]
    options: dict[str, str] = {}
    for option in ("--base", "--warmup"):
        if option in arguments:
            at = arguments.index(option)
            options[option] = arguments[at + 1]
            del arguments[at : at + 2]
    base_dir = Path(options["--base"]).resolve() if "--base" in options else None
    requests = int(arguments[1]) if len(arguments) > 1 else 200
    asyncio.run(compare(arguments[0], requests, base_dir, int(options.get("--warmup", MATCHING_WARMUP))))
