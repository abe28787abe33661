"""`WriteTally`: how many records one write created, updated, left as they were or removed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class WriteTally:
    """What a write did (or, in a dry run, would do) to the records of one kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    def add(self, other: WriteTally) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed

    def __add__(self, other: WriteTally) -> WriteTally:
        total = WriteTally(self.created, self.updated, self.unchanged, self.removed)
        total.add(other)
        return total
