"""A warm-up that cannot reach Neo4j is reported and logged, never raised: a cold Neo4j is slower, not broken."""

from __future__ import annotations

import logging
import socket

import pytest

from tec import neo4j_local


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
