"""The explorer in a real headless Chromium: each journey of issue #19, compared with the API's own answer."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser

from tests.browser.conftest import Browsing, open_browsing

pytestmark = pytest.mark.slow


async def api(base: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=60) as http:
        answer = await http.post(f"{base}/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def busiest_case(base: str) -> tuple[str, str, str, str]:
    """The conflict type with the most cases in the demo data, and the commune of one of them."""
    data = await api(base, "{ conflicts(first: 100) { nodes { type { code label } territory { code name level } } } }")
    conflicts = data["conflicts"]["nodes"]
    placed = [c for c in conflicts if c["type"] and c["territory"] and c["territory"]["level"] == "COMMUNE"]
    code, _ = Counter(c["type"]["code"] for c in placed).most_common(1)[0]
    case = next(c for c in placed if c["type"]["code"] == code)
    return code, case["type"]["label"], case["territory"]["code"], case["territory"]["name"]


RANKING = """query($type: String!, $place: String!, $radius: Float!, $after: String) {
  experiencedActors(conflictType: $type, near: {territory: $place}, radiusKm: $radius, first: 10, after: $after) {
    withinRadius pageInfo { hasNextPage endCursor } nodes { beyondRadius actor { name } }
  }
}"""


async def pick(browsing: Browsing, field: str, text: str, option: str) -> None:
    """Type into a type-ahead, then choose the option whose text contains `option` with the keyboard."""
    page = browsing.page
    await page.fill(f"#{field}", text)
    listbox = page.locator(f"#{field}-options")
    await listbox.locator("li", has_text=option).first.wait_for()
    options = await listbox.locator("li").all_inner_texts()
    index = next(i for i, label in enumerate(options) if option in label)
    for _ in range(index):
        await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")


async def test_the_matching_journey_shows_the_ranked_list_the_map_and_the_evidence(browsing: Browsing) -> None:
    page = browsing.page
    type_code, type_label, commune, commune_name = await busiest_case(browsing.base)
    await page.goto(browsing.base + "/")
    await page.locator("svg.map .departements path").first.wait_for()
    await pick(browsing, "type", type_label[:5], type_label)
    await pick(browsing, "lieu", commune_name, f"INSEE {commune}")
    await page.fill("#rayon", "30")
    await page.click("button[type=submit]")
    await page.locator("ol.ranking > li").first.wait_for()

    ranking = await api(browsing.base, RANKING, type=type_code, place=commune, radius=30.0)
    expected = ranking["experiencedActors"]
    names = await page.locator("ol.ranking > li h3").all_inner_texts()
    assert names == [n["actor"]["name"] for n in expected["nodes"]]
    badges = await page.locator("ol.ranking > li .badge", has_text="au-delà du rayon").count()
    assert badges == sum(n["beyondRadius"] for n in expected["nodes"])
    summary = await page.locator(".summary").inner_text()
    assert summary.startswith(f"{expected['withinRadius']} acteur")
    assert await page.locator("svg.map circle.radius").count() == 1
    assert await page.locator("svg.map .marker.base").count() >= len(names)

    # a marker on the map selects its actor in the list and opens its evidence
    marker = page.locator("svg.map .marker.base").first
    actor_id = await marker.get_attribute("data-id")
    await marker.focus()
    await page.keyboard.press("Enter")
    selected = page.locator("ol.ranking > li.selected")
    assert await selected.get_attribute("data-id") == actor_id
    evidence = selected.locator("ol.evidence > li").first
    await evidence.wait_for()
    assert " km" in await evidence.inner_text()
    assert "Score " in await selected.locator("details.why > p").inner_text()
    await browsing.screenshot("explorer-matching.png")
    assert await browsing.axe() == []
    browsing.check()

    # the next page is the API's next page
    assert expected["pageInfo"]["hasNextPage"]
    following = await api(
        browsing.base, RANKING, type=type_code, place=commune, radius=30.0, after=expected["pageInfo"]["endCursor"]
    )
    await page.click("text=Suivants →")
    await page.locator("ol.ranking[start='11']").wait_for()
    second = await page.locator("ol.ranking > li h3").all_inner_texts()
    assert second == [n["actor"]["name"] for n in following["experiencedActors"]["nodes"]]
    await page.click("text=← Précédents")
    await page.locator("ol.ranking[start='1']").wait_for()
    assert await page.locator("ol.ranking > li h3").all_inner_texts() == names
    browsing.check()

    # the search is in the address: the page reloads on the same answer
    await page.reload()
    await page.locator("ol.ranking > li").first.wait_for()
    assert await page.locator("ol.ranking > li h3").all_inner_texts() == names
    browsing.check()


async def test_a_directory_search_filtered_by_kind_and_territory_counts_and_lists_them(browsing: Browsing) -> None:
    page = browsing.page
    await page.goto(browsing.base + "/#/annuaire")
    await page.locator("h2.count").wait_for()
    await pick(browsing, "territoire", "Finist", "département")
    await page.select_option("#nature", "ASSOCIATION")
    await page.click("form.directory-form button[type=submit]")
    await page.wait_for_function("['nature=ASSOCIATION', 'territoire=29'].every((p) => location.hash.includes(p))")
    counted = await api(browsing.base, '{ actors(where: {kinds: [ASSOCIATION], territory: "29"}) { totalCount } }')
    expected = counted["actors"]["totalCount"]
    assert expected > 0
    await page.locator("h2.count", has_text=f"{expected} acteur").wait_for()
    cards = await page.locator("ul.cards li .meta").all_inner_texts()
    assert cards
    assert all(card.startswith("Association") and card.endswith(")") and "(29" in card for card in cards)
    assert await page.locator("#territoire").input_value() == "Finistère"
    await browsing.screenshot("explorer-directory.png")
    assert await browsing.axe() == []
    browsing.check()


async def test_an_actor_page_draws_its_cooperation_neighbourhood(browsing: Browsing) -> None:
    page = browsing.page
    actors = await api(browsing.base, "{ actors(first: 100) { nodes { id name cooperations { partner { id } } } } }")
    actor = max(actors["actors"]["nodes"], key=lambda a: len(a["cooperations"]))
    assert actor["cooperations"]
    data = await api(
        browsing.base,
        """query($id: ID!) {
             neighbourhood(id: $id, depth: 2, relationshipTypes: [COOPERATES_WITH, MEMBER_OF], limit: 60) {
               ... on Subgraph { nodes { id } edges { source } } } }""",
        id=actor["id"],
    )
    graph = data["neighbourhood"]
    await page.goto(f"{browsing.base}/#/acteur/{quote(actor['id'])}")
    await page.locator("svg.graph").wait_for()
    assert await page.locator("h1").inner_text() == actor["name"]
    assert await page.locator("svg.graph .node").count() == len(graph["nodes"])
    assert await page.locator("svg.graph line").count() == len(graph["edges"])
    assert await page.locator("svg.graph .node.start").count() == 1
    graphml = await page.locator("a", has_text="GraphML").get_attribute("href")
    assert graphml is not None
    async with httpx.AsyncClient(timeout=60) as http:
        download = await http.get(browsing.base + graphml)
    assert download.status_code == 200
    assert "<graphml" in download.text
    await browsing.screenshot("explorer-actor.png", full_page=True)
    assert await browsing.axe() == []
    browsing.check()


async def test_a_conflict_page_lists_its_parties_and_experienced_actors_nearby(browsing: Browsing) -> None:
    page = browsing.page
    data = await api(browsing.base, "{ conflicts(first: 1) { nodes { id title actors { actor { name } } } } }")
    conflict = data["conflicts"]["nodes"][0]
    await page.goto(f"{browsing.base}/#/conflit/{quote(conflict['id'])}")
    await page.locator("h1", has_text=conflict["title"]).wait_for()
    await page.locator("h2", has_text="Acteurs expérimentés à proximité").wait_for()
    await page.locator("text=Recherche…").wait_for(state="detached")
    parties = page.locator("section.block", has_text="Parties et intervenants").locator("li")
    assert await parties.count() == len(conflict["actors"])
    await page.locator("text=Composition…").wait_for(state="detached")
    team = await api(
        browsing.base,
        "query($id: ID!) { taskForceProposal(conflict: $id, size: 5) { members { actor { name } } } }",
        id=conflict["id"],
    )
    shown = await page.locator("ul.team li a").all_inner_texts()
    assert shown == [m["actor"]["name"] for m in team["taskForceProposal"]["members"]]
    await browsing.screenshot("explorer-conflict.png", full_page=True)
    assert await browsing.axe() == []
    browsing.check()


async def test_graphiql_runs_a_query_from_the_shipped_files(browsing: Browsing) -> None:
    page = browsing.page
    query = "{ conflictTypes(level: 1) { code label } }"
    await page.goto(f"{browsing.base}/graphql?q={quote(query)}")
    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.locator("text=AMENAGEMENT").wait_for()
    assert "USAGE" in await result.inner_text()
    await browsing.screenshot("graphiql.png")
    browsing.check()


async def test_the_explorer_fits_a_phones_width(browser: Browser, service: str) -> None:
    browsing = await open_browsing(browser, service, width=375, height=740)
    try:
        page = browsing.page
        type_code, _, commune, commune_name = await busiest_case(service)
        await page.goto(f"{service}/#/?type={type_code}&lieu={commune}&nom={quote(commune_name)}&rayon=30")
        await page.locator("ol.ranking > li").first.wait_for()
        overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        await browsing.screenshot("explorer-phone.png")
        browsing.check()
    finally:
        await browsing.page.context.close()


CANDIDATES = """query($beneficiary: ID!, $type: String!) {
  sponsorshipCandidates(beneficiary: $beneficiary, need: {conflictType: $type}, radiusKm: 100, first: 10) {
    withinRadius nodes { actor { name } activeSponsorships capacity }
  }
}"""


async def test_the_sponsorship_view_lists_the_candidates_for_an_authoritys_need(browsing: Browsing) -> None:
    page = browsing.page
    type_code, _, _, _ = await busiest_case(browsing.base)
    query = "{ actors(first: 30, where: {kinds: [COLLECTIVITE]}) { nodes { id name } } }"
    authorities = await api(browsing.base, query)
    for authority in authorities["actors"]["nodes"]:
        answer = await api(browsing.base, CANDIDATES, beneficiary=authority["id"], type=type_code)
        expected = answer["sponsorshipCandidates"]
        if expected["nodes"]:
            break
    else:
        pytest.fail("no authority of the demo data has a candidate sponsor")
    await page.goto(f"{browsing.base}/#/mecenat?beneficiaire={quote(authority['id'])}&besoin={type_code}&rayon=100")
    await page.locator("ol.ranking > li").first.wait_for()
    assert await page.locator("#beneficiaire").input_value() == authority["name"]
    names = await page.locator("ol.ranking > li h3").all_inner_texts()
    assert names == [n["actor"]["name"] for n in expected["nodes"]]
    first = expected["nodes"][0]
    meta = await page.locator("ol.ranking > li .meta").first.inner_text()
    assert f"{first['activeSponsorships']} mécénat" in meta
    assert f"sur {first['capacity']} possible" in meta
    await browsing.screenshot("explorer-sponsorship.png")
    assert await browsing.axe() == []
    browsing.check()
