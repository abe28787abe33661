"""One reader of the outbox per process, fanning new events out to every subscription of that process.

Every `TEC_EVENTS_POLL_MS` the hub asks Neo4j for the events committed after the last one it saw (one
indexed query per process, however many subscribers), and puts each into every subscriber's queue.
A subscriber registers *before* it replays the history it asked for, and remembers the hub's position
at that moment: the replay covers up to that position, the queue everything after it, and a seq
already passed is dropped, so nothing is lost or repeated at the seam. A subscriber too slow to keep
its queue (`QUEUE_SIZE`) is told so, and catches up by reading the outbox itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from graph import outbox
from graph.errors import GraphError
from graph.store import Store

log = logging.getLogger(__name__)

QUEUE_SIZE = 1000
PAGE = 500


class TooManySubscriptions(Exception):
    pass


async def cancel_task(task: asyncio.Task[None] | None) -> None:
    """Cancel a background loop (if it runs) and wait until it has stopped."""
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[outbox.Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False

    def push(self, event: outbox.Event) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class EventHub:
    def __init__(self, store: Store, poll_seconds: float, max_subscribers: int) -> None:
        self.store = store
        self.poll_seconds = poll_seconds
        self.max_subscribers = max_subscribers
        self.position = 0
        self.subscribers: set[Subscriber] = set()
        self.fresh = asyncio.Event()  # set when a poll found events (wakes this process's delivery worker)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.position = await outbox.last_seq(self.store)
        self._task = asyncio.create_task(self._run(), name="tec.events.hub")

    async def stop(self) -> None:
        await cancel_task(self._task)
        self._task = None

    def check_capacity(self) -> None:
        """Refuse a new subscription when the process serves its most already."""
        if len(self.subscribers) >= self.max_subscribers:
            raise TooManySubscriptions(
                f"This server already serves {self.max_subscribers} event subscriptions; retry later or use a webhook."
            )

    def subscribe(self) -> tuple[Subscriber, int]:
        """A new subscriber, and the last seq the hub had dispatched when it registered."""
        subscriber = Subscriber()
        self.subscribers.add(subscriber)
        return subscriber, self.position

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    async def poll(self) -> None:
        """Read what committed since the last poll and hand it to every subscriber."""
        while True:
            events = await outbox.events_after(self.store, self.position, limit=PAGE)
            for event in events:
                for subscriber in list(self.subscribers):
                    subscriber.push(event)
                self.position = event.seq
            if events:
                self.fresh.set()
            if len(events) < PAGE:
                return

    async def _run(self) -> None:
        while True:
            try:
                await self.poll()
            except GraphError as error:
                log.warning("events: the outbox could not be read (%s); retrying", error)
            await asyncio.sleep(self.poll_seconds)
