"""Webhooks and their deliveries, kept in Neo4j so that several service instances share the work.

A `(:Webhook {id, url, kinds, actorId, secret, fromSeq, createdAt})` asks for the events of `kinds`
(those its audience may read: see `resolvers.events.visible`) committed after `fromSeq`, its creation.

Each instance's delivery worker (`tec.app.webhooks`) runs one *tick* at a time, in one write transaction
that first takes the write lock of the `(:DeliveryCursor {name: 'webhooks'})` node, so ticks of all
instances run one after another:

1. *plan*: the events committed after the cursor's `seq` become one `(:Delivery {id: webhookId + ':' +
   eventId})` per webhook that wants them (status `pending`, due now), and the cursor moves past them;
2. *claim*: up to `limit` pending deliveries that are due and not leased (or whose lease expired,
   because the instance holding it died) get `owner` = this instance and `leaseUntil` = now + lease.

The worker then POSTs each claimed delivery and records the outcome with `record_attempt` (delivered,
retried later, or given up). Because claims are serialised by the cursor's lock, a lease is held by
one instance at a time; an instance that dies mid-delivery leaves a lease that expires and is taken
over, so a delivery is made at least once (perhaps twice, with the same event id).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import outbox
from graph.store import Store, mark_uncacheable, run_in_tx

# The most attempts a delivery's log keeps (the newest ones).
LOG_ENTRIES = 20
# The most webhooks there may be (`add_webhook` refuses more; the list is read whole).
MAX_WEBHOOKS = 200
STATUSES = ("pending", "delivered", "failed", "cancelled")


@dataclass(frozen=True)
class Webhook:
    id: str
    url: str
    kinds: tuple[str, ...]
    actor_id: str | None
    created_at: str
    from_seq: int
    secret: str = field(repr=False, default="")  # never returned by the API nor logged


@dataclass(frozen=True)
class Attempt:
    at: str
    status: int | None  # the receiver's HTTP status; None when it could not be reached
    error: str | None


@dataclass(frozen=True)
class Delivery:
    id: str
    webhook_id: str
    event_id: str
    event_seq: int
    status: str
    created_at: str
    attempts: int
    next_try: str | None
    delivered_at: str | None
    owner: str | None
    lease_until: str | None
    log: tuple[Attempt, ...]


@dataclass(frozen=True)
class Claim:
    """A delivery this instance holds the lease of: what to send, where, signed with what."""

    delivery_id: str
    url: str
    actor_id: str | None  # the webhook's actor (whose view of the event it gets)
    secret: str = field(repr=False)
    event: outbox.Event
    attempts: int
    created_at_epoch: float  # seconds since the epoch: when the delivery was planned (give-up clock)


_WEBHOOK_FIELDS: LiteralString = (
    "w {.id, .url, .kinds, .actorId, .secret, .fromSeq, createdAt: toString(w.createdAt)} AS webhook"
)


def _webhook(row: Mapping[str, Any]) -> Webhook:
    return Webhook(
        id=row["id"],
        url=row["url"],
        kinds=tuple(row["kinds"] or ()),
        actor_id=row["actorId"],
        created_at=row["createdAt"],
        from_seq=int(row["fromSeq"]),
        secret=row["secret"],
    )


class TooManyWebhooks(Exception):
    pass


_ADD: LiteralString = (
    "OPTIONAL MATCH (c:EventSequence {name: 'events'}) "
    "CALL (c) { MATCH (w:Webhook) RETURN count(w) AS existing } "
    "WITH c WHERE existing < $max "
    "CREATE (w:Webhook {id: $id, url: $url, kinds: $kinds, actorId: $actorId, secret: $secret, "
    "fromSeq: coalesce(c.last, 0), createdAt: datetime()}) RETURN " + _WEBHOOK_FIELDS
)


async def add_webhook(store: Store, url: str, kinds: Sequence[str], actor_id: str | None, secret: str) -> Webhook:
    """A webhook for the events of `kinds` (all kinds when empty) committed from now on."""
    params = {"id": "wh-" + secrets.token_hex(8), "url": url, "kinds": list(kinds), "actorId": actor_id}
    rows = await store.write("webhooks.add", _ADD, {**params, "secret": secret, "max": MAX_WEBHOOKS})
    if not rows:
        raise TooManyWebhooks(f"There are already {MAX_WEBHOOKS} webhooks; remove one first.")
    return _webhook(rows[0]["webhook"])


async def list_webhooks(store: Store) -> list[Webhook]:
    mark_uncacheable()
    rows = await store.read(
        "webhooks.list",
        "MATCH (w:Webhook) RETURN " + _WEBHOOK_FIELDS + " ORDER BY w.createdAt LIMIT $max",
        {"max": MAX_WEBHOOKS},
    )
    return [_webhook(row["webhook"]) for row in rows]


_REMOVE: LiteralString = """
MATCH (w:Webhook {id: $id})
OPTIONAL MATCH (d:Delivery {webhookId: $id, status: 'pending'})
SET d.status = 'cancelled', d.nextTry = null, d.owner = null, d.leaseUntil = null
WITH DISTINCT w
DETACH DELETE w
RETURN count(*) AS removed
"""


async def remove_webhook(store: Store, webhook_id: str) -> bool:
    """Remove a webhook; its pending deliveries are cancelled (its log stays). False when unknown."""
    rows = await store.write("webhooks.remove", _REMOVE, {"id": webhook_id})
    return bool(rows and rows[0]["removed"])


_LOCK: LiteralString = """
MERGE (c:DeliveryCursor {name: 'webhooks'})
ON CREATE SET c.seq = 0
SET c.lockedBy = $owner
RETURN c.seq AS seq
"""

_WEBHOOKS_WANTING: LiteralString = "MATCH (w:Webhook) WHERE w.fromSeq < $last RETURN " + _WEBHOOK_FIELDS

_PLAN: LiteralString = """
UNWIND $deliveries AS d
MERGE (delivery:Delivery {id: d.id})
ON CREATE SET delivery.webhookId = d.webhookId, delivery.eventId = d.eventId, delivery.eventSeq = d.eventSeq,
              delivery.status = 'pending', delivery.createdAt = datetime(), delivery.nextTry = datetime(),
              delivery.attempts = 0, delivery.log = []
