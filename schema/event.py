"""Events (what happened, from the outbox), webhooks and their delivery log, as GraphQL types."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from graph import delivery, outbox
from graph.nodes import nodes_by_ids
from graph.store import Store
from schema.actor import Actor
from schema.context import Info
from schema.errors import Forbidden, ValidationFailed

# What one `Event` lists at most (events carry far fewer: the main record and a few related ones; the
# actors an alert is sent to are the matching's top N). Kept by `from_event`, and priced so by the cost model.
MAX_EVENT_RECORDS = 20
MAX_EVENT_ACTORS = 100


@strawberry.enum(description="What happened (the names of graph.outbox.KINDS).")
class EventKind(Enum):
    NEED_POSTED = "NEED_POSTED"
    NEED_UPDATED = "NEED_UPDATED"
    NEED_CLOSED = "NEED_CLOSED"
    SPONSORSHIP_PROPOSED = "SPONSORSHIP_PROPOSED"
    SPONSORSHIP_ACCEPTED = "SPONSORSHIP_ACCEPTED"
    SPONSORSHIP_DECLINED = "SPONSORSHIP_DECLINED"
    SPONSORSHIP_STARTED = "SPONSORSHIP_STARTED"
    SPONSORSHIP_COMPLETED = "SPONSORSHIP_COMPLETED"
    TASK_FORCE_CREATED = "TASK_FORCE_CREATED"
    TASK_FORCE_MEMBER_ADDED = "TASK_FORCE_MEMBER_ADDED"
    TASK_FORCE_MEMBER_REMOVED = "TASK_FORCE_MEMBER_REMOVED"
    CONFLICT_CREATED = "CONFLICT_CREATED"
    CONFLICT_STATUS_CHANGED = "CONFLICT_STATUS_CHANGED"
    ALERT = "ALERT"


@strawberry.enum(description="Where a webhook delivery stands.")
class DeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


def global_record_id(record: str) -> str:
    """A stored "Label:id" as the API's global id (what `node(id:)` takes)."""
    label, _, record_id = record.partition(":")
    return relay.to_base64(label, record_id)


# Payload fields that hold stored ids. The outbox keeps stored ids (like its "Label:id" records); what leaves
# the service — a subscription's or the history's `Event.payload`, a webhook's body — holds the API's global
# ids, so a client can pass every id it receives to `node(id:)`.
_PAYLOAD_RECORD_LISTS = ("cases", "metBy")  # lists of "Label:id"
_PAYLOAD_IDS = {"conflict": "Conflict", "need": "Need", "actor": "Actor"}  # a stored id of that type


def api_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """An event's payload as clients receive it: its stored ids turned into global ids."""
    shown = dict(payload)
    for key in _PAYLOAD_RECORD_LISTS:
        if isinstance(shown.get(key), list):
            shown[key] = [global_record_id(v) if isinstance(v, str) else v for v in shown[key]]
    for key, label in _PAYLOAD_IDS.items():
        if isinstance(shown.get(key), str) and shown[key]:
            shown[key] = relay.to_base64(label, shown[key])
    if isinstance(shown.get("members"), list):
        shown["members"] = [
            {**member, "actor": relay.to_base64("Actor", member["actor"])}
            if isinstance(member, dict) and isinstance(member.get("actor"), str)
            else member
            for member in shown["members"]
        ]
    return shown


async def _load_actors(store: Store, ids: list[str]) -> list[dict[str, Any] | None]:
    found = await nodes_by_ids(store, "Actor", ids)
    return [found.get(actor_id) for actor_id in ids]


@strawberry.type(description="Something that happened and was committed: the change it announces is in the graph.")
class Event:
    id: strawberry.ID = strawberry.field(description="The event's id (a UUID): de-duplicate on it; resume after it.")
    seq: int = strawberry.field(description="Its number: events are numbered in commit order, without gaps.")
    at: str = strawberry.field(description="When it was committed (ISO 8601, UTC).")
    kind: EventKind
    records: list[strawberry.ID] = strawberry.field(
        description="Global ids of the records concerned, the main one first (fetch them with `node(id:)`)."
    )
    payload: JSON = strawberry.field(description="Non-personal facts about the change (differs by kind).")
    actor_ids: strawberry.Private[tuple[str, ...]]

    @strawberry.field(description="The actors this event is addressed to, as far as your role may see them.")
    async def actors(self, info: Info) -> list[Actor]:
        loader = info.context.loaders.get("event.actors", _load_actors)
        records = await loader.load_many(list(self.actor_ids))
        return [Actor.from_record(record) for record in records if record]

    @classmethod
    def from_event(cls, event: outbox.Event) -> Event:
        return cls(
            id=strawberry.ID(event.id),
            seq=event.seq,
            at=event.at,
            kind=EventKind[event.kind],
            records=[strawberry.ID(global_record_id(record)) for record in event.records[:MAX_EVENT_RECORDS]],
            payload=api_payload(event.payload),  # type: ignore[arg-type]  # JSON is any JSON value
            actor_ids=event.actors[:MAX_EVENT_ACTORS],
        )


