"""Webhooks against a receiver started by the test: signed deliveries the receiver checks, retries after a
500 with the log to show it, replays refused by the documented verification, visibility, giving up."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from strawberry import relay
from typer.testing import CliRunner, Result

from graph import delivery
from graph.outbox import NewEvent
from graph.store import Store
from tec.app.logs import DRIVER_LOGGER, configure_logging
from tec.app.webhook_signing import InvalidSignature, verify
from tec.app.webhooks import DeliveryWorker
from tec.cli.main import app as cli
from tec.settings import Settings
from tests.conftest import GraphQL
from tests.tec.apps import serve
from tests.tec.events_client import Receiver, announce, eventually, receiving

ApiKey = Callable[..., Awaitable[str]]
SECRET = "a-secret-of-the-partner-0123456789"

ADD = """
mutation Add($input: AddWebhookInput!) {
  addWebhook(input: $input) {
    __typename
    ... on Webhook { id url kinds actor }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
  }
}
"""
LOG = """
query Log($webhook: ID) {
  webhookDeliveries(webhook: $webhook) { event eventSeq status attempts nextTry deliveredAt log { status } }
}
"""


@asynccontextmanager
async def worker(store: Store, settings: Settings, **changes: Any) -> AsyncIterator[DeliveryWorker]:
    changed = {"events_poll_ms": 50, "webhook_retry_seconds": 0.2, **changes}
    running = DeliveryWorker(store, settings.model_copy(update=changed))
    running.start()
    try:
        yield running
    finally:
        await running.stop()


async def _add(gql: GraphQL, token: str, **fields: Any) -> dict[str, Any]:
    response = await gql(ADD, {"input": {"secret": SECRET, **fields}}, token=token)
    assert response.status_code == 200, response.text
    added: dict[str, Any] = response.json()["data"]["addWebhook"]
    return added


@pytest.fixture
def debug_log(settings: Settings) -> Iterator[io.StringIO]:
    """The service's logging at TEC_LOG_LEVEL=debug, into a buffer (restored afterwards)."""
    root, driver = logging.getLogger(), logging.getLogger(DRIVER_LOGGER)
    handlers, level, driver_level = root.handlers[:], root.level, driver.level
    buffer = io.StringIO()
    configure_logging(settings.model_copy(update={"log_level": "debug"}), buffer)
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)
    driver.setLevel(driver_level)


async def test_deliveries_are_signed_retried_after_a_500_and_logged(
    store: Store, settings: Settings, gql: GraphQL, api_key: ApiKey, debug_log: io.StringIO
) -> None:
    admin = await api_key("admin")
    async with receiving(Receiver(SECRET, fail_first=1)) as receiver:
        hook = await _add(gql, admin, url=receiver.url, kinds=["CONFLICT_CREATED", "NEED_POSTED"])
        assert hook["__typename"] == "Webhook"
        appended = await announce(
            store,
            NewEvent("CONFLICT_CREATED", (("Conflict", "c-1"),), (), {"status": "OPEN"}),
            NewEvent("ALERT", (("Need", "n-1"),), ("a-1",)),  # a kind it did not ask for
            NewEvent("NEED_POSTED", (("Need", "n-2"),), ("a-2",)),
        )
        async with worker(store, settings):
            await eventually(lambda: _delivered(store, 2), 20, "both deliveries acknowledged")
    wanted = [appended[0]["id"], appended[2]["id"]]
    assert receiver.refused == []  # every attempt carried a valid signature
    assert sorted(receiver.ids()) == sorted(wanted * 2)  # each tried twice: a 500, then a 204
    first = json.loads(receiver.received[0].body)
    assert first["kind"] in ("CONFLICT_CREATED", "NEED_POSTED")
    conflict = next(json.loads(r.body) for r in receiver.received if r.event_id == wanted[0])
    assert conflict["records"] == [relay.to_base64("Conflict", "c-1")]
    assert conflict["payload"] == {"status": "OPEN"}
    assert conflict["seq"] == 1

    response = await gql(LOG, {"webhook": hook["id"]}, token=admin)
    log = response.json()["data"]["webhookDeliveries"]
    assert [(d["event"], d["status"], d["attempts"]) for d in log] == [
        (wanted[1], "DELIVERED", 2),
        (wanted[0], "DELIVERED", 2),
    ]
    assert [[a["status"] for a in d["log"]] for d in log] == [[500, 204], [500, 204]]
    assert all(d["deliveredAt"] and d["nextTry"] is None for d in log)
    logged = debug_log.getvalue()
    assert "retry in" in logged  # the worker logged the 500s…
    assert SECRET not in logged  # …and nothing logged the secret, even at DEBUG


async def _delivered(store: Store, count: int) -> bool:
    done = await delivery.deliveries(store, status="delivered")
    return len(done) >= count


