"""The conflict-type taxonomy and the themes through GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from importers.reference import read_taxonomy
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")


async def data(gql: GraphQL, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await gql(query, variables)
    body = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


TREE = """
{
  conflictTypes(level: 1) {
    code label family level parent { code }
    children { code level parent { code } children { code label family level facets } }
  }
}
"""


async def test_the_taxonomy_reads_as_a_tree_from_the_two_families(gql: GraphQL) -> None:
    response = await gql(TREE)
    roots = response.json()["data"]["conflictTypes"]
    assert [(r["code"], r["label"], r["family"], r["parent"]) for r in roots] == [
        ("AMENAGEMENT", "Conflit d'aménagement", "AMENAGEMENT", None),
        ("USAGE", "Conflit d'usage", "USAGE", None),
    ]
    categories = {c["code"]: c for root in roots for c in root["children"]}
    assert len(categories) == 18
    assert all(c["level"] == 2 for c in categories.values())
    assert categories["ENERGY"]["parent"] == {"code": "AMENAGEMENT"}
    energy = {t["code"] for t in categories["ENERGY"]["children"]}
    assert {"ONSHORE_WIND", "OFFSHORE_WIND", "BIOGAS_PLANT", "POWER_LINE"} <= energy
    types = [t for c in categories.values() for t in c["children"]]
    assert len(types) == sum(1 for record in read_taxonomy().conflict_types if record.level == 3)
    water = {t["code"]: t for t in categories["WATER_WORKS"]["children"]}
    assert water["IRRIGATION_RESERVOIR"]["label"] == "Réserve de substitution (« méga-bassine »)"
    assert all(t["facets"] == [] for t in types if t["family"] == "AMENAGEMENT")
    # One query per nested field and level (roots, their parent and children, the categories' parent
    # and children), not one per type.
    assert int(response.headers["x-db-round-trips"]) == 5


async def test_conflict_types_filter_by_family_level_and_parent(gql: GraphQL) -> None:
    result = await data(
        gql,
        """{
          usage: conflictTypes(family: USAGE, level: 3) { code family facets }
          energy: conflictTypes(parent: "ENERGY") { code }
        }""",
    )
    usage = {t["code"]: t for t in result["usage"]}
    assert all(t["family"] == "USAGE" for t in usage.values())
    assert usage["SHORT_TERM_RENTALS"]["facets"] == ["SUPERPOSITION"]
    assert usage["NIGHT_LIFE"]["facets"] == ["NEIGHBOURHOOD"]
    assert "ONSHORE_WIND" in {t["code"] for t in result["energy"]}
    assert all(t["code"] not in usage for t in result["energy"])


async def test_one_conflict_type_by_code_with_its_ancestry(gql: GraphQL) -> None:
    result = await data(
        gql,
        """{
          wind: conflictType(code: "ONSHORE_WIND") {
            id label aliases parent { code parent { code } } children { code }
          }
          nothing: conflictType(code: "NOPE") { code }
        }""",
    )
    wind = result["wind"]
    assert wind["label"] == "Parc éolien terrestre"
    assert "éoliennes" in wind["aliases"]
    assert wind["parent"] == {"code": "ENERGY", "parent": {"code": "AMENAGEMENT"}}
    assert wind["children"] == []
    assert result["nothing"] is None
    node = await data(gql, "query($id: ID!) { node(id: $id) { ... on ConflictType { code } } }", {"id": wind["id"]})
    assert node["node"] == {"code": "ONSHORE_WIND"}


async def test_a_level_outside_the_tree_is_refused(gql: GraphQL) -> None:
    body = (await gql("{ conflictTypes(level: 4) { code } }")).json()
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "1 (family), 2 (category) or 3 (type)" in body["errors"][0]["message"]


async def test_themes_have_french_labels_and_global_ids(gql: GraphQL) -> None:
    result = await data(gql, "{ themes { id code label description } }")
    themes = {t["code"]: t for t in result["themes"]}
    assert len(themes) == 15
    assert themes["MEDIATION"]["label"] == "Médiation"
    assert themes["PARTICIPATION"]["description"]
    node = await data(
        gql, "query($id: ID!) { node(id: $id) { ... on Theme { code label } } }", {"id": themes["MEDIATION"]["id"]}
    )
    assert node["node"] == {"code": "MEDIATION", "label": "Médiation"}
