"""graphql-http's GraphQL-over-HTTP server audit, run by Node against the real service over a socket.

The audit (npm `graphql-http`, pinned in tests/http_audit/package-lock.json) is installed with
`npm ci` when node_modules is missing or the lock changed; the service is `tec serve` in a
subprocess on a free port, on the test session's Neo4j.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store import Store
from tests.services import tec_serve

AUDIT = Path(__file__).resolve().parent.parent / "http_audit"
STAMP = AUDIT / "node_modules" / ".tec-lock-sha256"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: the GraphQL-over-HTTP audit needs Node.js 20+ and npm.")
    return path


def _installed_audit() -> None:
    lock = hashlib.sha256((AUDIT / "package-lock.json").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == lock:
        return
    done = subprocess.run(
        [_tool("npm"), "ci", "--no-audit", "--no-fund"], cwd=AUDIT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"npm ci failed in {AUDIT}:\n{done.stderr[-2000:]}"
    STAMP.write_text(lock)


@pytest.fixture
def service(store: Store, neo4j_uri: str, tmp_path: Path) -> Iterator[str]:
    """`tec serve` on a free port against the test session's Neo4j; yields the GraphQL URL."""
    with tec_serve(neo4j_uri, tmp_path) as base:
        yield f"{base}/graphql"


def test_the_service_passes_every_graphql_over_http_audit_without_a_warning(service: str) -> None:
    _installed_audit()
    done = subprocess.run([_tool("node"), "audit.mjs", service], cwd=AUDIT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"the audit did not run:\n{done.stderr[-2000:]}"
    results = json.loads(done.stdout)
    assert len(results) >= 60  # graphql-http 1.23.1 has 61 server audits
    failures = [
        f"{r['id']} {r['name']} [{r['status']}]: {r.get('reason')} — {r.get('body')}"
        for r in results
        if r["status"] != "ok"
    ]
    assert not failures, "\n".join(failures)
