"""Every command of docs/operations.md and docs/privacy.md runs, as written, against the test Neo4j:
the `sh` blocks line by line with the real `tec` executable, and the crontab example's lines with
their schedule checked and their command run by `sh` the way cron would."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import Store
from tests.domain import make_actor

pytestmark = pytest.mark.usefixtures("reference_data")

ROOT = Path(__file__).resolve().parents[2]
DOCS = (ROOT / "docs" / "operations.md", ROOT / "docs" / "privacy.md")
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.S)
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,\d+(-\d+)?)*$")
_ASSIGNMENT = re.compile(r"^([A-Z_][A-Z0-9_]*)=(.*)$")
EMAIL = "ines.le-goff@exemple-collectif.fr"


def blocks(kind: str) -> list[str]:
    found = [
        body for doc in DOCS for language, body in _BLOCK.findall(doc.read_text(encoding="utf-8")) if language == kind
    ]
    return found


def commands() -> list[str]:
    return [
        line.strip()
        for body in blocks("sh")
        for line in body.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def run(command: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", "-c", command], env=env, cwd=cwd, capture_output=True, text=True, timeout=1200)


def test_the_pages_have_commands_of_every_kind() -> None:
    listed = " ".join(commands())
    for expected in (
        "tec db backup",
        "tec db restore",
        "tec db migrate --check",
        "tec privacy export",
        "tec privacy erase",
        "tec audit prune",
    ):
        assert expected in listed
    assert len(blocks("crontab")) == 1


async def test_every_command_runs(store: Store, neo4j_uri: str, tmp_path: Path) -> None:
    actor = await make_actor(
        store, "Collectif de la Rance", email=EMAIL, phone="02 96 00 11 22", contactName="Inès Le Goff"
    )
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "TEC_ENV": "test",
        "ACTOR_ID": actor,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    count = "MATCH (n:!Revision&!AuditEntry) RETURN count(n) AS n"  # what a restore brings back as it was
    before = await store.read("tests.count", count)
    for command in commands():
        done = await asyncio.to_thread(run, command, env, tmp_path)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        if command.startswith("tec db restore --force"):  # over a graph that is not empty: it is replaced
            assert "replaced" in done.stdout + done.stderr, done.stdout
            assert await store.read("tests.count", count) == before
    exported = json.loads((tmp_path / f"personal-data-{actor}.json").read_text(encoding="utf-8"))
    assert exported["actor"]["email"] == EMAIL
    left = await store.read(
        "tests.erased", "MATCH (a:Actor {id: $id}) RETURN a.email AS email, a.name AS name", {"id": actor}
    )
    assert left == [{"email": None, "name": "Collectif de la Rance"}]
    assert (tmp_path / "tec-backup.jsonl.gz").stat().st_size > 0


async def test_the_crontab_example_runs_as_cron_would(neo4j_uri: str, tmp_path: Path) -> None:
    (crontab,) = blocks("crontab")
    env = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin", "HOME": str(tmp_path)}
    jobs = []
    for line in crontab.splitlines():
        assignment = _ASSIGNMENT.match(line)
        if assignment:
            env[assignment[1]] = assignment[2]
        elif line.strip():
            fields = line.split(None, 5)
            assert all(_CRON_FIELD.match(field) for field in fields[:5]), line
            jobs.append(fields[5].replace("\\%", "%"))
    assert env["BACKUP_DIR"].startswith("/")
    assert "NEO4J_URI" in env
    env["BACKUP_DIR"], env["NEO4J_URI"] = str(tmp_path), neo4j_uri  # the test's folder and Neo4j
    stale = tmp_path / "tec-2020-01-01.jsonl.gz"
    stale.write_bytes(b"old")
    os.utime(stale, (0, (dt.datetime.now() - dt.timedelta(days=40)).timestamp()))
    assert len(jobs) == 1
    done = await asyncio.to_thread(run, jobs[0], env, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / f"tec-{dt.date.today().isoformat()}.jsonl.gz").stat().st_size > 0
    assert not stale.exists()
