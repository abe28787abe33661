"""Honest counts: the summary counts what the graph holds afterwards, and the last progress line agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.store import Store
from importers.partners import import_file
from importers.summary import ImportProgress

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent / "fixtures"


async def test_the_summary_counts_every_record_written_and_the_last_progress_line_agrees(store: Store) -> None:
    updates: list[ImportProgress] = []

    summary = await import_file(
        store,
        FIXTURES / "petites_villes_de_demain.csv",
        "petites-villes-de-demain",
        progress=updates.append,
        batch_size=4,
    )

    rows = await store.read(
        "tests.sourceCounts",
        "MATCH (a:Actor)-[:FROM_SOURCE]->(:Source {name: 'petites-villes-de-demain'}) RETURN count(a) AS actors",
        {},
    )
    assert summary.counts["Actor"].created == rows[0]["actors"]  # the programme's own actor included
    members = await store.read(
        "tests.members",
        "MATCH ()-[m:MEMBER_OF]->(:Actor)-[:FROM_SOURCE {externalId: 'petites-villes-de-demain'}]->() "
        "RETURN count(m) AS n",
        {},
    )
    assert summary.relationships_created >= members[0]["n"] > 0
    assert len(updates) > 2
    assert [update.final for update in updates] == [False] * (len(updates) - 1) + [True]
    assert updates[-1].changed == summary.created + summary.updated
    assert any(f"created {summary.created}," in line for line in summary.lines())
