"""The needs board in a real headless Chromium: the demo's open needs with a filter, their candidates, and
needs posted through the API arriving live over the page's WebSocket, also across a lost connection."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import httpx
import pytest
import pytest_asyncio
from playwright.async_api import WebSocketRoute

from graph.apikeys import create_api_key
from graph.store import Store
from tests.browser.conftest import Browsing
from tests.browser.test_explorer import api, pick

pytestmark = pytest.mark.slow

OPEN_NEEDS = """query($type: String) {
  needs(where: {status: OPEN, conflictType: $type}, first: 10) {
    totalCount
    nodes { id description conflictType { code label } conflict { id } territory { location { lat } } }
  }
}"""

HELPERS = """query($id: ID!) {
  node(id: $id) { ... on Need {
    candidates(first: 5) { nodes { actor { name } } }
    taskForceProposal(size: 5) { members { actor { name } } }
  } }
}"""

POST = """mutation($input: PostNeedInput!) {
  postNeed(input: $input) { __typename ... on NeedPosted { need { id } } }
}"""


async def post_need(base: str, key: str, template: dict[str, Any], text: str) -> str:
    """Post a need like `template`'s (same poster and conflict type) with an admin key; returns its id."""
    need = {
        "actor": template["actorId"],
        "description": text,
        "help": ["SPONSOR"],
        "conflictType": template["conflictType"]["code"],
    }
    async with httpx.AsyncClient(timeout=60) as http:
        answer = await http.post(
            f"{base}/graphql",
            json={"query": POST, "variables": {"input": need}},
            headers={"Authorization": f"Bearer {key}"},
        )
    posted = answer.json()["data"]["postNeed"]
    assert posted["__typename"] == "NeedPosted", posted
    need_id: str = posted["need"]["id"]
    return need_id


async def a_need(base: str) -> dict[str, Any]:
    data = await api(
        base, "{ needs(where: {status: OPEN}, first: 1) { nodes { actor { id } conflictType { code } } } }"
    )
    (need,) = data["needs"]["nodes"]
    return {"actorId": need["actor"]["id"], "conflictType": need["conflictType"]}


async def test_the_board_lists_the_open_needs_filters_them_and_explains_their_candidates(browsing: Browsing) -> None:
    page = browsing.page
    await page.goto(browsing.base + "/#/besoins")
    expected = (await api(browsing.base, OPEN_NEEDS))["needs"]
    assert expected["totalCount"] > 0, "the demo data has open needs"
    await page.locator("h2.count", has_text=f"{expected['totalCount']} besoin").wait_for()
    shown = await page.locator("ul.needs-list > li .description").all_inner_texts()
    assert shown == [n["description"] for n in expected["nodes"]]
    placed = sum(1 for n in expected["nodes"] if n["territory"] and n["territory"]["location"])
    assert await page.locator("svg.map .marker.base").count() == placed
    assert await page.locator("[data-nav=besoins]").get_attribute("aria-current") == "page"

    # the conflict-type filter: the board shows what `needs(where: {conflictType})` answers
    first = expected["nodes"][0]
    await pick(browsing, "type-besoin", first["conflictType"]["label"][:6], first["conflictType"]["label"])
    await page.click("form.needs-form button[type=submit]")
    await page.wait_for_function(f"location.hash.includes('type={first['conflictType']['code']}')")
    filtered = (await api(browsing.base, OPEN_NEEDS, type=first["conflictType"]["code"]))["needs"]
    assert 0 < filtered["totalCount"] <= expected["totalCount"]
    await page.locator("h2.count", has_text=f"{filtered['totalCount']} besoin").wait_for()
    shown = await page.locator("ul.needs-list > li .description").all_inner_texts()
    assert shown == [n["description"] for n in filtered["nodes"]]

    # who can help: the need's `candidates`, explained, and its conflict's task force
    card = page.locator("ul.needs-list > li").first
    await card.locator("summary").click()
    helpers = (await api(browsing.base, HELPERS, id=filtered["nodes"][0]["id"]))["node"]
    await card.locator(".helpers h4").first.wait_for()
    names = await card.locator("ol.candidates > li > a").all_inner_texts()
    assert names == [c["actor"]["name"] for c in helpers["candidates"]["nodes"]]
    if names:
        assert "Score " in await card.locator("ol.candidates > li > p").first.inner_text()
    if filtered["nodes"][0]["conflict"]:
        team = await card.locator("ul.team li a").all_inner_texts()
        assert team == [m["actor"]["name"] for m in helpers["taskForceProposal"]["members"]]
    await browsing.screenshot("explorer-needs.png", full_page=True)
    assert await browsing.axe() == []
    browsing.check()


@pytest_asyncio.fixture
async def admin_key(session_store: Store) -> str:
    token, _ = await create_api_key(session_store, role="admin", label="browser test: posts needs")
    return token


async def test_a_need_posted_through_the_api_appears_on_the_open_page(browsing: Browsing, admin_key: str) -> None:
    page = browsing.page
    await page.goto(browsing.base + "/#/besoins")
    await page.locator("ul.needs-list > li").first.wait_for()
    await page.locator(".live-state[data-state=live]").wait_for()
    before = await page.locator("h2.count").inner_text()
    await page.evaluate("window.notReloaded = true")

    text = f"Besoin publié pendant le test {uuid.uuid4()} : qui a déjà mené une concertation ?"
    need_id = await post_need(browsing.base, admin_key, await a_need(browsing.base), text)

    arrived = page.locator(f'[role=log] li[data-record="{need_id}"]')
    await arrived.wait_for(timeout=15_000)
    assert (await arrived.inner_text()).split(" ", 1)[1].startswith("Nouveau besoin")
    card = page.locator(f'ul.needs-list > li[data-id="{need_id}"]')
    await card.wait_for()
    assert await card.locator(".description").inner_text() == text
    assert await page.locator("ul.needs-list > li").first.get_attribute("data-id") == need_id
    total = int(before.split(" ")[0].replace("\u202f", ""))
    assert (await page.locator("h2.count").inner_text()).startswith(f"{total + 1} besoin")
    assert await page.evaluate("window.notReloaded") is True
    assert any(url.startswith("ws://127.0.0.1:") for url in browsing.requests), "the page opened no WebSocket"
    assert await browsing.axe() == []
    browsing.check()


