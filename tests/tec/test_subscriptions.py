"""GraphQL subscriptions over WebSocket (graphql-transport-ws): each client sees exactly what its role may
read, resumes after the last event it saw without loss or repeat, and the WebSocket path is guarded."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
import websockets
from strawberry import relay

from graph import outbox
from graph.outbox import NewEvent
from graph.store import Store
from resolvers import event_hub as hub_module
from resolvers.events import _stream as event_stream
from schema.context import Principal
from tec.settings import Settings
from tests.conftest import GraphQL
from tests.tec.events_client import add_actor, announce, receive, running_service, silent, subscribed

ApiKey = Callable[..., Awaitable[str]]


def _events() -> list[NewEvent]:
    """A need posted by a-1 (public), an alert to a-2, a sponsorship proposed between a-2 and a-1, an alert
    to a-3, a conflict created (public)."""
    return [
        NewEvent("NEED_POSTED", (("Need", "n-1"), ("Actor", "a-1")), ("a-1",), {"title": "Concertation éolien"}),
        NewEvent("ALERT", (("Need", "n-1"),), ("a-2",), {"rank": 1}),
        NewEvent("SPONSORSHIP_PROPOSED", (("Sponsorship", "s-1"),), ("a-1", "a-2")),
        NewEvent("ALERT", (("Need", "n-1"),), ("a-3",), {"rank": 2}),
        NewEvent("CONFLICT_CREATED", (("Conflict", "c-1"),)),
    ]


async def test_two_clients_of_different_roles_each_see_exactly_what_they_may_read(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    for actor_id, name in (("a-1", "Ville de Rennes"), ("a-2", "Eau et Rivières"), ("a-3", "Solagro")):
        await add_actor(store, actor_id, name)
    admin = await api_key("admin")
    actor_key = await api_key("editor", actor_id=relay.to_base64("Actor", "a-2"))
    reader = await api_key("reader")
    async with (
        running_service(store, settings, webhooks=False, events_poll_ms=50) as url,
        subscribed(url, admin, {"after": "0"}) as everything,
        subscribed(url, actor_key, {"after": "0"}) as own,
        subscribed(url, reader, {"after": "0"}) as public,
    ):
        appended = await announce(store, *_events())
        seen_by_admin = await receive(everything, 5)
        seen_by_actor = await receive(own, 4)
        seen_by_reader = await receive(public, 2)
        assert await silent(own, 0.6)
        assert await silent(public, 0.1)

    ids = [row["id"] for row in appended]
    assert [e["id"] for e in seen_by_admin] == ids
    assert [e["kind"] for e in seen_by_admin] == [
        "NEED_POSTED",
        "ALERT",
        "SPONSORSHIP_PROPOSED",
        "ALERT",
        "CONFLICT_CREATED",
    ]
    assert [a["name"] for a in seen_by_admin[2]["actors"]] == ["Ville de Rennes", "Eau et Rivières"]
    assert seen_by_admin[0]["records"] == [relay.to_base64("Need", "n-1"), relay.to_base64("Actor", "a-1")]
    assert seen_by_admin[0]["payload"] == {"title": "Concertation éolien"}
    # a-2's key: the public need and conflict, its alert and its sponsorship; not a-3's alert
    assert [e["id"] for e in seen_by_actor] == [ids[0], ids[1], ids[2], ids[4]]
    # who else was told stays hidden: only a-2 itself appears
    a2 = ["Eau et Rivières"]
    assert [[a["name"] for a in e["actors"]] for e in seen_by_actor] == [[], a2, a2, []]
    assert [e["id"] for e in seen_by_reader] == [ids[0], ids[4]]
    assert all(e["actors"] == [] for e in seen_by_reader)


async def test_resume_after_a_disconnect_misses_nothing_and_repeats_nothing(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    conflicts = [NewEvent("CONFLICT_CREATED", (("Conflict", f"c-{n}"),), (), {"n": n}) for n in range(8)]
    async with running_service(store, settings, webhooks=False, events_poll_ms=50) as url:
        await announce(store, *conflicts[:2])  # before anyone listens
        async with subscribed(url, admin, {"after": "0", "kinds": ["CONFLICT_CREATED"]}) as first:
            seen = await receive(first, 2)
            await announce(store, conflicts[2])
            seen += await receive(first, 1)
        last_seen = seen[-1]["id"]
        await announce(store, *conflicts[3:6])  # while disconnected
        async with subscribed(url, admin, {"after": last_seen}) as again:
            resumed = await receive(again, 3)
            await announce(store, *conflicts[6:])  # live again
            resumed += await receive(again, 2)
            assert await silent(again, 0.5)

    payloads = [e["payload"]["n"] for e in seen + resumed]
    assert payloads == list(range(8))
    assert [e["seq"] for e in seen + resumed] == list(range(1, 9))


async def test_without_after_only_new_events_arrive(store: Store, settings: Settings, api_key: ApiKey) -> None:
    admin = await api_key("admin")
    async with running_service(store, settings, webhooks=False, events_poll_ms=50) as url:
        await announce(store, NewEvent("CONFLICT_CREATED", (("Conflict", "old"),)))
        async with subscribed(url, admin) as socket:
            assert await silent(socket, 0.5)  # the subscription is registered; the old event is history
            await announce(store, NewEvent("CONFLICT_CREATED", (("Conflict", "new"),)))
            (event,) = await receive(socket, 1)
    assert event["records"] == [relay.to_base64("Conflict", "new")]


async def test_without_a_key_only_the_public_kinds_arrive(store: Store, settings: Settings) -> None:
    """The explorer's live alerts: a caller without a key follows needs and conflicts, nothing addressed to
    named actors, and never who was told."""
    for actor_id, name in (("a-1", "Ville de Rennes"), ("a-2", "Eau et Rivières"), ("a-3", "Solagro")):
        await add_actor(store, actor_id, name)
    async with (
        running_service(store, settings, webhooks=False, events_poll_ms=50) as url,
        subscribed(url, None, {"after": "0"}) as anonymous,
    ):
        appended = await announce(store, *_events())
        seen = await receive(anonymous, 2)
        assert await silent(anonymous, 0.6)
    assert [e["id"] for e in seen] == [appended[0]["id"], appended[4]["id"]]
    assert [e["kind"] for e in seen] == ["NEED_POSTED", "CONFLICT_CREATED"]
    assert all(e["actors"] == [] for e in seen)


async def test_subscriptions_refuse_anonymous_callers_wrong_keys_and_unknown_resume_points(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    reader = await api_key("reader")
    async with running_service(store, settings, webhooks=False, public_events=False) as url:
        async with subscribed(url, None) as anonymous:
            message = json.loads(await anonymous.recv())
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"

        async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket:
            await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": "Bearer nope"}}))
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await socket.recv()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403

        async with subscribed(url, reader, {"after": "not-an-event"}) as unknown:
            message = json.loads(await unknown.recv())
        assert message["type"] == "error"
        assert message["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "not-an-event" in message["payload"][0]["message"]


async def test_a_process_serves_a_bounded_number_of_subscriptions(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    reader = await api_key("reader")
    async with (
        running_service(store, settings, webhooks=False, max_subscriptions=1) as url,
        subscribed(url, reader, {"after": "0"}) as first,
    ):
        assert await silent(first, 0.3)
        async with subscribed(url, reader) as second:
            message = json.loads(await second.recv())
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"


async def test_websocket_handshakes_count_against_the_rate_limit_and_foreign_origins_are_refused(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    reader = await api_key("reader")
    protocol = [websockets.Subprotocol("graphql-transport-ws")]
    partner = "https://app.partner.example.org"
    async with running_service(store, settings, webhooks=False, rate_limit=2, cors_origins=partner) as url:
        async with websockets.connect(url, subprotocols=protocol, origin=websockets.Origin(partner)):
            pass
        with pytest.raises(websockets.InvalidStatus) as foreign:
            async with websockets.connect(url, subprotocols=protocol, origin=websockets.Origin("https://evil.example")):
                pass
        assert foreign.value.response.status_code == 403
        with pytest.raises(websockets.InvalidStatus) as limited:
            async with subscribed(url, reader):
                pass
        assert limited.value.response.status_code == 403


async def test_the_cost_model_prices_subscriptions_too(store: Store, settings: Settings, api_key: ApiKey) -> None:
    admin = await api_key("admin")
    costly = "subscription { events { actors { conflicts(first: 50) { role conflict { title } } } } }"
    async with (
        running_service(store, settings, webhooks=False, max_cost=500) as url,
        websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket,
    ):
        await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {admin}"}}))
        await socket.recv()
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": costly}}))
        message = json.loads(await socket.recv())
    assert message["type"] == "next"
    assert message["payload"]["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"


HISTORY = """
query History($after: String, $first: Int, $where: EventFilter) {
  events(where: $where, after: $after, first: $first) {
    edges { cursor node { id kind actors { name } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_the_history_query_pages_through_what_the_caller_may_read(
    store: Store, gql: GraphQL, api_key: ApiKey
) -> None:
    for actor_id, name in (("a-1", "Ville de Rennes"), ("a-2", "Eau et Rivières"), ("a-3", "Solagro")):
        await add_actor(store, actor_id, name)
    ids = [row["id"] for row in await announce(store, *_events())]
    admin = await api_key("admin")
    actor_key = await api_key("reader", actor_id="a-2")

    first = (await gql(HISTORY, {"first": 3}, token=admin)).json()["data"]["events"]
    assert [edge["node"]["id"] for edge in first["edges"]] == ids[:3]
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": ids[2]}
    rest = (await gql(HISTORY, {"first": 3, "after": ids[2]}, token=admin)).json()["data"]["events"]
    assert [edge["node"]["id"] for edge in rest["edges"]] == ids[3:]
    assert rest["pageInfo"]["hasNextPage"] is False

    own = (await gql(HISTORY, {"first": 10}, token=actor_key)).json()["data"]["events"]
    assert [edge["node"]["id"] for edge in own["edges"]] == [ids[0], ids[1], ids[2], ids[4]]
    assert [edge["node"]["actors"] for edge in own["edges"]][2] == [{"name": "Eau et Rivières"}]
    alerts = (await gql(HISTORY, {"where": {"kinds": ["ALERT"]}}, token=actor_key)).json()["data"]["events"]
    assert [edge["node"]["id"] for edge in alerts["edges"]] == [ids[1]]

    anonymous = (await gql(HISTORY, {})).json()["data"]["events"]
    assert [edge["node"]["id"] for edge in anonymous["edges"]] == [ids[0], ids[4]]
    assert all(edge["node"]["actors"] == [] for edge in anonymous["edges"])


async def test_queries_and_mutations_are_not_served_over_the_websocket(
    store: Store, settings: Settings, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    async with (
        running_service(store, settings, webhooks=False) as url,
        websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as socket,
    ):
        await socket.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {admin}"}}))
        await socket.recv()
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ webhooks { id } }"}}))
        message = json.loads(await socket.recv())
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "HTTP POST" in message["payload"][0]["message"]


async def test_a_subscriber_too_slow_for_its_queue_catches_up_from_the_outbox(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hub_module, "QUEUE_SIZE", 2)
    hub = hub_module.EventHub(store, poll_seconds=60, max_subscribers=10)  # not started: polled by hand
    stream = event_stream(store, Principal(role="admin"), hub, await outbox.last_seq(store), None, None)
    first = asyncio.ensure_future(anext(stream))  # registers, then waits on its queue
    await asyncio.sleep(0.1)
    await announce(store, *(NewEvent("CONFLICT_CREATED", (("Conflict", f"c-{n}"),), (), {"n": n}) for n in range(10)))
    await hub.poll()  # ten events for a queue of two
    received = [await asyncio.wait_for(first, 10)] + [await asyncio.wait_for(anext(stream), 10) for _ in range(9)]
    assert [event.seq for event in received] == list(range(1, 11))
    payloads: list[object] = [event.payload for event in received]
    assert payloads == [{"n": n} for n in range(10)]
    await stream.aclose()
    assert hub.subscribers == set()
