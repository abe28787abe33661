"""Writes through the GraphQL API for the tests of what every writer keeps (areaCodes, caseTypes): an
actor based in Bruz (35047) and a case in Brest (29019), far from it."""

from __future__ import annotations

from typing import Any

from tests.conftest import GraphQL


async def mutate(gql: GraphQL, token: str, name: str, input_type: str, payload: dict[str, Any], out: str) -> Any:
    """The payload of mutation `name` (asserting the answer has no errors)."""
    query = f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename {out} }} }}"
    body = (await gql(query, {"input": payload}, token=token)).json()
    assert "errors" not in body, body
    return body["data"][name]


async def create_bruz_mediator(gql: GraphQL, token: str) -> str:
    """The id of a new actor "Médiation de Bruz", an association based in Bruz."""
    created = await mutate(
        gql,
        token,
        "createActor",
        "CreateActorInput",
        {"name": "Médiation de Bruz", "kind": "ASSOCIATION", "basedIn": "35047"},
        "... on ActorCreated { actor { id } }",
    )
    actor_id: str = created["actor"]["id"]
    return actor_id


async def create_brest_wind_conflict(gql: GraphQL, token: str) -> str:
    """The id of a new conflict "Éoliennes de Brest", of type ONSHORE_WIND, in Brest."""
    created = await mutate(
        gql,
        token,
        "createConflict",
        "CreateConflictInput",
        {"title": "Éoliennes de Brest", "type": "ONSHORE_WIND", "territory": "29019"},
        "... on ConflictCreated { conflict { id } }",
    )
    conflict_id: str = created["conflict"]["id"]
    return conflict_id
