"""Each record's territory ancestry: `areaCodes`, one token per territory that contains it.

A directory, conflict, project or resource search with a territory filter used to walk every
full-text hit in France and test, for each, whether its territory lies within the asked one (a
`PART_OF*0..3` walk per hit: 1.14 M database hits for "concertation" in Ille-et-Vilaine on the
scale network). With this list kept on the record and indexed next to `searchText` in the label's
full-text index (graph.search), Lucene intersects the words and the place: the search reads only
the hits inside the territory.

The list holds, for every territory reachable from the record's place by `PART_OF*0..3` (the same
walk the territory filter makes, so a record is in the list of a territory exactly when the filter
keeps it), a token made of the level's letter and the lower-cased code: `c35238` (commune),
`e243500139` (EPCI), `d35` (département), `r53` (région); sorted, distinct. The record's place is:

- Actor: its base (`BASED_IN`);
- Conflict, Project: where it is (`LOCATED_IN`);
- Resource: the places of the conflicts and projects it documents (`DOCUMENTS`).

The contract, which every writer keeps in the transaction that writes (as `caseTypes`, graph.case_types):

- a list, recomputed from the graph (`refresh`) when the record's place changes: API creates and
  updates (`graph.editing` node specs), links and unlinks (`graph.relations`: DOCUMENTS), deletes of
  a conflict or project (the resources documenting it), bulk loads and seeds (`graph.bulk`), partner
  imports (`graph.imports`), territory imports (`importers.territories`: everything is recomputed,
  since a commune may change EPCI), and source deletes (`graph.bulk.delete_source`: resources);
  migration 32 filled it once;
- absent: not computed (a record written around the service, e.g. from a Neo4j console). Such a
  record is not found by a search with a territory filter: `tec db check` finds it and
  `tec db check --fix` recomputes every list.

Derivation in one place (`codes`, `ANCESTOR_CODE`); `token` is its Python twin for tests and tools.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graph.store import Store

PROPERTY: LiteralString = "areaCodes"

# The labels that carry the list, and the path from the record to the territory it is placed in.
PLACES: dict[str, LiteralString] = {
    "Actor": "-[:BASED_IN]->(:Territory)",
    "Conflict": "-[:LOCATED_IN]->(:Territory)",
    "Project": "-[:LOCATED_IN]->(:Territory)",
    "Resource": "-[:DOCUMENTS]->(:Conflict|Project)-[:LOCATED_IN]->(:Territory)",
}
LABELS: tuple[LiteralString, ...] = ("Actor", "Conflict", "Project", "Resource")

_LEVEL_LETTERS: dict[str, str] = {"COMMUNE": "c", "EPCI": "e", "DEPARTEMENT": "d", "REGION": "r"}

# The token of territory `ancestor` (Cypher); `token` below is the same in Python.
ANCESTOR_CODE: LiteralString = (
    "CASE ancestor.level WHEN 'COMMUNE' THEN 'c' WHEN 'EPCI' THEN 'e' WHEN 'DEPARTEMENT' THEN 'd' "
    "WHEN 'REGION' THEN 'r' ELSE 'x' END + toLower(ancestor.code)"
)

# A token reaches a Lucene query only when the code is plain letters and digits (no Lucene syntax,
# one analyzer token); a territory with another code is filtered the old way (graph.listing).
SAFE_CODE: LiteralString = "'[0-9A-Za-z]{1,20}'"

# The variables the fragments below may be given: identifiers cannot be parameters, so an allow-list.
_VARIABLES: tuple[LiteralString, ...] = ("n", "a", "c", "p", "x", "r", "documenting")


def _checked(var: str) -> LiteralString:
    for allowed in _VARIABLES:
        if allowed == var:
            return allowed
    raise ValueError(f"unknown variable {var!r}")


def _label(label: str) -> LiteralString:
    for allowed in LABELS:
        if allowed == label:
            return allowed
    raise ValueError(f"no territory ancestry for label {label!r}")


def token(level: str, code: str) -> str:
    """The token of a territory: `token('DEPARTEMENT', '35') == 'd35'`."""
    return _LEVEL_LETTERS.get(level, "x") + code.lower()


def token_of(var: str) -> LiteralString:
    """Cypher: the token of territory `var`, or null when its code cannot go into a Lucene query."""
    v = _checked_area(var)
    return (
        "CASE WHEN " + v + " IS NOT NULL AND " + v + ".code =~ " + SAFE_CODE + " THEN "
        "CASE " + v + ".level WHEN 'COMMUNE' THEN 'c' WHEN 'EPCI' THEN 'e' WHEN 'DEPARTEMENT' THEN 'd' "
        "WHEN 'REGION' THEN 'r' ELSE 'x' END + toLower(" + v + ".code) END"
    )


def _checked_area(var: str) -> LiteralString:
    for allowed in ("area",):
        if allowed == var:
            return allowed
    raise ValueError(f"unknown territory variable {var!r}")


def codes(var: str, label: str) -> LiteralString:
    """Cypher expression: the sorted, distinct tokens of the territories containing record `var`."""
    v = _checked(var)
    return (
        "COLLECT { MATCH (" + v + ")" + PLACES[_label(label)] + "-[:PART_OF*0..3]->(ancestor:Territory) "
        "RETURN DISTINCT " + ANCESTOR_CODE + " AS areaCode ORDER BY areaCode }"
    )


def refresh(var: str, label: str) -> LiteralString:
    """Cypher clause setting record `var`'s (a `label`) list from the graph."""
    v = _checked(var)
    return "SET " + v + "." + PROPERTY + " = " + codes(v, label) + " "


def refresh_in_call(var: str, label: str) -> LiteralString:
    """`refresh` as a unit subquery, which may follow or precede any clause."""
    v = _checked(var)
    return "CALL (" + v + ") { " + refresh(v, label) + "} "


# A record created with no place yet: an empty list (not absent, which would mean "not computed").
ON_CREATE: LiteralString = PROPERTY + " = []"


def refresh_documenting(var: str) -> LiteralString:
    """A Cypher subquery refreshing the list of every resource documenting conflict or project `var`."""
    v = _checked(var)
    return (
        "CALL ("
        + v
        + ") { MATCH (documenting:Resource)-[:DOCUMENTS]->("
        + v
        + ") WITH DISTINCT documenting "
        + refresh("documenting", "Resource")
        + "} "
    )


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
    """Compare every record's list with its place in the graph (reads every record: seconds on 50,000)."""
    found: list[Check] = []
    for label in LABELS:
        row = (await store.read(f"ancestry.check{label}", _STALE_COUNTS[label], {"examples": examples}, timeout=600.0))[
            0
        ]
        found.append(Check(label, int(row["records"]), int(row["stale"]), list(row["examples"])))
    return found


async def recompute(store: Store, labels: tuple[str, ...] = LABELS) -> None:
    """Recompute the lists of every record of `labels` from the graph."""
    for label in labels:
        await store.run_schema(recompute_all(label))  # `CALL … IN TRANSACTIONS` needs an auto-commit transaction