"""

_ADVANCE: LiteralString = "MATCH (c:DeliveryCursor {name: 'webhooks'}) SET c.seq = $seq"

_CLAIM: LiteralString = """
MATCH (d:Delivery {status: 'pending'})
WHERE d.nextTry <= datetime() AND (d.leaseUntil IS NULL OR d.leaseUntil < datetime())
WITH d ORDER BY d.nextTry LIMIT $limit
MATCH (w:Webhook {id: d.webhookId})
MATCH (e:Event {id: d.eventId})
SET d.owner = $owner, d.leaseUntil = datetime() + duration({milliseconds: $leaseMs})
RETURN d.id AS id, d.attempts AS attempts, d.createdAt.epochMillis AS createdAt, w.url AS url, w.actorId AS actorId,
       w.secret AS secret,
       e {.id, .seq, .kind, .records, .actors, .payload, at: toString(e.at)} AS event
"""

PLAN_BATCH = 500

_HAS_WORK: LiteralString = """
CALL () { OPTIONAL MATCH (w:Webhook) RETURN count(w) > 0 AS hooks }
CALL () {
  OPTIONAL MATCH (c:DeliveryCursor {name: 'webhooks'})
  OPTIONAL MATCH (s:EventSequence {name: 'events'})
  RETURN coalesce(s.last, 0) > coalesce(c.seq, 0) AS fresh
}
CALL () {
  OPTIONAL MATCH (d:Delivery {status: 'pending'})
  WHERE d.nextTry <= datetime() AND (d.leaseUntil IS NULL OR d.leaseUntil < datetime())
  WITH d LIMIT 1
  RETURN count(d) > 0 AS due
}
RETURN (hooks AND fresh) OR due AS work
"""


async def has_work(store: Store) -> bool:
    """Whether a tick would plan or claim anything: a read, so that idle workers write nothing."""
    rows = await store.read_once("deliveries.hasWork", _HAS_WORK)  # polled every tick: one exchange
    return bool(rows and rows[0]["work"])


Wants = Callable[[Webhook, outbox.Event], bool]


async def tick(store: Store, owner: str, lease_seconds: float, limit: int, wants: Wants) -> list[Claim]:
    """Plan the deliveries of newly committed events, then claim up to `limit` due ones for `owner` (see
    the module docstring). `wants(webhook, event)` says whether a webhook is sent an event."""

    async def work(tx: AsyncManagedTransaction) -> list[Claim]:
        cursor = int((await run_in_tx(tx, _LOCK, {"owner": owner}))[0]["seq"])
        rows = await run_in_tx(tx, outbox._AFTER, {"after": cursor, "kinds": None, "actor": None, "limit": PLAN_BATCH})
        events = [outbox._event(row["event"]) for row in rows]
        if events:
            last = events[-1].seq
            hooks = [_webhook(row["webhook"]) for row in await run_in_tx(tx, _WEBHOOKS_WANTING, {"last": last})]
            planned = [
                {"id": f"{hook.id}:{event.id}", "webhookId": hook.id, "eventId": event.id, "eventSeq": event.seq}
                for event in events
                for hook in hooks
                if event.seq > hook.from_seq and wants(hook, event)
            ]
            if planned:
                await run_in_tx(tx, _PLAN, {"deliveries": planned})
            await run_in_tx(tx, _ADVANCE, {"seq": last})
        claimed = await run_in_tx(tx, _CLAIM, {"owner": owner, "leaseMs": int(lease_seconds * 1000), "limit": limit})
        return [
            Claim(
                delivery_id=row["id"],
                url=row["url"],
                actor_id=row["actorId"],
                secret=row["secret"],
                event=outbox._event(row["event"]),
                attempts=int(row["attempts"]),
                created_at_epoch=int(row["createdAt"]) / 1000,
            )
            for row in claimed
        ]

    # bookkeeping of delivery: the domain's response cache stays valid
    return await store.transaction("deliveries.tick", work, changed=lambda _: False)


_RECORD: LiteralString = """
MATCH (d:Delivery {id: $id})
WITH d, CASE WHEN d.status IN ['delivered', 'cancelled'] THEN d.status ELSE $status END AS status,
     d.owner = $owner AS mine
