"""Evidence keeps the partner's years: when a case started, apart from the year its recency is measured by."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.store import Store
from tests.analyst_graph import involve
from tests.conftest import GraphQL
from tests.graph.test_matching import add_actor, add_conflict

pytestmark = pytest.mark.usefixtures("reference_data")

QUERY = """
query($type: String!, $near: PlaceInput!) {
  experiencedActors(conflictType: $type, near: $near) {
    edges { node { actor { name } evidence { title year startedYear } } }
  }
}
"""


async def test_an_ongoing_case_shows_the_year_it_started_beside_the_year_used_for_recency(
    gql: GraphQL, store: Store
) -> None:
    actor = await add_actor(store, "Médiation Bretagne", base="35238")
    ongoing = await add_conflict(
        store, "ONSHORE_WIND", "35047", year=2017, status="ACTIVE", outcome="ONGOING", title="Éolien de Bruz"
    )
    settled = await add_conflict(store, "ONSHORE_WIND", "35360", year=2019, title="Éolien de Bruz-Nord")
    await involve(store, actor, ongoing, "MEDIATOR")
    await involve(store, actor, settled, "MEDIATOR")

    body = (await gql(QUERY, {"type": "ONSHORE_WIND", "near": {"territory": "35238"}})).json()

    evidence = {item["title"]: item for item in body["data"]["experiencedActors"]["edges"][0]["node"]["evidence"]}
    assert evidence["Éolien de Bruz"] == {"title": "Éolien de Bruz", "year": dt.date.today().year, "startedYear": 2017}
    assert evidence["Éolien de Bruz-Nord"] == {"title": "Éolien de Bruz-Nord", "year": 2019, "startedYear": 2019}
