"""The importers' exceptions: one root, and the failures that stop a whole import.

A bad *row* is never an exception: it becomes a line of the import report. These are for a file
that cannot be read at all, a mapping that cannot be used, or reference data that is missing.
"""

from __future__ import annotations


class ImporterError(Exception):
    """Root of every error that stops an import; the message is one sentence for a data steward."""


class UnreadableFile(ImporterError):
    """The file is missing, empty, binary, or not in the format it claims."""


class BadMapping(ImporterError):
    """The mapping (TOML) cannot be read, or does not fit the file or the graph model."""


class MissingReferenceData(ImporterError):
    """The graph lacks the territories or the taxonomy an import needs to resolve its rows."""
