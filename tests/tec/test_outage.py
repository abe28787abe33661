"""Neo4j going down while the service runs, and coming back."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from graph.store import Store
from tec import neo4j_local
from tec.app.main import create_app
from tec.settings import Settings


@pytest.mark.slow
async def test_the_service_reports_an_outage_and_recovers_without_restart(tmp_path: Path, settings: Settings) -> None:
    port = neo4j_local.free_port()
    running, _ = neo4j_local.start(tmp_path, port, heap="512m", pagecache="64m")
    outage_settings = settings.model_copy(update={"neo4j_uri": running.uri})
    store = Store.connect(running.uri, "neo4j", "neo4j", connect_timeout=1.0, retry_seconds=1.0)
    app = create_app(outage_settings, store)
    query = {"query": "{ actors(first: 1) { totalCount } }"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            before = await http.post("/graphql", json=query)
            assert before.status_code == 200
            assert before.json()["data"]["actors"]["totalCount"] == 0

            neo4j_local.stop(tmp_path)
            ready = await http.get("/readyz")
            assert ready.status_code == 503
            assert ready.json()["neo4j"] == "down"
            down = await http.post("/graphql", json=query)
            assert down.status_code == 503
            error = down.json()["errors"][0]
            assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
            assert "unavailable" in error["message"]
            assert "Traceback" not in down.text

            neo4j_local.start(tmp_path, port, heap="512m", pagecache="64m")
            assert (await http.get("/readyz")).status_code == 200
            after = await http.post("/graphql", json=query)
            assert after.status_code == 200
            assert after.json()["data"]["actors"]["totalCount"] == 0
    finally:
        await store.close()
        neo4j_local.stop(tmp_path)
