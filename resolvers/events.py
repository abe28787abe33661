"""Events: who may see which (one rule for subscriptions and webhooks), the `events` subscription, and the
webhooks' admin operations."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncGenerator
from urllib.parse import urlsplit

import strawberry
from strawberry import relay

from graph import delivery, outbox
from graph.store import Store
from resolvers.event_hub import EventHub, TooManySubscriptions
from schema.context import Info, Principal
from schema.errors import ApiError, FieldError, Forbidden, NotFound, ValidationFailed, bad_input
from schema.event import (
    AddWebhookInput,
    AddWebhookResult,
    DeliveryStatus,
    Event,
    EventFilter,
    EventKind,
    Webhook,
    WebhookDelivery,
)
from schema.inputs import Deleted, DeleteResult, decode_id
from schema.pagination import Connection, Edge, page_size

log = logging.getLogger(__name__)

# Kinds anyone with an API key may follow: facts the directory publishes anyway (a need, a conflict, a task
# force exists). Sponsorship steps, task-force membership and alerts concern named actors: only they see them.
PUBLIC_KINDS = frozenset(
    {"NEED_POSTED", "NEED_UPDATED", "NEED_CLOSED", "CONFLICT_CREATED", "CONFLICT_STATUS_CHANGED", "TASK_FORCE_CREATED"}
)
MAX_HISTORY_PAGE = 200


def own_actor(principal: Principal) -> str | None:
    """The stored id of the actor an API key is scoped to (keys may hold it as a raw or a global id)."""
    if not principal.actor_id:
        return None
    try:
        return decode_id(principal.actor_id, "Actor")
    except ValueError:
        return principal.actor_id


def visible(principal: Principal, event: outbox.Event) -> outbox.Event | None:
    """The event as `principal` may see it, or None. The one visibility rule of events:

    - admin: every event, with every actor it is addressed to;
    - anonymous: the public kinds (the resolvers refuse anonymous callers when `TEC_PUBLIC_EVENTS` is off);
    - a key scoped to an actor: the events addressed to that actor (alerts, its sponsorships, its task
      forces…), and the public kinds (`PUBLIC_KINDS`);
    - any other key (reader, editor): the public kinds.
    Outside admin, `actors` lists at most the caller's own actor: who else was told is not shown.
    """
    if principal.is_admin:
        return event
    actor = own_actor(principal)
    if actor is not None and actor in event.actors:
        return dataclasses.replace(event, actors=(actor,))
    if event.kind in PUBLIC_KINDS:
        return dataclasses.replace(event, actors=())
    return None


def audience(hook: delivery.Webhook) -> Principal:
    """Whose view a webhook gets: its actor's (as that actor's reader key would), else an admin's."""
    if hook.actor_id:
        return Principal(role="reader", actor_id=hook.actor_id)
    return Principal(role="admin")


def webhook_wants(hook: delivery.Webhook, event: outbox.Event) -> bool:
    return (not hook.kinds or event.kind in hook.kinds) and visible(audience(hook), event) is not None


def _hub(info: Info) -> EventHub:
    request = info.context.request
    hub: EventHub | None = getattr(request.app.state, "events", None) if request is not None else None
    if hub is None:
        raise ApiError("Event subscriptions are not served by this process.", "SERVICE_UNAVAILABLE")
    return hub


async def _after_seq(store: Store, after: str) -> int:
    if after.isdigit():
        return int(after)
    seq = await delivery.seq_of(store, after)
    if seq is None:
        raise bad_input(f"`after` must be the id (or seq) of an event; no event has the id {after!r}.")
    return seq


def _matches(event: outbox.Event, kinds: set[str] | None, actor: str | None) -> bool:
    return (kinds is None or event.kind in kinds) and (actor is None or actor in event.actors)


async def events(
    info: Info,
    kinds: list[EventKind] | None = None,
    actor: strawberry.ID | None = None,
    after: str | None = None,
) -> AsyncGenerator[Event, None]:
    """Events as they commit, those the caller may see; with `after`, first those committed after it. The
    checks run before the stream starts, so a refusal is the operation's `error` message."""
    principal = info.context.principal
    if principal.role is None and not info.context.settings.public_events:
        raise ApiError(
            "Event subscriptions need an API key: send it in connection_init's payload as "
            '{"authorization": "Bearer <API key>"}.',
            "UNAUTHENTICATED",
        )
    store = info.context.store
    wanted_kinds = {kind.value for kind in kinds} if kinds else None
    try:
        actor_id = decode_id(str(actor), "Actor") if actor is not None else None
    except ValueError as error:
        raise bad_input(f"`actor` {error}.") from None
    # without `after`: from the last event committed now (the hub may not have read it yet)
    start_after = await _after_seq(store, after) if after is not None else await outbox.last_seq(store)
    hub = _hub(info)
    try:
        hub.check_capacity()
    except TooManySubscriptions as error:
        raise ApiError(str(error), "TOO_MANY_SUBSCRIPTIONS") from None
    return _stream(store, principal, hub, start_after, wanted_kinds, actor_id)


