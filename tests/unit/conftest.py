"""Unit tests: pure Python, no Neo4j, no server, no subprocess (`make test-fast`, well under 30 s).

The session fixtures of `tests/conftest.py` start Neo4j only when a test asks for them (directly or through
`store`, `gql`, `client`…). Here `neo4j_uri` is overridden to fail, so a unit test that reaches for the
database fails at once with a sentence saying where it belongs, instead of silently starting a server.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    pytest.fail("a unit test asked for Neo4j: tests under tests/unit/ must not; move it next to its integration peers")
