"""The external ids met so far in one import, kept on disk so a file of any size fits in bounded memory.

It catches a record that appears twice in a file and, with `--full`, tells which records of the
source the file no longer holds. A throw-away SQLite file in a temporary folder; one per import.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path


class Ledger:
    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="tec-import-")
        self._path = Path(self._folder.name) / "ledger.sqlite"
        self._db = sqlite3.connect(self._path, check_same_thread=False)
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
            "CREATE TABLE seen (label TEXT, external_id TEXT, line INTEGER, hash TEXT, "
            "PRIMARY KEY (label, external_id)) WITHOUT ROWID;"
        )

    def first(self, label: str, external_id: str) -> tuple[int, str] | None:
        """(line, hash) where this record was first met, or None."""
        row = self._db.execute(
            "SELECT line, hash FROM seen WHERE label = ? AND external_id = ?", (label, external_id)
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def claim(self, label: str, external_id: str, line: int, digest: str) -> tuple[int, str] | None:
        """Record this record as met here; if it was met before, return (line, hash) of that first time."""
        cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", (label, external_id, line, digest))
        return None if cursor.rowcount == 1 else self.first(label, external_id)

    def add(self, label: str, external_id: str, line: int, digest: str) -> None:
        self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", (label, external_id, line, digest))

    def known(self, label: str, external_ids: Iterable[str]) -> dict[str, tuple[int, str]]:
        """{external id: (line, hash) where it was first met} for the given ids met before (500 a query)."""
        wanted = list(dict.fromkeys(external_ids))
        found: dict[str, tuple[int, str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT external_id, line, hash FROM seen WHERE label = ? AND external_id IN ({marks})"  # noqa: S608 (only ? marks)
            found.update((row[0], (int(row[1]), str(row[2]))) for row in self._db.execute(query, (label, *chunk)))
        return found

    def add_many(self, rows: Iterable[tuple[str, str, int, str]]) -> None:
        """Record (label, external id, line, hash) rows met for the first time (one statement)."""
        self._db.executemany("INSERT OR IGNORE INTO seen VALUES (?, ?, ?, ?)", rows)

    def missing(self, label: str, external_ids: Iterable[str]) -> list[str]:
        """The given external ids that were not met in the file, in the given order."""
        wanted = list(external_ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT external_id FROM seen WHERE label = ? AND external_id IN ({marks})"  # noqa: S608 (only ? marks)
            found.update(row[0] for row in self._db.execute(query, (label, *chunk)))
        return [external_id for external_id in wanted if external_id not in found]

    def commit(self) -> None:
        """Make what was added visible to other connections (the import's mapping process, or its parent)."""
        self._db.commit()

    def reopen(self) -> None:
        """A connection of its own, in a process forked from the one that made the ledger (SQLite connections
        must not cross a fork); the inherited one is left alone for its owner."""
        self._db = sqlite3.connect(self._path, check_same_thread=False)
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")

    def close(self) -> None:
        self._db.close()
        self._folder.cleanup()
