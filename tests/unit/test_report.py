"""The import report as CSV: partner values that look like formulas are neutralised (no database)."""

from __future__ import annotations

import csv
from pathlib import Path

from importers.report import ReportWriter
from importers.rows import Issue


def test_a_rejected_value_that_looks_like_a_formula_is_quoted_in_the_csv_report(tmp_path: Path) -> None:
    path = tmp_path / "rejets.csv"
    writer = ReportWriter(path)
    hostile = ['=HYPERLINK("http://evil.example")', "+33 1 00", "-1+1", "@SUM(A1)", "\tx", "\rx"]
    for number, value in enumerate(hostile, start=2):
        writer.add(Issue(line=number, external_id=value, field="name", value=value, reason="invalid name"))
    writer.add(Issue(line=9, external_id="W123", field="siren", value="123 456", reason="check digit"))
    writer.close()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["value"] for row in rows] == ["'" + value for value in hostile] + ["123 456"]
    assert [row["externalId"] for row in rows] == ["'" + value for value in hostile] + ["W123"]
    assert [row["line"] for row in rows] == ["2", "3", "4", "5", "6", "7", "9"]


def test_the_json_report_keeps_values_as_they_are(tmp_path: Path) -> None:
    import json

    path = tmp_path / "rejets.json"
    writer = ReportWriter(path)
    writer.add(Issue(line=2, external_id=None, field="name", value="=1+1", reason="invalid"))
    writer.close()
    assert json.loads(path.read_text(encoding="utf-8"))[0]["value"] == "=1+1"
