"""`tec serve --workers N`: several service processes on one port, each a whole service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import psutil
import pytest
from typer.testing import CliRunner

from graph.store import Store
from tec import neo4j_local
from tec.cli.main import app
from tec.settings import SettingsError, load_settings
from tests.services import wait_until_ready

ROOT = Path(__file__).resolve().parents[2]


def test_zero_workers_is_refused_before_anything_starts() -> None:
    result = CliRunner().invoke(app, ["serve", "--workers", "0"])

    assert result.exit_code == 2
    assert "--workers" in result.output


def test_tec_workers_is_read_from_the_environment_and_zero_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEC_WORKERS", "3")
    assert load_settings().workers == 3

    monkeypatch.setenv("TEC_WORKERS", "0")
    with pytest.raises(SettingsError, match="TEC_WORKERS is wrong"):
        load_settings()


@pytest.mark.slow
def test_two_workers_are_two_processes_answering_on_one_port(neo4j_uri: str, store: Store) -> None:
    port = neo4j_local.free_port()
    env = {**os.environ, "NEO4J_URI": neo4j_uri, "TEC_PORT": str(port), "TEC_LOG_LEVEL": "warning", "TEC_WORKERS": "2"}
    env["NEO4J_TX_TIMEOUT"] = "600"  # the matching warm-up of each worker, on a busy test machine
    process = subprocess.Popen(  # its own process group: the workers are stopped with it, whatever happens
        [sys.executable, "-m", "tec", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # each worker plans the matching queries as it starts
        if not wait_until_ready(process, base, seconds=300):
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"the service did not become ready: {process.communicate(timeout=30)[1][-3000:]!r}")
        answers = [httpx.post(base + "/graphql", json={"query": "{ __typename }"}).json() for _ in range(4)]
        workers = [
            child
            for child in psutil.Process(process.pid).children()
            if "spawn_main" in " ".join(child.cmdline())  # not multiprocessing's resource tracker
        ]
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=30)
    assert answers == [{"data": {"__typename": "Query"}}] * 4
    assert len(workers) == 2
