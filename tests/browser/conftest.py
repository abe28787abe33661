"""A real headless Chromium (Debian's `chromium`, driven by Playwright) on `tec serve` with demo-like data.

The service runs in a subprocess on a free port against the test session's Neo4j, holding a small
generated network over Bretagne (the demo generator, scaled down). Every page a test opens records
the URLs the browser asked for and the console's errors; `Browsing.check()` fails the test when one
left 127.0.0.1 or the page logged an error (a CSP violation included).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, Request, async_playwright

from graph.store import Store
from synthetic.seeding import seed_needs, seed_network
from tests.conftest import REFERENCE_LABELS
from tests.services import bretagne_territories, small_demo, tec_serve

CHROMIUM = Path(os.environ.get("TEC_CHROMIUM", "/usr/bin/chromium"))
# `make screenshots` (TEC_SCREENSHOTS=docs/img) refreshes the README's pictures; a plain test run keeps its
# screenshots out of the working tree.
SCREENSHOTS = Path(os.environ.get("TEC_SCREENSHOTS") or Path(tempfile.gettempdir()) / "tec-screenshots")
AXE_SOURCE = (Path(__file__).resolve().parent / "axe.min.js").read_text(encoding="utf-8") + "\n;undefined"

SMALL_DEMO = small_demo("browser-demo")


@pytest_asyncio.fixture(scope="package")
async def demo_data(session_store: Store, reference_data: None) -> None:
    """A graph of reference data plus a small demo network over Bretagne's real communes, with open needs.

    Seeded once for the whole package (as are the service and Chromium): the explorer's tests only read,
    and run before the needs board's (modules run in file order), which are the only ones to write."""
    await session_store.write(
        "tests.clean",
        "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $keep) DETACH DELETE n",
        {"keep": list(REFERENCE_LABELS)},
    )
    await seed_network(session_store, SMALL_DEMO, territories=bretagne_territories())
    await seed_needs(session_store, SMALL_DEMO.name)  # the demo's open needs, posted as `tec seed demo` posts them


@pytest.fixture(scope="package")
def service(demo_data: None, neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tec serve` on a free port of 127.0.0.1; yields its base URL."""
    with tec_serve(neo4j_uri, tmp_path_factory.mktemp("explorer-service"), TEC_RATE_LIMIT="0") as base:
        yield base


@pytest.fixture(scope="package")
def chromium_path() -> str:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium package (or set TEC_CHROMIUM).")
    return str(CHROMIUM)


@pytest_asyncio.fixture(scope="package")
async def browser(chromium_path: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=chromium_path, headless=True)
        yield chromium
        await chromium.close()


@dataclass
class Browsing:
    """A page of a fresh browser context, with what it asked the network for and what it logged."""

    page: Page
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def check(self) -> None:
        outside = [
            url for url in self.requests if not url.startswith(("http://127.0.0.1:", "data:", "ws://127.0.0.1:"))
        ]
        assert not outside, f"requests left 127.0.0.1: {outside}"
        assert self.requests, "the page asked for nothing: the log is not recording"
        assert not self.errors, f"the page logged errors: {self.errors}"

    async def screenshot(self, name: str, *, full_page: bool = False) -> None:
        """Save the page into SCREENSHOTS (docs/img/ with `make screenshots`), after checking it shows no
        stray null, undefined or NaN."""
        text = await self.page.locator("body").inner_text()
        assert not re.search(r"\b(null|undefined|NaN)\b", text), f"a stray value on the page: {text[:2000]}"
        await self.page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)

    async def axe(self) -> list[dict[str, Any]]:
        """axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules)."""
        await self.page.evaluate(AXE_SOURCE)
        result: dict[str, Any] = await self.page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]


async def open_browsing(browser: Browser, base: str, *, width: int = 1280, height: int = 900) -> Browsing:
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = await context.new_page()
    browsing = Browsing(page, base)

    def on_request(request: Request) -> None:
        browsing.requests.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            browsing.errors.append(message.text)

    context.on("request", on_request)
    page.on("websocket", lambda socket: browsing.requests.append(socket.url))
    page.on("console", on_console)
    page.on("pageerror", lambda error: browsing.errors.append(str(error)))
    return browsing


@pytest_asyncio.fixture
async def browsing(browser: Browser, service: str) -> AsyncIterator[Browsing]:
    opened = await open_browsing(browser, service)
    yield opened
    await opened.page.context.close()
