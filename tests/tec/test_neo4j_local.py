"""The local Neo4j launcher, driven through the `tec` command line as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tec import neo4j_local


def tec(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tec", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
    )


def niceness(pid: int) -> dict[str, set[int]]:
    """{thread name: the niceness of the threads of that name} of process `pid` (/proc/<pid>/task/*/stat)."""
    found: dict[str, set[int]] = {}
    for stat in Path(f"/proc/{pid}/task").glob("*/stat"):
        text = stat.read_text()
        name = text[text.index("(") + 1 : text.rindex(")")]
        found.setdefault(name, set()).add(int(text[text.rindex(")") + 2 :].split()[16]))
    return found


@pytest.mark.slow
def test_start_twice_runs_one_neo4j_and_stop_frees_the_port(tmp_path: Path) -> None:
    port = str(neo4j_local.free_port())
    data = str(tmp_path / "neo4j")
    first = tec("neo4j", "start", "--data", data, "--bolt-port", port)
    assert first.returncode == 0, first.stderr
    assert "started" in first.stdout
    assert "Neo4j warmed up in" in first.stdout  # the import's queries ran once, their writes rolled back
    try:
        second = tec("neo4j", "start", "--data", data, "--bolt-port", port)
        assert second.returncode == 0, second.stderr
        assert "already running" in second.stdout
        assert "warmed up" not in second.stdout  # an already running Neo4j is warm
        running = neo4j_local.status(Path(data))
        assert running is not None
        assert f"pid {running.pid}" in first.stdout
        if sys.platform == "linux":  # the optimising compiler yields to the threads that run queries
            nice = niceness(running.pid)
            assert nice["C2 CompilerThre"] == {neo4j_local.JIT_COMPILER_NICENESS}
            assert nice["C1 CompilerThre"] == {0}
            assert nice["java"] == {0}
        assert f"pid {running.pid}" in second.stdout
        status = tec("neo4j", "status", "--data", data)
        assert status.returncode == 0
        assert f"bolt://127.0.0.1:{port}" in status.stdout
    finally:
        stopped = tec("neo4j", "stop", "--data", data)
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stdout
    assert not neo4j_local.port_open(int(port))
    after = tec("neo4j", "status", "--data", data)
    assert after.returncode == 3
    assert "not running" in after.stdout


def test_start_refuses_a_port_taken_by_another_program(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = tec("neo4j", "start", "--data", str(tmp_path), "--bolt-port", str(port))
    assert result.returncode == 1
    assert f"Port {port} is already in use" in result.stderr


def test_missing_java_is_explained_in_one_sentence(tmp_path: Path) -> None:
    result = tec(
        "neo4j",
        "start",
        "--data",
        str(tmp_path),
        "--bolt-port",
        str(neo4j_local.free_port()),
        env={"PATH": str(tmp_path)},  # neither java nor mvn on it
    )
    assert result.returncode == 1
    message = result.stderr.strip()
    assert "Java 17+ and Maven" in message
    assert "NEO4J_URI" in message
    assert "docker compose up" in message


@pytest.mark.slow
def test_stop_from_another_shell_returns_while_the_starter_still_runs(tmp_path: Path) -> None:
    # `tec up` starts Neo4j and keeps running; `tec neo4j stop` from another shell must not wait
    # for the exited Neo4j to be reaped by `tec up` (here: this test process plays `tec up`).
    running, _ = neo4j_local.start(tmp_path, neo4j_local.free_port(), heap="512m", pagecache="64m")
    child = neo4j_local._CHILDREN.pop(running.pid)
    try:
        started = time.monotonic()
        result = tec("neo4j", "stop", "--data", str(tmp_path))
        elapsed = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        assert f"pid {running.pid}" in result.stdout
        assert elapsed < 45
        assert not neo4j_local.port_open(running.bolt_port)
    finally:
        child.wait(60)
