"""The explorer's routes: its page at `/`, its assets under `/explorer/`, and its strict CSP.

The page is plain HTML, CSS and JavaScript modules shipped in `static/` (no build step, no CDN); it
reads everything through the public GraphQL API like any other front end.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

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


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    media_type: str
    etag: str


@functools.cache
def _asset(path: Path, mtime_ns: int) -> Asset:
    """A file read and compressed once per version (mtime): pages and GraphiQL's bundle are not
    recompressed on every request."""
    body = path.read_bytes()
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in ("application/javascript", "application/json"):
        media_type += "; charset=utf-8"
    return Asset(body, gzip.compress(body, 9, mtime=0), media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


class Assets:
    """The static files under `root`: ETag revalidation, gzip when the browser accepts it, nothing
    outside `root` (a path that resolves elsewhere, or to no file, is a 404)."""

    def __init__(self, root: Path, headers: dict[str, str]) -> None:
        self.root = root.resolve()
        self.headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope)
        if request.method not in ("GET", "HEAD"):
            await PlainTextResponse("Method Not Allowed", status_code=405, headers={"allow": "GET, HEAD"})(
                scope, receive, send
            )
            return
        path = (self.root / request.path_params.get("path", "")).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
            return
        asset = _asset(path, path.stat().st_mtime_ns)
        headers = {**self.headers, "etag": asset.etag, "vary": "Accept-Encoding"}
        if request.headers.get("if-none-match") == asset.etag:
            await Response(status_code=304, headers=headers)(scope, receive, send)
            return
        body = asset.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = asset.gzipped
            headers["content-encoding"] = "gzip"
        response = Response(body if request.method == "GET" else b"", media_type=asset.media_type, headers=headers)
        if request.method == "HEAD":
            response.headers["content-length"] = str(len(body))
        await response(scope, receive, send)


def explorer_routes(settings: Settings) -> list[BaseRoute]:
    """`/` (the page), `/explorer/config.json` (deployment settings the page needs), `/explorer/*` (assets)."""
    headers = {"content-security-policy": content_security_policy(settings), "cache-control": "no-cache"}
    config = {"mapTiles": settings.map_tiles}

    async def page(_: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers=headers)

    async def explorer_config(_: Request) -> Response:
        return JSONResponse(config, headers=headers)

    return [
        Route("/", page, methods=["GET", "HEAD"]),
        Route("/explorer/config.json", explorer_config, methods=["GET"]),
        Route("/explorer/{path:path}", Assets(STATIC, headers), methods=["GET", "HEAD"]),
    ]
