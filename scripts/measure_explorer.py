"""How fast the explorer's first page becomes usable, measured in the machine's headless Chromium.

    .venv/bin/python scripts/measure_explorer.py http://127.0.0.1:8000 [--runs 5]

Prints, per run and as a median: the time from navigation to the map drawn and the type-ahead ready
(the page interactive, by the browser's clock), and the wall time to a first matching answer shown
(from the address of a search). Each run uses a fresh browser context: nothing is cached.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import quote

from playwright.async_api import async_playwright


async def measure(base: str, runs: int, search: str) -> None:
    ready: list[float] = []
    answered: list[float] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for _ in range(runs):
            context = await browser.new_context()  # a cold cache each run
            page = await context.new_page()
            await page.goto(base + "/")
            await page.locator("svg.map .departements path").first.wait_for()
            await page.locator("#type").wait_for()
            ready.append(await page.evaluate("performance.now()") / 1000)  # since the navigation started
            started = time.perf_counter()
            await page.goto(base + "/#/?" + search)
            await page.reload()
            await page.locator("ol.ranking > li").first.wait_for()
            answered.append(time.perf_counter() - started)
            await context.close()
        await browser.close()
    for name, times in (("first page interactive", ready), ("search from its address", answered)):
        print(f"{name} (s):", " ".join(f"{t:.2f}" for t in times), f"median {statistics.median(times):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", help="the service, e.g. http://127.0.0.1:8000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--search", default=f"type=ONSHORE_WIND&lieu=35238&nom={quote('Rennes')}&rayon=50")
    args = parser.parse_args()
    asyncio.run(measure(args.base.rstrip("/"), args.runs, args.search))


if __name__ == "__main__":
    main()
