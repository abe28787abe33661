"""The worked example of docs/needs-and-alerts.md, end to end against the real service and Neo4j: an authority
posts a need, the three actors the matching ranks first are alerted, one proposes a sponsorship for the need,
the authority accepts; a signed webhook and two subscribers of different roles see every step.

The operations sent are the ones the page shows: they are read from its "A worked example" section."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from strawberry.relay import GlobalID, to_base64

from graph import delivery, outbox
from graph.store import Store
from tec.app.webhook_signing import verify
from tec.settings import Settings
from tests.analyst_graph import involve
from tests.graph.test_matching import add_actor, add_conflict
from tests.tec.events_client import Receiver, eventually, receive, receiving, running_service, silent, subscribed

pytestmark = pytest.mark.usefixtures("reference_data")

DOC = Path(__file__).resolve().parents[2] / "docs" / "needs-and-alerts.md"
SECRET = "a-secret-of-the-partner-0123456789"
_FENCE = re.compile(r"```(graphql|json)\n(.*?)```", re.S)
_OPERATION = re.compile(r"^(query|mutation|subscription) (\w+)", re.M)
PLACEHOLDER = "…"
ApiKey = Callable[..., Awaitable[str]]


def worked_example() -> dict[str, tuple[str, dict[str, Any]]]:
    """{operation name: (operation, its documented variables)} of the page's "A worked example" section."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n## A worked example\n")
    section = text[start : text.index("\n## ", start + 1)]
    blocks = [(m.group(1), m.group(2)) for m in _FENCE.finditer(section)]
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for index, (language, body) in enumerate(blocks):
        if language != "graphql":
            continue
        name = _OPERATION.search(body)
        assert name, f"every operation of the worked example is named:\n{body}"
        following = blocks[index + 1] if index + 1 < len(blocks) else ("", "")
        found[name.group(2)] = (body, json.loads(following[1]) if following[0] == "json" else {})
    return found


def filled(documented: dict[str, Any], **ids: str) -> dict[str, Any]:
    """The documented `input`, its "…" placeholders replaced by the test's ids (every other value as shown)."""
    values = dict(documented["input"])
    placeholders = {key for key, value in values.items() if isinstance(value, str) and value.endswith(PLACEHOLDER)}
    assert placeholders == set(ids), (placeholders, set(ids))
    return {"input": {**values, **ids}}


async def experienced(store: Store, name: str, cases: int, year: int = 2023, **props: Any) -> str:
    """An actor based in Chauray (79081, 7 km from Niort) with `cases` settled IRRIGATION_RESERVOIR cases at
    Saint-Maixent-l'École (79270); open to sponsorship unless told otherwise."""
    actor_id = await add_actor(store, name, base="79081", **{"openToSponsorship": True, **props})
    for _ in range(cases):
        await involve(store, actor_id, await add_conflict(store, "IRRIGATION_RESERVOIR", "79270", year=year))
    return actor_id


def raw(global_id: str) -> str:
    return GlobalID.from_id(global_id).node_id


@asynccontextmanager
async def http_client(ws_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=ws_url.replace("ws://", "http://").removesuffix("/graphql"), timeout=30
    ) as client:
        yield client


