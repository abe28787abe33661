"""Who may read and write what: anonymous callers, readers, source editors, actor editors, admins."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import gid, make_actor, make_conflict

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

UPDATE_ACTOR = """
mutation($input: UpdateActorInput!) {
  updateActor(input: $input) {
    __typename
    ... on ActorUpdated { actor { name description } }
    ... on Forbidden { message }
    ... on ValidationFailed { errors { field message } }
  }
}"""
DELETE_ACTOR = """
mutation($id: ID!) {
  deleteActor(input: {id: $id}) {
    __typename ... on Deleted { id } ... on Forbidden { message } ... on NotFound { message }
  }
}"""
INVOLVE = """
mutation($input: InvolvementInput!) {
  setInvolvement(input: $input) { __typename ... on LinkSaved { count } ... on Forbidden { message } }
}"""


async def _rename(gql: GraphQL, actor_id: str, name: str, token: str | None) -> dict[str, Any]:
    response = await gql(UPDATE_ACTOR, {"input": {"id": gid("Actor", actor_id), "name": name}}, token=token)
    result: dict[str, Any] = response.json()["data"]["updateActor"]
    return result


async def _name(store: Store, actor_id: str) -> str:
    return str((await store.read("t", "MATCH (a:Actor {id: $id}) RETURN a.name AS n", {"id": actor_id}))[0]["n"])


async def test_anonymous_callers_read_public_fields_but_not_contacts(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    await make_actor(
        store, "Médiateurs associés", email="contact@mediateurs.fr", phone="02 99 00 00 00", contactName="Anne"
    )
    query = "{ actors { nodes { name email phone contactName } } }"
    anonymous = (await gql(query)).json()
    assert anonymous["data"]["actors"]["nodes"] == [
        {"name": "Médiateurs associés", "email": None, "phone": None, "contactName": None}
    ]
    assert {error["extensions"]["code"] for error in anonymous["errors"]} == {"FORBIDDEN"}
    assert {tuple(error["path"][-1:]) for error in anonymous["errors"]} == {("email",), ("phone",), ("contactName",)}
    reader = (await gql(query, token=await api_key("reader"))).json()
    assert "errors" not in reader
    assert reader["data"]["actors"]["nodes"][0]["contactName"] == "Anne"


async def test_anonymous_callers_and_readers_cannot_write(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    actor = await make_actor(store, "Médiateurs associés")
    assert (await _rename(gql, actor, "Piraté", None))["__typename"] == "Forbidden"
    assert (await _rename(gql, actor, "Piraté", await api_key("reader")))["__typename"] == "Forbidden"
    create = (
        'mutation { createConflict(input: {title: "Un conflit", type: "QUARRY", territory: "35238"}) { __typename } }'
    )
    assert (await gql(create)).json()["data"]["createConflict"]["__typename"] == "Forbidden"
    assert await _name(store, actor) == "Médiateurs associés"
    assert (await store.read("t", "MATCH (c:Conflict) RETURN count(c) AS n"))[0]["n"] == 0


async def test_a_source_editor_changes_its_own_records_only(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    ours = await make_actor(store, "Association du réseau A", source="reseau-a")
    theirs = await make_actor(store, "Association du réseau B", source="reseau-b")
    token = await api_key("editor", source="reseau-a")
    assert (await _rename(gql, ours, "Association A (renommée)", token))["__typename"] == "ActorUpdated"
    refused = await _rename(gql, theirs, "Piraté", token)
    assert refused["__typename"] == "Forbidden"
    assert "another source" in refused["message"]
    assert await _name(store, theirs) == "Association du réseau B"
    deleted = (await gql(DELETE_ACTOR, {"id": gid("Actor", theirs)}, token=token)).json()["data"]["deleteActor"]
    assert deleted["__typename"] == "Forbidden"
    assert await _name(store, theirs) == "Association du réseau B"


async def test_an_admin_changes_any_record(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    theirs = await make_actor(store, "Association du réseau B", source="reseau-b")
    assert (await _rename(gql, theirs, "Renommée par l'admin", await api_key("admin")))["__typename"] == "ActorUpdated"
    assert await _name(store, theirs) == "Renommée par l'admin"
    row = (await store.read("t", "MATCH (a:Actor {id: $id}) RETURN a.updatedBy AS by", {"id": theirs}))[0]
    assert row["by"].startswith("apikey:")


async def test_an_actor_editor_changes_its_actor_and_declares_its_own_involvements(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    me = await make_actor(store, "Médiateurs associés", source="reseau-b")
    other = await make_actor(store, "Vent de colère", source="reseau-b")
    conflict = await make_conflict(store, "Parc éolien de la Lande", source="reseau-b")
    token = await api_key("editor", actor_id=me)
    assert (await _rename(gql, me, "Médiateurs associés (Rennes)", token))["__typename"] == "ActorUpdated"
    assert (await _rename(gql, other, "Piraté", token))["__typename"] == "Forbidden"
    mine = {"actorId": gid("Actor", me), "conflictId": gid("Conflict", conflict), "role": "MEDIATOR", "from": 2021}
    assert (await gql(INVOLVE, {"input": mine}, token=token)).json()["data"]["setInvolvement"] == {
        "__typename": "LinkSaved",
        "count": 1,
    }
    theirs = {**mine, "actorId": gid("Actor", other), "role": "OPPONENT"}
    refused = (await gql(INVOLVE, {"input": theirs}, token=token)).json()["data"]["setInvolvement"]
    assert refused["__typename"] == "Forbidden"
    rows = await store.read("t", "MATCH (a:Actor)-[r:INVOLVED_IN]->(:Conflict) RETURN a.id AS a, r.role AS role")
    assert rows == [{"a": me, "role": "MEDIATOR"}]


async def test_an_editor_without_scope_changes_what_it_created(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    token = await api_key("editor")
    create = (
        'mutation { createActor(input: {name: "Collectif du Lac", kind: COLLECTIF_CITOYEN}) '
        "{ ... on ActorCreated { actor { id } } } }"
    )
    created = (await gql(create, token=token)).json()["data"]["createActor"]["actor"]["id"]
    actor_id = (await store.read("t", "MATCH (a:Actor) RETURN a.id AS id"))[0]["id"]
    assert gid("Actor", actor_id) == created
    assert (await _rename(gql, actor_id, "Collectif du Lac bleu", token))["__typename"] == "ActorUpdated"
    assert (await _rename(gql, actor_id, "Piraté", await api_key("editor")))["__typename"] == "Forbidden"


async def test_deleting_removes_the_record_and_its_links_or_says_not_found(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    actor = await make_actor(store, "Association éphémère", source="reseau-a")
    token = await api_key("editor", source="reseau-a")
    result = (await gql(DELETE_ACTOR, {"id": gid("Actor", actor)}, token=token)).json()["data"]["deleteActor"]
    assert result == {"__typename": "Deleted", "id": gid("Actor", actor)}
    assert (await store.read("t", "MATCH (a:Actor) RETURN count(a) AS n"))[0]["n"] == 0
    again = (await gql(DELETE_ACTOR, {"id": gid("Actor", actor)}, token=token)).json()["data"]["deleteActor"]
    assert again["__typename"] == "NotFound"
