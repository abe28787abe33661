"""The territory queries of the graph layer, on the full 2026 reference data."""

from __future__ import annotations

import pytest

from graph import territories as territory_store
from graph.near import Near
from graph.pagination import InvalidCursor
from graph.store import Store, counting_round_trips
from graph.text import fold
from importers.reference import TerritorySnapshot
from tests import geo

pytestmark = pytest.mark.usefixtures("pristine_territories")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance Neo4j's point.distance measures between two WGS84 points."""
    return geo.haversine_km(lat1, lon1, lat2, lon2, radius_km=geo.NEO4J_EARTH_RADIUS_KM)


async def test_near_returns_every_territory_in_the_circle_nearest_first(
    store: Store, snapshot: TerritorySnapshot
) -> None:
    near = Near(lat=48.11, lon=-1.68, radius_km=10.0)
    filters = territory_store.TerritoryFilter(level="COMMUNE", near=near)
    page = await territory_store.territory_page(store, filters, first=100, after=None)
    expected = {
        record.code: haversine_km(48.11, -1.68, record.lat, record.lon)
        for record in snapshot.territories
        if record.level == "COMMUNE" and haversine_km(48.11, -1.68, record.lat, record.lon) <= 10.0
    }
    assert page.items[0]["code"] == "35238"
    assert {item["code"] for item in page.items} == set(expected)
    assert page.total == len(expected)
    distances = [item["_distanceKm"] for item in page.items]
    assert distances == sorted(distances)
    for item in page.items:
        assert item["_distanceKm"] == pytest.approx(expected[item["code"]], abs=1e-6)


async def test_pages_of_a_near_query_join_up_without_gaps_or_repeats(store: Store) -> None:
    near = Near(lat=45.76, lon=4.84, radius_km=15.0)  # Lyon: many communes
    filters = territory_store.TerritoryFilter(level="COMMUNE", near=near)
    whole = await territory_store.territory_page(store, filters, first=100, after=None)
    seen: list[str] = []
    after: str | None = None
    while True:
        page = await territory_store.territory_page(store, filters, first=7, after=after, with_total=False)
        seen.extend(item["id"] for item in page.items)
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen == [item["id"] for item in whole.items]
    assert len(seen) > 20


async def test_search_ranks_the_exact_name_first_then_prefixes_by_population(store: Store) -> None:
    filters = territory_store.TerritoryFilter(search=fold("saint etienne"))
    page = await territory_store.territory_page(store, filters, first=10, after=None)
    assert page.items[0]["code"] == "42218"
    assert page.items[0]["level"] == "COMMUNE"
    prefix = [item for item in page.items[1:] if item["nameKey"].startswith("saint etienne")]
    assert [item["population"] for item in prefix] == sorted((item["population"] for item in prefix), reverse=True)


async def test_search_matches_word_prefixes_in_any_order(store: Store) -> None:
    filters = territory_store.TerritoryFilter(level="COMMUNE", search=fold("pape chateauneuf"))
    page = await territory_store.territory_page(store, filters, first=10, after=None)
    assert [item["name"] for item in page.items] == ["Châteauneuf-du-Pape"]


async def test_within_a_region_reaches_its_communes_through_departements(
    store: Store, snapshot: TerritorySnapshot
) -> None:
    filters = territory_store.TerritoryFilter(level="COMMUNE", within_id="REGION-53")  # Bretagne
    page = await territory_store.territory_page(store, filters, first=5, after=None)
    expected = sum(1 for r in snapshot.territories if r.level == "COMMUNE" and r.region == "53")
    assert page.total == expected
    assert all(item["code"][:2] in {"22", "29", "35", "56"} for item in page.items)


async def test_parents_neighbours_and_children_are_fetched_for_many_territories_at_once(store: Store) -> None:
    ids = ["COMMUNE-35238", "COMMUNE-42218", "COMMUNE-13055"]
    async with counting_round_trips() as trips:
        parents = await territory_store.parents(store, [(id_, "EPCI") for id_ in ids] + [(ids[0], "REGION")])
        neighbours = await territory_store.neighbours(store, ids)
        pages = await territory_store.children_pages(
            store,
            [
                territory_store.ChildrenKey(id="DEPARTEMENT-35", level=None, first=3, after=None),
                territory_store.ChildrenKey(id="REGION-53", level=None, first=10, after=None),
            ],
        )
    assert trips.count == 3
    assert parents[("COMMUNE-35238", "EPCI")]["name"] == "Rennes Métropole"
    assert parents[("COMMUNE-35238", "REGION")]["name"] == "Bretagne"
    assert parents[("COMMUNE-13055", "EPCI")]["code"] == "200054807"  # Aix-Marseille-Provence
    assert {"35278", "35051"} <= {n["code"] for n in neighbours["COMMUNE-35238"]}
    assert "COMMUNE-35238" in {
        n["id"] for n in (await territory_store.neighbours(store, ["COMMUNE-35051"]))["COMMUNE-35051"]
    }
    assert pages[0].total == 332
    assert len(pages[0].items) == 3
    assert pages[0].has_next
    assert sorted(item["code"] for item in pages[1].items) == ["22", "29", "35", "56"]


async def test_children_pages_continue_after_a_cursor(store: Store) -> None:
    first = (
        await territory_store.children_pages(store, [territory_store.ChildrenKey("EPCI-243500139", None, 20, None)])
    )[0]
    second = (
        await territory_store.children_pages(
            store, [territory_store.ChildrenKey("EPCI-243500139", None, 100, first.cursors[-1])]
        )
    )[0]
    names = [item["nameKey"] for item in first.items + second.items]
    assert names == sorted(names)
    assert len(names) == len(set(names)) == first.total == 43  # Rennes Métropole


async def test_a_foreign_cursor_is_refused(store: Store) -> None:
    with pytest.raises(InvalidCursor):
        await territory_store.territory_page(store, territory_store.TerritoryFilter(), first=5, after="bm9wZQ")


async def test_codes_shared_by_a_region_and_a_departement_are_both_found(store: Store) -> None:
    found = await territory_store.territories_with_code(store, "53")
    assert [record["id"] for record in found] == ["DEPARTEMENT-53", "REGION-53"]
    assert [r["name"] for r in await territory_store.territories_with_code(store, "53", "REGION")] == ["Bretagne"]