async def _stream(
    store: Store,
    principal: Principal,
    hub: EventHub,
    start_after: int,
    wanted_kinds: set[str] | None,
    actor_id: str | None,
) -> AsyncGenerator[Event, None]:
    subscriber, position = hub.subscribe()  # registered when the stream starts, unregistered when it ends
    last = start_after

    async def read_up_to(bound: int) -> AsyncGenerator[Event, None]:
        """The events after `last` up to `bound` read from the outbox (replay, or catching up)."""
        nonlocal last
        while last < bound:
            page = await outbox.events_after(
                store,
                last,
                kinds=sorted(wanted_kinds) if wanted_kinds else None,
                actor=actor_id,
                limit=MAX_HISTORY_PAGE,
            )
            for event in page:
                if event.seq > bound:
                    break
                last = event.seq
                shown = visible(principal, event)
                if shown is not None:
                    yield Event.from_event(shown)
            if len(page) < MAX_HISTORY_PAGE or (page and page[-1].seq >= bound):
                last = max(last, bound)

    try:
        async for item in read_up_to(position):
            yield item
        while True:
            if subscriber.overflowed:  # too slow for the queue: read what was missed from the outbox
                subscriber.overflowed = False
                while not subscriber.queue.empty():
                    subscriber.queue.get_nowait()
                async for item in read_up_to(hub.position):
                    yield item
            event = await subscriber.queue.get()
            if event.seq <= last:
                continue
            last = event.seq
            if _matches(event, wanted_kinds, actor_id):
                shown = visible(principal, event)
                if shown is not None:
                    yield Event.from_event(shown)
    finally:
        hub.unsubscribe(subscriber)


async def event_history(
    info: Info,
    where: EventFilter | None = None,
    after: str | None = None,
    first: int | None = None,
) -> Connection[Event]:
    """The events committed after `after` (an event id or seq; from the first when null) that the caller
    may see, oldest first; each edge's cursor is its event's id."""
    principal = info.context.principal
    if principal.role is None and not info.context.settings.public_events:
        raise ApiError("Events are readable with an API key only.", "UNAUTHENTICATED")
    size = page_size(info, first)
    kinds = sorted({kind.value for kind in where.kinds}) if where is not None and where.kinds else None
    try:
        actor_id = decode_id(str(where.actor), "Actor") if where is not None and where.actor is not None else None
    except ValueError as error:
        raise bad_input(f"`where.actor` {error}.") from None
    start = await _after_seq(info.context.store, after) if after is not None else 0
    found = await delivery.history(
        info.context.store,
        start,
        kinds=kinds,
        actor=actor_id,
        everything=principal.is_admin,
        public=sorted(PUBLIC_KINDS),
        own=own_actor(principal),
        limit=size + 1,
    )
    shown = [event for event in (visible(principal, e) for e in found[:size]) if event is not None]
    edges = [Edge(cursor=event.id, node=Event.from_event(event)) for event in shown]
    return Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=len(found) > size,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=None,
    )


def _admin_only(info: Info, what: str) -> None:
    if not info.context.principal.is_admin:
        raise ApiError(f"{what} is visible only with an admin API key.", "FORBIDDEN")


async def webhooks(info: Info) -> list[Webhook]:
    _admin_only(info, "The webhook list")
    return [Webhook.from_webhook(hook) for hook in await delivery.list_webhooks(info.context.store)]


async def webhook_deliveries(
    info: Info,
    webhook: strawberry.ID | None = None,
    status: DeliveryStatus | None = None,
    first: int = 50,
) -> list[WebhookDelivery]:
    _admin_only(info, "The delivery log")
    if not 1 <= first <= info.context.settings.max_page_size:
        raise bad_input(f"`first` must be between 1 and {info.context.settings.max_page_size}.")
    found = await delivery.deliveries(
        info.context.store,
        webhook_id=str(webhook) if webhook is not None else None,
        status=status.value if status is not None else None,
        limit=first,
    )
    return [WebhookDelivery.from_delivery(d) for d in found]


def check_webhook(url: str, secret: str, *, production: bool) -> list[tuple[str, str]]:
    """What is wrong with a webhook's URL and secret (field, message); empty when nothing is."""
    problems: list[tuple[str, str]] = []
    parts = urlsplit(url.strip())
    schemes = ("https",) if production else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or len(url) > 2000:
        problems.append(("url", f"must be an absolute {' or '.join(schemes)} URL (at most 2,000 characters)"))
    if not 16 <= len(secret) <= 200:
        problems.append(("secret", "must be 16 to 200 characters long (e.g. `openssl rand -hex 32`)"))
    return problems


async def add_webhook(info: Info, input: AddWebhookInput) -> AddWebhookResult:
    if not info.context.principal.is_admin:
        return Forbidden(message="Adding a webhook needs an admin API key.")
    problems = check_webhook(input.url, input.secret, production=info.context.settings.production)
    actor_id: str | None = None
    if input.actor is not None:
        try:
            actor_id = decode_id(str(input.actor), "Actor")
        except ValueError as error:
            problems.append(("actor", str(error)))
    if problems:
        return ValidationFailed(
            message=f"{len(problems)} input field(s) are invalid; nothing was written.",
            errors=[FieldError(field=field, message=message) for field, message in problems],
        )
    kinds = [kind.value for kind in input.kinds or []]
    try:
        hook = await delivery.add_webhook(info.context.store, input.url.strip(), kinds, actor_id, input.secret)
    except delivery.TooManyWebhooks as error:
        return ValidationFailed.single("url", str(error))
    log.info("webhook %s added", hook.id)  # never its secret
    return Webhook.from_webhook(hook)


async def remove_webhook(info: Info, id: strawberry.ID) -> DeleteResult:
    if not info.context.principal.is_admin:
        return Forbidden(message="Removing a webhook needs an admin API key.")
    if not await delivery.remove_webhook(info.context.store, str(id)):
        return NotFound(message=f"No webhook has the id {id}.", id=str(id))
    log.info("webhook %s removed", id)
    return Deleted(id=id)