async def test_a_replayed_or_tampered_delivery_is_refused_by_the_documented_verification(
    store: Store, settings: Settings, gql: GraphQL, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    async with receiving(Receiver(SECRET)) as receiver:
        await _add(gql, admin, url=receiver.url)
        await announce(store, NewEvent("CONFLICT_CREATED", (("Conflict", "c-1"),)))
        async with worker(store, settings):
            await eventually(lambda: _delivered(store, 1), 20, "the delivery acknowledged")
    (original,) = receiver.received
    stamp = int(original.headers["x-tec-timestamp"])
    verify(SECRET, original.headers, original.body, now=stamp + 10)  # fresh: accepted
    with pytest.raises(InvalidSignature, match="old"):
        verify(SECRET, original.headers, original.body, now=stamp + 301)  # the same request 5 min later
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(SECRET, {**original.headers, "x-tec-timestamp": str(stamp + 301)}, original.body, now=stamp + 301)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify(SECRET, original.headers, original.body.replace(b'"seq":1', b'"seq":2'), now=stamp)
    with pytest.raises(InvalidSignature, match="does not match"):
        verify("another-secret-0123456789", original.headers, original.body, now=stamp)

    # the receiver, ten minutes later, gets the captured request again: refused
    later = Receiver(SECRET, clock_offset=600)
    async with receiving(later), httpx.AsyncClient() as http:
        replay = await http.post(later.url, content=original.body, headers=original.headers)
    assert replay.status_code == 401
    assert later.received == []
    assert "old" in later.refused[0]


async def test_an_actor_webhook_gets_what_that_actor_may_read_and_secrets_never_leave(
    store: Store, settings: Settings, gql: GraphQL, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    async with receiving(Receiver(SECRET)) as receiver:
        hook = await _add(gql, admin, url=receiver.url, actor=relay.to_base64("Actor", "a-2"))
        assert hook["actor"] == relay.to_base64("Actor", "a-2")
        appended = await announce(
            store,
            NewEvent("ALERT", (("Need", "n-1"),), ("a-1",)),  # someone else's alert
            NewEvent("SPONSORSHIP_PROPOSED", (("Sponsorship", "s-1"),), ("a-1", "a-2")),
            NewEvent("CONFLICT_CREATED", (("Conflict", "c-1"),), ("a-3",)),  # public
        )
        async with worker(store, settings):
            await eventually(lambda: _delivered(store, 2), 20, "two deliveries acknowledged")
            assert not await _delivered(store, 3)
    bodies = sorted((json.loads(r.body) for r in receiver.received), key=lambda body: body["seq"])
    assert [b["id"] for b in bodies] == [appended[1]["id"], appended[2]["id"]]
    assert [b["actors"] for b in bodies] == [[relay.to_base64("Actor", "a-2")], []]

    listed = await gql("{ webhooks { id url kinds actor createdAt } }", token=admin)
    assert SECRET not in listed.text
    assert listed.json()["data"]["webhooks"][0]["id"] == hook["id"]
    editor = await api_key("editor")
    refused = await gql("{ webhooks { id } }", token=editor)
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    forbidden = await _add(gql, editor, url=receiver.url)
    assert forbidden["__typename"] == "Forbidden"


async def test_a_delivery_never_acknowledged_is_given_up_after_the_set_time(
    store: Store, settings: Settings, gql: GraphQL, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    async with receiving(Receiver(SECRET, fail_first=1000)) as receiver:
        await _add(gql, admin, url=receiver.url)
        await announce(store, NewEvent("CONFLICT_CREATED", (("Conflict", "c-1"),)))
        async with worker(store, settings, webhook_give_up_hours=1.5 / 3600):  # 1.5 s
            await eventually(lambda: _with_status(store, "failed"), 20, "the delivery given up after 1.5 s of 500s")
    (failed,) = await delivery.deliveries(store, status="failed")
    assert failed.attempts >= 2
    assert all(attempt.status == 500 for attempt in failed.log)
    assert failed.next_try is None
    assert len(receiver.received) == failed.attempts


async def _with_status(store: Store, status: str) -> bool:
    return bool(await delivery.deliveries(store, status=status))


async def test_bad_webhooks_are_refused_with_each_reason(gql: GraphQL, api_key: ApiKey) -> None:
    admin = await api_key("admin")
    refused = await _add(gql, admin, url="ftp://partner.example.org/hook", secret="short", actor="not an id!")
    assert refused["__typename"] == "ValidationFailed"
    assert sorted(error["field"] for error in refused["errors"]) == ["actor", "secret", "url"]


async def test_the_cli_adds_lists_and_removes_webhooks(store: Store, neo4j_uri: str) -> None:
    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}

    async def run(*args: str) -> Result:  # the CLI runs its own event loop: give it a thread
        return await asyncio.to_thread(lambda: CliRunner().invoke(cli, list(args), env=env))

    added = await run(
        "webhook", "add", "https://partner.example.org/hook", "--events", "need_posted,ALERT", "--secret", SECRET
    )
    assert added.exit_code == 0, added.output
    hook_id = added.output.split()[1]
    listed = await run("webhook", "list")
    assert listed.exit_code == 0, listed.output
    assert f"{hook_id}  https://partner.example.org/hook  NEED_POSTED,ALERT" in listed.output
    assert SECRET not in listed.output + added.output
    unknown = await run("webhook", "add", "https://x.example.org", "--events", "NOPE", "--secret", SECRET)
    assert unknown.exit_code != 0
    assert "NOPE" in unknown.output
    removed = await run("webhook", "remove", hook_id)
    assert removed.exit_code == 0, removed.output
    again = await run("webhook", "remove", hook_id)
    assert again.exit_code == 1
    assert "No webhook" in again.output


async def test_production_takes_https_receivers_only(store: Store, settings: Settings, api_key: ApiKey) -> None:
    admin = await api_key("admin")
    async with serve(store, settings, environment="production", neo4j_password="a-real-password") as http:
        body = {"query": ADD, "variables": {"input": {"url": "http://partner.example.org/hook", "secret": SECRET}}}
        refused = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {admin}"})
        body["variables"]["input"]["url"] = "https://partner.example.org/hook"  # type: ignore[index]
        added = await http.post("/graphql", json=body, headers={"Authorization": f"Bearer {admin}"})
    assert refused.json()["data"]["addWebhook"]["errors"] == [
        {"field": "url", "message": "must be an absolute https URL (at most 2,000 characters)"}
    ]
    assert added.json()["data"]["addWebhook"]["url"] == "https://partner.example.org/hook"
