"""Several service instances on one Neo4j: two `tec serve` processes share the deliveries of a webhook by
leases; one is killed (SIGKILL) while it sends; every event still reaches the receiver, and what is sent
twice carries the same event id."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from graph import delivery
from graph.outbox import NewEvent
from graph.store import Store
from tec.neo4j_local import free_port
from tests.services import stop_process
from tests.tec.events_client import Receiver, announce, eventually, receiving

SECRET = "the-partner-secret-0123456789"
EVENTS = 30


@contextmanager
def service(neo4j_uri: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "TEC_ENV": "test",
        "TEC_PORT": str(port),
        "TEC_EVENTS_POLL_MS": "50",
        "TEC_WEBHOOK_LEASE_SECONDS": "3",
        "TEC_WEBHOOK_TIMEOUT_SECONDS": "2.5",
        "TEC_WEBHOOK_RETRY_SECONDS": "0.2",
        "NEO4J_TX_TIMEOUT": "120",
        "TEC_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tec", "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            stop_process(process, timeout=15)


async def ready(process: subprocess.Popen[bytes], base: str) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient() as http:
        while True:
            assert process.poll() is None, "tec serve stopped"
            try:
                if (await http.get(f"{base}/readyz", timeout=1)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() - started < 120, "tec serve did not answer within 120 s"
            await asyncio.sleep(0.3)


async def held_by(store: Store, pid: int) -> list[str]:
    """The event ids of the deliveries an instance (by process id) holds a lease on now."""
    rows = await store.read(
        "tests.heldBy",
        "MATCH (d:Delivery {status: 'pending'}) WHERE d.owner CONTAINS $pid AND d.leaseUntil > datetime() "
        "RETURN d.eventId AS event",
        {"pid": f":{pid}:"},
    )
    return [row["event"] for row in rows]


@pytest.mark.slow
async def test_a_killed_instance_loses_no_delivery_and_duplicates_carry_the_event_id(
    store: Store, neo4j_uri: str
) -> None:
    receiver = Receiver(SECRET, delay=1.0)  # slow to answer: deliveries are in flight when the kill comes
    async with receiving(receiver):
        await delivery.add_webhook(store, receiver.url, [], None, SECRET)
        with service(neo4j_uri) as (first, first_url), service(neo4j_uri) as (second, second_url):
            await asyncio.gather(ready(first, first_url), ready(second, second_url))
            appended = await announce(
                store, *(NewEvent("CONFLICT_CREATED", (("Conflict", f"c-{n}"),), (), {"n": n}) for n in range(EVENTS))
            )
            in_flight: list[str] = []

            async def first_is_sending() -> bool:
                in_flight[:] = [event for event in await held_by(store, first.pid) if event in receiver.ids()]
                return bool(in_flight)

            await eventually(first_is_sending, 60, "the first instance sending a delivery")
            os.kill(first.pid, signal.SIGKILL)
            first.wait()

            async def all_delivered() -> bool:
                done = await delivery.deliveries(store, status="delivered", limit=1000)
                return len(done) == EVENTS

            await eventually(all_delivered, 90, "every delivery acknowledged by the surviving instance")
            assert second.poll() is None

    ids = [row["id"] for row in appended]
    received = Counter(receiver.ids())
    assert set(received) == set(ids)  # none lost
    assert receiver.refused == []
    for item in receiver.received:  # the body and the de-duplication header name the same event
        assert json.loads(item.body)["id"] == item.headers["x-tec-event-id"]
    # what the killed instance was sending was sent again, by the other one, under the same event id
    assert all(received[event] >= 2 for event in in_flight)
    log = {d.event_id: d for d in await delivery.deliveries(store, limit=1000)}
    for event in in_flight:
        assert log[event].status == "delivered"
        assert log[event].owner is None
