"""The service in process with changed settings, for tests of the HTTP edge."""

from __future__ import annotations

from typing import Any

import httpx

from graph.store import Store
from tec.app.main import create_app
from tec.settings import Settings

PEER = "127.0.0.1"


def serve(store: Store, settings: Settings, *, peer: str = PEER, **changes: Any) -> httpx.AsyncClient:
    """A client of a fresh app (fresh rate-limit counters) built with `settings` changed by `changes`."""
    app = create_app(settings.model_copy(update=changes), store)
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def query(text: str, operation: str | None = None, **variables: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"query": text, "variables": variables}
    if operation is not None:
        body["operationName"] = operation
    return body
