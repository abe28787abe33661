"""Task-force seats go to members with proven cases of the right kind; a declared competence only fills in."""

from __future__ import annotations

from typing import Any

import pytest

from graph import case_types
from graph.store import Store
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict

pytestmark = pytest.mark.usefixtures("reference_data")

PROPOSAL = """
query P($conflict: ID!) {
  taskForceProposal(conflict: $conflict, size: 5) {
    members { actor { name } role reason }
    unfilledRoles { role reason }
  }
}
"""


async def with_case(
    store: Store, name: str, kind: str, role: str, expertise: str | None = None, year: int = 2022
) -> str:
    """An actor based in Rennes with one onshore-wind case near Bruz, in `role` (and `expertise`)."""
    actor_id = await add_actor(store, name, base="35238", kind=kind)
    conflict_id = await add_conflict(store, "ONSHORE_WIND", "35360", year=year, title=f"Éoliennes ({name})")
    await store.write(
        "tests.involve",
        "MATCH (a:Actor {id: $a}), (c:Conflict {id: $c}) "
        "CREATE (a)-[:INVOLVED_IN {role: $role, expertise: $expertise}]->(c) " + case_types.refresh("a"),
        {"a": actor_id, "c": conflict_id, "role": role, "expertise": expertise},
    )
    return actor_id


async def declares_mediation(store: Store, actor_id: str) -> None:
    await store.write(
        "tests.worksOn",
        "MATCH (a:Actor {id: $a}), (t:Theme {code: 'MEDIATION'}) CREATE (a)-[:WORKS_ON]->(t)",
        {"a": actor_id},
    )


async def proposal(gql: GraphQL, conflict: str) -> dict[str, Any]:
    data: dict[str, Any] = (await gql(PROPOSAL, {"conflict": conflict})).json()["data"]["taskForceProposal"]
    return data


def seats(data: dict[str, Any]) -> dict[str, str]:
    return {member["role"]: member["actor"]["name"] for member in data["members"]}


async def test_legal_and_technical_experts_get_their_own_seats_and_a_proven_mediator_beats_a_declared_one(
    gql: GraphQL, store: Store
) -> None:
    conflict = await add_conflict(store, "ONSHORE_WIND", "35047", title="Parc éolien de Bruz", status="ACTIVE")
    await with_case(store, "Juristes du Vent", "BUREAU_ETUDES", "EXPERT", "LEGAL", year=2024)
    await with_case(store, "Ingénieurs du Vent", "BUREAU_ETUDES", "EXPERT", "TECHNICAL", year=2012)
    await with_case(store, "Médiateurs d'Ille", "ASSOCIATION", "MEDIATOR", year=2010)  # an old case, but a case
    declared = await with_case(store, "Association Dialogue", "ASSOCIATION", "SUPPORTER", year=2024)
    await declares_mediation(store, declared)  # says it mediates; never did on such a case

    data = await proposal(gql, conflict)

    assert seats(data) == {
        "MEDIATION": "Médiateurs d'Ille",
        "TECHNICAL_EXPERTISE": "Ingénieurs du Vent",  # not the legal experts, though their case is newer
        "LEGAL_EXPERTISE": "Juristes du Vent",  # a legal expertise, with no lawsuit on the case
        "CIVIL_SOCIETY": "Association Dialogue",
    }
    mediator = next(m for m in data["members"] if m["role"] == "MEDIATION")
    assert mediator["reason"].startswith("mediator or facilitator in 1 case(s)")


async def test_a_declared_competence_fills_a_seat_no_proven_member_can_take(gql: GraphQL, store: Store) -> None:
    conflict = await add_conflict(store, "ONSHORE_WIND", "35047", title="Parc éolien de Bruz", status="ACTIVE")
    declared = await with_case(store, "Association Dialogue", "ASSOCIATION", "SUPPORTER")
    await declares_mediation(store, declared)
    await with_case(store, "Amis de la Vilaine", "ASSOCIATION", "SUPPORTER")

    data = await proposal(gql, conflict)

    assert seats(data) == {"MEDIATION": "Association Dialogue", "CIVIL_SOCIETY": "Amis de la Vilaine"}
    mediator = next(m for m in data["members"] if m["role"] == "MEDIATION")
    assert "works on MEDIATION (declared, no case yet)" in mediator["reason"]