SET d.attempts = d.attempts + 1,
    d.log = (d.log + [toString(datetime()) + ' ' + $entry])[-$keep..],
    d.lastAttemptAt = datetime(),
    d.status = status,
    d.deliveredAt = CASE WHEN status = 'delivered' THEN coalesce(d.deliveredAt, datetime()) ELSE null END,
    d.nextTry = CASE WHEN status <> 'pending' THEN null
                     WHEN mine THEN datetime() + duration({milliseconds: $retryMs}) ELSE d.nextTry END,
    d.owner = CASE WHEN mine OR status <> 'pending' THEN null ELSE d.owner END,
    d.leaseUntil = CASE WHEN mine OR status <> 'pending' THEN null ELSE d.leaseUntil END
RETURN d.status AS status
"""


async def record_attempt(
    store: Store,
    delivery_id: str,
    *,
    owner: str,
    status: str,
    http_status: int | None,
    error: str | None,
    retry_seconds: float,
) -> None:
    """Log one attempt and its outcome: `delivered`, `pending` (retried after `retry_seconds`) or `failed`
    (given up), and release `owner`'s lease. When the lease had run out and another instance holds the
    delivery now, the attempt is logged but that instance's lease and next try are left alone; a
    delivery already delivered stays delivered."""
    # each log entry is "<ISO time> <HTTP status or -> <error>"
    entry = f"{http_status if http_status is not None else '-'} {error or ''}".strip()
    params = {
        "id": delivery_id,
        "owner": owner,
        "status": status,
        "entry": entry,
        "keep": LOG_ENTRIES,
        "retryMs": int(retry_seconds * 1000),
    }

    async def work(tx: AsyncManagedTransaction) -> None:
        await run_in_tx(tx, _RECORD, params)

    await store.transaction("deliveries.record", work, changed=lambda _: False)


_DELIVERIES: LiteralString = """
MATCH (d:Delivery)
WHERE ($webhook IS NULL OR d.webhookId = $webhook) AND ($status IS NULL OR d.status = $status)
RETURN d {.id, .webhookId, .eventId, .eventSeq, .status, .attempts, .owner, .log,
          createdAt: toString(d.createdAt), nextTry: toString(d.nextTry), deliveredAt: toString(d.deliveredAt),
          leaseUntil: toString(d.leaseUntil)} AS delivery
