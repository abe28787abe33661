"""Conflict cases through GraphQL: create, update, delete, validate, filter, and a conflict page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import BREST, NANTES, RENNES, gid, involve, make_actor, make_conflict, make_project, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

CREATE = """
mutation($input: CreateConflictInput!) {
  createConflict(input: $input) {
    __typename
    ... on ConflictCreated {
      conflict { id title status year location { lat lon } type { code } territory { code } project { title } }
    }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
  }
}"""
UPDATE = """
mutation($input: UpdateConflictInput!) {
  updateConflict(input: $input) {
    __typename
    ... on ConflictUpdated { conflict { title status summary year territory { code } location { lat } } }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
  }
}"""


async def _count(store: Store) -> int:
    return int((await store.read("tests.count", "MATCH (c:Conflict) RETURN count(c) AS n"))[0]["n"])


async def _create(gql: GraphQL, token: str, **fields: Any) -> dict[str, Any]:
    payload = {"title": "Parc éolien de la Lande", "type": "ONSHORE_WIND", "territory": RENNES, **fields}
    result: dict[str, Any] = (await gql(CREATE, {"input": payload}, token=token)).json()["data"]["createConflict"]
    return result


async def test_an_editor_records_a_conflict_placed_typed_and_attributed(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    project = await make_project(store, "Parc éolien de la Lande (projet)", kind="DEVELOPMENT")
    token = await api_key("editor", source="pnr-armorique")
    result = await _create(gql, token, startedOn="2022-04-01", status="ACTIVE", project=gid("Project", project))
    assert result["__typename"] == "ConflictCreated"
    conflict = result["conflict"]
    assert conflict["type"] == {"code": "ONSHORE_WIND"}
    assert conflict["territory"] == {"code": RENNES}
    assert conflict["project"] == {"title": "Parc éolien de la Lande (projet)"}
    assert conflict["year"] == 2022
    assert conflict["location"]["lat"] == pytest.approx(48.11, abs=0.1)
    row = (await store.read("t", "MATCH (c:Conflict) RETURN c.source AS source, c.createdBy AS by, c.createdAt AS at"))[
        0
    ]
    assert row["source"] == "pnr-armorique"
    assert row["by"].startswith("apikey:")
    assert row["at"] is not None


async def test_invalid_fields_are_all_reported_and_nothing_is_written(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("editor")
    result = await _create(gql, token, title="X", startedOn="2022-04-01", endedOn="2021-01-01", type="onshore wind")
    assert result["__typename"] == "ValidationFailed"
    fields = {error["field"]: error["message"] for error in result["errors"]}
    assert set(fields) == {"title", "type", "endedOn"}
    assert "before startedOn" in fields["endedOn"]
    assert await _count(store) == 0


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"type": "NOT_A_TYPE"}, "type", "NOT_A_TYPE"),
        ({"territory": "99999"}, "territory", "99999"),
        ({"project": "UHJvamVjdDpub3Bl"}, "project", "Project"),
    ],
)
async def test_unknown_references_are_refused_by_field_and_nothing_is_written(
    gql: GraphQL, store: Store, api_key: ApiKey, fields: dict[str, str], field: str, words: str
) -> None:
    result = await _create(gql, await api_key("editor"), **fields)
    assert result["__typename"] == "ValidationFailed"
    assert result["errors"][0]["field"] == field
    assert words in result["errors"][0]["message"]
    assert await _count(store) == 0


async def test_an_update_changes_only_the_given_fields_and_moves_the_location(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("editor")
    created = (await _create(gql, token, summary="Un projet contesté.", startedOn="2020-02-02"))["conflict"]
    changed = await gql(UPDATE, {"input": {"id": created["id"], "status": "SETTLED", "territory": BREST}}, token=token)
    result = changed.json()["data"]["updateConflict"]
    assert result["__typename"] == "ConflictUpdated"
    assert result["conflict"]["title"] == "Parc éolien de la Lande"
    assert result["conflict"]["summary"] == "Un projet contesté."
    assert result["conflict"]["status"] == "SETTLED"
    assert result["conflict"]["year"] == 2020
    assert result["conflict"]["territory"] == {"code": BREST}
    assert result["conflict"]["location"]["lat"] == pytest.approx(48.4, abs=0.1)
    cleared = await gql(UPDATE, {"input": {"id": created["id"], "summary": None, "title": None}}, token=token)
    refused = cleared.json()["data"]["updateConflict"]
    assert refused["__typename"] == "ValidationFailed"
    assert refused["errors"] == [{"field": "title", "message": "is required and cannot be empty"}]
    rows = await store.read("t", "MATCH (c:Conflict) RETURN c.summary AS summary, c.updatedBy AS by")
    assert rows[0]["summary"] == "Un projet contesté."
    assert rows[0]["by"].startswith("apikey:")


async def test_updating_a_missing_conflict_says_not_found(gql: GraphQL, api_key: ApiKey) -> None:
    missing = gid("Conflict", "no-such-conflict")
    result = (await gql(UPDATE, {"input": {"id": missing, "status": "SETTLED"}}, token=await api_key("admin"))).json()
    assert result["data"]["updateConflict"]["__typename"] == "NotFound"


async def test_an_id_of_another_type_is_refused_as_invalid(gql: GraphQL, api_key: ApiKey) -> None:
    result = await gql(UPDATE, {"input": {"id": gid("Actor", "x"), "status": "SETTLED"}}, token=await api_key("admin"))
    refused = result.json()["data"]["updateConflict"]
    assert refused["__typename"] == "ValidationFailed"
    assert refused["errors"][0] == {"field": "id", "message": "must be the id of a Conflict, not of a Actor"}


LIST = """
query($where: ConflictWhere, $search: String) {
  conflicts(where: $where, search: $search) { totalCount nodes { title } }
}"""


async def _titles(gql: GraphQL, where: dict[str, Any], search: str | None = None) -> list[str]:
    body = (await gql(LIST, {"where": where, "search": search})).json()
    assert "errors" not in body, body
    return [node["title"] for node in body["data"]["conflicts"]["nodes"]]


async def test_conflicts_filter_by_type_family_territory_year_and_text(gql: GraphQL, store: Store) -> None:
    await make_conflict(store, "Parc éolien de la Lande", started_on=date(2019, 1, 1))
    # started on different days: the default order (latest start first) then decides between them
    await make_conflict(
        store, "Méga-bassine de Nantes", type_code="IRRIGATION_RESERVOIR", territory=NANTES, started_on=date(2022, 5, 1)
    )
    await make_conflict(store, "Partage de l'eau à Brest", type_code="WATER_SHARING", territory=BREST)
    assert await _titles(gql, {"conflictTypes": ["ENERGY"]}) == ["Parc éolien de la Lande"]
    assert await _titles(gql, {"conflictTypes": ["USAGE"]}) == ["Partage de l'eau à Brest"]
    assert await _titles(gql, {"territory": "44"}) == ["Méga-bassine de Nantes"]
    assert await _titles(gql, {"yearFrom": 2020}) == ["Méga-bassine de Nantes", "Partage de l'eau à Brest"]
    assert await _titles(gql, {}, search="bassines") == ["Méga-bassine de Nantes"]
    assert await _titles(gql, {"near": {"territory": RENNES, "radiusKm": 50}}) == ["Parc éolien de la Lande"]


PAGE = """
query($id: ID!) {
  conflict(id: $id) {
    title type { code label parent { code } }
    mediators: actors(roles: [MEDIATOR]) { actor { name } from to }
    actors { role actor { name } }
    resources { title }
  }
}"""


async def test_a_conflict_page_lists_actors_by_role_and_documenting_resources(gql: GraphQL, store: Store) -> None:
    conflict = await make_conflict(store, "Parc éolien de la Lande")
    mediator = await make_actor(store, "Médiateurs associés")
    opponent = await make_actor(store, "Vent de colère")
    await involve(store, mediator, conflict, "MEDIATOR", 2020, 2022)
    await involve(store, opponent, conflict, "OPPONENT", 2019)
    await make_resource(store, "Retour d'expérience", kind="CASE_STUDY", documents=(conflict,))
    body = (await gql(PAGE, {"id": gid("Conflict", conflict)})).json()
    assert "errors" not in body, body
    page = body["data"]["conflict"]
    assert page["type"]["code"] == "ONSHORE_WIND"
    assert page["type"]["parent"] == {"code": "ENERGY"}
    assert page["mediators"] == [{"actor": {"name": "Médiateurs associés"}, "from": 2020, "to": 2022}]
    assert page["actors"] == [
        {"role": "MEDIATOR", "actor": {"name": "Médiateurs associés"}},
        {"role": "OPPONENT", "actor": {"name": "Vent de colère"}},
    ]
    assert page["resources"] == [{"title": "Retour d'expérience"}]
