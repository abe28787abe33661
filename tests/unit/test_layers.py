"""Cypher lives in graph/ only (docs/architecture.md): no string literal outside it reads like a query.

The package imports themselves are checked by `lint-imports` (the contracts in pyproject.toml). The
tests are left out: they read the graph directly to check what the service wrote.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("tec", "bench", "resolvers", "schema", "importers", "synthetic", "scripts")

# A clause that starts a query, then one that ends or writes it, both in Cypher's upper case; or a
# clause followed by a node pattern.
_CYPHER = re.compile(
    r"\b(?:OPTIONAL MATCH|MATCH|MERGE|UNWIND|CREATE|CALL)\b[\s\S]*?\b(?:RETURN|DELETE|DETACH|SET|REMOVE|YIELD)\b"
    r"|\b(?:MATCH|MERGE|CREATE)\s+\("
)


def cypher_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string constant of `source` that reads like a Cypher query."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CYPHER.search(node.value):
            found.append((node.lineno, " ".join(node.value.split())[:80]))
    return found


def python_files() -> list[Path]:
    files = [path for package in CHECKED for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(files) > 50  # the walk found the packages
    return files


def test_no_cypher_outside_the_graph_package() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in python_files()
        for line, text in cypher_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "Cypher belongs in graph/ (a named constant or builder):\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "query",
    [
        '"MATCH (a:Actor) RETURN count(a) AS n"',
        '"UNWIND $ids AS id " "MATCH (n {id: id}) DETACH DELETE n"',
        'f"MERGE (s:Source {{name: $name}}) SET s.kind = {kind!r}"',
        '"""\nCALL dbms.components() YIELD versions\n"""',
        '"OPTIONAL MATCH (x)-[r]->(y) RETURN r"',
        '"UNWIND $rows AS row CREATE (a:Actor {id: row.id})"',
    ],
)
def test_a_query_in_a_string_is_found(query: str) -> None:
    assert [line for line, _ in cypher_literals(f"x = 1\nquery = {query}\n")] == [2]


@pytest.mark.parametrize(
    "text",
    [
        '"query { experiencedActors(conflictType: WATER_WORKS) { edges { node { name } } } }"',
        '"Create the constraints and indexes that are missing; the match returns them."',
        '"MATCH_CASES"',
        '"The CREATE step of the import"',
    ],
)
def test_graphql_and_prose_are_not_cypher(text: str) -> None:
    assert cypher_literals(f"x = {text}\n") == []
