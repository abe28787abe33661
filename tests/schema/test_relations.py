"""Link and unlink mutations: each relationship once, with its properties, refused with field messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graph.store import Store
from tests.conftest import GraphQL
from tests.domain import gid, make_actor, make_call, make_conflict, make_project, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

RESULT = (
    "{ __typename ... on LinkSaved { kind count fromId toId } "
    "... on ValidationFailed { errors { field message } } ... on Forbidden { message } }"
)


async def _run(gql: GraphQL, mutation: str, input_type: str, payload: dict[str, Any], token: str) -> dict[str, Any]:
    query = f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {RESULT} }}"
    body = (await gql(query, {"input": payload}, token=token)).json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"][mutation]
    return result


async def _rels(store: Store, rel: str) -> list[dict[str, Any]]:
    return await store.read(
        "t",
        "MATCH (a)-[r]->(b) WHERE type(r) = $rel RETURN a.id AS a, b.id AS b, properties(r) AS props ORDER BY r.role",
        {"rel": rel},
    )


async def test_an_involvement_is_one_link_per_role_with_its_period(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    token = await api_key("admin")
    actor, conflict = await make_actor(store, "Médiateurs associés"), await make_conflict(store, "Parc éolien")
    base = {"actorId": gid("Actor", actor), "conflictId": gid("Conflict", conflict)}
    saved = await _run(gql, "setInvolvement", "InvolvementInput", {**base, "role": "MEDIATOR", "from": 2019}, token)
    assert saved == {
        "__typename": "LinkSaved",
        "kind": "INVOLVEMENT",
        "count": 1,
        "fromId": base["actorId"],
        "toId": base["conflictId"],
    }
    await _run(gql, "setInvolvement", "InvolvementInput", {**base, "role": "MEDIATOR", "from": 2019, "to": 2021}, token)
    await _run(gql, "setInvolvement", "InvolvementInput", {**base, "role": "EXPERT"}, token)
    rels = await _rels(store, "INVOLVED_IN")
    assert [(r["props"]["role"], r["props"].get("from"), r["props"].get("to")) for r in rels] == [
        ("EXPERT", None, None),
        ("MEDIATOR", 2019, 2021),
    ]
    assert all(r["props"]["createdBy"].startswith("apikey:") for r in rels)
    removed = await _run(gql, "removeInvolvement", "RemoveInvolvementInput", {**base, "role": "EXPERT"}, token)
    assert removed["count"] == 1
    assert [r["props"]["role"] for r in await _rels(store, "INVOLVED_IN")] == ["MEDIATOR"]


async def test_an_involvement_with_bad_years_or_unknown_records_is_refused(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    actor, conflict = await make_actor(store, "Médiateurs associés"), await make_conflict(store, "Parc éolien")
    base = {"actorId": gid("Actor", actor), "conflictId": gid("Conflict", conflict), "role": "MEDIATOR"}
    years = await _run(gql, "setInvolvement", "InvolvementInput", {**base, "from": 2022, "to": 1850}, token)
    assert years["__typename"] == "ValidationFailed"
    assert {e["field"] for e in years["errors"]} == {"to"}
    wrong_type = await _run(
        gql, "setInvolvement", "InvolvementInput", {**base, "conflictId": gid("Actor", actor)}, token
    )
    assert wrong_type["errors"] == [{"field": "conflictId", "message": "must be the id of a Conflict, not of a Actor"}]
    missing = await _run(gql, "setInvolvement", "InvolvementInput", {**base, "actorId": gid("Actor", "gone")}, token)
    assert missing["errors"][0]["field"] == "actorId"
    assert await _rels(store, "INVOLVED_IN") == []


async def test_a_cooperation_is_stored_once_and_read_from_both_sides(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    rennes, malo = await make_actor(store, "Mairie de Rennes"), await make_actor(store, "Collectif malouin")
    forward = {"actorId": gid("Actor", rennes), "partnerId": gid("Actor", malo), "kind": "PARTNERSHIP", "since": 2018}
    backward = {**forward, "actorId": forward["partnerId"], "partnerId": forward["actorId"], "since": 2019}
    await _run(gql, "linkCooperation", "CooperationInput", forward, token)
    await _run(gql, "linkCooperation", "CooperationInput", backward, token)
    rels = await store.read("t", "MATCH ()-[r:COOPERATES_WITH]->() RETURN r.since AS since")
    assert rels == [{"since": 2019}]
    query = "query($id: ID!) { actor(id: $id) { cooperations { kind since partner { name } } } }"
    seen = (await gql(query, {"id": gid("Actor", malo)})).json()["data"]["actor"]["cooperations"]
    assert seen == [{"kind": "PARTNERSHIP", "since": 2019, "partner": {"name": "Mairie de Rennes"}}]
    itself = await _run(gql, "linkCooperation", "CooperationInput", {**forward, "partnerId": forward["actorId"]}, token)
    assert itself["errors"][0]["field"] == "partnerId"


async def test_membership_needs_a_network(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    token = await api_key("admin")
    member = await make_actor(store, "Association locale")
    network = await make_actor(store, "Réseau des tiers-lieux", kind="RESEAU")
    company = await make_actor(store, "Éoliennes SA", kind="ENTREPRISE")
    ok = await _run(
        gql,
        "addMembership",
        "MembershipInput",
        {"actorId": gid("Actor", member), "networkId": gid("Actor", network)},
        token,
    )
    assert ok["__typename"] == "LinkSaved"
    refused = await _run(
        gql,
        "addMembership",
        "MembershipInput",
        {"actorId": gid("Actor", member), "networkId": gid("Actor", company)},
        token,
    )
    assert refused["errors"] == [{"field": "networkId", "message": "The Actor must be of kind RESEAU."}]
    members = (
        await gql("query($id: ID!) { actor(id: $id) { members { name } } }", {"id": gid("Actor", network)})
    ).json()
    assert members["data"]["actor"]["members"] == [{"name": "Association locale"}]


async def test_resource_topics_authors_and_documented_cases(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    token = await api_key("admin")
    resource = await make_resource(store, "Guide de la concertation")
    author = await make_actor(store, "Bureau d'études Concertation Ouest", kind="BUREAU_ETUDES")
    conflict = await make_conflict(store, "Parc éolien de la Lande")
    rid = gid("Resource", resource)
    assert (await _run(gql, "tagResource", "ResourceTopicInput", {"resourceId": rid, "theme": "CONCERTATION"}, token))[
        "count"
    ] == 1
    await _run(gql, "tagResource", "ResourceTopicInput", {"resourceId": rid, "conflictType": "ONSHORE_WIND"}, token)
    await _run(gql, "addAuthorship", "AuthorshipInput", {"resourceId": rid, "actorId": gid("Actor", author)}, token)
    await _run(
        gql,
        "addDocumentation",
        "DocumentationInput",
        {"resourceId": rid, "subjectId": gid("Conflict", conflict)},
        token,
    )
    both = await _run(
        gql,
        "tagResource",
        "ResourceTopicInput",
        {"resourceId": rid, "theme": "MEDIATION", "conflictType": "QUARRY"},
        token,
    )
    assert both["__typename"] == "ValidationFailed"
    unknown = await _run(gql, "tagResource", "ResourceTopicInput", {"resourceId": rid, "theme": "NO_SUCH_THEME"}, token)
    assert unknown["errors"][0]["field"] == "theme"
    query = (
        "query($id: ID!) { resource(id: $id) { themes { code } conflictTypes { code } authors { name } "
        "conflicts { title } } }"
    )
    seen = (await gql(query, {"id": rid})).json()["data"]["resource"]
    assert seen == {
        "themes": [{"code": "CONCERTATION"}],
        "conflictTypes": [{"code": "ONSHORE_WIND"}],
        "authors": [{"name": "Bureau d'études Concertation Ouest"}],
        "conflicts": [{"title": "Parc éolien de la Lande"}],
    }
    await _run(gql, "untagResource", "ResourceTopicInput", {"resourceId": rid, "theme": "CONCERTATION"}, token)
    assert (await gql(query, {"id": rid})).json()["data"]["resource"]["themes"] == []


async def test_applications_are_submitted_by_the_project_and_decided_by_the_call(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    project = await make_project(store, "Tiers-lieu nourricier", source="collectifs")
    call = await make_call(store, "Appel à communs 2026", description="Des communs pour les territoires.")
    await store.write("t", "MATCH (c:CommonsCall) SET c.source = 'anct'")
    project_editor = await api_key("editor", source="collectifs")
    call_editor = await api_key("editor", source="anct")
    base = {"projectId": gid("Project", project), "commonsCallId": gid("CommonsCall", call)}
    assert (await _run(gql, "applyToCall", "ApplicationInput", base, project_editor))["count"] == 1
    self_selected = await _run(gql, "applyToCall", "ApplicationInput", {**base, "status": "SELECTED"}, project_editor)
    assert self_selected["__typename"] == "Forbidden"
    assert (await _run(gql, "applyToCall", "ApplicationInput", {**base, "status": "SHORTLISTED"}, call_editor))[
        "count"
    ] == 1
    query = (
        'query($id: ID!) { commonsCall(id: $id) { isOpen(on: "2026-06-01") '
        "applications { status submittedAt project { title } } } }"
    )
    seen = (await gql(query, {"id": base["commonsCallId"]})).json()["data"]["commonsCall"]
    assert seen["isOpen"] is True
    assert [(a["status"], a["project"]["title"]) for a in seen["applications"]] == [
        ("SHORTLISTED", "Tiers-lieu nourricier")
    ]
    assert seen["applications"][0]["submittedAt"] is not None
    assert (await _run(gql, "withdrawApplication", "WithdrawApplicationInput", base, project_editor))["count"] == 1
    assert await _rels(store, "APPLIED_TO") == []
