"""The matching score's weights (graph/scoring.py): TEC_MATCHING_WEIGHTS overrides are checked, merged
with the documented defaults (docs/matching.md) and reach Cypher as one parameter map."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from graph.scoring import MatchingWeights


def test_an_override_of_one_role_keeps_the_other_defaults() -> None:
    weights = MatchingWeights.model_validate({"roles": {"OPPONENT": 0.1}})
    assert weights.roles["OPPONENT"] == 0.1
    assert weights.roles["MEDIATOR"] == 1.0
    assert weights.roles["PROJECT_OWNER"] == 0.5


def test_a_role_not_named_in_the_table_weighs_as_the_lightest_role() -> None:
    assert MatchingWeights().as_params()["roles"]["OTHER"] == 0.3  # OPPONENT and SUPPORTER, the lightest
    lighter = MatchingWeights.model_validate({"roles": {"SUPPORTER": 0.05}})
    assert lighter.as_params()["roles"]["OTHER"] == 0.05


@pytest.mark.parametrize(
    ("document", "complaint"),
    [
        ({"roles": {"SHERIFF": 1.0}}, "unknown roles ['SHERIFF']"),
        ({"outcomes": {"WON": 1.0}}, "unknown outcomes ['WON']"),
        ({"roles": {"EXPERT": -0.1}}, "role weights must be ≥ 0"),
        ({"outcomes": {"NEGOTIATED": -1}}, "outcome weights must be ≥ 0"),
        ({"half_life_years": 0}, "greater than 0"),
        ({"case_decay": 1.5}, "less than or equal to 1"),
        ({"max_cases": 51}, "less than or equal to 50"),
        ({"typo_weight": 1.0}, "Extra inputs are not permitted"),
    ],
)
def test_a_wrong_override_is_refused_with_a_reason(document: dict[str, object], complaint: str) -> None:
    with pytest.raises(ValidationError, match=complaint.replace("[", r"\[").replace("]", r"\]")):
        MatchingWeights.model_validate(document)


def test_the_cypher_parameter_map_uses_the_query_names() -> None:
    params = MatchingWeights(half_life_years=4.0, case_decay=0.5).as_params()
    assert params["halfLifeYears"] == 4.0
    assert params["caseDecay"] == 0.5
    assert params["typeExact"] == 1.0
    assert params["outcomes"]["NOT_MET"] == 0.5
    # distance_scale is applied as tau before the query, not sent in the map
    assert "distanceScale" not in params
