"""A first run that has just loaded the reference data warms the import up for the loaded graph."""

from __future__ import annotations

from typing import Any

import pytest

from graph.store import Store
from tec.cli import bootstrap

pytestmark = pytest.mark.usefixtures("reference_data")

_COUNTS = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
RETURN nodes, relationships
"""


async def test_a_first_run_that_loaded_reference_data_plans_the_import_then_leaves_the_graph_as_loaded(
    store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The reference data is loaded by the fixture; the first run is made to believe it just loaded it
    # (the real load takes half a minute), and to find actors already (no demo seeding).
    async def loaded(_store: Store, **_: Any) -> list[str]:
        return ["territories"]

    async def some_actors(_store: Store, _label: str) -> int:
        return 1

    monkeypatch.setattr(bootstrap, "load_missing_reference_data", loaded)
    monkeypatch.setattr(bootstrap, "count_nodes", some_actors)
    before = await store.read("tests.counts", _COUNTS)
    revision = await store.revision()

    await bootstrap.first_run(store)

    printed = capsys.readouterr().out
    assert "Reference data loaded in" in printed
    assert "Import queries planned for the loaded graph in" in printed
    assert await store.read("tests.counts", _COUNTS) == before
    assert await store.revision() == revision
