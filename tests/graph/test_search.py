"""French full text through the real Neo4j index: accents, case and plural forms do not matter."""

from __future__ import annotations

import pytest

from graph.actors import ActorFilter, actor_page
from graph.errors import ListRefused
from graph.listing import ListRequest
from graph.resources import ResourceFilter, resource_page
from graph.search import lucene_query, search_text
from graph.store import Store
from tests.domain import make_actor, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")


def test_user_words_become_required_prefix_terms_without_lucene_syntax() -> None:
    assert lucene_query("Éolien") == "+(eolien OR eolien*)"
    assert lucene_query('parc AND "éolien" OR title:x*') == (
        "+(parc OR parc*) +(and OR and*) +(eolien OR eolien*) +or +(title OR title*) +x"
    )
    assert lucene_query("  ?! ") is None
    assert search_text("Parc Éolien", None, "de la Lande") == "parc eolien de la lande"


async def _names(store: Store, text: str) -> list[str]:
    page = await actor_page(store, ActorFilter(), ListRequest(first=20, search=text))
    return [item["name"] for item in page.items]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eolien", ["Collectif contre le parc éolien de la Lande"]),
        ("ÉOLIENS", ["Collectif contre le parc éolien de la Lande"]),
        ("mediation", ["Médiation & Territoires"]),
        ("médiations", ["Médiation & Territoires"]),
        ("concertations", ["Bureau d'études Concertation Ouest"]),
        ("CONCERTATION ouest", ["Bureau d'études Concertation Ouest"]),
        ("bassine", ["Eau Secours 79"]),
        ("parc lande", ["Collectif contre le parc éolien de la Lande"]),
        ("parc nulle-part", []),
    ],
)
async def test_actor_search_ignores_accents_case_and_plurals(store: Store, text: str, expected: list[str]) -> None:
    await make_actor(store, "Collectif contre le parc éolien de la Lande", kind="COLLECTIF_CITOYEN")
    await make_actor(store, "Médiation & Territoires", description="Médiation de conflits d'usage.")
    await make_actor(store, "Bureau d'études Concertation Ouest", kind="BUREAU_ETUDES")
    await make_actor(store, "Eau Secours 79", description="Contre les méga-bassines du Marais poitevin.")
    assert await _names(store, text) == expected


async def test_search_ranks_and_pages_by_relevance_and_counts_all_matches(store: Store) -> None:
    for index in range(5):
        await make_resource(store, f"Guide de la concertation n°{index}", summary="Méthodes de concertation.")
    await make_resource(store, "Concertation", summary="Concertation, concertation, concertations.")
    await make_resource(store, "Guide du compostage", summary="Rien à voir.")
    seen: list[str] = []
    after = None
    while True:
        request = ListRequest(first=4, after=after, search="concertations")
        page = await resource_page(store, ResourceFilter(), request)
        assert page.total == 6
        seen += [item["title"] for item in page.items]
        if not page.has_next:
            break
        after = page.cursors[-1]
    assert seen[0] == "Concertation"
    assert sorted(seen) == sorted(["Concertation"] + [f"Guide de la concertation n°{i}" for i in range(5)])


async def test_a_search_without_letters_is_refused(store: Store) -> None:
    with pytest.raises(ListRefused, match="at least one letter"):
        await actor_page(store, ActorFilter(), ListRequest(first=5, search=" -- "))
