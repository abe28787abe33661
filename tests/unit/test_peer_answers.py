"""The peer benchmark's equality check (bench/peer.py) on canned answers: no Neo4j, no Node.

`tec bench --peer` measures only after both sides gave the same rows, ids, totals and scores; these
tests pin what "the same" means (the project's global ids against the peer's raw ids, the peer's
relationship lists against the project's single objects) and that any difference stops the benchmark.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from strawberry import relay

from bench.peer import (
    PEER_ARGUMENTS,
    PeerMismatch,
    check_same,
    cypher_literal,
    matching_page,
    peer_page,
    port_matching_statement,
    project_page,
)


def project_directory(ids: list[str], total: int) -> dict[str, Any]:
    """The project's `actors` field as the service returns it (global ids, one base territory)."""
    return {
        "totalCount": total,
        "edges": [
            {
                "node": {
                    "id": relay.to_base64("Actor", actor_id),
                    "name": f"Association {actor_id}",
                    "kind": "ASSOCIATION",
                    "basedIn": {"code": "35238", "name": "Rennes"},
                    "themes": [{"code": "WATER", "label": "Eau"}, {"code": "ENERGY", "label": "Énergie"}],
                }
            }
            for actor_id in ids
        ],
    }


def peer_directory(ids: list[str], total: int) -> dict[str, Any]:
    """The peer's `actorSearch` field for the same records (raw ids, relationships as lists, a score)."""
    return {
        "totalCount": total,
        "edges": [
            {
                "score": 2.5,
                "node": {
                    "id": actor_id,
                    "name": f"Association {actor_id}",
                    "kind": "ASSOCIATION",
                    "basedIn": [{"code": "35238", "name": "Rennes"}],
                    "themes": [{"code": "ENERGY", "label": "Énergie"}, {"code": "WATER", "label": "Eau"}],
                },
            }
            for actor_id in ids
        ],
    }


def test_the_same_page_on_both_sides_passes_the_check() -> None:
    ids = ["a-1", "a-2", "a-3"]
    answers = [
        ("directory concertation × 35", project_page(project_directory(ids, 41)), peer_page(peer_directory(ids, 41)))
    ]

    assert check_same(answers) == 1


def test_a_different_total_stops_the_benchmark_with_the_question_and_both_values() -> None:
    ids = ["a-1", "a-2"]
    answers = [("directory eau × 44", project_page(project_directory(ids, 12)), peer_page(peer_directory(ids, 13)))]

    with pytest.raises(PeerMismatch) as refused:
        check_same(answers)

    message = str(refused.value)
    assert "nothing was measured" in message
    assert "directory eau × 44" in message
    assert "total: project 12, peer 13" in message


def test_rows_in_another_order_are_a_difference() -> None:
    project = project_page(project_directory(["a-1", "a-2"], 2))
    peer = peer_page(peer_directory(["a-2", "a-1"], 2))

    with pytest.raises(PeerMismatch, match=r"row 1: .*id 'a-1' ≠ 'a-2'"):
        check_same([("directory", project, peer)])


def test_a_missing_row_is_a_difference() -> None:
    project = project_page(project_directory(["a-1", "a-2"], 2))
    peer = peer_page(peer_directory(["a-1"], 2))

    with pytest.raises(PeerMismatch, match="rows: project 2, peer 1"):
        check_same([("directory", project, peer)])


def matching_field(actor_id: str, score: float, *, global_ids: bool) -> dict[str, Any]:
    def ident(kind: str, value: str) -> str:
        return relay.to_base64(kind, value) if global_ids else value

    evidence = {"conflict": {"id": ident("Conflict", "c-1"), "title": "Parc éolien"}, "role": "MEDIATOR"}
    return {
        "withinRadius": 1,
        "edges": [
            {
                "node": {
                    "score": score,
                    "distanceKm": 12.34,
                    "actor": {"id": ident("Actor", actor_id), "name": "Médiateurs", "kind": "ASSOCIATION"},
                    "evidence": [{**evidence, "year": 2024, "distanceKm": 12.34}],
                }
            }
        ],
    }


def test_matching_scores_are_compared_to_the_project_s_six_decimals() -> None:
    same = matching_page(matching_field("a-1", 0.4123456, global_ids=False), project=False)
    project = matching_page(matching_field("a-1", 0.412346, global_ids=True), project=True)
    other = matching_page(matching_field("a-1", 0.4123, global_ids=False), project=False)

    assert check_same([("matching", project, same)]) == 1
    with pytest.raises(PeerMismatch, match=r"score 0\.412346 ≠ 0\.4123"):
        check_same([("matching", project, other)])


def test_the_floor_check_names_the_raw_driver() -> None:
    project = matching_page(matching_field("a-1", 0.5, global_ids=True), project=True)
    driver = matching_page(matching_field("a-2", 0.5, global_ids=False), project=False)

    with pytest.raises(PeerMismatch, match="The project and the raw driver answered 1 of 1"):
        check_same([("matching", project, driver)], other="raw driver")


def test_the_ported_matching_statement_keeps_only_the_peer_field_arguments_as_parameters() -> None:
    statement = port_matching_statement()

    assert set(re.findall(r"\$(\w+)", statement)) == set(PEER_ARGUMENTS)
    assert "CYPHER replan=skip" not in statement
    assert statement.rstrip().endswith("} AS result")
    assert '"""' not in statement  # it goes into a GraphQL block string


def test_a_changed_matching_query_is_refused_rather_than_ported_wrong() -> None:
    with pytest.raises(PeerMismatch, match="final RETURN has changed"):
        port_matching_statement("MATCH (a:Actor) RETURN a")


def test_literals_keep_quotes_and_backslashes_inside_strings() -> None:
    assert cypher_literal({"a b": ["l'eau", "c:\\x"], "n": 1.5, "ok": True, "none": None}) == (
        "{`a b`: ['l\\'eau', 'c:\\\\x'], `n`: 1.5, `ok`: true, `none`: null}"
    )
