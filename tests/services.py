"""Helpers for the tests that run `tec serve` in a subprocess, and the small demo network they serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from importers.reference import TerritoryRecord, read_territory_snapshot
from synthetic.generator import DEMO, NetworkSize
from tec import neo4j_local


def small_demo(name: str, **sizes: Any) -> NetworkSize:
    """The demo generator scaled down to a few hundred actors (`sizes` overrides the counts)."""
    counts: dict[str, Any] = {
        "actors": 400,
        "conflicts": 200,
        "involvements": (3, 5),
        "projects": 60,
        "resources": 60,
        "cooperations": 700,
        "applications": 10,
        "sponsorships": 5,
        "task_forces": 1,
        "hotspots": 5,
        "anchor_cases": 2,
    }
    return replace(DEMO, name=name, **(counts | sizes))


def bretagne_territories() -> list[TerritoryRecord]:
    """Bretagne's région, départements, EPCI and communes: the real records of the snapshot."""
    snapshot = read_territory_snapshot().territories
    communes = [t for t in snapshot if t.level == "COMMUNE" and t.region == "53"]
    epcis = {c.epci for c in communes}
    others = [
        t
        for t in snapshot
        if (t.level == "REGION" and t.code == "53")
        or (t.level == "DEPARTEMENT" and t.region == "53")
        or (t.level == "EPCI" and t.code in epcis)
    ]
    return others + communes


def stop_process(process: subprocess.Popen[Any], timeout: float) -> None:
    """Terminate the process, and kill it when it has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_ready(process: subprocess.Popen[Any], base: str, seconds: float) -> bool:
    """Poll `base`/readyz until it answers 200 (True), the process exits or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    ready = False
    while not ready and process.poll() is None and time.monotonic() < deadline:
        try:
            ready = httpx.get(base + "/readyz", timeout=2).status_code == 200
        except httpx.HTTPError:
            time.sleep(0.5)
    return ready


@contextmanager
def tec_serve(neo4j_uri: str, folder: Path, **env: str) -> Iterator[str]:
    """`tec serve` on a free port of 127.0.0.1 against the test session's Neo4j (test settings, plus `env`),
    logging into `folder`/service.log; yields its base URL once /healthz answers (fails the test after 120 s)."""
    port = neo4j_local.free_port()
    environment = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "TEC_ENV": "test",
        "NEO4J_TX_TIMEOUT": "600",  # as the in-process tests: a busy test machine plans slowly
        "TEC_LOG_LEVEL": "warning",
        "TEC_NEO4J_DATA": str(folder / "unused-neo4j"),
        **env,
    }
    log_path = folder / "service.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tec", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    pytest.fail(f"the service exited with {process.returncode}:\n{log_path.read_text()}")
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail("the service did not answer /healthz within 120 s")
                time.sleep(0.3)
            yield base
        finally:
            stop_process(process, timeout=20)
