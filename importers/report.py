"""The import report: one line per rejected row, dropped item or absent record, as CSV or JSON.

Lines are written as they come (a report of a large file is never held in memory); the format
follows the file name's extension (`.json` for a JSON array, anything else CSV).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TextIO

from importers.errors import ImporterError
from importers.rows import Issue
from importers.spreadsheet_cells import safe_cell


def _csv_cell(value: object) -> object:
    """Partner data (a rejected value, an external id) can hold a formula: neutralised as in exports."""
    if value is None:
        return ""
    return safe_cell(value) if isinstance(value, str) else value


COLUMNS = ("line", "externalId", "field", "value", "reason", "scope")


class ReportWriter:
    """Streams issues to `path`; keeps the first `keep` in memory for the command's own output."""

    def __init__(self, path: Path | None, keep: int = 20) -> None:
        self.path = path
        self.keep = keep
        self.first: list[Issue] = []
        self.count = 0
        self._handle: TextIO | None = None
        self._csv: csv.DictWriter[str] | None = None
        self._json = path is not None and path.suffix.lower() == ".json"
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = path.open("w", encoding="utf-8", newline="")
            except OSError as error:
                raise ImporterError(f"cannot write the report {path}: {error.strerror}.") from None
            if self._json:
                self._handle.write("[")
            else:
                self._csv = csv.DictWriter(self._handle, fieldnames=COLUMNS)
                self._csv.writeheader()

    def add(self, issue: Issue) -> None:
        if len(self.first) < self.keep:
            self.first.append(issue)
        if self._handle is not None:
            line = {
                "line": issue.line,
                "externalId": issue.external_id,
                "field": issue.field,
                "value": issue.value,
                "reason": issue.reason,
                "scope": issue.scope,
            }
            if self._csv is not None:
                self._csv.writerow({key: _csv_cell(value) for key, value in line.items()})
            else:
                self._handle.write(("\n  " if self.count == 0 else ",\n  ") + json.dumps(line, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            if self._json:
                self._handle.write("\n]\n" if self.count else "]\n")
            self._handle.close()
            self._handle = None
