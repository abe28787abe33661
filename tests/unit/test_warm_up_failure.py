"""A warm-up that cannot reach Neo4j is reported and logged, never raised: a cold Neo4j is slower, not broken."""

from __future__ import annotations

import logging
import socket

import pytest

from graph import warmup
from graph.store import Store
from tec import neo4j_local


def _closed_port() -> int:
    with socket.socket() as closed:  # a port nothing listens on once this socket is closed
        closed.bind(("127.0.0.1", 0))
        port: int = closed.getsockname()[1]
    return port


async def test_a_warm_up_after_a_load_without_neo4j_logs_and_lets_the_load_end(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = Store.connect(
        f"bolt://127.0.0.1:{_closed_port()}", "neo4j", "neo4j", connect_timeout=2.0, retry_seconds=0.0
    )
    try:
        with caplog.at_level(logging.WARNING, logger="graph.warmup"):
            report = await warmup.warm_up_after_load(store)
    finally:
        await store.close()

    assert report is None
    assert any("the first import will be slower" in record.getMessage() for record in caplog.records)


def test_a_warm_up_without_neo4j_says_why_and_returns(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as closed:  # a port nothing listens on once this socket is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]

    with caplog.at_level(logging.WARNING, logger="tec.neo4j_local"):
        warmed = neo4j_local.warm_up(f"bolt://127.0.0.1:{port}", "neo4j", "neo4j", timeout=20)

    assert warmed.report is None
    assert warmed.error is not None
    assert "StoreUnavailable" in warmed.error
    assert warmed.seconds < 20
    assert any("Neo4j warm-up failed" in record.getMessage() for record in caplog.records)
