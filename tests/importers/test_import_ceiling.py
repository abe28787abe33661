"""The benchmark's import ceiling writes exactly what the import writes, so the two rates compare the same work."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.imports import write_as_new
from graph.bulk import delete_source
from graph.store import Store
from importers.partners import import_file
from tests.importers.graphs import graph_state

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("fixture", "preset", "source"),
    [("rna_waldec_latin1.csv", "rna-waldec", "rna"), ("network_members.jsonl", "network-members", "network-members")],
)
async def test_the_creating_queries_alone_write_the_graph_the_import_writes(
    store: Store, fixture: str, preset: str, source: str
) -> None:
    summary = await import_file(store, FIXTURES / fixture, preset)
    imported = await graph_state(store, timestamps=False)
    await delete_source(store, source)
    assert await graph_state(store, timestamps=False) == ([], [])

    created, _ = await write_as_new(store, FIXTURES / fixture, preset, source)

    assert created == summary.created
    assert await graph_state(store, timestamps=False) == imported
