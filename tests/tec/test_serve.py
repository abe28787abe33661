"""`tec serve` as an operator runs it in production: uvicorn without its banner and access log, our JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from graph.store import Store
from tec import neo4j_local
from tests.services import wait_until_ready

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "metrics-token-of-the-serve-test"


@pytest.mark.slow
def test_production_serve_sends_no_banner_and_logs_one_json_object_per_line(neo4j_uri: str, store: Store) -> None:
    port = neo4j_local.free_port()
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "NEO4J_PASSWORD": "not-the-default-password",  # production refuses the default one
        "NEO4J_TX_TIMEOUT": "600",  # the warm-up at start on a busy test machine
        "TEC_ENV": "production",
        "TEC_PORT": str(port),
        "TEC_LOG_FORMAT": "json",
        "TEC_METRICS_TOKEN": TOKEN,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tec", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_until_ready(process, base, seconds=180):
            process.kill()
            pytest.fail(f"the service did not become ready: {process.communicate(timeout=30)[1][-3000:]}")
        health = httpx.get(base + "/healthz")
        answer = httpx.post(
            base + "/graphql", json={"query": "{ __typename }"}, headers={"X-Request-Id": "bad id <script>"}
        )
        metrics = httpx.get(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    finally:
        process.terminate()
        _, err = process.communicate(timeout=60)
    assert "server" not in health.headers
    assert health.headers["strict-transport-security"].startswith("max-age=")
    assert health.headers["x-content-type-options"] == "nosniff"
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert answer.headers["ratelimit-limit"] == "600"
    assert metrics.status_code == 200
    lines = err.splitlines()
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert any(entry["logger"].startswith("uvicorn") for entry in entries)  # uvicorn's own records too
    access = [entry for entry in entries if entry["logger"] == "tec.access"]
    graphql = [entry for entry in access if entry["path"] == "/graphql"]
    assert len(graphql) == 1
    assert graphql[0]["request_id"] == answer.headers["x-request-id"] != "bad id <script>"
    assert graphql[0]["status"] == 200
    assert not any('"HTTP/1.1' in entry["message"] for entry in entries)  # no uvicorn access lines
