"""Needs over GraphQL: posting (with its alerts), listing, answering, closing, and what each write announces."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry.relay import GlobalID, to_base64

from graph import outbox
from graph.outbox import Event
from graph.store import Store
from tests.analyst_graph import involve
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict
from tests.schema.test_sponsorships import COMPLETE, PROPOSE, RESPOND, START

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

REFUSALS = """
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
"""
NEED_FIELDS = (
    "id status help description outcome actor { name } conflictType { code } theme { code } territory { code }"
)
POST = (
    "mutation P($input: PostNeedInput!) { postNeed(input: $input) { __typename ... on NeedPosted { need { "
    + NEED_FIELDS
    + " } }"
    + REFUSALS
    + "} }"
)
STEP = (
    """
    __typename
    ... on NeedUpdated { need { id status outcome description help metBy { __typename ... on Sponsorship { id }
                                                                            ... on TaskForce { id } } } }
    ... on NeedAlreadyClosed { message }
"""
    + REFUSALS
)
UPDATE = "mutation U($input: UpdateNeedInput!) { updateNeed(input: $input) {" + STEP + "} }"
CLOSE = "mutation C($input: CloseNeedInput!) { closeNeed(input: $input) {" + STEP + "} }"
PREFERENCES = (
    """
mutation A($input: SetAlertPreferencesInput!) { setAlertPreferences(input: $input) {
  __typename ... on AlertPreferencesSet { preferences { muted radiusKm conflictTypes } }
"""
    + REFUSALS
    + "} }"
)
CANDIDATES = """
query C($beneficiary: ID!) {
  sponsorshipCandidates(beneficiary: $beneficiary, need: {conflictType: "IRRIGATION_RESERVOIR"}) {
    edges { node { actor { id name } score } }
  }
}
"""
TEXT = "Une réserve de substitution divise la commune ; nous cherchons qui a déjà mené une concertation."


def raw(global_id: str) -> str:
    return GlobalID.from_id(global_id).node_id


async def announced(store: Store, after: int = 0) -> list[Event]:
    return await outbox.events_after(store, after)


async def authority(store: Store, api_key: ApiKey) -> tuple[str, str]:
    """Niort (a commune's authority) and a key scoped to it."""
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    return niort, await api_key("editor", actor_id=niort)


async def experienced(store: Store, name: str, cases: int, year: int = 2023, **props: Any) -> str:
    """A sponsor near Niort with `cases` settled IRRIGATION_RESERVOIR cases (more cases rank higher)."""
    actor_id = await add_actor(store, name, base="79049", **{"openToSponsorship": True, **props})
    for _ in range(cases):
        await involve(store, actor_id, await add_conflict(store, "IRRIGATION_RESERVOIR", "79270", year=year))
    return actor_id


def need_input(actor: str, **extra: Any) -> dict[str, Any]:
    return {"actor": actor, "description": TEXT, "help": ["SPONSOR"], "conflictType": "IRRIGATION_RESERVOIR", **extra}


async def test_a_posted_need_alerts_exactly_the_actors_the_matching_ranks_first(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    names = {
        await experienced(store, "Trois cas", 3): "Trois cas",
        await experienced(store, "Deux cas", 2): "Deux cas",
        await experienced(store, "Un cas récent", 1): "Un cas récent",
        await experienced(store, "Un cas ancien", 1, year=2005): "Un cas ancien",
    }
    await experienced(store, "Fermé au mécénat", 3, openToSponsorship=False)
    ranked = (await gql(CANDIDATES, {"beneficiary": niort})).json()["data"]["sponsorshipCandidates"]["edges"]
    first_three = [raw(edge["node"]["actor"]["id"]) for edge in ranked[:3]]
    assert [names[actor] for actor in first_three] == ["Trois cas", "Deux cas", "Un cas récent"]

    body = (await gql(POST, {"input": need_input(niort)}, token)).json()["data"]["postNeed"]
    assert body["__typename"] == "NeedPosted"
    need = body["need"]
    assert (need["status"], need["actor"]["name"], need["territory"]["code"]) == ("OPEN", "Ville de Niort", "79191")
    events = await announced(store)
    assert [e.kind for e in events] == ["NEED_POSTED", "ALERT", "ALERT", "ALERT"]
    posted, alerts = events[0], events[1:]
    assert posted.records[:2] == (f"Need:{raw(need['id'])}", f"Actor:{niort}")
    assert posted.actors == (niort,)
    assert posted.payload["conflictType"] == "IRRIGATION_RESERVOIR"
    assert posted.payload["territory"] == "79191"  # no territory given: the poster's base, as NEED_UPDATED says
    assert "description" not in posted.payload
    assert [alert.actors for alert in alerts] == [(actor,) for actor in first_three]
    best = alerts[0].payload
    assert (best["about"], best["rank"], best["casesFound"], best["caseTypes"]) == (
        "Need",
        1,
        3,
        ["IRRIGATION_RESERVOIR"],
    )
    assert len(best["cases"]) == 3
    assert all(case.startswith("Conflict:") for case in best["cases"])
    assert best["distanceKm"] > 0


async def test_muted_actors_and_those_outside_their_own_radius_or_types_get_no_alert(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    muted = await experienced(store, "Muette", 3)
    near_only = await experienced(store, "Rayon court", 2)
    typed = await experienced(store, "Éolien seulement", 1)
    admin = await api_key("admin")
    for actor, prefs in ((muted, {"muted": True}), (near_only, {"radiusKm": 5}), (typed, {"conflictTypes": ["DAM"]})):
        body = (await gql(PREFERENCES, {"input": {"actor": actor, **prefs}}, admin)).json()["data"]
        assert body["setAlertPreferences"]["__typename"] == "AlertPreferencesSet"
    await gql(POST, {"input": need_input(niort)}, token)
    assert [e.kind for e in await announced(store)] == ["NEED_POSTED"]

    # A broader type (WATER_WORKS holds IRRIGATION_RESERVOIR) lets the alert through; unmuting too.
    await gql(PREFERENCES, {"input": {"actor": typed, "conflictTypes": ["WATER_WORKS"]}}, admin)
    own_key = await api_key("editor", actor_id=muted)
    body = (await gql(PREFERENCES, {"input": {"actor": muted, "muted": False}}, own_key)).json()["data"]
    assert body["setAlertPreferences"]["preferences"] == {"muted": False, "radiusKm": None, "conflictTypes": None}
    seen = await outbox.last_seq(store)
    await gql(POST, {"input": need_input(niort)}, token)
    alerted = [e.actors for e in await announced(store, seen) if e.kind == "ALERT"]
    assert alerted == [(muted,), (typed,)]


async def test_alert_preferences_belong_to_the_actor(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    actor = await add_actor(store, "Association")
    other_key = await api_key("editor", actor_id=await add_actor(store, "Autre"))
    body = (await gql(PREFERENCES, {"input": {"actor": actor, "muted": True}}, other_key)).json()["data"]
    assert body["setAlertPreferences"]["__typename"] == "Forbidden"
    own = await api_key("editor", actor_id=actor)
    body = (await gql(PREFERENCES, {"input": {"actor": actor, "conflictTypes": ["NOPE"]}}, own)).json()["data"]
    assert body["setAlertPreferences"]["errors"][0]["field"] == "conflictTypes.0"
    query = "query Q($id: ID!) { node(id: $id) { ... on Actor { alertPreferences { muted } } } }"
    global_id = to_base64("Actor", actor)
    response = (await gql(query, {"id": global_id}, other_key)).json()
    assert response["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await gql(query, {"id": global_id}, own)).json()["data"]["node"]["alertPreferences"] == {"muted": False}


async def test_a_refused_post_announces_nothing(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    niort, _ = await authority(store, api_key)
    await experienced(store, "Expérimentée", 2)
    stranger = await api_key("editor", actor_id=await add_actor(store, "Autre commune", kind="COLLECTIVITE"))
    body = (await gql(POST, {"input": need_input(niort)}, stranger)).json()["data"]["postNeed"]
    assert body["__typename"] == "Forbidden"
    admin = await api_key("admin")
    body = (await gql(POST, {"input": need_input(niort, territory="99999")}, admin)).json()["data"]["postNeed"]
    assert body["errors"] == [{"field": "territory", "message": "No territory has the code '99999'."}]
    body = (await gql(POST, {"input": need_input(niort, theme="CONCERTATION")}, admin)).json()["data"]["postNeed"]
    assert body["errors"][0]["message"] == "give either a conflictType or a theme"
    assert await announced(store) == []
    response = await gql(POST, {"input": need_input(niort)})
    assert response.json()["data"]["postNeed"]["__typename"] == "Forbidden"
    assert await announced(store) == []


LIST = """
query L($where: NeedWhere, $first: Int, $after: String) {
  needs(where: $where, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { description distanceKm status } }
  }
}
"""


async def test_needs_are_listed_with_the_directory_filters_and_pages(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    admin = await api_key("admin")
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    rennes = await add_actor(store, "Ville de Rennes", base="35238", kind="COLLECTIVITE")
    posts = [
        need_input(niort, description="Besoin numéro un : concertation sur une bassine"),
        need_input(niort, description="Besoin numéro deux : médiation avec les irrigants"),
        {
            **need_input(rennes, description="Besoin rennais : participation citoyenne"),
            "conflictType": None,
            "theme": "PARTICIPATION",
            "help": ["RESOURCES"],
        },
    ]
    ids = []
    for post in posts:
        ids.append((await gql(POST, {"input": post}, admin)).json()["data"]["postNeed"]["need"]["id"])
    await gql(CLOSE, {"input": {"id": ids[0], "outcome": "WITHDRAWN"}}, admin)

    def descriptions(body: dict[str, Any]) -> list[str]:
        return [edge["node"]["description"] for edge in body["data"]["needs"]["edges"]]

    everything = (await gql(LIST, {})).json()
    assert everything["data"]["needs"]["totalCount"] == 3
    assert descriptions(everything)[0] == "Besoin rennais : participation citoyenne"  # newest first
    near = {"near": {"territory": "79191", "radiusKm": 30}}
    body = (await gql(LIST, {"where": near})).json()
    assert sorted(descriptions(body)) == sorted(p["description"] for p in posts[:2])
    assert all(edge["node"]["distanceKm"] < 1 for edge in body["data"]["needs"]["edges"])
    assert descriptions((await gql(LIST, {"where": {"within": "35"}})).json()) == [posts[2]["description"]]
    assert descriptions((await gql(LIST, {"where": {"theme": "PARTICIPATION"}})).json()) == [posts[2]["description"]]
    water = (await gql(LIST, {"where": {"conflictType": "WATER_WORKS", "status": "OPEN"}})).json()
    assert descriptions(water) == [posts[1]["description"]]
    page = (await gql(LIST, {"first": 2})).json()["data"]["needs"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await gql(LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]})).json()
    assert len(descriptions(rest)) == 1
    refused = (await gql(LIST, {"where": {"within": "00000"}})).json()
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_a_need_is_answered_by_a_sponsorship_and_closed_as_met_every_step_announced(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    helper = await experienced(store, "Association de médiation", 2)
    helper_key = await api_key("editor", actor_id=helper)
    need = (await gql(POST, {"input": need_input(niort)}, token)).json()["data"]["postNeed"]["need"]
    seen = await outbox.last_seq(store)

    propose = {"sponsor": helper, "beneficiary": niort, "forNeed": need["id"]}
    body = (await gql(PROPOSE, {"input": propose}, helper_key)).json()["data"]["proposeSponsorship"]
    assert body["__typename"] == "SponsorshipProposed"
    sponsorship = body["sponsorship"]["id"]
    proposed = await announced(store, seen)
    assert [(e.kind, e.actors) for e in proposed] == [("SPONSORSHIP_PROPOSED", tuple(sorted((helper, niort))))]
    assert f"Need:{raw(need['id'])}" in proposed[0].records
    assert proposed[0].payload["conflictType"] == "IRRIGATION_RESERVOIR"  # taken from the need

    # A refused step (the proposing side may not answer) and an invalid one announce nothing.
    seen = await outbox.last_seq(store)
    refused = (await gql(RESPOND, {"input": {"id": sponsorship, "decision": "ACCEPT"}}, helper_key)).json()
    assert refused["data"]["respondToSponsorship"]["__typename"] == "Forbidden"
    early = "mutation S($input: CompleteSponsorshipInput!) { completeSponsorship(input: $input) { __typename } }"
    complete = {"id": sponsorship, "outcome": "NEED_MET", "feedback": "Très utile pour nous."}
    assert (await gql(early, {"input": complete}, token)).json()["data"]["completeSponsorship"]["__typename"] == (
        "InvalidTransition"
    )
    assert await announced(store, seen) == []
    accepted = (await gql(RESPOND, {"input": {"id": sponsorship, "decision": "ACCEPT"}}, token)).json()
    assert accepted["data"]["respondToSponsorship"]["__typename"] == "SponsorshipUpdated"
    assert [(e.kind, e.payload["from"], e.payload["status"]) for e in await announced(store, seen)] == [
        ("SPONSORSHIP_ACCEPTED", "PROPOSED", "ACCEPTED")
    ]

    # Closing: the help must answer the need; then NEED_CLOSED names it and tells the helper too.
    seen = await outbox.last_seq(store)
    other = to_base64("Sponsorship", "not-an-answer")
    wrong = (await gql(CLOSE, {"input": {"id": need["id"], "outcome": "NEED_MET", "metBy": [other]}}, token)).json()
    assert wrong["data"]["closeNeed"]["errors"][0]["field"] == "metBy.0"
    stranger = await api_key("editor", actor_id=await add_actor(store, "Autre"))
    closing = {"id": need["id"], "outcome": "NEED_MET", "metBy": [sponsorship], "note": "Merci à l'association."}
    assert (await gql(CLOSE, {"input": closing}, stranger)).json()["data"]["closeNeed"]["__typename"] == "Forbidden"
    assert await announced(store, seen) == []
    closed = (await gql(CLOSE, {"input": closing}, token)).json()["data"]["closeNeed"]
    assert closed["need"]["status"] == "CLOSED"
    assert closed["need"]["metBy"] == [{"__typename": "Sponsorship", "id": sponsorship}]
    events = await announced(store, seen)
    assert [(e.kind, e.actors, e.payload["outcome"]) for e in events] == [
        ("NEED_CLOSED", tuple(sorted((helper, niort))), "NEED_MET")
    ]
    assert f"Sponsorship:{raw(sponsorship)}" in events[0].records
    # A closed need no longer changes, and says so.
    again = (await gql(UPDATE, {"input": {"id": need["id"], "description": TEXT + " Encore."}}, token)).json()
    assert again["data"]["updateNeed"]["__typename"] == "NeedAlreadyClosed"
    assert await outbox.last_seq(store) == events[-1].seq
    # The closing note is the poster's.
    note = "query N($id: ID!) { node(id: $id) { ... on Need { closingNote sponsorships { id } } } }"
    assert (await gql(note, {"id": need["id"]}, token)).json()["data"]["node"] == {
        "closingNote": "Merci à l'association.",
        "sponsorships": [{"id": sponsorship}],
    }
    assert (await gql(note, {"id": need["id"]}, stranger)).json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_updating_an_open_need_announces_what_changed(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    niort, token = await authority(store, api_key)
    need = (await gql(POST, {"input": need_input(niort)}, token)).json()["data"]["postNeed"]["need"]
    seen = await outbox.last_seq(store)
    body = (await gql(UPDATE, {"input": {"id": need["id"], "help": ["SPONSOR", "TASK_FORCE"]}}, token)).json()
    assert body["data"]["updateNeed"]["need"]["help"] == ["SPONSOR", "TASK_FORCE"]
    events = await announced(store, seen)
    assert [(e.kind, e.payload["changed"], e.payload["help"]) for e in events] == [
        ("NEED_UPDATED", ["help"], ["SPONSOR", "TASK_FORCE"])
    ]
    short = (await gql(UPDATE, {"input": {"id": need["id"], "description": "court"}}, token)).json()
    assert short["data"]["updateNeed"]["errors"][0]["field"] == "description"
    assert await outbox.last_seq(store) == events[-1].seq


TASK_FORCE = """
mutation T($input: CreateTaskForceInput!) { createTaskForce(input: $input) {
  __typename ... on TaskForceCreated { taskForce { id } } ... on ValidationFailed { errors { field message } } } }
"""
EXPERTS = """
query E { experiencedActors(near: {territory: "79191"}, conflictType: "IRRIGATION_RESERVOIR", radiusKm: 50) {
  edges { node { actor { name } evidence { kind role outcome } } } } }
"""


async def test_a_need_met_by_a_task_force_is_experience_for_its_members(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    conflict = await add_conflict(store, "IRRIGATION_RESERVOIR", "79191", status="ACTIVE")
    member = await add_actor(store, "Bureau d'études hydraulique", base="79049", kind="BUREAU_ETUDES")
    post = need_input(niort, help=["TASK_FORCE"], conflict=to_base64("Conflict", conflict))
    need = (await gql(POST, {"input": post}, token)).json()["data"]["postNeed"]["need"]
    proposal = "query P($id: ID!) { node(id: $id) { ... on Need { taskForceProposal { conflict { id } } } } }"
    found = (await gql(proposal, {"id": need["id"]})).json()["data"]["node"]["taskForceProposal"]
    assert found["conflict"]["id"] == to_base64("Conflict", conflict)
    names = [
        edge["node"]["actor"]["name"] for edge in (await gql(EXPERTS)).json()["data"]["experiencedActors"]["edges"]
    ]
    assert "Bureau d'études hydraulique" not in names

    seen = await outbox.last_seq(store)
    members = [{"actor": member, "role": "TECHNICAL_EXPERTISE", "reason": "Hydrologie."}]
    other_conflict = await add_conflict(store, "DAM", "79191")
    wrong = {"conflict": other_conflict, "members": members, "forNeed": need["id"]}
    body = (await gql(TASK_FORCE, {"input": wrong}, token)).json()["data"]["createTaskForce"]
    assert body["errors"][0]["field"] == "forNeed"
    assert await announced(store, seen) == []
    body = await gql(TASK_FORCE, {"input": {"conflict": conflict, "members": members, "forNeed": need["id"]}}, token)
    task_force = body.json()["data"]["createTaskForce"]["taskForce"]["id"]
    created = await announced(store, seen)
    assert [(e.kind, e.actors) for e in created] == [("TASK_FORCE_CREATED", tuple(sorted((member, niort))))]
    assert created[0].payload["members"] == [{"actor": member, "role": "TECHNICAL_EXPERTISE"}]
    closing = {"id": need["id"], "outcome": "NEED_MET", "metBy": [task_force]}
    assert (await gql(CLOSE, {"input": closing}, token)).json()["data"]["closeNeed"]["__typename"] == "NeedUpdated"

    edges = (await gql(EXPERTS)).json()["data"]["experiencedActors"]["edges"]
    found_member = [edge["node"] for edge in edges if edge["node"]["actor"]["name"] == "Bureau d'études hydraulique"]
    assert found_member[0]["evidence"] == [{"kind": "NEED", "role": "SPONSOR", "outcome": "NEED_MET"}]


async def test_task_force_members_added_and_removed_are_announced(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    admin = await api_key("admin")
    conflict = await add_conflict(store, "IRRIGATION_RESERVOIR", "79191", status="ACTIVE")
    first = await add_actor(store, "Premier membre")
    second = await add_actor(store, "Second membre")
    members = [{"actor": first, "role": "MEDIATION", "reason": "Médiation."}]
    body = (await gql(TASK_FORCE, {"input": {"conflict": conflict, "members": members}}, admin)).json()
    task_force = body["data"]["createTaskForce"]["taskForce"]["id"]
    add = """mutation A($input: AddTaskForceMemberInput!) { addTaskForceMember(input: $input) { __typename } }"""
    remove = (
        """mutation R($input: RemoveTaskForceMemberInput!) { removeTaskForceMember(input: $input) { __typename } }"""
    )
    seen = await outbox.last_seq(store)
    twice = {"taskForce": task_force, "actor": first, "role": "MEDIATION"}
    assert (await gql(add, {"input": twice}, admin)).json()["data"]["addTaskForceMember"]["__typename"] == (
        "ValidationFailed"
    )
    assert await announced(store, seen) == []
    await gql(add, {"input": {"taskForce": task_force, "actor": second, "role": "CIVIL_SOCIETY"}}, admin)
    await gql(remove, {"input": {"taskForce": task_force, "actor": first}}, admin)
    events = await announced(store, seen)
    both = tuple(sorted((first, second)))
    assert [(e.kind, e.actors, e.payload["actor"]) for e in events] == [
        ("TASK_FORCE_MEMBER_ADDED", both, second),
        ("TASK_FORCE_MEMBER_REMOVED", both, first),
    ]
    assert all(e.records[:2] == (f"TaskForce:{raw(task_force)}", f"Conflict:{conflict}") for e in events)


CREATE_CONFLICT = """
mutation C($input: CreateConflictInput!) { createConflict(input: $input) {
  __typename ... on ConflictCreated { conflict { id } } } }
"""
UPDATE_CONFLICT = """
mutation U($input: UpdateConflictInput!) { updateConflict(input: $input) { __typename } }
"""


async def test_a_new_conflict_alerts_experienced_actors_and_a_status_change_is_announced(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    expert = await add_actor(store, "Médiatrice des Deux-Sèvres", base="79049")
    await involve(store, expert, await add_conflict(store, "IRRIGATION_RESERVOIR", "79270", year=2024))
    token = await api_key("editor", source="partenaire")
    created = {"title": "Bassine de Niort", "type": "IRRIGATION_RESERVOIR", "territory": "79191", "status": "ACTIVE"}
    conflict = (await gql(CREATE_CONFLICT, {"input": created}, token)).json()["data"]["createConflict"]["conflict"]
    events = await announced(store)
    assert [(e.kind, e.actors) for e in events] == [("CONFLICT_CREATED", ()), ("ALERT", (expert,))]
    assert events[0].payload == {"status": "ACTIVE", "conflictType": "IRRIGATION_RESERVOIR", "territory": "79191"}
    assert events[1].payload["about"] == "Conflict"
    assert events[1].records[0] == events[0].records[0]

    seen = await outbox.last_seq(store)
    await gql(UPDATE_CONFLICT, {"input": {"id": conflict["id"], "summary": "Une réserve contestée."}}, token)
    assert await announced(store, seen) == []  # no status change, nothing to announce
    other = await api_key("editor", source="autre")
    refused = await gql(UPDATE_CONFLICT, {"input": {"id": conflict["id"], "status": "SETTLED"}}, other)
    assert refused.json()["data"]["updateConflict"]["__typename"] == "Forbidden"
    assert await announced(store, seen) == []
    await gql(UPDATE_CONFLICT, {"input": {"id": conflict["id"], "status": "SETTLED"}}, token)
    changed = await announced(store, seen)
    assert [(e.kind, e.payload["from"], e.payload["status"]) for e in changed] == [
        ("CONFLICT_STATUS_CHANGED", "ACTIVE", "SETTLED")
    ]


async def test_a_need_s_candidates_are_its_poster_s_sponsorship_candidates(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    await experienced(store, "Deux cas", 2)
    await experienced(store, "Un cas", 1)
    need = (await gql(POST, {"input": need_input(niort)}, token)).json()["data"]["postNeed"]["need"]
    query = """query N($id: ID!) { node(id: $id) { ... on Need {
      candidates { edges { node { actor { id name } score } } } } } }"""
    via_need = (await gql(query, {"id": need["id"]})).json()["data"]["node"]["candidates"]["edges"]
    direct = (await gql(CANDIDATES, {"beneficiary": niort})).json()["data"]["sponsorshipCandidates"]["edges"]
    assert via_need == direct
    assert [edge["node"]["actor"]["name"] for edge in via_need] == ["Deux cas", "Un cas"]


async def test_every_sponsorship_step_announces_its_one_event_to_both_sides(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort, token = await authority(store, api_key)
    helper = await experienced(store, "Association de médiation", 1)
    other = await experienced(store, "Autre association", 1)
    admin = await api_key("admin")
    sides = tuple(sorted((helper, niort)))

    async def propose(sponsor: str) -> str:
        body = {"sponsor": sponsor, "beneficiary": niort, "need": TEXT, "conflictType": "IRRIGATION_RESERVOIR"}
        return str(
            (await gql(PROPOSE, {"input": body}, admin)).json()["data"]["proposeSponsorship"]["sponsorship"]["id"]
        )

    declined = await propose(other)
    seen = await outbox.last_seq(store)
    answer = {"id": declined, "decision": "DECLINE", "reason": "Nous avons trouvé une autre aide."}
    await gql(RESPOND, {"input": answer}, admin)
    events = await announced(store, seen)
    assert [(e.kind, e.actors) for e in events] == [("SPONSORSHIP_DECLINED", tuple(sorted((other, niort))))]
    assert "reason" not in events[0].payload
    assert "declineReason" not in events[0].payload

    sponsorship = await propose(helper)
    await gql(RESPOND, {"input": {"id": sponsorship, "decision": "ACCEPT"}}, admin)
    seen = await outbox.last_seq(store)
    await gql(START, {"input": {"id": sponsorship}}, token)
    complete = {"id": sponsorship, "outcome": "PARTLY_MET", "feedback": "Une aide précieuse, merci."}
    await gql(COMPLETE, {"input": complete}, token)
    events = await announced(store, seen)
    assert [(e.kind, e.actors, e.payload["from"], e.payload["status"]) for e in events] == [
        ("SPONSORSHIP_STARTED", sides, "ACCEPTED", "ACTIVE"),
        ("SPONSORSHIP_COMPLETED", sides, "ACTIVE", "COMPLETED"),
    ]
    assert events[1].payload["outcome"] == "PARTLY_MET"
    assert "feedback" not in events[1].payload
    assert events[1].records == (f"Sponsorship:{raw(sponsorship)}", f"Actor:{helper}", f"Actor:{niort}")