async def test_after_a_lost_connection_the_page_resumes_after_the_last_event_it_saw(
    browsing: Browsing, admin_key: str
) -> None:
    """The page's socket goes through a relay the test controls: it is cut, a need is posted while the page is
    away, and the reconnected page (held back until the post committed) still shows it."""
    page = browsing.page
    connections: list[WebSocketRoute] = []
    subscribes: list[dict[str, Any]] = []
    posted_while_away = asyncio.Event()

    async def relay(socket: WebSocketRoute) -> None:
        server = socket.connect_to_server()
        connections.append(socket)
        held_back = len(connections) > 1

        async def to_server(message: str | bytes) -> None:
            decoded = json.loads(message)
            if decoded["type"] == "subscribe":
                subscribes.append(decoded["payload"]["variables"])
            if held_back:
                await posted_while_away.wait()
            server.send(message)

        socket.on_message(to_server)

    await page.route_web_socket("**/graphql", relay)
    await page.goto(browsing.base + "/#/besoins")
    await page.locator(".live-state[data-state=live]").wait_for()
    template = await a_need(browsing.base)

    seen_id = await post_need(
        browsing.base, admin_key, template, f"Premier besoin du test {uuid.uuid4()}, vu en direct."
    )
    await page.locator(f'[role=log] li[data-record="{seen_id}"]').wait_for(timeout=15_000)
    history = await api(
        browsing.base, "{ events(where: {kinds: [NEED_POSTED]}, first: 100) { edges { node { id records } } } }"
    )
    last_seen = next(e["node"]["id"] for e in history["events"]["edges"] if e["node"]["records"][0] == seen_id)

    await connections[0].close(code=1011, reason="the test cuts the connection")
    await page.locator(".live-state[data-state=waiting]").wait_for()
    missed_id = await post_need(
        browsing.base, admin_key, template, f"Besoin du test {uuid.uuid4()} posté hors connexion."
    )
    posted_while_away.set()

    await page.locator(f'[role=log] li[data-record="{missed_id}"]').wait_for(timeout=15_000)
    await page.locator(f'ul.needs-list > li[data-id="{missed_id}"]').wait_for()
    assert len(connections) == 2
    assert subscribes[0].get("after") is None
    assert subscribes[1]["after"] == last_seen
    assert await page.locator(f'[role=log] li[data-record="{seen_id}"]').count() == 1  # not shown twice
    browsing.check()


PROPOSE = """mutation($input: ProposeSponsorshipInput!) {
  proposeSponsorship(input: $input) {
    __typename ... on SponsorshipProposed { sponsorship { id status sponsor { name } } }
  }
}"""

ACCEPT = """mutation($id: ID!) {
  respondToSponsorship(input: {id: $id, decision: ACCEPT}) { __typename }
}"""


async def test_a_needs_sponsorships_show_where_their_workflow_stands(browsing: Browsing, admin_key: str) -> None:
    """A sponsorship proposed for a need (`forNeed`) is listed on the need's card with its status in French, and
    the card follows the workflow: after the beneficiary accepts, a reload shows it accepted."""
    needs = (await api(browsing.base, OPEN_NEEDS))["needs"]["nodes"]
    target = needs[0]
    helpers = await api(
        browsing.base,
        "query($id: ID!) { node(id: $id) { ... on Need { actor { id } candidates(first: 1) "
        "{ nodes { actor { id name } } } } } }",
        id=target["id"],
    )
    sponsor = helpers["node"]["candidates"]["nodes"][0]["actor"]
    proposal = {"sponsor": sponsor["id"], "beneficiary": helpers["node"]["actor"]["id"], "forNeed": target["id"]}
    async with httpx.AsyncClient(timeout=60, headers={"Authorization": f"Bearer {admin_key}"}) as http:
        answer = (
            await http.post(f"{browsing.base}/graphql", json={"query": PROPOSE, "variables": {"input": proposal}})
        ).json()
        proposed = answer["data"]["proposeSponsorship"]
        assert proposed["__typename"] == "SponsorshipProposed", answer

        page = browsing.page
        await page.goto(browsing.base + "/#/besoins")
        card = page.locator("ul.needs-list > li", has=page.locator(".description", has_text=target["description"]))
        await card.locator("summary").click()
        line = card.locator("ul.workflow > li")
        await line.first.wait_for()
        assert await line.count() == 1
        assert await line.get_attribute("data-status") == "PROPOSED"
        text = await line.inner_text()
        assert sponsor["name"] in text
        assert "proposé, en attente de réponse" in text

        accepted = await http.post(
            f"{browsing.base}/graphql",
            json={"query": ACCEPT, "variables": {"id": proposed["sponsorship"]["id"]}},
        )
        assert accepted.json()["data"]["respondToSponsorship"]["__typename"] == "SponsorshipUpdated", accepted.text
    await page.reload()
    card = page.locator("ul.needs-list > li", has=page.locator(".description", has_text=target["description"]))
    await card.locator("summary").click()
    await card.locator("ul.workflow > li[data-status=ACCEPTED]").wait_for()
    assert "accepté" in await card.locator("ul.workflow > li").inner_text()
    assert await browsing.axe() == []
    browsing.check()
