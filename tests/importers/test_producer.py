"""Where a file is mapped while batches are written: a child process (the default) or a worker thread."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from graph.store import Store
from importers.partners import import_file
from importers.producer import CAN_FORK, ProducerFailed
from importers.rows import RowMapper
from tests.importers.graphs import REFERENCE_LABELS, graph_state

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent / "fixtures"


async def _empty(store: Store) -> None:
    await store.write(
        "tests.clean",
        "MATCH (n) WHERE NOT any(label IN labels(n) WHERE label IN $keep) DETACH DELETE n",
        {"keep": REFERENCE_LABELS},
    )


async def _actors(store: Store, source: str) -> int:
    rows = await store.read(
        "tests.count",
        "MATCH (:Actor)-[:FROM_SOURCE]->(:Source {name: $source}) RETURN count(*) AS n",
        {"source": source},
    )
    return int(rows[0]["n"])


def test_this_platform_maps_in_a_child_process() -> None:
    assert CAN_FORK  # Linux: the benchmark's figures are the child process's


@pytest.mark.parametrize("batch_size", [3, 500])
async def test_a_child_process_or_a_thread_give_the_same_graph_counts_and_report(
    store: Store, tmp_path: Path, batch_size: int
) -> None:
    # france_services.csv: coordinates resolved by Neo4j for the child, a repeated id, rows without a place
    outcomes: list[tuple[Any, ...]] = []
    for child_process in (False, True):
        await _empty(store)
        report = tmp_path / f"report-{child_process}.csv"
        summary = await import_file(
            store,
            FIXTURES / "france_services.csv",
            "france-services",
            full=True,
            report=report,
            batch_size=batch_size,
            child_process=child_process,
        )
        counts = (summary.read, summary.created, summary.rejected, summary.skipped, summary.absent)
        outcomes.append((counts, summary.issues, report.read_text(), await graph_state(store, timestamps=False)))
    thread, process = outcomes
    assert thread[0] == process[0] == (20, 18, 3, 0, 0)
    assert thread[1] == process[1]
    assert len(process[1]) == 3
    assert thread[2] == process[2]
    assert thread[3] == process[3]


async def test_a_failure_while_mapping_in_the_child_stops_the_import_with_its_message(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = RowMapper.map

    def failing(self: RowMapper, row: Any) -> Any:
        if row.line == 12:
            raise ValueError("a bug met on line 12")
        return original(self, row)

    monkeypatch.setattr(RowMapper, "map", failing)  # the forked child inherits it
    with pytest.raises(ValueError, match="a bug met on line 12"):
        await import_file(store, FIXTURES / "france_services.csv", "france-services", batch_size=5)
    # batches are whole or absent: the network's own record, then at most the first two batches of 5 rows
    assert await _actors(store, "france-services") in (1, 5 + 1, 10 + 1)


async def test_a_child_that_dies_stops_the_import_with_its_exit_code(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dying(self: RowMapper, row: Any) -> Any:
        os._exit(3)

    monkeypatch.setattr(RowMapper, "map", dying)
    with pytest.raises(ProducerFailed, match=r"stopped unexpectedly \(exit code 3\)"):
        await import_file(store, FIXTURES / "france_services.csv", "france-services")
