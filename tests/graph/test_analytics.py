"""Aggregates and experience gaps on a hand-built graph of real territories, each checked by number."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from graph import analytics
from graph.errors import NotFoundError
from graph.store import Store, counting_round_trips
from tests.analyst_graph import add_actor, add_conflict, involve

pytestmark = pytest.mark.usefixtures("reference_data")

BREST, QUIMPER, SAINT_BRIEUC, RENNES = "29019", "29232", "22278", "35238"
AMIENS, ABBEVILLE, LILLE = "80021", "80001", "59350"
SAINTE_SOLINE, MAUZE, MELLE, NIORT, POITIERS, LA_ROCHELLE, TOULOUSE = (
    "79297",
    "79170",
    "79174",
    "79191",
    "86194",
    "17300",
    "31555",
)


@dataclass
class Cases:
    brest: str
    quimper: str
    amiens: str
    abbeville_2017: str
    sainte_soline: str
    la_rochelle: str


async def build_conflicts(store: Store) -> Cases:
    brest = await add_conflict(store, "Éoliennes de la rade", "ONSHORE_WIND", BREST, 2016)
    quimper = await add_conflict(store, "Parc éolien de l'Odet", "ONSHORE_WIND", QUIMPER, 2018, "SETTLED")
    await add_conflict(store, "Éolien du Goëlo", "ONSHORE_WIND", SAINT_BRIEUC, 2014, "SETTLED")
    await add_conflict(store, "Éolien en baie de Saint-Brieuc", "OFFSHORE_WIND", SAINT_BRIEUC, 2019)
    amiens = await add_conflict(store, "Éoliennes du plateau", "ONSHORE_WIND", AMIENS, 2017)
    abbeville_2017 = await add_conflict(store, "Parc de la Somme", "ONSHORE_WIND", ABBEVILLE, 2017, "ABANDONED")
    await add_conflict(store, "Extension du parc de la Somme", "ONSHORE_WIND", ABBEVILLE, 2020)
    await add_conflict(store, "Centrale solaire de l'Oncopole", "GROUND_SOLAR", TOULOUSE, 2021, "LATENT")
    sainte_soline = await add_conflict(store, "Bassine de Sainte-Soline", "IRRIGATION_RESERVOIR", SAINTE_SOLINE, 2022)
    await add_conflict(store, "Bassine de Mauzé", "IRRIGATION_RESERVOIR", MAUZE, 2021)
    await add_conflict(store, "Bassine de Melle", "IRRIGATION_RESERVOIR", MELLE, 2023, "LATENT")
    la_rochelle = await add_conflict(store, "Réserve d'Aunis", "IRRIGATION_RESERVOIR", LA_ROCHELLE, 2019, "SETTLED")
    await add_conflict(store, "Pesticides à Rennes", "PESTICIDE_SPRAYING", RENNES, 2020)
    return Cases(brest, quimper, amiens, abbeville_2017, sainte_soline, la_rochelle)


def _by(groups: list[dict[str, object]], *keys: str) -> dict[tuple[object, ...], object]:
    out: dict[tuple[object, ...], object] = {}
    for group in groups:
        parts: list[object] = []
        for key in keys:
            value = group[key]
            if isinstance(value, dict):
                value = value.get("code")
            parts.append(value)
        out[tuple(parts)] = group.get("conflicts", group.get("actors"))
    return out


async def test_wind_farm_conflicts_by_region_and_year_since_2015(store: Store) -> None:
    await build_conflicts(store)
    filters = analytics.CountedConflicts(conflict_type="ONSHORE_WIND", since=2015)
    async with counting_round_trips() as trips:
        result = await analytics.conflict_counts(store, filters, territory_level="REGION")
    assert trips.count == 1
    assert _by(result.groups, "type", "territory", "year") == {
        ("ONSHORE_WIND", "53", 2016): 1,
        ("ONSHORE_WIND", "53", 2018): 1,
        ("ONSHORE_WIND", "32", 2017): 2,
        ("ONSHORE_WIND", "32", 2020): 1,
    }
    assert result.total == 5
    assert result.groups[0]["conflicts"] == 2  # largest group first


async def test_counts_roll_up_to_categories_and_departements(store: Store) -> None:
    await build_conflicts(store)
    filters = analytics.CountedConflicts(family="AMENAGEMENT")
    result = await analytics.conflict_counts(
        store, filters, type_level="CATEGORY", territory_level="DEPARTEMENT", by_year=False
    )
    assert _by(result.groups, "type", "territory") == {
        ("ENERGY", "29"): 2,
        ("ENERGY", "22"): 2,  # onshore 2014 + offshore 2019 both roll up to ENERGY
        ("ENERGY", "80"): 3,
        ("ENERGY", "31"): 1,
        ("WATER_WORKS", "79"): 3,
        ("WATER_WORKS", "17"): 1,
    }
    assert result.total == 12  # the usage conflict in Rennes is not counted
    family = await analytics.conflict_counts(
        store, analytics.CountedConflicts(), type_level="FAMILY", territory_level=None, by_year=False
    )
    assert _by(family.groups, "type") == {("AMENAGEMENT",): 12, ("USAGE",): 1}


async def test_status_and_period_filters_and_epci_level(store: Store) -> None:
    await build_conflicts(store)
    filters = analytics.CountedConflicts(conflict_type="ENERGY", statuses=("ACTIVE",), since=2017, until=2019)
    result = await analytics.conflict_counts(store, filters, territory_level="EPCI", by_year=False)
    # ACTIVE energy conflicts started 2017–2019: Amiens 2017 and the offshore one at Saint-Brieuc 2019.
    assert _by(result.groups, "type", "territory") == {
        ("ONSHORE_WIND", "248000531"): 1,
        ("OFFSHORE_WIND", "200069409"): 1,
    }


async def test_limit_keeps_the_group_count_and_total(store: Store) -> None:
    await build_conflicts(store)
    result = await analytics.conflict_counts(
        store, analytics.CountedConflicts(), territory_level="COMMUNE", by_year=False, limit=3
    )
    assert len(result.groups) == 3
    assert result.group_count == 12
    assert result.groups[0]["conflicts"] == 2  # Abbeville's two onshore cases come first
    assert result.total == 13


async def test_an_unknown_conflict_type_is_not_found_rather_than_zero(store: Store) -> None:
    await build_conflicts(store)
    with pytest.raises(NotFoundError, match="EOLIEN"):
        await analytics.conflict_counts(store, analytics.CountedConflicts(conflict_type="EOLIEN"))
    with pytest.raises(analytics.AnalyticsInputError, match="territoryLevel"):
        await analytics.conflict_counts(store, analytics.CountedConflicts(), territory_level="CANTON")


async def test_actors_by_kind_and_region(store: Store) -> None:
    await add_actor(store, "Ensemble pour la rade", "ASSOCIATION", BREST)
    await add_actor(store, "Bretagne Vivante Brest", "ASSOCIATION", BREST)
    await add_actor(store, "Ville de Brest", "COLLECTIVITE", BREST)
    await add_actor(store, "Picardie Nature", "ASSOCIATION", AMIENS)
    await add_actor(store, "Bureau Concertation Nord", "BUREAU_ETUDES", LILLE)
    await add_actor(store, "Réseau national", "RESEAU")
    async with counting_round_trips() as trips:
        result = await analytics.actor_counts(store, territory_level="REGION")
    assert trips.count == 1
    assert _by(result.groups, "kind", "territory") == {
        ("ASSOCIATION", "53"): 2,
        ("COLLECTIVITE", "53"): 1,
        ("ASSOCIATION", "32"): 1,
        ("BUREAU_ETUDES", "32"): 1,
        ("RESEAU", None): 1,
    }
    only = await analytics.actor_counts(store, territory_level="DEPARTEMENT", kinds=("ASSOCIATION",))
    assert _by(only.groups, "kind", "territory") == {("ASSOCIATION", "29"): 2, ("ASSOCIATION", "80"): 1}


async def test_most_experienced_actors_per_type_and_region(store: Store) -> None:
    cases = await build_conflicts(store)
    m1 = await add_actor(store, "Médiations de l'Ouest", "BUREAU_ETUDES", RENNES)
    m2 = await add_actor(store, "Concertation Picarde", "ASSOCIATION", AMIENS)
    m3 = await add_actor(store, "Collectif de la rade", "COLLECTIF_CITOYEN", BREST)
    for conflict in (cases.brest, cases.quimper, cases.amiens):
        await involve(store, m1, conflict, "MEDIATOR")
    await involve(store, m2, cases.amiens, "FACILITATOR")
    await involve(store, m2, cases.abbeville_2017, "MEDIATOR")
    await involve(store, m3, cases.brest, "OPPONENT")
    async with counting_round_trips() as trips:
        groups = await analytics.most_experienced(store, conflict_type="ONSHORE_WIND", top=2)
    assert trips.count == 1
    leaders = {
        (g["type"]["code"], g["territory"]["code"]): [(x["actor"]["name"], x["cases"]) for x in g["leaders"]]
        for g in groups
    }
    assert leaders == {
        ("ONSHORE_WIND", "32"): [("Concertation Picarde", 2), ("Médiations de l'Ouest", 1)],
        ("ONSHORE_WIND", "53"): [("Médiations de l'Ouest", 2), ("Collectif de la rade", 1)],
    }
    brittany = next(g for g in groups if g["territory"]["code"] == "53")
    assert brittany["actorCount"] == 2
    mediators = await analytics.most_experienced(
        store, conflict_type="ONSHORE_WIND", roles=("MEDIATOR",), territory_code="53", top=5
    )
    assert [[x["actor"]["name"] for x in g["leaders"]] for g in mediators] == [["Médiations de l'Ouest"]]


async def test_experience_gaps_rank_territories_by_conflicts_left_without_nearby_help(store: Store) -> None:
    cases = await build_conflicts(store)
    await add_conflict(store, "Bassine de Poitiers", "IRRIGATION_RESERVOIR", POITIERS, 2022)
    await add_conflict(store, "Seconde bassine de Poitiers", "IRRIGATION_RESERVOIR", POITIERS, 2023, "LATENT")
    # Help: a mediator based in Niort who settled the 2019 La Rochelle case (20 km from Mauzé,
    # 27 km from Melle, 40 km from Sainte-Soline, 69 km from Poitiers).
    niort = await add_actor(store, "Médiateurs du Marais", "ASSOCIATION", NIORT)
    await involve(store, niort, cases.la_rochelle, "MEDIATOR")
    # Involved only in the Sainte-Soline case: no help for that case (no other case lived), but
    # experienced help for the others.
    local = await add_actor(store, "Collectif Bassines Non Merci", "COLLECTIF_CITOYEN", SAINTE_SOLINE)
    await involve(store, local, cases.sainte_soline, "OPPONENT")

    query = analytics.GapQuery(conflict_type="WATER_WORKS", territory_level="DEPARTEMENT", radius_km=30, since=2021)
    async with counting_round_trips() as trips:
        gaps = (await analytics.experience_gaps(store, query)).gaps
    assert trips.count == 1
    ranking = [(g["territory"]["code"], g["uncoveredCount"], g["conflicts"]) for g in gaps]
    # Vienne: both cases uncovered; Deux-Sèvres: only Sainte-Soline of three; La Rochelle's 2019
    # settled case is neither recent nor open, so Charente-Maritime is not counted.
    assert ranking == [("86", 2, 2), ("79", 1, 3)]
    assert [c["conflict"]["title"] for c in gaps[1]["uncovered"]] == ["Bassine de Sainte-Soline"]
    assert gaps[1]["uncovered"][0]["nearestHelpKm"] == pytest.approx(40.4, abs=0.5)
    # For Poitiers the nearest help is the Sainte-Soline collective (44 km): it has lived another case.
    assert [c["nearestHelpKm"] for c in gaps[0]["uncovered"]] == [pytest.approx(44.0, abs=0.5)] * 2
    assert [c["conflict"]["title"] for c in gaps[0]["uncovered"]] == [
        "Seconde bassine de Poitiers",
        "Bassine de Poitiers",
    ]

    # 42 km: Sainte-Soline (40.4 km from Niort) is now covered, Poitiers (44 km) is not.
    wider = await analytics.experience_gaps(
        store, analytics.GapQuery(conflict_type="IRRIGATION_RESERVOIR", radius_km=42, since=2021)
    )
    assert wider.conflict_type["label"] == "Réserve de substitution (« méga-bassine »)"
    assert [(g["territory"]["code"], g["uncoveredCount"]) for g in wider.gaps] == [("86", 2)]


async def test_experience_gaps_with_no_experienced_actor_anywhere(store: Store) -> None:
    await build_conflicts(store)
    result = await analytics.experience_gaps(
        store, analytics.GapQuery(conflict_type="ONSHORE_WIND", territory_level="REGION", since=2019)
    )
    gaps = result.gaps
    # Open or since-2019 onshore cases: Brest (ACTIVE), Amiens (ACTIVE), Abbeville 2020; nobody has experience.
    assert [(g["territory"]["code"], g["uncoveredCount"]) for g in gaps] == [("32", 2), ("53", 1)]
    assert all(case["nearestHelpKm"] is None for g in gaps for case in g["uncovered"])
    with pytest.raises(NotFoundError):
        await analytics.experience_gaps(store, analytics.GapQuery(conflict_type="NOPE"))


async def test_a_completed_sponsorship_on_the_type_counts_as_nearby_help(store: Store) -> None:
    await build_conflicts(store)
    await add_conflict(store, "Bassine de Poitiers", "IRRIGATION_RESERVOIR", POITIERS, 2022)
    sponsor = await add_actor(store, "Syndicat des eaux du Clain", "COLLECTIVITE", POITIERS)
    beneficiary = await add_actor(store, "Commune de Melle", "COLLECTIVITE", MELLE)
    await store.write(
        "tests.sponsorship",
        "MATCH (a:Actor {id: $sponsor}), (b:Actor {id: $beneficiary}), (t:ConflictType {code: 'IRRIGATION_RESERVOIR'}) "
        "CREATE (a)-[:SPONSORS]->(s:Sponsorship {id: 'sp-1', status: $status})-[:BENEFITS]->(b), (s)-[:ON]->(t)",
        {"sponsor": sponsor, "beneficiary": beneficiary, "status": "ACTIVE"},
    )
    query = analytics.GapQuery(conflict_type="IRRIGATION_RESERVOIR", territory_level="DEPARTEMENT", since=2021)
    before = (await analytics.experience_gaps(store, query)).gaps
    assert [(g["territory"]["code"], g["uncoveredCount"]) for g in before] == [("79", 3), ("86", 1)]
    # Once completed, the sponsorship is experience placed at both bases: Poitiers (the sponsor) covers
    # the Poitiers case, Melle (the beneficiary) is within 40 km of the three Deux-Sèvres cases.
    await store.write("tests.complete", "MATCH (s:Sponsorship {id: 'sp-1'}) SET s.status = 'COMPLETED'")
    after = (await analytics.experience_gaps(store, query)).gaps
    assert after == []
    # Sponsoring is not an INVOLVED_IN role: with a role filter, it does not count.
    mediators_only = analytics.GapQuery(
        conflict_type="IRRIGATION_RESERVOIR", territory_level="DEPARTEMENT", since=2021, roles=("MEDIATOR",)
    )
    assert [g["territory"]["code"] for g in (await analytics.experience_gaps(store, mediators_only)).gaps] == [
        "79",
        "86",
    ]
