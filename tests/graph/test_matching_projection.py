"""Matching with a projection: only the selected properties come back, the ranking is the same."""

from __future__ import annotations

import pytest

from graph.store import Store, counting_round_trips
from tests.analyst_graph import involve
from tests.graph.test_matching import add_actor, add_conflict, case, match

pytestmark = pytest.mark.usefixtures("reference_data")


async def test_a_projection_returns_only_the_asked_properties_and_the_same_ranking(store: Store) -> None:
    near = await add_actor(store, "Proche", base="35238", website="https://proche.example")
    await involve(store, near, await add_conflict(store, "ONSHORE_WIND", "35047", title="Parc de Bruz", year=2020))
    await case(store, "Lointain", "ONSHORE_WIND", "35360")
    whole = await match(store)
    projected = await match(store, actor_fields=("name",), case_fields=("title",), case_types=False)
    assert [item["actor"]["name"] for item in projected.items] == ["Proche", "Lointain"]
    assert [item["score"] for item in projected.items] == [item["score"] for item in whole.items]
    assert projected.cursors == whole.cursors
    top = projected.items[0]
    assert top["actor"] == {"id": near, "name": "Proche"}  # no website, no timestamps, no search text
    assert "website" in whole.items[0]["actor"]
    evidence = top["evidence"][0]["case"]
    assert evidence["node"] == {"id": evidence["id"], "title": "Parc de Bruz"}
    assert evidence["type"] == {"code": "ONSHORE_WIND"}
    assert whole.items[0]["evidence"][0]["case"]["type"]["label"]  # whole records keep the type's fields


async def test_the_matching_read_is_one_round_trip(store: Store) -> None:
    await case(store, "Seul", "ONSHORE_WIND", "35047")
    async with counting_round_trips() as trips:
        result = await match(store, actor_fields=("name",), case_fields=())
    assert [item["actor"]["name"] for item in result.items] == ["Seul"]
    assert trips.count == 1
