"""Deliveries in Neo4j: planned once per (webhook, event), claimed by one instance at a time, taken over
when a lease runs out, and never reverted by a late record."""

from __future__ import annotations

import asyncio

from graph import delivery
from graph.outbox import NewEvent
from graph.store import Store
from tests.tec.events_client import announce


def _everything(hook: delivery.Webhook, event: object) -> bool:
    return True


async def test_concurrent_ticks_claim_each_delivery_once_and_an_expired_lease_is_taken_over(store: Store) -> None:
    hook = await delivery.add_webhook(store, "http://127.0.0.1:9/hook", [], None, "s" * 20)
    await announce(store, *(NewEvent("CONFLICT_CREATED", (("Conflict", f"c-{n}"),)) for n in range(12)))
    claims = await asyncio.gather(*(delivery.tick(store, f"instance-{n}", 1.0, 5, _everything) for n in range(4)))
    claimed = [claim.delivery_id for batch in claims for claim in batch]
    assert len(claimed) == 12  # 4 instances × up to 5: all 12, each by one instance
    assert len(set(claimed)) == 12
    assert all(claim.delivery_id.startswith(hook.id + ":") for batch in claims for claim in batch)
    assert await delivery.tick(store, "instance-9", 1.0, 50, _everything) == []  # all leased

    await asyncio.sleep(1.2)  # every lease runs out: the holders "died"
    taken = await delivery.tick(store, "instance-9", 30.0, 50, _everything)
    assert sorted(claim.delivery_id for claim in taken) == sorted(claimed)

    first = taken[0]
    await delivery.record_attempt(
        store, first.delivery_id, owner="instance-9", status="delivered", http_status=204, error=None, retry_seconds=0
    )
    dead = next(n for n, batch in enumerate(claims) if any(c.delivery_id == first.delivery_id for c in batch))
    await delivery.record_attempt(  # the first holder's answer comes late: logged, not undoing the delivery
        store,
        first.delivery_id,
        owner=f"instance-{dead}",
        status="pending",
        http_status=None,
        error="ReadTimeout",
        retry_seconds=5,
    )
    (done,) = [d for d in await delivery.deliveries(store, limit=100) if d.id == first.delivery_id]
    assert done.status == "delivered"
    assert done.attempts == 2
    assert [(a.status, a.error) for a in done.log] == [(204, None), (None, "ReadTimeout")]
    assert done.next_try is None
