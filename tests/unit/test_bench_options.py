"""`tec bench --network reference` measures the first import into the reference data alone, and only imports."""

from __future__ import annotations

from typer.testing import CliRunner

from tec.cli.main import app


def test_the_reference_database_is_refused_for_parts_that_search_a_network() -> None:
    result = CliRunner().invoke(app, ["bench", "--network", "reference", "--only", "directory"])

    assert result.exit_code != 0
    assert "--network reference holds no network to search" in result.output


def test_an_unknown_network_names_the_three_known_ones() -> None:
    result = CliRunner().invoke(app, ["bench", "--network", "huge"])

    assert result.exit_code != 0
    assert "--network must be demo, scale or reference." in result.output
