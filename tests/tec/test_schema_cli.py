"""`schema.graphql` is the SDL the code serves; `tec schema export` writes it and `--check` catches drift."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tec.cli.main import app
from tec.cli.schema import DEFAULT_SDL, current_sdl


def test_schema_graphql_is_in_step_with_the_code() -> None:
    assert DEFAULT_SDL.read_text(encoding="utf-8") == current_sdl(), (
        "schema.graphql drifted from the code: run `tec schema export` and commit the file"
    )


def test_export_writes_the_sdl_and_check_detects_a_drift(tmp_path: Path) -> None:
    target = tmp_path / "schema.graphql"
    runner = CliRunner()
    written = runner.invoke(app, ["schema", "export", "--output", str(target)])
    assert written.exit_code == 0, written.output
    sdl = target.read_text(encoding="utf-8")
    assert "type Conflict implements Node" in sdl
    assert "setInvolvement(input: InvolvementInput!): LinkResult!" in sdl
    assert runner.invoke(app, ["schema", "export", "--output", str(target), "--check"]).exit_code == 0
    target.write_text(sdl.replace("type Conflict implements Node", "type Dispute implements Node"), encoding="utf-8")
    drifted = runner.invoke(app, ["schema", "export", "--output", str(target), "--check"])
    assert drifted.exit_code == 1
    assert "out of step" in drifted.output
