"""`tec import partners` as a data steward runs it, and an import killed with SIGKILL then run again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graph.store import Store
from importers.partners import import_file
from tests.importers.graphs import REFERENCE_LABELS, graph_state

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]


def tec(*args: str, neo4j_uri: str | None = None) -> subprocess.Popen[str]:
    env = {**os.environ, "TEC_ENV": "test"}
    if neo4j_uri:
        env["NEO4J_URI"] = neo4j_uri
    return subprocess.Popen(
        [sys.executable, "-m", "tec", "import", "partners", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


@pytest.mark.slow
@pytest.mark.usefixtures("reference_data")
def test_the_command_prints_a_summary_writes_the_report_and_succeeds_despite_bad_rows(
    neo4j_uri: str, store: Store, tmp_path: Path
) -> None:
    report = tmp_path / "rejected.json"
    code, out, err = finished(
        tec(
            str(FIXTURES / "rna_waldec_latin1.csv"),
            "--preset",
            "rna-waldec",
            "--report",
            str(report),
            neo4j_uri=neo4j_uri,
        )
    )
    assert code == 0, err
    assert "read 25, created 18, updated 0, unchanged 0, rejected 3, skipped 4" in out
    assert "line 25 titre: is required but empty" in out
    assert f"Every problem (3) is in the report: {report}" in out
    assert "25 rows read (100% of the file)" in err  # plain progress lines when not on a terminal
    assert [line["line"] for line in json.loads(report.read_text(encoding="utf-8"))] == [24, 25, 26]

    code, out, _ = finished(
        tec(str(FIXTURES / "rna_waldec_latin1.csv"), "--preset", "rna-waldec", "--dry-run", neo4j_uri=neo4j_uri)
    )
    assert code == 0
    assert out.startswith("Dry run, nothing written.")
    assert "read 25, created 0, updated 0, unchanged 18, rejected 3, skipped 4" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "--preset", "rna-waldec"], "Cannot import missing.csv: there is no such file."),
        ([str(FIXTURES / "france_services.csv")], "Give either --mapping FILE.toml or --preset NAME"),
        ([str(FIXTURES / "france_services.csv"), "--preset", "rna"], "no preset named 'rna'"),
    ],
)
def test_a_command_that_cannot_run_exits_non_zero_with_one_sentence(args: list[str], message: str) -> None:
    code, out, err = finished(tec(*args))
    assert code == 1
    assert message in err
    assert out == ""


@pytest.mark.slow
@pytest.mark.usefixtures("reference_data")
def test_an_unreadable_file_or_a_mapping_that_does_not_fit_it_stops_before_writing(
    neo4j_uri: str, store: Store, tmp_path: Path
) -> None:
    spreadsheet = tmp_path / "export.csv"
    spreadsheet.write_bytes(b"PK\x03\x04binary")
    code, _, err = finished(tec(str(spreadsheet), "--preset", "rna-waldec", neo4j_uri=neo4j_uri))
    assert code == 1
    assert "Cannot import export.csv: export.csv is a spreadsheet or an archive" in err
    code, _, err = finished(tec(str(FIXTURES / "france_services.csv"), "--preset", "rna-waldec", neo4j_uri=neo4j_uri))
    assert code == 1
    assert "the file has no column 'id' (used by actor.id)" in err


def many_members(path: Path, count: int) -> None:
    """`count` members with three past cases each, on the communes of the fixture file."""
    lines = (FIXTURES / "network_members.jsonl").read_text(encoding="utf-8").splitlines()
    base = [json.loads(line) for line in lines[:12]]
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            member = dict(base[number % len(base)])
            member["identifiant"] = f"NET-{number:06d}"
            member["nom"] = f"{member['nom']} {number}"
            references = []
            for index, reference in enumerate(member["references"][:3]):
                references.append({**reference, "titre": f"{reference['titre']} n°{number % 400}-{index}"})
            member["references"] = references
            handle.write(json.dumps(member, ensure_ascii=False) + "\n")


async def records_of(store: Store, source: str) -> int:
    rows = await store.read(
        "tests.records", "MATCH (:Source {name: $source})<-[f:FROM_SOURCE]-() RETURN count(f) AS n", {"source": source}
    )
    return int(rows[0]["n"])


@pytest.mark.slow
@pytest.mark.usefixtures("reference_data")
async def test_an_import_killed_mid_way_and_run_again_ends_with_the_graph_of_an_uninterrupted_run(
    neo4j_uri: str, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "members.jsonl"
    many_members(path, 1500)
    process = tec(str(path), "--preset", "network-members", "--batch-size", "5", neo4j_uri=neo4j_uri)
    try:
        deadline = time.monotonic() + 180
        while await records_of(store, "network-members") < 60:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import wrote nothing in three minutes"
            await asyncio.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)  # reaps it and closes its pipes
    assert process.returncode == -signal.SIGKILL
    written = await records_of(store, "network-members")

    rerun = await import_file(store, path, "network-members", batch_size=50)

    total = rerun.created + rerun.unchanged
    assert 60 <= written < total  # killed mid-way: some batches were committed, not all
    assert rerun.unchanged >= 60
    assert rerun.updated == 0
    after_kill = await graph_state(store, timestamps=False)
    await store.write(
        "tests.clean",
        "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $keep) DETACH DELETE n",
        {"keep": REFERENCE_LABELS},
    )

    uninterrupted = await import_file(store, path, "network-members", batch_size=50)

    assert uninterrupted.created == total
    assert await graph_state(store, timestamps=False) == after_kill