async def send(client: httpx.AsyncClient, operation: str, variables: dict[str, Any], token: str | None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": operation, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_worked_example_runs_end_to_end(store: Store, settings: Settings, api_key: ApiKey) -> None:
    example = worked_example()
    assert list(example) == [
        "AddPartnerWebhook",
        "FollowEvents",
        "PostIrrigationNeed",
        "NeedCandidates",
        "ProposeForTheNeed",
        "AcceptTheSponsorship",
    ]
    # The cast: Niort, four sponsors near it ranked by their cases, one with cases but closed to sponsorship.
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    names = {
        await experienced(store, "Médiations du Marais", 3): "Médiations du Marais",
        await experienced(store, "Eau et Territoires", 2): "Eau et Territoires",
        await experienced(store, "Concertation en Gâtine", 1): "Concertation en Gâtine",
        await experienced(store, "Ancien médiateur", 1, year=2005): "Ancien médiateur",
        await experienced(store, "Cabinet fermé", 3, openToSponsorship=False): "Cabinet fermé",
    }
    by_name = {name: actor for actor, name in names.items()}
    marais = by_name["Médiations du Marais"]
    admin = await api_key("admin")
    niort_key = await api_key("editor", actor_id=niort)
    marais_key = await api_key("editor", actor_id=to_base64("Actor", marais))
    before = await outbox.last_seq(store)

    changes = {"events_poll_ms": 50, "webhook_retry_seconds": 0.2}
    async with (
        receiving(Receiver(SECRET)) as receiver,
        running_service(store, settings, **changes) as url,
        http_client(url) as client,
    ):
        query, documented = example["AddPartnerWebhook"]
        hook = await send(client, query, {"input": {**documented["input"], "url": receiver.url}}, admin)
        assert hook["addWebhook"]["__typename"] == "Webhook"
        assert hook["addWebhook"]["kinds"] == []  # every kind
        follow, _ = example["FollowEvents"]
        async with (
            subscribed(url, admin, query=follow) as back_office,
            subscribed(url, marais_key, query=follow) as marais_socket,
        ):
            assert await silent(back_office, 0.3)  # registered: what commits from now on

            # 1. The authority posts a need.
            query, documented = example["PostIrrigationNeed"]
            variables = filled(documented, actor=to_base64("Actor", niort))
            posted = (await send(client, query, variables, niort_key))["postNeed"]
            assert posted["__typename"] == "NeedPosted"
            need = posted["need"]
            assert (need["status"], need["territory"]["code"], need["conflictType"]["code"]) == (
                "OPEN",
                "79191",
                "IRRIGATION_RESERVOIR",
            )
            query, _ = example["NeedCandidates"]
            ranked = (await send(client, query, {"id": need["id"]}, None))["node"]["candidates"]["edges"]
            ranking = [raw(edge["node"]["actor"]["id"]) for edge in ranked]
            assert [names[actor] for actor in ranking] == [
                "Médiations du Marais",
                "Eau et Territoires",
                "Concertation en Gâtine",
                "Ancien médiateur",
            ]

            # 2. The best-ranked actor proposes a sponsorship for the need.
            query, documented = example["ProposeForTheNeed"]
            variables = filled(
                documented,
                sponsor=to_base64("Actor", marais),
                beneficiary=to_base64("Actor", niort),
                forNeed=need["id"],
            )
            proposed = (await send(client, query, variables, marais_key))["proposeSponsorship"]
            assert proposed["__typename"] == "SponsorshipProposed", proposed
            sponsorship = proposed["sponsorship"]["id"]

            # 3. The authority accepts.
            query, documented = example["AcceptTheSponsorship"]
            accepted = (await send(client, query, filled(documented, id=sponsorship), niort_key))[
                "respondToSponsorship"
            ]
            assert accepted["sponsorship"]["status"] == "ACCEPTED", accepted

            seen_by_admin = await receive(back_office, 6)
            seen_by_marais = await receive(marais_socket, 4)
            # the alert's evidence names its cases by global ids, which `node(id:)` fetches
            cases = seen_by_admin[1]["payload"]["cases"]
            lookup = "query Case($id: ID!) { node(id: $id) { __typename id } }"
            fetched = [(await send(client, lookup, {"id": case}, None))["node"] for case in cases]
            assert fetched == [{"__typename": "Conflict", "id": case} for case in cases]
            assert await silent(marais_socket, 0.5)  # the other two alerts never come
            await eventually(lambda: _delivered(store, 6), 30, "six deliveries acknowledged")

    kinds = ["NEED_POSTED", "ALERT", "ALERT", "ALERT", "SPONSORSHIP_PROPOSED", "SPONSORSHIP_ACCEPTED"]
    # The back office: every step, in commit order, numbered without gaps.
    assert [e["kind"] for e in seen_by_admin] == kinds
    assert [e["seq"] for e in seen_by_admin] == list(range(before + 1, before + 7))
    need_id = need["id"]
    assert all(e["records"][0] == need_id for e in seen_by_admin[:4])
    facts = seen_by_admin[0]["payload"]
    assert (facts["status"], facts["help"], facts["conflictType"], facts["territory"]) == (
        "OPEN",
        ["SPONSOR"],
        "IRRIGATION_RESERVOIR",
        "79191",  # the poster's base: no territory was given
    )
    assert [e["actors"] for e in seen_by_admin[1:4]] == [
        [{"id": to_base64("Actor", actor), "name": names[actor]}] for actor in ranking[:3]
    ]  # exactly the three the matching ranks first, in its order; not the fourth, not the closed one
    assert [e["payload"]["rank"] for e in seen_by_admin[1:4]] == [1, 2, 3]
    best = seen_by_admin[1]["payload"]
    assert (best["about"], best["casesFound"], best["caseTypes"]) == ("Need", 3, ["IRRIGATION_RESERVOIR"])
    assert best["distanceKm"] == 7.0  # Chauray to Niort
    assert seen_by_admin[4]["records"][0] == seen_by_admin[5]["records"][0] == sponsorship
    assert need_id in seen_by_admin[4]["records"]
    assert {a["name"] for a in seen_by_admin[5]["actors"]} == {"Ville de Niort", "Médiations du Marais"}
    assert (seen_by_admin[5]["payload"]["from"], seen_by_admin[5]["payload"]["status"]) == ("PROPOSED", "ACCEPTED")

    # The alerted actor's own front end: the public need, its own alert (not the others'), its sponsorship.
    ids = [e["id"] for e in seen_by_admin]
    assert [e["id"] for e in seen_by_marais] == [ids[0], ids[1], ids[4], ids[5]]
    own = [{"id": to_base64("Actor", marais), "name": "Médiations du Marais"}]
    assert [e["actors"] for e in seen_by_marais] == [[], own, own, own]
    assert seen_by_marais[1]["payload"] == seen_by_admin[1]["payload"]

    # The partner's webhook: each event once, every signature valid, in seq order the same six steps.
    assert receiver.refused == []
    assert sorted(receiver.ids()) == sorted(ids)
    bodies = sorted((json.loads(r.body) for r in receiver.received), key=lambda body: body["seq"])
    assert [b["kind"] for b in bodies] == kinds
    assert [b["id"] for b in bodies] == ids
    assert [b["records"] for b in bodies] == [e["records"] for e in seen_by_admin]
    assert [b["payload"] for b in bodies] == [e["payload"] for e in seen_by_admin]
    assert [b["actors"] for b in bodies] == [[a["id"] for a in e["actors"]] for e in seen_by_admin]
    for item in receiver.received:
        stamp = int(item.headers["x-tec-timestamp"])
        verify(SECRET, item.headers, item.body, now=stamp)  # raises if the signature is wrong


async def _delivered(store: Store, count: int) -> bool:
    return len(await delivery.deliveries(store, status="delivered")) >= count
