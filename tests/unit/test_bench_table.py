"""`tec bench`'s table: the first import's ≤ 2 s target (issue 15) is shown against the case it is about,
a fresh database, and not against a Neo4j restarted on a database it had filled before."""

from __future__ import annotations

import pytest

from bench.runner import Figures
from bench.suite import print_table


def _first_import_line(capsys: pytest.CaptureFixture[str], fresh: bool, database: str) -> str:
    figures = Figures()
    figures.add("first_import", {"seconds": 2.31, "fresh_database": fresh, "database": database})
    print_table(figures)
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("first import of 2,000")]
    assert len(lines) == 1
    return lines[0]


@pytest.mark.parametrize("database", ["reference data only", "reference data and the demo network"])
def test_the_target_stands_beside_a_first_import_into_a_fresh_database(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    line = _first_import_line(capsys, True, database)

    assert line.split()[-3:] == ["2.31", "≤", "2"]


@pytest.mark.parametrize("database", ["reference data only", "reference data and the demo network"])
def test_a_restarted_database_names_the_run_the_target_is_for(
    capsys: pytest.CaptureFixture[str], database: str
) -> None:
    line = _first_import_line(capsys, False, database)

    assert "2.31" in line
    assert line.endswith("(≤ 2 is for a fresh database: --fresh)")