def event_json(event: outbox.Event) -> dict[str, Any]:
    """An event as a webhook receives it: the same fields as the GraphQL `Event`, actors as global ids."""
    return {
        "id": event.id,
        "seq": event.seq,
        "at": event.at,
        "kind": event.kind,
        "records": [global_record_id(record) for record in event.records],
        "actors": [relay.to_base64("Actor", actor_id) for actor_id in event.actors],
        "payload": api_payload(event.payload),
    }


@strawberry.type(description="A partner system told of events by signed POSTs (its secret is never shown).")
class Webhook:
    id: strawberry.ID
    url: str
    kinds: list[EventKind] = strawberry.field(description="The kinds it receives (all when empty).")
    actor: strawberry.ID | None = strawberry.field(
        description="When set, it receives what this actor's key may read; otherwise everything (admin's view)."
    )
    created_at: str

    @classmethod
    def from_webhook(cls, hook: delivery.Webhook) -> Webhook:
        return cls(
            id=strawberry.ID(hook.id),
            url=hook.url,
            kinds=[EventKind[kind] for kind in hook.kinds],
            actor=strawberry.ID(relay.to_base64("Actor", hook.actor_id)) if hook.actor_id else None,
            created_at=hook.created_at,
        )


@strawberry.type(description="One try at a delivery.")
class DeliveryAttempt:
    at: str
    status: int | None = strawberry.field(description="The receiver's HTTP status; null when it was not reached.")
    error: str | None


@strawberry.type(description="The delivery of one event to one webhook, and its log.")
class WebhookDelivery:
    id: strawberry.ID
    webhook: strawberry.ID
    event: strawberry.ID = strawberry.field(description="The event's id (its `X-Tec-Event-Id`).")
    event_seq: int
    status: DeliveryStatus
    created_at: str
    attempts: int
    next_try: str | None = strawberry.field(description="When it is tried again (pending deliveries).")
    delivered_at: str | None
    leased_by: str | None = strawberry.field(description="The instance sending it now, if any.")
    lease_until: str | None
    log: list[DeliveryAttempt] = strawberry.field(description="The last attempts, oldest first.")

    @classmethod
    def from_delivery(cls, d: delivery.Delivery) -> WebhookDelivery:
        return cls(
            id=strawberry.ID(d.id),
            webhook=strawberry.ID(d.webhook_id),
            event=strawberry.ID(d.event_id),
            event_seq=d.event_seq,
            status=DeliveryStatus(d.status),
            created_at=d.created_at,
            attempts=d.attempts,
            next_try=d.next_try,
            delivered_at=d.delivered_at,
            leased_by=d.owner,
            lease_until=d.lease_until,
            log=[DeliveryAttempt(at=a.at, status=a.status, error=a.error) for a in d.log],
        )


@strawberry.input(description="Which events to list.")
class EventFilter:
    kinds: list[EventKind] | None = strawberry.field(default=None, description="Only these kinds.")
    actor: strawberry.ID | None = strawberry.field(default=None, description="Only those addressed to this actor.")


@strawberry.input(description="A webhook: where to POST which events, and the secret that signs them.")
class AddWebhookInput:
    url: str = strawberry.field(description="http(s) URL of the receiver (https only in production).")
    kinds: list[EventKind] | None = strawberry.field(
        default=None, description="The kinds to send; all when null or empty."
    )
    actor: strawberry.ID | None = strawberry.field(
        default=None, description="Send only what this actor's key may read (events addressed to it, public ones)."
    )
    secret: str = strawberry.field(description="The HMAC key of the signatures (16 to 200 characters).")


AddWebhookResult = Annotated[Webhook | ValidationFailed | Forbidden, strawberry.union("AddWebhookResult")]
