"""The explorer's routes: its page at `/`, its assets under `/explorer/`, and its strict CSP.

The page is plain HTML, CSS and JavaScript modules shipped in `static/` (no build step, no CDN); it
reads everything through the public GraphQL API like any other front end.
"""

from __future__ import annotations

import functools
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tec.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


# GraphiQL's editor (CodeMirror 5) and React set inline styles; its scripts still come from here only.
GRAPHIQL_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@functools.cache
def graphiql_html() -> str:
    return (STATIC / "graphiql.html").read_text(encoding="utf-8")


def content_security_policy(settings: Settings) -> str:
    """Scripts, styles and data from this origin only; images also from the tile server when one is set."""
    images = " ".join(filter(None, ("'self'", "data:", settings.map_tiles_origin)))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src {images}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class WithHeaders:
    """Adds fixed headers to every response of the wrapped app (the CSP, a revalidating cache)."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.encode(), value.encode()) for name, value in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def explorer_routes(settings: Settings) -> list[BaseRoute]:
    """`/` (the page), `/explorer/config.json` (deployment settings the page needs), `/explorer/*` (assets)."""
    headers = {"content-security-policy": content_security_policy(settings), "cache-control": "no-cache"}
    config = {"mapTiles": settings.map_tiles}

    async def page(_: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=headers)

    async def explorer_config(_: Request) -> Response:
        return JSONResponse(config, headers=headers)

    assets = WithHeaders(GZipMiddleware(StaticFiles(directory=STATIC), minimum_size=512), headers)
    return [
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/explorer/config.json", explorer_config, methods=["GET"]),
        Mount("/explorer", app=assets),
    ]
