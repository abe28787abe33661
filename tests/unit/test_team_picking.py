"""Task-force team picking (graph/task_forces.py), the part done in Python once Neo4j has listed the
candidates: how a case counts, how a candidate qualifies for a role, and which team is proposed. The
expected scores are worked out by hand from the default weights (docs/matching.md)."""

from __future__ import annotations

from typing import Any

import pytest

from graph.scoring import MatchingWeights
from graph.task_forces import Pick, _best_team, _case_score, _fill_extra_seats, _qualify, _sum_decayed

WEIGHTS = MatchingWeights()
NOW = 2026


def case(**given: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "c1",
        "title": "Parc éolien de la Lande",
        "match": "EXACT",
        "year": NOW,
        "outcome": "NEGOTIATED",
        "role": "MEDIATOR",
        "legal": False,
    }
    return {**base, **given}


def candidate(actor_id: str, kind: str = "ASSOCIATION", **given: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "actor": {"id": actor_id, "kind": kind},
        "cases": [],
        "themes": [],
        "resources": 0,
        "legalWords": False,
        "networks": [],
    }
    return {**base, **given}


def pick(actor_id: str, role: str, score: float, *networks: str, proven: bool = True) -> Pick:
    return Pick(
        actor={"id": actor_id},
        base=None,
        role=role,
        score=score,
        distance_km=0.0,
        reason="",
        groups=frozenset([actor_id, *networks]),
        proven=proven,
    )


def pools(**by_role: list[Pick]) -> dict[str, list[Pick]]:
    roles = ("MEDIATION", "TECHNICAL_EXPERTISE", "LEGAL_EXPERTISE", "PEER_AUTHORITY", "CIVIL_SOCIETY")
    return {role: by_role.get(role, []) for role in roles}


def test_a_case_counts_by_type_match_recency_and_outcome() -> None:
    # exact type 1.0 × one half-life ago (8 years) 0.5 × negotiated 1.0
    assert _case_score(case(year=NOW - 8), WEIGHTS, NOW) == pytest.approx(0.5)
    # an unrelated type 0.25 × unknown year 0.5 × unknown outcome 0.6
    assert _case_score(case(match="OTHER", year=None, outcome=None), WEIGHTS, NOW) == pytest.approx(0.075)
    # a subtype 0.9 × this year 1.0 × court decision 0.7
    assert _case_score(case(match="SUBTYPE", outcome="COURT_DECISION"), WEIGHTS, NOW) == pytest.approx(0.63)
    # a date in the future is not a bonus
    assert _case_score(case(year=NOW + 3), WEIGHTS, NOW) == pytest.approx(1.0)


def test_cases_add_up_best_first_each_worth_less_than_the_one_before() -> None:
    # 1.0 + 0.5 × 0.7 + 0.2 × 0.49
    assert _sum_decayed([0.5, 1.0, 0.2], 0.7) == pytest.approx(1.448)
    # only the ten best count
    assert _sum_decayed([1.0] * 12, 1.0) == pytest.approx(10.0)


def test_a_mediator_qualifies_for_mediation_with_its_case_named() -> None:
    mediator = candidate("a1", cases=[case(), case(id="c2", role="OPPONENT", year=NOW - 1)])
    qualified = _qualify(mediator, "MEDIATION", "EOLIEN", WEIGHTS, NOW)
    assert qualified is not None
    score, reason, used, proven = qualified
    assert score == pytest.approx(1.0)  # the mediation case only, 1.0 × MEDIATOR's 1.0
    assert reason == (
        "mediator or facilitator in 1 case(s), 1 of them EOLIEN or a related type "
        "(best: « Parc éolien de la Lande », 2026, negotiated)"
    )
    assert [c["id"] for c in used] == ["c1"]
    assert proven is True


def test_an_association_only_declaring_concertation_fills_a_seat_unproven() -> None:
    declared = candidate("a2", themes=["CONCERTATION", "EAU"])
    qualified = _qualify(declared, "CIVIL_SOCIETY", "EOLIEN", WEIGHTS, NOW)
    assert qualified is not None
    score, reason, used, proven = qualified
    assert score == pytest.approx(0.004)  # WORKS_ON 0.4 × the declared share 1 %
    assert reason == "works on CONCERTATION (declared, no case yet)"
    assert used == []
    assert proven is False


def test_only_a_collectivite_can_be_a_peer_authority() -> None:
    lived_it = [case(role="PUBLIC_AUTHORITY")]
    assert (
        _qualify(candidate("a3", kind="ASSOCIATION", cases=lived_it), "PEER_AUTHORITY", "EOLIEN", WEIGHTS, NOW) is None
    )
    qualified = _qualify(candidate("a4", kind="COLLECTIVITE", cases=lived_it), "PEER_AUTHORITY", "EOLIEN", WEIGHTS, NOW)
    assert qualified is not None
    assert qualified[0] == pytest.approx(0.8)  # PUBLIC_AUTHORITY's weight on an exact, recent, negotiated case


def test_the_team_covers_the_most_roles_before_the_highest_score() -> None:
    # A is the best mediator but shares network n1 with C, the only technical expert: B mediates instead
    a, b, c = (
        pick("A", "MEDIATION", 5.0, "n1"),
        pick("B", "MEDIATION", 3.0),
        pick("C", "TECHNICAL_EXPERTISE", 4.0, "n1"),
    )
    team = _best_team(pools(MEDIATION=[a, b], TECHNICAL_EXPERTISE=[c]), size=5)
    assert [(p.actor["id"], p.role) for p in team] == [("B", "MEDIATION"), ("C", "TECHNICAL_EXPERTISE")]


def test_proven_candidates_are_seated_before_declared_ones_whatever_their_score() -> None:
    proven, declared = pick("D", "MEDIATION", 1.0), pick("E", "MEDIATION", 10.0, proven=False)
    team = _best_team(pools(MEDIATION=[declared, proven]), size=3)
    assert [p.actor["id"] for p in team] == ["D"]


def test_a_small_team_fills_the_roles_in_their_order() -> None:
    team = _best_team(
        pools(MEDIATION=[pick("M", "MEDIATION", 1.0)], CIVIL_SOCIETY=[pick("S", "CIVIL_SOCIETY", 9.0)]), size=1
    )
    assert [p.actor["id"] for p in team] == ["M"]


def test_extra_seats_go_to_the_best_remaining_candidates_of_other_organisations() -> None:
    a, b, c = (
        pick("A", "MEDIATION", 5.0, "n1"),
        pick("B", "MEDIATION", 3.0),
        pick("C", "TECHNICAL_EXPERTISE", 4.0, "n1"),
    )
    g = pick("G", "TECHNICAL_EXPERTISE", 1.0)
    by_role = pools(MEDIATION=[a, b], TECHNICAL_EXPERTISE=[c, g])
    team = _best_team(by_role, size=4)
    members = _fill_extra_seats(team, by_role, size=4)
    # A still clashes with C (network n1); G takes the third seat; no fourth candidate is left
    assert sorted(p.actor["id"] for p in members) == ["B", "C", "G"]
    assert len(_fill_extra_seats(team, by_role, size=2)) == 2
