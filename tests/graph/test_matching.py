"""The matching query's semantics, pinned on small hand-built graphs over the real territories and taxonomy.

Places (INSEE codes, distances from Rennes 35238): Bruz 35047 10.8 km, Vitré 35360 36.3 km, Fougères
35115 45.0 km, Nantes 44109 98.4 km, Brest 29019 211.5 km, Niort 79191 218.8 km.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from typing import Any

import pytest

from graph.matching import MatchingWeights, MatchRequest, MatchResult, experienced_actors
from graph.near import Near
from graph.store import Store
from tests.analyst_graph import involve

YEAR = 2026
RENNES = Near(territory="35238")
pytestmark = pytest.mark.usefixtures("reference_data")


async def add_actor(store: Store, name: str, base: str = "29019", kind: str = "ASSOCIATION", **props: Any) -> str:
    """An actor based in the commune `base` (default Brest: far from Rennes), located at its centroid."""
    actor_id = str(uuid.uuid4())
    await store.write(
        "tests.actor",
        "MATCH (t:Territory {level: 'COMMUNE', code: $base}) "
        "CREATE (a:Actor {id: $id, name: $name, kind: $kind, location: t.location})-[:BASED_IN]->(t) "
        "SET a += $props",
        {"id": actor_id, "name": name, "kind": kind, "base": base, "props": props},
    )
    return actor_id


async def add_conflict(
    store: Store,
    type_code: str,
    commune: str,
    *,
    year: int = 2022,
    outcome: str = "NEGOTIATED",
    status: str = "SETTLED",
    title: str = "",
) -> str:
    conflict_id = str(uuid.uuid4())
    await store.write(
        "tests.conflict",
        "MATCH (t:Territory {level: 'COMMUNE', code: $commune}), (ct:ConflictType {code: $type}) "
        "CREATE (c:Conflict {id: $id, title: $title, year: $year, outcome: $outcome, status: $status, "
        "location: t.location})-[:LOCATED_IN]->(t) CREATE (c)-[:OF_TYPE]->(ct)",
        {
            "id": conflict_id,
            "type": type_code,
            "commune": commune,
            "year": year,
            "outcome": outcome,
            "status": status,
            "title": title or f"{type_code} at {commune}",
        },
    )
    return conflict_id


async def case(store: Store, name: str, type_code: str, commune: str, role: str = "MEDIATOR", **kw: Any) -> str:
    """An actor (based far away) with one case: its id."""
    actor_id = await add_actor(store, name, base=kw.pop("base", "29019"), kind=kw.pop("kind", "ASSOCIATION"))
    await involve(store, actor_id, await add_conflict(store, type_code, commune, **kw), role)
    return actor_id


async def match(store: Store, conflict_type: str = "ONSHORE_WIND", **kw: Any) -> MatchResult:
    request = MatchRequest(
        near=kw.pop("near", RENNES),
        radius_km=kw.pop("radius_km", 50.0),
        conflict_type=conflict_type,
        current_year=YEAR,
        **kw,
    )
    return await experienced_actors(store, request, MatchingWeights())


def names(result: MatchResult) -> list[str]:
    return [item["actor"]["name"] for item in result.items]


async def test_a_case_10_km_away_ranks_above_the_same_case_40_km_away(store: Store) -> None:
    await case(store, "Loin", "ONSHORE_WIND", "35115")  # Fougères, 45 km
    await case(store, "Près", "ONSHORE_WIND", "35047")  # Bruz, 10.8 km
    result = await match(store)
    assert names(result) == ["Près", "Loin"]
    assert [round(item["distanceKm"]) for item in result.items] == [11, 45]
    near, far = (item["evidence"][0]["case"] for item in result.items)
    assert near["measuredFrom"] == "CASE"
    assert near["distanceKm"] == pytest.approx(10.8, abs=0.2)
    assert near["factors"]["distance"] == pytest.approx(math.exp(-near["distanceKm"] / 25), rel=1e-9)
    assert far["factors"]["distance"] == pytest.approx(math.exp(-far["distanceKm"] / 25), rel=1e-9)
    assert result.within_radius == 2


async def test_a_subtype_case_counts_and_an_unrelated_type_never_does(store: Store) -> None:
    await case(store, "Éolien", "ONSHORE_WIND", "35047")
    await case(store, "Carrière", "QUARRY", "35047")
    await case(store, "Bruit", "NIGHT_LIFE", "35047")
    by_category = await match(store, "ENERGY", include_related=False)
    assert names(by_category) == ["Éolien"]
    evidence = by_category.items[0]["evidence"][0]["case"]
    assert evidence["match"] == "SUBTYPE"
    assert evidence["factors"]["type"] == 0.9
    # QUARRY (EXTRACTION) and NIGHT_LIFE (USAGE) are not siblings of ONSHORE_WIND: never counted.
    by_type = await match(store, "ONSHORE_WIND", include_related=True)
    assert names(by_type) == ["Éolien"]
    assert by_type.items[0]["evidence"][0]["case"]["match"] == "EXACT"


async def test_an_actor_beyond_the_radius_is_absent_from_within_radius_results(store: Store) -> None:
    await case(store, "Rennais", "ONSHORE_WIND", "35360")  # Vitré, 36 km
    await case(store, "Nantais", "ONSHORE_WIND", "44109")  # Nantes, 98 km
    strict = await match(store)
    assert names(strict) == ["Rennais"]
    assert strict.within_radius == 1
    assert not strict.searched_beyond
    widened = await match(store, widen_to_km=200.0)
    assert names(widened) == ["Rennais", "Nantais"]
    assert [item["band"] for item in widened.items] == [0, 1]
    assert widened.within_radius == 1
    assert widened.searched_beyond


async def test_the_beyond_radius_search_runs_only_when_the_page_is_not_full(store: Store) -> None:
    await case(store, "Proche 1", "ONSHORE_WIND", "35047")
    await case(store, "Proche 2", "ONSHORE_WIND", "35360")
    await case(store, "Nantais", "ONSHORE_WIND", "44109")
    full_page = await match(store, widen_to_km=200.0, first=1)
    assert names(full_page) == ["Proche 1"]
    assert not full_page.searched_beyond
    assert full_page.has_next


async def test_a_sibling_type_counts_only_with_include_related_and_below_an_exact_case(store: Store) -> None:
    await case(store, "En mer", "OFFSHORE_WIND", "35047")
    await case(store, "Terrestre", "ONSHORE_WIND", "35047")
    exact_only = await match(store, include_related=False)
    assert names(exact_only) == ["Terrestre"]
    related = await match(store, include_related=True)
    assert names(related) == ["Terrestre", "En mer"]
    sibling = related.items[1]["evidence"][0]["case"]
    assert sibling["match"] == "RELATED"
    assert sibling["factors"]["type"] == 0.5
    assert related.items[1]["score"] == pytest.approx(related.items[0]["score"] * 0.5)


async def test_recency_and_outcome_move_the_order_as_documented(store: Store) -> None:
    await case(store, "Ancien", "ONSHORE_WIND", "35047", year=2005)
    await case(store, "Récent", "ONSHORE_WIND", "35047", year=2023)
    await case(store, "En cours", "ONSHORE_WIND", "35047", year=2023, outcome="ONGOING", status="SETTLED")
    result = await match(store)
    assert names(result) == ["Récent", "En cours", "Ancien"]
    old, recent, ongoing = (
        next(item for item in result.items if item["actor"]["name"] == name)["evidence"][0]["case"]["factors"]
        for name in ("Ancien", "Récent", "En cours")
    )
    assert old["recency"] == pytest.approx(0.5 ** ((YEAR - 2005) / 8))
    assert recent["recency"] == pytest.approx(0.5 ** ((YEAR - 2023) / 8))
    assert recent["outcome"] == 1.0
    assert ongoing["outcome"] == 0.6


async def test_roles_that_carry_know_how_rank_above_bystanders(store: Store) -> None:
    for role in ("SUPPORTER", "EXPERT", "MEDIATOR", "PROJECT_OWNER"):
        await case(store, role.title(), "ONSHORE_WIND", "35047", role=role)
    result = await match(store)
    assert names(result) == ["Mediator", "Expert", "Project_Owner", "Supporter"]
    assert [item["evidence"][0]["case"]["factors"]["role"] for item in result.items] == [1.0, 0.8, 0.5, 0.3]


async def test_the_evidence_lists_exactly_the_cases_that_contributed(store: Store) -> None:
    actor = await add_actor(store, "Médiateurs de l'Ouest")
    counted = [
        await add_conflict(store, "ONSHORE_WIND", "35047", year=2024),
        await add_conflict(store, "ONSHORE_WIND", "35360", year=2015),
        await add_conflict(store, "OFFSHORE_WIND", "35051", year=2020),
    ]
    ignored = [
        await add_conflict(store, "QUARRY", "35047"),  # unrelated type
        await add_conflict(store, "ONSHORE_WIND", "44109"),  # 98 km, and the actor is based in Brest
    ]
    for conflict_id in counted + ignored:
        await involve(store, actor, conflict_id)
    await case(store, "Une seule affaire", "ONSHORE_WIND", "35047", year=2024)
    result = await match(store)
    top = result.items[0]
    assert top["actor"]["id"] == actor
    assert {entry["case"]["id"] for entry in top["evidence"]} == set(counted)
    assert top["casesFound"] == 3
    contributions = [entry["case"]["contribution"] for entry in top["evidence"]]
    assert contributions == sorted(contributions, reverse=True)
    assert [entry["rankWeight"] for entry in top["evidence"]] == pytest.approx([1.0, 0.7, 0.49])
    assert top["score"] == pytest.approx(sum(c * w for c, w in zip(contributions, [1.0, 0.7, 0.49], strict=True)))
    single = result.items[1]["score"]
    assert single < top["score"] < 3 * single


async def test_one_actor_two_roles_in_one_case_counts_the_case_once_with_its_best_role(store: Store) -> None:
    actor = await add_actor(store, "Double casquette")
    conflict = await add_conflict(store, "ONSHORE_WIND", "35047")
    await involve(store, actor, conflict, "SUPPORTER")
    await involve(store, actor, conflict, "FACILITATOR")
    result = await match(store)
    assert len(result.items[0]["evidence"]) == 1
    assert result.items[0]["evidence"][0]["case"]["role"] == "FACILITATOR"


async def test_an_actor_based_within_the_radius_counts_for_a_case_far_away(store: Store) -> None:
    await case(store, "Rennais à Niort", "ONSHORE_WIND", "79191", base="35238")
    result = await match(store)
    assert names(result) == ["Rennais à Niort"]
    evidence = result.items[0]["evidence"][0]
    assert evidence["case"]["measuredFrom"] == "BASE"
    assert evidence["case"]["distanceKm"] == pytest.approx(0.0, abs=1e-6)
    assert evidence["place"]["code"] == "79191"


async def test_a_case_near_an_actor_based_near_counts_once_from_the_closer_place(store: Store) -> None:
    actor = await add_actor(store, "Rennais à Bruz", base="35238")
    await involve(store, actor, await add_conflict(store, "ONSHORE_WIND", "35047"))  # Bruz, 10.8 km
    result = await match(store)
    assert names(result) == ["Rennais à Bruz"]
    assert result.items[0]["casesFound"] == 1
    evidence = result.items[0]["evidence"][0]
    assert evidence["case"]["measuredFrom"] == "BASE"
    assert evidence["place"]["code"] == "35047"


async def test_timestamps_are_returned_only_when_asked_for(store: Store) -> None:
    stamp = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    actor = await add_actor(store, "Horodaté", createdAt=stamp, updatedAt=stamp)
    await involve(store, actor, await add_conflict(store, "ONSHORE_WIND", "35047"))
    shown = (await match(store)).items[0]
    assert shown["actor"]["createdAt"].to_native() == stamp
    assert shown["actor"]["updatedAt"].to_native() == stamp
    hidden = (await match(store, timestamps=False)).items[0]
    assert hidden["actor"]["createdAt"] is None
    assert hidden["actor"]["updatedAt"] is None
    assert hidden["actor"]["name"] == "Horodaté"
    assert hidden["evidence"][0]["case"]["node"]["title"] == "ONSHORE_WIND at 35047"


async def test_kinds_roles_and_since_filter_the_candidates(store: Store) -> None:
    await case(store, "Commune", "ONSHORE_WIND", "35047", kind="COLLECTIVITE", role="PUBLIC_AUTHORITY", year=2010)
    await case(store, "Asso", "ONSHORE_WIND", "35047", kind="ASSOCIATION", role="MEDIATOR", year=2022)
    assert names(await match(store, kinds=("COLLECTIVITE",))) == ["Commune"]
    assert names(await match(store, roles=("MEDIATOR", "FACILITATOR"))) == ["Asso"]
    assert names(await match(store, since=2015)) == ["Asso"]


async def test_ties_are_broken_by_actor_id_and_pages_follow_without_gaps(store: Store) -> None:
    ids = [await case(store, f"Jumeau {n}", "ONSHORE_WIND", "35047") for n in range(5)]
    await case(store, "Nantais", "ONSHORE_WIND", "44109")
    seen: list[str] = []
    bands: list[int] = []
    after = None
    while True:
        page = await match(store, first=2, after=after, widen_to_km=200.0)
        seen += [item["actor"]["id"] for item in page.items]
        bands += [item["band"] for item in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen[:5] == sorted(ids)
    assert len(seen) == 6
    assert bands == [0, 0, 0, 0, 0, 1]


async def test_a_point_works_as_the_origin_and_an_unknown_code_is_reported(store: Store) -> None:
    await case(store, "Près", "ONSHORE_WIND", "35047")
    by_point = await match(store, near=Near(lat=48.1118, lon=-1.68189))
    assert names(by_point) == ["Près"]
    unknown_place = await match(store, near=Near(territory="99999"))
    assert not unknown_place.origin_found
    assert unknown_place.items == []
    unknown_type = await match(store, "NO_SUCH_TYPE")
    assert unknown_type.conflict_type is None
    assert unknown_type.items == []


async def test_weights_are_configurable_and_checked(store: Store) -> None:
    await case(store, "Médiateur", "ONSHORE_WIND", "35360", role="MEDIATOR")  # 36 km
    await case(store, "Experte", "ONSHORE_WIND", "35047", role="EXPERT")  # 11 km
    assert names(await match(store)) == ["Experte", "Médiateur"]  # 0.8 × e^(-11/25) > 1.0 × e^(-36/25)
    request = MatchRequest(near=RENNES, radius_km=50.0, conflict_type="ONSHORE_WIND", current_year=YEAR)
    mediators_first = MatchingWeights(roles={"EXPERT": 0.2})
    result = await experienced_actors(store, request, mediators_first)
    assert names(result) == ["Médiateur", "Experte"]
    assert result.items[1]["evidence"][0]["case"]["factors"]["role"] == 0.2
    with pytest.raises(ValueError, match="unknown roles"):
        MatchingWeights(roles={"BOSS": 1.0})
    with pytest.raises(ValueError, match="greater than 0"):
        MatchingWeights(half_life_years=0)
