"""Each actor's case types: `Actor.caseTypes`, the codes of the types of the conflicts it is INVOLVED_IN.

Matching (`graph.matching`) finds the cases near the asked place, and also the cases far away of the
actors based near it. That second branch starts from every actor based within the radius (1,100 to
1,500 around a city of the scale network) and used to walk all their cases to find the few of the
asked types: about 60 % of the query's database hits. With this list, one property read skips the
actors that never had a case of those types.

The contract, which every writer of INVOLVED_IN or OF_TYPE keeps in the transaction that writes:

- a list: the sorted, distinct codes of the types of the actor's conflicts, recomputed from the
  graph (`refresh`) after an involvement is added or removed or a conflict's type changes. Writers:
  the link mutations (`graph.relations`), conflict edits and deletes (`graph.editing`), partner
  imports (`graph.imports`) and bulk loads (`graph.bulk`); migration 22 filled it once.
- absent: unknown. Matching then walks that actor's cases as before, so an actor written by some
  other path (a Neo4j console, a test fixture) is still found, only less cheaply.
- after a whole source is deleted (`graph.bulk.delete_source`), an actor of another source may keep
  a type whose last case went with it: harmless, matching then walks its cases and finds none.

A type is therefore never missing from a list; that is what matching relies on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import LiteralString

from graph.store import Store

# The variables the fragments below may be given: identifiers cannot be parameters, so an allow-list.
_VARIABLES: tuple[LiteralString, ...] = ("a", "n", "c", "x", "involved")


def _checked(var: str) -> LiteralString:
    for allowed in _VARIABLES:
        if allowed == var:
            return allowed
    raise ValueError(f"unknown variable {var!r}")


def refresh(var: str) -> LiteralString:
    """Cypher clauses setting actor `var`'s caseTypes from its cases, after taking its write lock.

    The lock comes first (setting the property to itself takes it), so two transactions changing the
    same actor's cases at once cannot each write a list that misses the other's case: the second to
    lock recomputes after the first has committed.
    """
    v = _checked(var)
    return (
        "SET " + v + ".caseTypes = coalesce(" + v + ".caseTypes, []) "
        "SET " + v + ".caseTypes = COLLECT { MATCH (" + v + ")-[:INVOLVED_IN]->(:Conflict)-[:OF_TYPE]->"
        "(caseTypeOf:ConflictType) RETURN DISTINCT caseTypeOf.code AS caseTypeCode ORDER BY caseTypeCode } "
    )


def refresh_involved(conflict: str) -> LiteralString:
    """A Cypher subquery refreshing the caseTypes of every actor involved in conflict `conflict`."""
    c = _checked(conflict)
    return (
        "CALL ("
        + c
        + ") { MATCH (involved:Actor)-[:INVOLVED_IN]->("
        + c
        + ") WITH DISTINCT involved "
        + refresh("involved")
        + "} "
    )


# An actor created with no case yet: an empty list (not absent, which would mean "unknown").
ON_CREATE: LiteralString = "caseTypes = []"

# Migration 22 and `tec db case-types --fix`: every actor's list from its cases.
RECOMPUTE_ALL: LiteralString = "MATCH (x:Actor) CALL (x) { " + refresh("x") + "} IN TRANSACTIONS OF 5000 ROWS"

# The actors whose list is absent or differs from their cases (a check; empty when the contract holds).
STALE: LiteralString = (
    "MATCH (x:Actor) "
    "WITH x, COLLECT { MATCH (x)-[:INVOLVED_IN]->(:Conflict)-[:OF_TYPE]->(t:ConflictType) "
    "RETURN DISTINCT t.code AS code ORDER BY code } AS actual "
    "WHERE x.caseTypes IS NULL OR x.caseTypes <> actual "
    "RETURN x.id AS id, x.caseTypes AS stored, actual ORDER BY id"
)

_STALE_COUNT: LiteralString = (
    "MATCH (x:Actor) "
    "WITH x, COLLECT { MATCH (x)-[:INVOLVED_IN]->(:Conflict)-[:OF_TYPE]->(t:ConflictType) "
    "RETURN DISTINCT t.code AS code ORDER BY code } AS actual "
    "WITH count(x) AS actors, [y IN collect(CASE WHEN x.caseTypes IS NULL OR x.caseTypes <> actual "
    "THEN x.id END) WHERE y IS NOT NULL] AS stale "
    "RETURN actors, size(stale) AS stale, stale[..$examples] AS examples"
)


@dataclass(frozen=True)
class Check:
    """How many actors there are, how many lists are absent or differ from their cases, a few of those."""

    actors: int
    stale: int
    examples: list[str]


async def check(store: Store, examples: int = 5) -> Check:
    """Compare every actor's list with its cases (reads every actor: seconds on 50,000)."""
    row = (await store.read("caseTypes.check", _STALE_COUNT, {"examples": examples}, timeout=600.0))[0]
    return Check(actors=int(row["actors"]), stale=int(row["stale"]), examples=list(row["examples"]))


async def recompute(store: Store) -> None:
    """Recompute every actor's list from its cases, 5,000 actors per transaction."""
    await store.run_schema(RECOMPUTE_ALL)  # `CALL … IN TRANSACTIONS` needs an auto-commit transaction
