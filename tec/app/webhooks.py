"""The webhook delivery worker: one per service process (off with TEC_WEBHOOKS=false).

When its process's event reader (`resolvers.event_hub.EventHub`) finds new events, and otherwise every
TEC_EVENTS_POLL_MS when a read shows work is due, it runs one `graph.delivery.tick` (plan new
deliveries, claim due ones with a lease), then POSTs what it claimed, concurrently, each signed
(`tec.webhook_signing`), and records each outcome: a 2xx acknowledges the delivery; anything else
(another status, a timeout, a refused connection) is retried after TEC_WEBHOOK_RETRY_SECONDS ×
2^(attempts − 1), at most an hour, until the delivery is TEC_WEBHOOK_GIVE_UP_HOURS old, when it is
given up (`failed`). Receivers de-duplicate on X-Tec-Event-Id: an instance that dies after a
receiver acknowledged but before recording it leaves a lease that expires, and the delivery is sent
again by another instance.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
import uuid

import httpx

from graph import delivery
from graph.errors import GraphError
from graph.store import Store
from resolvers.event_hub import EventHub, cancel_task
from resolvers.events import audience, visible, webhook_wants
from schema.event import event_json
from tec.app.webhook_signing import signed_headers
from tec.settings import Settings

log = logging.getLogger(__name__)

CLAIM_BATCH = 20
MAX_RETRY_SECONDS = 3600.0


def retry_delay(settings: Settings, attempts: int) -> float:
    """The wait after the `attempts`-th failed attempt (1, 2, …): doubling from TEC_WEBHOOK_RETRY_SECONDS."""
    return float(min(MAX_RETRY_SECONDS, settings.webhook_retry_seconds * 2 ** max(0, attempts - 1)))


def body_of(claim: delivery.Claim) -> bytes | None:
    """The event as the webhook's audience may see it (None: it may not; planning already checked that)."""
    hook = delivery.Webhook(id="", url=claim.url, kinds=(), actor_id=claim.actor_id, created_at="", from_seq=0)
    shown = visible(audience(hook), claim.event)
    if shown is None:
        return None
    return json.dumps(event_json(shown), ensure_ascii=False, separators=(",", ":")).encode()


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        client: httpx.AsyncClient | None = None,
        hub: EventHub | None = None,
    ) -> None:
        self.store = store
        self.hub = hub  # when given, its polls wake the worker as soon as events commit
        self.settings = settings
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.client = client or httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, follow_redirects=False)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="tec.webhooks.worker")

    async def stop(self) -> None:
        await cancel_task(self._task)
        self._task = None
        await self.client.aclose()

    async def run_once(self, *, known_work: bool = False) -> int:
        """One tick: plan, claim, send; returns how many deliveries were attempted. Unless `known_work`
        (new events, or a full batch last time), a read first checks there is anything to do."""
        if not known_work and not await delivery.has_work(self.store):
            return 0
        claims = await delivery.tick(
            self.store, self.owner, self.settings.webhook_lease_seconds, CLAIM_BATCH, webhook_wants
        )
        if claims:
            await asyncio.gather(*(self._send(claim) for claim in claims))
        return len(claims)

    async def _send(self, claim: delivery.Claim) -> None:
        event = claim.event
        body = body_of(claim)
        if body is None:
            await delivery.record_attempt(
                self.store,
                claim.delivery_id,
                owner=self.owner,
                status="cancelled",
                http_status=None,
                error="not visible",
                retry_seconds=0,
            )
            return
        headers = signed_headers(claim.secret, event.id, body)
        http_status: int | None = None
        error: str | None = None
        try:
            response = await self.client.post(claim.url, content=body, headers=headers)
            http_status = response.status_code
        except httpx.HTTPError as failure:
            error = type(failure).__name__
        attempts = claim.attempts + 1
        if http_status is not None and 200 <= http_status < 300:
            status, wait = "delivered", 0.0
        else:
            wait = retry_delay(self.settings, attempts)
            too_old = time.time() + wait - claim.created_at_epoch > self.settings.webhook_give_up_hours * 3600
            status = "failed" if too_old else "pending"
            log.info(
                "webhook delivery %s: attempt %d got %s; %s",
                claim.delivery_id,
                attempts,
                http_status if http_status is not None else error,
                "given up" if too_old else f"retry in {wait:.1f} s",
            )
        await delivery.record_attempt(
            self.store,
            claim.delivery_id,
            owner=self.owner,
            status=status,
            http_status=http_status,
            error=error,
            retry_seconds=wait,
        )

    async def _run(self) -> None:
        pause = self.settings.events_poll_ms / 1000
        known_work = False
        while True:
            try:
                busy = await self.run_once(known_work=known_work)
            except GraphError as failure:
                log.warning("webhooks: Neo4j is unavailable (%s); retrying", failure)
                busy = 0
            known_work = busy >= CLAIM_BATCH or await self._wait(pause)

    async def _wait(self, pause: float) -> bool:
        """Wait for the next tick: True when woken by the hub's news (events to plan), False after `pause`."""
        if self.hub is None:
            await asyncio.sleep(pause)
            return False
        try:
            await asyncio.wait_for(self.hub.fresh.wait(), pause)
        except TimeoutError:
            return False
        self.hub.fresh.clear()
        return True
