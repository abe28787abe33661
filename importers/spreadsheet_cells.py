"""CSV cells a spreadsheet will not run as formulas (OWASP "CSV Injection").

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return may be taken by Excel,
LibreOffice or Google Sheets as a formula (`=HYPERLINK(...)`, `-2+3+cmd|' /C calc'!A0`, `@SUM(...)`)
or, after a tab or carriage return, as one once the spreadsheet trims it. Every CSV the service
writes (exports, import reports) passes its text cells through `safe_cell`, which prefixes such a
cell with a single quote: the spreadsheet shows the text as it is, and the quote tells a reader of
the raw file that the cell was neutralised. Numbers are written as they are (`-4.5` is a longitude,
not a formula).
"""

from __future__ import annotations

FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """`text` with a leading `'` when a spreadsheet could read it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text
