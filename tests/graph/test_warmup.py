"""The warm-up of a Neo4j that has just started runs the import's writes and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph import audit, warmup
from graph.store import Store
from importers.partners import import_file
from tests.importers.graphs import graph_state

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent.parent / "importers" / "fixtures"

_COUNTS = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () { MATCH (s:Source) RETURN collect(s.name) AS sources }
CALL () { MATCH (e:AuditEntry) RETURN count(e) AS audit }
RETURN nodes, relationships, sources, audit
"""


async def test_the_warm_up_writes_every_batch_shape_then_leaves_graph_and_revision_as_they_were(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    before = await store.read("tests.counts", _COUNTS)
    state = await graph_state(store, timestamps=True)
    revision = await store.revision()

    report = await warmup.warm_up(store, rows=5)

    # the rolled-back transaction did write: the network, 5 register rows, 5 members with 5 cases, a
    # collectivité; then updated each of them, and linked them
    assert report.created == 17
    assert report.updated == 17
    assert report.relationships > 40
    assert report.found >= 17  # the full-text indexes analysed the 12 synthetic actors and 5 cases in the transaction
    assert {"communes", "ensureSource", "create:register", "create:members", "update:members"} <= set(report.seconds)
    assert "revisionAndAudit" in report.seconds  # what each import batch commits with: run, then rolled back
    assert report.communes == 5  # the rows were based in the reference data's communes, as imported rows are
    # then the commit path: scratch nodes committed in batches (Neo4j's own counters), and deleted
    assert report.committed == warmup.SCRATCH_ROWS
    assert report.leftovers == 0
    assert await store.read("tests.counts", _COUNTS) == before
    assert "tec-warm-up" not in before[0]["sources"]
    assert await graph_state(store, timestamps=True) == state
    assert await store.revision() == revision


async def test_an_import_after_the_warm_up_writes_the_graph_it_writes_without_it(store: Store) -> None:
    await import_file(store, FIXTURES / "rna_waldec_latin1.csv", "rna-waldec")
    plain = await graph_state(store, timestamps=False)
    await store.write("tests.clean", "MATCH (n) WHERE n:Actor OR n:Source OR n:Conflict DETACH DELETE n")

    await warmup.warm_up(store)
    summary = await import_file(store, FIXTURES / "rna_waldec_latin1.csv", "rna-waldec")

    assert summary.created > 0
    assert await graph_state(store, timestamps=False) == plain


async def test_the_warm_up_after_a_load_leaves_the_audit_trail_and_the_revision_as_they_were(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")  # an audited import
    before = await store.read("tests.counts", _COUNTS)
    revision = await store.revision()

    with audit.acting_as("cli"):  # as `tec serve`'s first run calls it
        report = await warmup.warm_up_after_load(store)

    assert report is not None
    assert report.created > 0
    assert before[0]["audit"] > 0
    assert await store.read("tests.counts", _COUNTS) == before
    assert await store.revision() == revision


async def test_a_warm_up_deletes_the_scratch_nodes_a_stopped_one_left_and_nothing_else(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    before = await store.read("tests.counts", _COUNTS)
    state = await graph_state(store, timestamps=True)
    # what a warm-up stopped between its commits and its deletion leaves behind: scratch nodes, linked
    await store.driver.execute_query(
        "UNWIND range(1, 3) AS n CREATE (:WarmUpScratch {number: n})-[:WARM_UP_SCRATCH]->(:WarmUpScratch)",
        database_=store.database,
    )

    report = await warmup.warm_up(store, rows=5)

    assert report.leftovers == 6
    assert report.committed == warmup.SCRATCH_ROWS
    assert await store.read("tests.counts", _COUNTS) == before
    assert await graph_state(store, timestamps=True) == state