ORDER BY d.eventSeq DESC, d.webhookId
LIMIT $limit
"""


def _attempt(entry: str) -> Attempt:
    at, _, rest = entry.partition(" ")
    status, _, error = rest.partition(" ")
    return Attempt(at=at, status=int(status) if status.isdigit() else None, error=error or None)


async def deliveries(
    store: Store, *, webhook_id: str | None = None, status: str | None = None, limit: int = 100
) -> list[Delivery]:
    """The delivery log, newest events first."""
    mark_uncacheable()
    rows = await store.read("deliveries.list", _DELIVERIES, {"webhook": webhook_id, "status": status, "limit": limit})
    found = []
    for row in rows:
        d = row["delivery"]
        found.append(
            Delivery(
                id=d["id"],
                webhook_id=d["webhookId"],
                event_id=d["eventId"],
                event_seq=int(d["eventSeq"]),
                status=d["status"],
                created_at=d["createdAt"],
                attempts=int(d["attempts"]),
                next_try=d["nextTry"],
                delivered_at=d["deliveredAt"],
                owner=d["owner"],
                lease_until=d["leaseUntil"],
                log=tuple(_attempt(entry) for entry in d["log"] or ()),
            )
        )
    return found


async def seq_of(store: Store, event_id: str) -> int | None:
    """The seq of the event with this id (None when there is none)."""
    rows = await store.read("outbox.seqOf", "MATCH (e:Event {id: $id}) RETURN e.seq AS seq", {"id": event_id})
    return int(rows[0]["seq"]) if rows else None


_HISTORY: LiteralString = """
MATCH (event:Event)
WHERE event.seq > $after
  AND ($kinds IS NULL OR event.kind IN $kinds)
  AND ($actor IS NULL OR $actor IN event.actors)
  AND ($everything OR event.kind IN $public OR ($own IS NOT NULL AND $own IN event.actors))
RETURN event {.id, .seq, .kind, .records, .actors, .payload, at: toString(event.at)} AS event
ORDER BY event.seq
LIMIT $limit
"""


async def history(
    store: Store,
    after: int,
    *,
    kinds: Sequence[str] | None,
    actor: str | None,
    everything: bool,
    public: Sequence[str],
    own: str | None,
    limit: int,
) -> list[outbox.Event]:
    """Committed events after `after`, oldest first, of `kinds` and addressed to `actor` when given, and
    among those a reader may see: all (`everything`), else the `public` kinds and those addressed to `own`."""
    params = {
        "after": after,
        "kinds": list(kinds) if kinds is not None else None,
        "actor": actor,
        "everything": everything,
        "public": list(public),
        "own": own,
        "limit": limit,
    }
    rows = await store.read("outbox.history", _HISTORY, params)
    return [outbox._event(row["event"]) for row in rows]
