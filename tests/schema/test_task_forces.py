"""Task forces over GraphQL: a proposed team that covers roles, one per organisation or network, with
its reasons and its unfilled roles; creating it and changing its members."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graph.store import Store
from graph.text import fold
from tests.analyst_graph import involve
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

PROPOSAL = """
query P($conflict: ID!, $size: Int) {
  taskForceProposal(conflict: $conflict, size: $size) {
    conflict { title }
    conflictType { code }
    radiusKm
    members { actor { name } role reason distanceKm score cases { title match role } }
    unfilledRoles { role reason detail }
  }
}
"""
CREATE = """
mutation C($input: CreateTaskForceInput!) {
  createTaskForce(input: $input) {
    __typename
    ... on TaskForceCreated { taskForce { id name status } unfilledRoles { role reason } }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
  }
}
"""
MEMBER_RESULT = """
    __typename
    ... on TaskForceUpdated { taskForce { id } }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
"""
ADD = "mutation A($input: AddTaskForceMemberInput!) { addTaskForceMember(input: $input) {" + MEMBER_RESULT + "} }"
REMOVE = (
    "mutation R($input: RemoveTaskForceMemberInput!) { removeTaskForceMember(input: $input) {" + MEMBER_RESULT + "} }"
)


async def member_of(store: Store, actor_id: str, network_id: str) -> None:
    await store.write(
        "tests.memberOf",
        "MATCH (a:Actor {id: $a}), (n:Actor {id: $n}) CREATE (a)-[:MEMBER_OF]->(n)",
        {"a": actor_id, "n": network_id},
    )


async def experienced(store: Store, name: str, kind: str, role: str, type_code: str = "ONSHORE_WIND", **kw: Any) -> str:
    actor_id = await add_actor(store, name, base=kw.pop("base", "35238"), kind=kind, **kw.pop("props", {}))
    conflict = await add_conflict(store, type_code, kw.pop("commune", "35360"), year=2022, **kw)
    await involve(store, actor_id, conflict, role)
    return actor_id


async def scene(store: Store) -> dict[str, str]:
    """A wind-farm conflict at Bruz and the actors around it (see each line)."""
    conflict = await add_conflict(store, "ONSHORE_WIND", "35047", title="Parc éolien de la Vilaine", status="ACTIVE")
    network = await add_actor(store, "Réseau Énergies Citoyennes", kind="RESEAU")
    ids = {
        "conflict": conflict,
        "network": network,
        "mediator": await experienced(store, "Médiateurs d'Ille", "ASSOCIATION", "MEDIATOR"),
        "expert": await experienced(store, "Bureau Vent", "BUREAU_ETUDES", "EXPERT", "OFFSHORE_WIND"),
        "peer": await experienced(store, "Commune de Vitré", "COLLECTIVITE", "PUBLIC_AUTHORITY"),
        "civil_in_network": await experienced(store, "Collectif du Vent", "COLLECTIF_CITOYEN", "OPPONENT"),
        "civil": await experienced(store, "Amis de la Vilaine", "ASSOCIATION", "SUPPORTER"),
        "far": await experienced(store, "Médiateurs du Finistère", "ASSOCIATION", "MEDIATOR", base="29019"),
        "party": await experienced(store, "Énergies Locales SA", "ENTREPRISE", "EXPERT"),
    }
    await involve(store, ids["party"], conflict, "PROJECT_OWNER")  # a party to the conflict: never a member
    await member_of(store, ids["mediator"], network)
    await member_of(store, ids["civil_in_network"], network)
    return ids


def by_role(proposal: dict[str, Any]) -> dict[str, str]:
    return {member["role"]: member["actor"]["name"] for member in proposal["members"]}


async def test_a_team_covers_the_roles_one_per_network_and_reports_what_it_cannot_fill(
    gql: GraphQL, store: Store
) -> None:
    ids = await scene(store)
    response = await gql(PROPOSAL, {"conflict": ids["conflict"]})
    assert response.headers["x-db-round-trips"] == "1"
    proposal = response.json()["data"]["taskForceProposal"]
    assert proposal["conflict"]["title"] == "Parc éolien de la Vilaine"
    assert proposal["radiusKm"] == 150
    assert by_role(proposal) == {
        "MEDIATION": "Médiateurs d'Ille",
        "TECHNICAL_EXPERTISE": "Bureau Vent",
        "PEER_AUTHORITY": "Commune de Vitré",
        "CIVIL_SOCIETY": "Amis de la Vilaine",  # not the Collectif: same network as the mediators
    }
    assert proposal["unfilledRoles"] == [
        {"role": "LEGAL_EXPERTISE", "reason": "NO_CANDIDATE", "detail": "No actor within 150 km qualifies."}
    ]
    mediator = proposal["members"][0]
    assert mediator["reason"].startswith("mediator or facilitator in 1 case(s), 1 of them ONSHORE_WIND")
    assert "km away" in mediator["reason"]
    assert mediator["cases"] == [{"title": "ONSHORE_WIND at 35360", "match": "EXACT", "role": "MEDIATOR"}]
    expert = next(m for m in proposal["members"] if m["role"] == "TECHNICAL_EXPERTISE")
    assert expert["cases"][0]["match"] == "RELATED"


async def test_small_teams_legal_expertise_and_clashing_candidates(gql: GraphQL, store: Store) -> None:
    ids = await scene(store)
    description = "Avocats en droit de l'environnement."
    lawyer = await add_actor(
        store,
        "Cabinet Lebrun",
        base="35238",
        kind="AUTRE",
        description=description,
        searchText=fold(f"Cabinet Lebrun {description}"),
    )
    await experienced(store, "Juristes de l'eau", "ASSOCIATION", "EXPERT", "QUARRY", outcome="COURT_DECISION")
    small = (await gql(PROPOSAL, {"conflict": ids["conflict"], "size": 3})).json()["data"]["taskForceProposal"]
    assert list(by_role(small)) == ["MEDIATION", "TECHNICAL_EXPERTISE", "LEGAL_EXPERTISE"]
    assert [(u["role"], u["reason"]) for u in small["unfilledRoles"]] == [
        ("PEER_AUTHORITY", "TEAM_TOO_SMALL"),
        ("CIVIL_SOCIETY", "TEAM_TOO_SMALL"),
    ]
    full = (await gql(PROPOSAL, {"conflict": ids["conflict"]})).json()["data"]["taskForceProposal"]
    legal = next(m for m in full["members"] if m["role"] == "LEGAL_EXPERTISE")
    assert legal["actor"]["name"] in ("Cabinet Lebrun", "Juristes de l'eau")
    assert full["unfilledRoles"] == []
    # With the only civil-society candidates in the mediators' network, one of the two roles stays empty.
    await store.write("tests.drop", "MATCH (a:Actor {id: $id}) DETACH DELETE a", {"id": ids["civil"]})
    await member_of(store, lawyer, ids["network"])
    clash = (await gql(PROPOSAL, {"conflict": ids["conflict"]})).json()["data"]["taskForceProposal"]
    assert ("CIVIL_SOCIETY", "SAME_ORGANISATION") in [(u["role"], u["reason"]) for u in clash["unfilledRoles"]]
    names = [m["actor"]["name"] for m in clash["members"]]
    assert "Collectif du Vent" not in names
    assert len(names) == len(set(names))


async def test_create_from_the_proposal_then_change_members_under_the_same_rule(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    ids = await scene(store)
    editor = await api_key("editor")
    created = (await gql(CREATE, {"input": {"conflict": ids["conflict"], "fromProposal": {}}}, token=editor)).json()
    result = created["data"]["createTaskForce"]
    assert result["__typename"] == "TaskForceCreated"
    assert result["taskForce"]["name"] == "Task force — Parc éolien de la Vilaine"
    assert result["unfilledRoles"] == [{"role": "LEGAL_EXPERTISE", "reason": "NO_CANDIDATE"}]
    rows = await store.read(
        "tests.members",
        "MATCH (a:Actor)-[m:MEMBER_OF_TASK_FORCE]->(f:TaskForce)-[:HANDLES]->(:Conflict {id: $c}) "
        "MATCH (f)-[:FOCUSES_ON]->(t:ConflictType) RETURN a.name AS name, m.role AS role, m.reason AS reason, "
        "t.code AS type ORDER BY m.role",
        {"c": ids["conflict"]},
    )
    assert [(row["role"], row["name"]) for row in rows] == [
        ("CIVIL_SOCIETY", "Amis de la Vilaine"),
        ("MEDIATION", "Médiateurs d'Ille"),
        ("PEER_AUTHORITY", "Commune de Vitré"),
        ("TECHNICAL_EXPERTISE", "Bureau Vent"),
    ]
    assert all(row["reason"] and row["type"] == "ONSHORE_WIND" for row in rows)

    task_force = result["taskForce"]["id"]
    same_network = {"taskForce": task_force, "actor": ids["civil_in_network"], "role": "CIVIL_SOCIETY"}
    refused = (await gql(ADD, {"input": same_network}, token=editor)).json()["data"]["addTaskForceMember"]
    assert refused["__typename"] == "ValidationFailed"
    assert "same organisation or network" in refused["errors"][0]["message"]
    lawyer = await add_actor(store, "Cabinet Lebrun", base="35238", kind="AUTRE")
    added = {"taskForce": task_force, "actor": lawyer, "role": "LEGAL_EXPERTISE", "reason": "Droit éolien."}
    ok = (await gql(ADD, {"input": added}, token=editor)).json()["data"]["addTaskForceMember"]
    assert ok["__typename"] == "TaskForceUpdated"
    someone_else = await api_key("editor")
    forbidden = (await gql(REMOVE, {"input": {"taskForce": task_force, "actor": lawyer}}, token=someone_else)).json()[
        "data"
    ]["removeTaskForceMember"]
    assert forbidden["__typename"] == "Forbidden"
    removed = (await gql(REMOVE, {"input": {"taskForce": task_force, "actor": lawyer}}, token=editor)).json()
    assert removed["data"]["removeTaskForceMember"]["__typename"] == "TaskForceUpdated"
    count = await store.read("tests.count", "MATCH ()-[m:MEMBER_OF_TASK_FORCE]->() RETURN count(m) AS n")
    assert count[0]["n"] == 4


async def test_members_by_hand_follow_the_rule_and_inputs_are_checked(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    ids = await scene(store)
    editor = await api_key("editor")
    clash = {
        "conflict": ids["conflict"],
        "members": [
            {"actor": ids["mediator"], "role": "MEDIATION"},
            {"actor": ids["civil_in_network"], "role": "CIVIL_SOCIETY"},
        ],
    }
    refused = (await gql(CREATE, {"input": clash}, token=editor)).json()["data"]["createTaskForce"]
    assert refused["errors"][0]["field"] == "members.1"
    both = {**clash, "fromProposal": {"size": 3}}
    assert (await gql(CREATE, {"input": both}, token=editor)).json()["data"]["createTaskForce"]["errors"] == [
        {"field": "members", "message": "give either `members` or `fromProposal`"}
    ]
    missing = {"conflict": "no-such-conflict", "members": [{"actor": ids["mediator"], "role": "MEDIATION"}]}
    assert (await gql(CREATE, {"input": missing}, token=editor)).json()["data"]["createTaskForce"][
        "__typename"
    ] == "NotFound"
    reader = (await gql(CREATE, {"input": clash}, token=await api_key("reader"))).json()
    assert reader["data"]["createTaskForce"]["__typename"] == "Forbidden"
    count = await store.read("tests.count", "MATCH (f:TaskForce) RETURN count(f) AS n")
    assert count[0]["n"] == 0
    unknown = (await gql(PROPOSAL, {"conflict": "no-such-conflict"})).json()
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"
