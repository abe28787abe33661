"""The content hash of an imported record is taken of the same bytes as before the faster encoder.

Imports store the hash on `FROM_SOURCE` and compare it on the next run: if the bytes it is taken of
changed, every record of every source would be rewritten once. The reference is the standard
library's `json.dumps(..., sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))`.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from importers.batches import canonical_json, digest


def reference(payload: Any) -> bytes:
    return json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":")).encode()


# What a row holds: text (any character but lone surrogates, which the text rules refuse), whole
# numbers (unbounded: those past 64 bits take the reference path), booleans, None, dates, lists, objects.
_TEXT = st.text(st.characters(exclude_categories=["Cs"]))
_SCALARS = st.none() | st.booleans() | st.integers() | _TEXT | st.dates()
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner) | st.dictionaries(_TEXT, inner), max_leaves=30)


@given(st.dictionaries(_TEXT, _VALUES))
def test_the_hashed_bytes_are_the_standard_librarys(payload: dict[str, Any]) -> None:
    assert canonical_json(payload) == reference(payload)


def test_a_row_with_accents_controls_and_dates_hashes_as_before() -> None:
    row = {
        "externalId": "W351000123",
        "props": {
            "name": "Les Amis de l’Étang « Bleu »",
            "description": 'Ligne 1\r\nLigne 2\t"citée" \\ fin',
            "foundedOn": date(1998, 4, 30),
            "openToSponsorship": True,
            "sponsorshipCapacity": 12,
        },
        "territory": "COMMUNE:35238",
        "themes": ["WATER", "ENERGY"],
        "involvements": [{"conflict": "abc", "role": "MEDIATOR", "from": 2017, "to": None}],
        "network": None,
    }
    assert canonical_json(row) == reference(row)
    assert digest(row) == hashlib.blake2b(reference(row), digest_size=16).hexdigest()
