"""Each record's filter facets: `facetCodes`, one token for its kind and one per theme it carries.

A directory, project or resource search with a kind or theme filter used to read every full-text hit
and test each (`n.kind IN $kinds`, an `EXISTS` over its themes): "association" with kind=X walked every
national hit. With the tokens kept on the record and indexed next to `searchText` and `areaCodes` in
the label's full-text index (graph.search, migration 33), Lucene intersects the words, the place and
the facets: `+searchText:(…) +facetCodes:(kassociation0 kreseau0)^0 +facetCodes:(teau0)^0` (any of the
kinds, and any of the themes; boost 0, so scores are the words' alone).

A token is a letter (`k` kind, `t` theme), the lower-cased code and a final `0`: `kassociation0`,
`tconcertation0`. The index's `french` analyzer leaves such a token one term (letters, digits and `_`
stay together) and the final digit keeps its suffix rules off, so the same code always gives the same
term on both sides; only a code of upper-case letters, digits and `_` (every kind, every theme of the
taxonomy) gets a token — a filter on another code (`water`, which matches no theme) is tested the old
way (graph.listing), so lower-casing never makes two codes one. The analyzer also folds a doubled
letter (`kasso0` and `kaso0` are one term): codes differing only by that would share a term; no two
kinds or themes do (tests/graph/test_facets.py tries each one).

The themes come from `Actor-[:WORKS_ON]->Theme`, `Project-[:ABOUT]->Theme`, `Resource-[:ABOUT]->Theme`.
The contract, kept by every writer in the transaction that writes (as `areaCodes`, graph.ancestry):

- recomputed from the graph (`refresh`) when the kind or the themes may change: API creates and
  updates (`graph.editing` node specs), links and unlinks (`graph.relations`: resourceTheme), bulk
  loads and seeds (`graph.bulk`: each node write and each theme link), partner imports
  (`graph.imports`), source deletes (`graph.bulk.delete_source`, which may delete themes);
  migration 33 filled it once;
- absent: not computed (a record written around the service). Such a record is not found by a
  search with a kind or theme filter: `tec db check` finds it and `tec db check --fix` recomputes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import LiteralString

from graph.store import Store

PROPERTY: LiteralString = "facetCodes"
KIND: LiteralString = "k"
THEME: LiteralString = "t"

# The labels that carry the list, and the path from the record to its themes.
THEMES: dict[str, LiteralString] = {
    "Actor": "-[:WORKS_ON]->(facetTheme:Theme)",
    "Project": "-[:ABOUT]->(facetTheme:Theme)",
    "Resource": "-[:ABOUT]->(facetTheme:Theme)",
}
LABELS: tuple[LiteralString, ...] = ("Actor", "Project", "Resource")

# The codes that may become a token (and so reach a Lucene query): no Lucene syntax, one analyzer term.
SAFE_CODE: LiteralString = "'[0-9A-Z_]{1,40}'"
_SAFE = re.compile(r"[0-9A-Z_]{1,40}")

_VARIABLES: tuple[LiteralString, ...] = ("n", "a", "p", "r", "x", "touched")


def _checked(var: str) -> LiteralString:
    for allowed in _VARIABLES:
        if allowed == var:
            return allowed
    raise ValueError(f"unknown variable {var!r}")


def _label(label: str) -> LiteralString:
    for allowed in LABELS:
        if allowed == label:
            return allowed
    raise ValueError(f"no facets for label {label!r}")


def token(prefix: str, code: str) -> str | None:
    """The token of a kind (`prefix` KIND) or theme (THEME) code, or None when it cannot be one.

    >>> token(KIND, "BUREAU_ETUDES")
    'kbureau_etudes0'
    """
    if not _SAFE.fullmatch(code):
        return None
    return prefix + code.lower() + "0"


def codes(var: str, label: str) -> LiteralString:
    """Cypher expression: the kind's token, then the sorted, distinct tokens of the themes of record `var`."""
    v = _checked(var)
    return (
        "[facetKind IN ["
        + v
        + ".kind] WHERE facetKind =~ "
        + SAFE_CODE
        + " | '"
        + KIND
        + "' + toLower(facetKind) + '0'] + "
        "COLLECT { MATCH (" + v + ")" + THEMES[_label(label)] + " WHERE facetTheme.code =~ " + SAFE_CODE + " "
        "RETURN DISTINCT '" + THEME + "' + toLower(facetTheme.code) + '0' AS facetCode ORDER BY facetCode }"
    )


def refresh(var: str, label: str) -> LiteralString:
    """Cypher clause setting record `var`'s (a `label`) list from the graph."""
    v = _checked(var)
    return "SET " + v + "." + PROPERTY + " = " + codes(v, label) + " "


def refresh_in_call(var: str, label: str) -> LiteralString:
    """`refresh` as a unit subquery, which may follow or precede any clause."""
    v = _checked(var)
    return "CALL (" + v + ") { " + refresh(v, label) + "} "


def recompute_all(label: str) -> LiteralString:
    """Every `label` record's list from the graph, 5,000 records per transaction (auto-commit only)."""
    checked = _label(label)
    return "MATCH (x:" + checked + ") CALL (x) { " + refresh("x", checked) + "} IN TRANSACTIONS OF 5000 ROWS"


RECOMPUTE_ALL: tuple[LiteralString, ...] = tuple(recompute_all(label) for label in LABELS)


def _stale_count(label: str) -> LiteralString:
    checked = _label(label)
    return (
        "MATCH (x:" + checked + ") WITH x, " + codes("x", checked) + " AS actual "
        "WITH count(x) AS records, [y IN collect(CASE WHEN x." + PROPERTY + " IS NULL OR x." + PROPERTY + " <> actual "
        "THEN x.id END) WHERE y IS NOT NULL] AS stale "
        "RETURN records, size(stale) AS stale, stale[..$examples] AS examples"
    )


_STALE_COUNTS: dict[str, LiteralString] = {label: _stale_count(label) for label in LABELS}


@dataclass(frozen=True)
class Check:
    """Per label: how many records, how many lists are absent or differ from the graph, a few of those."""

    label: str
    records: int
    stale: int
    examples: list[str]


async def check(store: Store, examples: int = 5) -> list[Check]:
    """Compare every record's list with its kind and themes in the graph."""
    found: list[Check] = []
    for label in LABELS:
        rows = await store.read(f"facets.check{label}", _STALE_COUNTS[label], {"examples": examples}, timeout=600.0)
        row = rows[0]
        found.append(Check(label, int(row["records"]), int(row["stale"]), list(row["examples"])))
    return found


async def recompute(store: Store, labels: tuple[str, ...] = LABELS) -> None:
    """Recompute the lists of every record of `labels` from the graph."""
    for label in labels:
        await store.run_schema(recompute_all(label))  # `CALL … IN TRANSACTIONS` needs an auto-commit transaction
