"""Mécénat d'expérience over GraphQL: candidates (openness, capacity, peers, trust) and the workflow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry.relay import to_base64

from graph.store import Store
from tests.analyst_graph import involve
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

CANDIDATES = """
query Candidates($beneficiary: ID!, $need: SponsorshipNeedInput!, $first: Int) {
  sponsorshipCandidates(beneficiary: $beneficiary, need: $need, first: $first) {
    withinRadius
    edges { node {
      actor { name }
      score experience activeSponsorships capacity population
      cooperationPath { hops actors { name } }
      scoreFactors { name value }
      evidence { kind match role }
    } }
  }
}
"""

REFUSALS = """
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
"""
PROPOSED = "__typename ... on SponsorshipProposed { sponsorship { id status } }" + REFUSALS
RESULT = """
    __typename
    ... on SponsorshipUpdated { sponsorship { id status declineReason outcome feedback startedOn completedOn } }
    ... on InvalidTransition { message from to allowed }
    ... on ValidationFailed { errors { field message } }
    ... on Forbidden { message }
    ... on NotFound { message }
"""
PROPOSE = "mutation P($input: ProposeSponsorshipInput!) { proposeSponsorship(input: $input) {" + PROPOSED + "} }"
RESPOND = "mutation R($input: RespondToSponsorshipInput!) { respondToSponsorship(input: $input) {" + RESULT + "} }"
START = "mutation S($input: StartSponsorshipInput!) { startSponsorship(input: $input) {" + RESULT + "} }"
COMPLETE = "mutation C($input: CompleteSponsorshipInput!) { completeSponsorship(input: $input) {" + RESULT + "} }"
NEED = "Un projet de réserve d'eau divise la commune ; nous cherchons une méthode de concertation."


async def govern(store: Store, actor_id: str, commune: str) -> None:
    await store.write(
        "tests.govern",
        "MATCH (a:Actor {id: $a}), (t:Territory {level: 'COMMUNE', code: $code}) CREATE (a)-[:GOVERNS]->(t)",
        {"a": actor_id, "code": commune},
    )


async def cooperate(store: Store, a: str, b: str) -> None:
    await store.write(
        "tests.cooperate",
        "MATCH (a:Actor {id: $a}), (b:Actor {id: $b}) CREATE (a)-[:COOPERATES_WITH {kind: 'PARTNERSHIP'}]->(b)",
        {"a": a, "b": b},
    )


async def sponsor(store: Store, name: str, base: str = "79049", kind: str = "ASSOCIATION", **props: Any) -> str:
    """An actor open to sponsorship with one settled IRRIGATION_RESERVOIR case near Niort."""
    actor_id = await add_actor(store, name, base=base, kind=kind, openToSponsorship=True, **props)
    await involve(store, actor_id, await add_conflict(store, "IRRIGATION_RESERVOIR", "79270", year=2023), "MEDIATOR")
    return actor_id


async def existing_sponsorship(store: Store, sponsor_id: str, beneficiary_id: str, status: str) -> None:
    await store.write(
        "tests.sponsorship",
        "MATCH (a:Actor {id: $a}), (b:Actor {id: $b}) "
        "CREATE (a)-[:SPONSORS]->(:Sponsorship {id: randomUUID(), status: $status})-[:BENEFITS]->(b)",
        {"a": sponsor_id, "b": beneficiary_id, "status": status},
    )


def candidate_names(body: dict[str, Any]) -> list[str]:
    return [edge["node"]["actor"]["name"] for edge in body["data"]["sponsorshipCandidates"]["edges"]]


async def test_candidates_are_open_to_sponsorship_and_under_capacity(gql: GraphQL, store: Store) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    other = await add_actor(store, "Autre bénéficiaire", base="79191")
    await sponsor(store, "Disponible")
    closed = await add_actor(store, "Fermé", base="79049", openToSponsorship=False)
    await involve(store, closed, await add_conflict(store, "IRRIGATION_RESERVOIR", "79270"), "MEDIATOR")
    full = await sponsor(store, "Complet", sponsorshipCapacity=1)
    await existing_sponsorship(store, full, other, "ACTIVE")
    busy_but_free = await sponsor(store, "Une place libre", sponsorshipCapacity=2)
    await existing_sponsorship(store, busy_but_free, other, "ACCEPTED")
    await existing_sponsorship(store, busy_but_free, other, "COMPLETED")
    variables = {"beneficiary": niort, "need": {"conflictType": "IRRIGATION_RESERVOIR"}}
    response = await gql(CANDIDATES, variables)
    assert response.headers["x-db-round-trips"] == "1"
    edges = response.json()["data"]["sponsorshipCandidates"]["edges"]
    load = {edge["node"]["actor"]["name"]: edge["node"]["activeSponsorships"] for edge in edges}
    assert load == {"Disponible": 0, "Une place libre": 1}


async def test_peers_of_a_comparable_size_and_trusted_links_rank_first(gql: GraphQL, store: Store) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    await govern(store, niort, "79191")  # 59,854 inhabitants
    association = await sponsor(store, "Association de médiation")
    bressuire = await sponsor(store, "Ville de Bressuire", kind="COLLECTIVITE")
    await govern(store, bressuire, "79049")  # 19,970 inhabitants
    body = (await gql(CANDIDATES, {"beneficiary": niort, "need": {"conflictType": "IRRIGATION_RESERVOIR"}})).json()
    assert candidate_names(body) == ["Ville de Bressuire", "Association de médiation"]
    peer = body["data"]["sponsorshipCandidates"]["edges"][0]["node"]
    factors = {f["name"]: f["value"] for f in peer["scoreFactors"]}
    assert factors["PEER"] == 1.2
    assert factors["SIZE"] == pytest.approx(1 + 0.3 * 19970 / 59854, abs=1e-3)
    assert factors["TRUST"] == 1.0
    assert peer["population"] == 19970
    assert peer["score"] == pytest.approx(peer["experience"] * 1.2 * factors["SIZE"], rel=1e-3)
    # A chain of cooperation Niort – partner – association: trust × (1 + 0.5 / 2 hops), and the path shown.
    partner = await add_actor(store, "Partenaire commun", base="79191")
    await cooperate(store, niort, partner)
    await cooperate(store, association, partner)
    body = (await gql(CANDIDATES, {"beneficiary": niort, "need": {"conflictType": "IRRIGATION_RESERVOIR"}})).json()
    nodes = {edge["node"]["actor"]["name"]: edge["node"] for edge in body["data"]["sponsorshipCandidates"]["edges"]}
    trusted = nodes["Association de médiation"]
    assert trusted["cooperationPath"]["hops"] == 2
    assert [a["name"] for a in trusted["cooperationPath"]["actors"]] == [
        "Ville de Niort",
        "Partenaire commun",
        "Association de médiation",
    ]
    assert {f["name"]: f["value"] for f in trusted["scoreFactors"]}["TRUST"] == 1.25
    assert trusted["score"] == pytest.approx(trusted["experience"] * 1.25, rel=1e-3)
    # A direct partnership (1 hop, × 1.5) now outweighs the peer's 1.2 × 1.1.
    await cooperate(store, association, niort)
    body = (await gql(CANDIDATES, {"beneficiary": niort, "need": {"conflictType": "IRRIGATION_RESERVOIR"}})).json()
    assert candidate_names(body) == ["Association de médiation", "Ville de Bressuire"]


async def test_a_theme_need_finds_authors_themed_actors_and_cases_of_its_categories(gql: GraphQL, store: Store) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    await sponsor(store, "Médiateur de l'eau")  # an IRRIGATION_RESERVOIR case: WATER_WORKS is a WATER category
    author = await add_actor(store, "Autrice", base="79270", openToSponsorship=True)
    await store.write(
        "tests.resource",
        "MATCH (a:Actor {id: $a}), (t:Theme {code: 'WATER'}) "
        "CREATE (a)-[:AUTHORED]->(:Resource {id: randomUUID(), title: 'Guide', publishedOn: date('2024-03-01')})"
        "-[:ABOUT]->(t)",
        {"a": author},
    )
    themed = await add_actor(store, "Engagé sur l'eau", base="79270", openToSponsorship=True)
    await store.write(
        "tests.worksOn",
        "MATCH (a:Actor {id: $a}), (t:Theme {code: 'WATER'}) CREATE (a)-[:WORKS_ON]->(t)",
        {"a": themed},
    )
    noise = await add_actor(store, "Bruit", base="79049", openToSponsorship=True)
    await involve(store, noise, await add_conflict(store, "NIGHT_LIFE", "79270"), "MEDIATOR")
    body = (await gql(CANDIDATES, {"beneficiary": niort, "need": {"theme": "WATER"}})).json()
    edges = {
        e["node"]["actor"]["name"]: e["node"]["evidence"][0] for e in body["data"]["sponsorshipCandidates"]["edges"]
    }
    assert set(edges) == {"Médiateur de l'eau", "Autrice", "Engagé sur l'eau"}  # never the NIGHT_LIFE mediator
    assert edges["Médiateur de l'eau"] == {"kind": "CONFLICT", "match": "THEME", "role": "MEDIATOR"}
    assert edges["Autrice"] == {"kind": "RESOURCE", "match": "EXACT", "role": "AUTHOR"}
    assert edges["Engagé sur l'eau"] == {"kind": "THEME", "match": "EXACT", "role": "WORKS_ON"}


async def _propose(gql: GraphQL, token: str, sponsor_id: str, beneficiary_id: str, **extra: Any) -> dict[str, Any]:
    payload = {
        "sponsor": sponsor_id,
        "beneficiary": beneficiary_id,
        "need": NEED,
        "conflictType": "IRRIGATION_RESERVOIR",
    }
    response = await gql(PROPOSE, {"input": {**payload, **extra}}, token=token)
    result: dict[str, Any] = response.json()["data"]["proposeSponsorship"]
    return result


async def test_the_workflow_runs_and_a_completed_sponsorship_becomes_experience(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    mentor = await add_actor(store, "Ville de Rennes", base="35238", kind="COLLECTIVITE", openToSponsorship=True)
    niort_key = await api_key("editor", actor_id=niort)
    mentor_key = await api_key("editor", actor_id=mentor)
    proposed = await _propose(gql, niort_key, mentor, niort)
    assert proposed["__typename"] == "SponsorshipProposed"
    assert proposed["sponsorship"]["status"] == "PROPOSED"
    sid = proposed["sponsorship"]["id"]

    # Niort asked: only Rennes (the side asked) may answer.
    refused = (await gql(RESPOND, {"input": {"id": sid, "decision": "ACCEPT"}}, token=niort_key)).json()
    assert refused["data"]["respondToSponsorship"]["__typename"] == "Forbidden"
    accepted = (await gql(RESPOND, {"input": {"id": sid, "decision": "ACCEPT"}}, token=mentor_key)).json()
    assert accepted["data"]["respondToSponsorship"]["sponsorship"]["status"] == "ACCEPTED"
    started = (await gql(START, {"input": {"id": sid, "startedOn": "2025-01-15"}}, token=niort_key)).json()
    assert started["data"]["startSponsorship"]["sponsorship"]["startedOn"] == "2025-01-15"
    link = await store.read(
        "tests.link",
        "MATCH (:Actor {id: $a})-[c:COOPERATES_WITH {kind: 'SPONSORSHIP'}]-(:Actor {id: $b}) RETURN c.since AS since",
        {"a": mentor, "b": niort},
    )
    assert [row["since"] for row in link] == [2025]
    completion = {"id": sid, "outcome": "NEED_MET", "feedback": "Méthode de concertation reprise telle quelle."}
    done = (await gql(COMPLETE, {"input": {**completion, "completedOn": "2025-06-30"}}, token=mentor_key)).json()
    sponsorship = done["data"]["completeSponsorship"]["sponsorship"]
    assert (sponsorship["status"], sponsorship["outcome"], sponsorship["completedOn"]) == (
        "COMPLETED",
        "NEED_MET",
        "2025-06-30",
    )

    # Rennes (218 km from Niort) had no case: the completed sponsorship is now its experience near Niort.
    query = """{ experiencedActors(conflictType: "IRRIGATION_RESERVOIR", near: {territory: "79191"}) {
      edges { node { actor { name } evidence { kind role year outcome place { code } measuredFrom } } } } }"""
    edges = (await gql(query)).json()["data"]["experiencedActors"]["edges"]
    assert [edge["node"]["actor"]["name"] for edge in edges] == ["Ville de Rennes"]
    assert edges[0]["node"]["evidence"] == [
        {
            "kind": "SPONSORSHIP",
            "role": "SPONSOR",
            "year": 2025,
            "outcome": "NEED_MET",
            "place": {"code": "79191"},
            "measuredFrom": "CASE",
        }
    ]


async def test_illegal_transitions_are_refused_with_the_allowed_ones(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    mentor = await add_actor(store, "Mentor", base="79049", openToSponsorship=True)
    admin = await api_key("admin")
    sid = (await _propose(gql, admin, mentor, niort))["sponsorship"]["id"]
    early = (await gql(START, {"input": {"id": sid}}, token=admin)).json()["data"]["startSponsorship"]
    assert early["__typename"] == "InvalidTransition"
    assert (early["from"], early["to"], early["allowed"]) == ("PROPOSED", "ACTIVE", ["ACCEPTED", "DECLINED"])
    declined = (
        await gql(
            RESPOND, {"input": {"id": sid, "decision": "DECLINE", "reason": "Pas disponible cette année."}}, token=admin
        )
    ).json()["data"]["respondToSponsorship"]
    assert declined["sponsorship"]["declineReason"] == "Pas disponible cette année."
    completion = {"id": sid, "outcome": "NEED_MET", "feedback": "Ceci ne devrait pas passer."}
    late = (await gql(COMPLETE, {"input": completion}, token=admin)).json()["data"]["completeSponsorship"]
    assert (late["from"], late["to"], late["allowed"]) == ("DECLINED", "COMPLETED", [])
    again = (await gql(RESPOND, {"input": {"id": sid, "decision": "ACCEPT"}}, token=admin)).json()
    assert again["data"]["respondToSponsorship"]["__typename"] == "InvalidTransition"
    rows = await store.read("tests.status", "MATCH (s:Sponsorship) RETURN s.status AS status")
    assert rows == [{"status": "DECLINED"}]


async def test_proposals_respect_openness_capacity_roles_and_input_rules(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    closed = await add_actor(store, "Fermé", base="79049", openToSponsorship=False)
    full = await add_actor(store, "Complet", base="79049", openToSponsorship=True, sponsorshipCapacity=1)
    await existing_sponsorship(store, full, closed, "ACTIVE")
    stranger = await add_actor(store, "Tiers", base="79049")
    niort_key = await api_key("editor", actor_id=niort)
    not_open = await _propose(gql, niort_key, closed, niort)
    assert not_open["errors"] == [{"field": "sponsor", "message": "Fermé is not open to sponsorship."}]
    at_capacity = await _propose(gql, niort_key, full, niort)
    assert at_capacity["errors"][0]["field"] == "sponsor"
    assert "capacity" in at_capacity["errors"][0]["message"]
    outsider = await _propose(gql, await api_key("editor", actor_id=stranger), full, niort)
    assert outsider["__typename"] == "Forbidden"
    reader = await _propose(gql, await api_key("reader"), full, niort)
    assert reader["__typename"] == "Forbidden"
    unknown = await _propose(gql, niort_key, "no-such-actor", niort)
    assert unknown["__typename"] == "NotFound"
    both = await _propose(gql, niort_key, full, niort, theme="WATER")
    assert both["__typename"] == "ValidationFailed"
    short_decline = await gql(
        RESPOND, {"input": {"id": "whatever", "decision": "DECLINE"}}, token=await api_key("admin")
    )
    assert short_decline.json()["data"]["respondToSponsorship"]["errors"][0]["message"] == (
        "a reason is required to decline"
    )
    count = await store.read("tests.count", "MATCH (s:Sponsorship) RETURN count(s) AS n")
    assert count[0]["n"] == 1  # only the hand-made one


async def test_accepting_beyond_capacity_is_refused(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    bressuire = await add_actor(store, "Ville de Bressuire", base="79049", kind="COLLECTIVITE")
    mentor = await add_actor(store, "Mentor", base="79049", openToSponsorship=True, sponsorshipCapacity=1)
    admin = await api_key("admin")
    first = (await _propose(gql, admin, mentor, niort))["sponsorship"]["id"]
    second = (await _propose(gql, admin, mentor, bressuire))["sponsorship"]["id"]
    ok = (await gql(RESPOND, {"input": {"id": first, "decision": "ACCEPT"}}, token=admin)).json()
    assert ok["data"]["respondToSponsorship"]["sponsorship"]["status"] == "ACCEPTED"
    over = (await gql(RESPOND, {"input": {"id": second, "decision": "ACCEPT"}}, token=admin)).json()
    result = over["data"]["respondToSponsorship"]
    assert result["__typename"] == "ValidationFailed"
    assert "capacity" in result["errors"][0]["message"]


PARTY_FIELDS = "need declineReason feedback"
BY_ID = "query N($id: ID!) { node(id: $id) { ... on Sponsorship { status outcome " + PARTY_FIELDS + " } } }"


async def test_need_feedback_and_decline_reason_are_for_the_parties_and_admins_on_every_path(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    mentor = await add_actor(store, "Ville de Rennes", base="35238", kind="COLLECTIVITE", openToSponsorship=True)
    stranger = await add_actor(store, "Tiers", base="79049")
    niort_key, mentor_key = await api_key("editor", actor_id=niort), await api_key("editor", actor_id=mentor)
    admin = await api_key("admin")
    sid = (await _propose(gql, niort_key, mentor, niort))["sponsorship"]["id"]
    await gql(RESPOND, {"input": {"id": sid, "decision": "ACCEPT"}}, token=mentor_key)
    await gql(START, {"input": {"id": sid, "startedOn": "2025-01-15"}}, token=niort_key)
    feedback = "Méthode de concertation reprise telle quelle."
    completion = {"id": sid, "outcome": "NEED_MET", "feedback": feedback, "completedOn": "2025-06-30"}
    done = (await gql(COMPLETE, {"input": completion}, token=mentor_key)).json()
    # a workflow mutation's answer, to a party
    assert done["data"]["completeSponsorship"]["sponsorship"]["feedback"] == feedback

    # node(id): the parties (either side) and admins read them; anonymous, readers and other editors do not
    for party in (niort_key, mentor_key, admin):
        body = (await gql(BY_ID, {"id": sid}, token=party)).json()
        assert "errors" not in body
        assert (body["data"]["node"]["need"], body["data"]["node"]["feedback"]) == (NEED, feedback)
    outsiders: list[str | None] = [None, await api_key("reader"), await api_key("editor", actor_id=stranger)]
    outsiders.append(await api_key("editor", source="another-source"))
    for token in outsiders:
        response = await gql(BY_ID, {"id": sid}, token=token)
        body = response.json()
        assert response.status_code == 200
        node = body["data"]["node"]
        assert (node["status"], node["outcome"]) == ("COMPLETED", "NEED_MET")  # public fields still answered
        assert (node["need"], node["declineReason"], node["feedback"]) == (None, None, None)
        assert {error["extensions"]["code"] for error in body["errors"]} == {"FORBIDDEN"}
        assert {error["path"][-1] for error in body["errors"]} == {"need", "declineReason", "feedback"}
        assert "parties" in body["errors"][0]["message"]
        assert NEED not in response.text
        assert feedback not in response.text

    # lists: the matching's evidence names the completed sponsorship
    evidence = """{ experiencedActors(conflictType: "IRRIGATION_RESERVOIR", near: {territory: "79191"}) {
      edges { node { evidence { sponsorship { status need feedback } } } } } }"""
    anonymous = await gql(evidence)
    assert anonymous.json()["data"]["experiencedActors"]["edges"][0]["node"]["evidence"][0]["sponsorship"] == {
        "status": "COMPLETED",
        "need": None,
        "feedback": None,
    }
    assert NEED not in anonymous.text
    assert feedback not in anonymous.text
    party = (await gql(evidence, token=niort_key)).json()
    assert party["data"]["experiencedActors"]["edges"][0]["node"]["evidence"][0]["sponsorship"]["need"] == NEED

    # neighbourhoods (GraphQL and their exports) never carry them, whoever asks
    around = "query A($id: ID!) { neighbourhood(id: $id) { ... on Subgraph { nodes { labels label properties } } } }"
    for viewer in (None, admin):
        response = await gql(around, {"id": to_base64("Actor", mentor)}, token=viewer)
        nodes = response.json()["data"]["neighbourhood"]["nodes"]
        sponsorships = [node for node in nodes if "Sponsorship" in node["labels"]]
        assert len(sponsorships) == 1
        assert sponsorships[0]["properties"]["status"] == "COMPLETED"
        assert not {"need", "feedback", "declineReason"} & set(sponsorships[0]["properties"])
        assert NEED not in response.text
        assert feedback not in response.text


async def test_a_declined_sponsorship_s_reason_is_for_the_parties(gql: GraphQL, store: Store, api_key: ApiKey) -> None:
    niort = await add_actor(store, "Ville de Niort", base="79191", kind="COLLECTIVITE")
    mentor = await add_actor(store, "Mentor", base="79049", openToSponsorship=True)
    niort_key, mentor_key = await api_key("editor", actor_id=niort), await api_key("editor", actor_id=mentor)
    sid = (await _propose(gql, niort_key, mentor, niort))["sponsorship"]["id"]
    reason = "Pas disponible cette année."
    declined = await gql(RESPOND, {"input": {"id": sid, "decision": "DECLINE", "reason": reason}}, token=mentor_key)
    assert declined.json()["data"]["respondToSponsorship"]["sponsorship"]["declineReason"] == reason
    seen = (await gql(BY_ID, {"id": sid}, token=niort_key)).json()["data"]["node"]
    assert seen["declineReason"] == reason
    hidden = await gql(BY_ID, {"id": sid})
    assert hidden.json()["data"]["node"]["declineReason"] is None
    assert reason not in hidden.text
