"""The explorer's page and assets as the service serves them: French, strict CSP, small, no CDN."""

from __future__ import annotations

import re

import httpx
import pytest

from graph.store import Store
from tec.explorer.pages import STATIC
from tec.settings import Settings
from tests.tec.apps import serve

FIRST_PAGE_BUDGET = 500 * 1024  # compressed bytes (issue #19)


def csp(response: httpx.Response) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    return {name: value for name, value in parts}


async def test_the_explorer_is_served_at_the_root_in_french_with_a_strict_csp(client: httpx.AsyncClient) -> None:
    page = await client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text
    policy = csp(page)
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<script>" not in page.text  # no inline script: the CSP would block it
    assert not re.search(r"""(src|href)="https?://""", page.text)  # every asset from this origin


async def test_the_first_pages_assets_stay_under_500_kb_compressed(client: httpx.AsyncClient) -> None:
    """Everything the first page loads: the HTML, the style sheet, every module and the map's shapes."""
    assets = ["/", "/explorer/config.json"]
    assets += [f"/explorer/{path.relative_to(STATIC).as_posix()}" for path in sorted(STATIC.rglob("*.js"))]
    assets = [a for a in assets if "/vendor/" not in a and "graphiql" not in a]
    assets += ["/explorer/app.css", "/explorer/france.json"]
    total = 0
    for asset in assets:
        answer = await client.get(asset, headers={"Accept-Encoding": "gzip"})
        assert answer.status_code == 200, asset
        total += int(answer.headers.get("content-length") or len(answer.content))
    gzipped = await client.get("/explorer/france.json", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["content-encoding"] == "gzip"
    assert total <= FIRST_PAGE_BUDGET, f"{total} compressed bytes"


async def test_the_page_preloads_every_module_and_links_every_page(client: httpx.AsyncClient) -> None:
    """A module left out of the preloads loads only after the one importing it: the page gets slower."""
    page = (await client.get("/")).text
    modules = [path.relative_to(STATIC).as_posix() for path in STATIC.rglob("*.js")]
    modules = [m for m in modules if not m.startswith("vendor/") and "graphiql" not in m and m != "main.js"]
    missing = [m for m in modules if f'<link rel="modulepreload" href="/explorer/{m}">' not in page]
    assert not missing, missing
    for page_link in ("#/", "#/annuaire", "#/besoins", "#/mecenat", "/graphql"):
        assert f'href="{page_link}"' in page


async def test_the_map_ships_metropolitan_regions_and_departements(client: httpx.AsyncClient) -> None:
    shapes = (await client.get("/explorer/france.json")).json()
    levels = [feature["properties"]["level"] for feature in shapes["features"]]
    assert levels.count("REGION") == 13
    assert levels.count("DEPARTEMENT") == 96
    names = {feature["properties"]["name"] for feature in shapes["features"]}
    assert {"Bretagne", "Corse-du-Sud", "Ille-et-Vilaine", "Paris"} <= names
    assert "Licence Ouverte" in shapes["source"]


async def test_a_tile_server_is_passed_to_the_page_and_allowed_by_its_csp(store: Store, settings: Settings) -> None:
    tiles = "https://tuiles.example.org:8443/osm/{z}/{x}/{y}.png"
    async with serve(store, settings, map_tiles=tiles) as client:
        config = await client.get("/explorer/config.json")
        page = await client.get("/")
    assert config.json() == {"mapTiles": tiles}
    assert csp(page)["img-src"] == "'self' data: https://tuiles.example.org:8443"


async def test_without_tiles_the_page_loads_images_from_this_origin_only(client: httpx.AsyncClient) -> None:
    assert (await client.get("/explorer/config.json")).json() == {"mapTiles": None}
    assert csp(await client.get("/"))["img-src"] == "'self' data:"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("tuiles.example.org/{z}/{x}/{y}.png", "not a tile URL"),
        ("javascript:alert(1)//{z}/{x}/{y}", "not a tile URL"),
        ("https://tuiles.example.org/{z}/{x}.png", r"must contain \{z\}, \{x\} and \{y\}"),
    ],
)
def test_a_tile_url_must_be_an_http_template(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(map_tiles=value)


async def test_graphiql_uses_the_shipped_react_and_graphiql(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page.text)
    assert scripts == [
        "/explorer/vendor/react.production.min.js",
        "/explorer/vendor/react-dom.production.min.js",
        "/explorer/vendor/graphiql.min.js",
        "/explorer/graphiql-start.js",
    ]
    for script in scripts:
        assert (await client.get(script)).status_code == 200


async def test_assets_are_revalidated_by_etag_and_confined_to_their_folder(client: httpx.AsyncClient) -> None:
    first = await client.get("/explorer/main.js")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert "script-src 'self'" in first.headers["content-security-policy"]
    again = await client.get("/explorer/main.js", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    for outside in ("/explorer/../pages.py", "/explorer/%2e%2e/pages.py", "/explorer/missing.js", "/explorer/"):
        assert (await client.get(outside)).status_code == 404, outside
    assert (await client.post("/explorer/main.js")).status_code == 405
