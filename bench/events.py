"""Event latency: from a write's commit to a GraphQL subscriber, and to a webhook receiver, under the
directory load (docs/performance.md, "Event delivery").

While 8 clients load the directory page, a writer commits one event every 100 ms (as a domain write
does, with `graph.outbox.append` in its transaction); its commit time is taken when the transaction
returns. A subscriber (graphql-transport-ws, admin key) and a webhook receiver (signatures checked) in
this process note when each event reaches them. The figures therefore include the poll interval
(TEC_EVENTS_POLL_MS, 150 ms by default: on average half of it) and, for webhooks, the delivery worker's
claim transaction and the POST.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from typing import Any

import uvicorn
import websockets
from neo4j import AsyncManagedTransaction
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench.runner import DIRECTORY_QUERY, Figures, Service, concurrent_load, latency_summary
from graph import apikeys, delivery, outbox
from graph.store import Store
from tec import neo4j_local
from tec.app.webhook_signing import verify

SECRET = "bench-webhook-secret-0123456789"  # noqa: S105  # a throwaway webhook of the benchmark


async def bench_events(store: Store, service: Service, figures: Figures, seconds: float) -> None:
    committed: dict[str, float] = {}
    at_subscriber: dict[str, float] = {}
    at_webhook: dict[str, float] = {}

    async def endpoint(request: Request) -> Response:
        body = await request.body()
        arrived = time.perf_counter()
        verify(SECRET, dict(request.headers), body)
        at_webhook.setdefault(request.headers["x-tec-event-id"], arrived)
        return Response(status_code=204)

    port = neo4j_local.free_port()
    app = Starlette(routes=[Route("/hook", endpoint, methods=["POST"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110  # uvicorn offers no event to wait on
        await asyncio.sleep(0.02)
    token, key = await apikeys.create_api_key(store, role="admin", label="bench: events")
    hook = await delivery.add_webhook(store, f"http://127.0.0.1:{port}/hook", [], None, SECRET)
    ws_url = service.url.replace("http://", "ws://") + "/graphql"
    try:
        async with websockets.connect(ws_url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as ws:
            await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}))
            await ws.recv()
            query = "subscription { events(kinds: [CONFLICT_STATUS_CHANGED]) { id } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            await asyncio.sleep(0.5)  # the subscription is registered

            async def listen() -> None:
                with contextlib.suppress(websockets.ConnectionClosed):  # the run failed or ended: counted as missing
                    async for message in ws:
                        arrived = time.perf_counter()
                        data = json.loads(message)
                        if data.get("type") == "next":
                            at_subscriber[data["payload"]["data"]["events"]["id"]] = arrived

            async def write() -> None:
                deadline = time.perf_counter() + seconds
                n = 0
                while time.perf_counter() < deadline:
                    event = outbox.NewEvent("CONFLICT_STATUS_CHANGED", (("Conflict", f"bench-{n}"),), (), {"bench": n})

                    async def work(tx: AsyncManagedTransaction, event: outbox.NewEvent = event) -> list[Any]:
                        return await outbox.append(tx, [event])

                    rows = await store.transaction("bench.event", work)
                    committed[rows[0]["id"]] = time.perf_counter()
                    n += 1
                    await asyncio.sleep(0.1)

            listener = asyncio.create_task(listen())
            from bench.suite import directory_variables

            loading = concurrent_load(service.url, DIRECTORY_QUERY, directory_variables(20), 8, seconds)
            load = asyncio.create_task(loading)
            await write()
            directory = await load
            deadline = time.monotonic() + 30

            def waiting() -> bool:
                late = len(at_subscriber) < len(committed) or len(at_webhook) < len(committed)
                return late and time.monotonic() < deadline

            while waiting():  # noqa: ASYNC110  # a bounded wait for the last arrivals
                await asyncio.sleep(0.1)
            listener.cancel()
        log = await delivery.deliveries(store, webhook_id=hook.id, limit=10_000)
        attempts = Counter(d.attempts for d in log)
        statuses = Counter(attempt.status for d in log for attempt in d.log)
        figures.add(
            "event_webhook_attempts",
            {"per_delivery": dict(sorted(attempts.items())), "http_statuses": {str(k): v for k, v in statuses.items()}},
        )
    finally:
        await delivery.remove_webhook(store, hook.id)
        await apikeys.revoke_api_key(store, key.id)
        server.should_exit = True
        await serving

    def latencies(arrivals: dict[str, float]) -> dict[str, Any]:
        samples = [(arrivals[i] - t) * 1000 for i, t in committed.items() if i in arrivals]
        return {**latency_summary(samples), "missing": len(committed) - len(samples)}

    figures.add("event_latency_subscriber", latencies(at_subscriber))
    figures.add("event_latency_webhook", latencies(at_webhook))
    figures.add("event_latency_directory_load", directory)
