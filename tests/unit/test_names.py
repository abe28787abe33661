"""French place names in phrases (synthetic/names.py): the article or elision French grammar asks for."""

from __future__ import annotations

import pytest

from synthetic.names import a_commune, de_commune, de_departement, de_lieu, de_region, epci_actor_name


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("01", "Ain", "de l'Ain"),
        ("29", "Finistère", "du Finistère"),
        ("22", "Côtes-d'Armor", "des Côtes-d'Armor"),
        ("35", "Ille-et-Vilaine", "d'Ille-et-Vilaine"),
        ("75", "Paris", "de Paris"),
        ("72", "Sarthe", "de la Sarthe"),
    ],
)
def test_a_departement_takes_its_own_article(code: str, name: str, expected: str) -> None:
    assert de_departement(code, name) == expected


@pytest.mark.parametrize(
    ("code", "name", "expected"),
    [
        ("53", "Bretagne", "de Bretagne"),
        ("76", "Occitanie", "d'Occitanie"),
        ("44", "Grand Est", "du Grand Est"),
        ("32", "Hauts-de-France", "des Hauts-de-France"),
        ("01", "Guadeloupe", "de la Guadeloupe"),
    ],
)
def test_a_region_takes_its_own_article(code: str, name: str, expected: str) -> None:
    assert de_region(code, name) == expected


@pytest.mark.parametrize(
    ("name", "de", "a"),
    [
        ("Plouha", "de Plouha", "à Plouha"),
        ("Auray", "d'Auray", "à Auray"),
        ("Le Mans", "du Mans", "au Mans"),
        ("Les Sables-d'Olonne", "des Sables-d'Olonne", "aux Sables-d'Olonne"),
        ("La Rochelle", "de La Rochelle", "à La Rochelle"),
        ("Île-Tudy", "d'Île-Tudy", "à Île-Tudy"),
    ],
)
def test_a_commune_contracts_le_and_les(name: str, de: str, a: str) -> None:
    assert de_commune(name) == de
    assert a_commune(name) == a


def test_a_lieu_dit_contracts_its_article() -> None:
    assert de_lieu("la Lande", "du Moulin") == "de la Lande du Moulin"
    assert de_lieu("le Bois", "Gautier") == "du Bois Gautier"
    assert de_lieu("les Landes", "") == "des Landes"


def test_epci_abbreviations_are_spelled_out() -> None:
    assert epci_actor_name("CC du Perche") == "Communauté de communes du Perche"
    assert epci_actor_name("CA Lannion-Trégor") == "Communauté d'agglomération Lannion-Trégor"
    assert epci_actor_name("CU de Dunkerque") == "Communauté urbaine de Dunkerque"
    assert epci_actor_name("Métropole de Lyon") == "Métropole de Lyon"
    assert epci_actor_name("CCI Bretagne") == "CCI Bretagne"  # not "CC " followed by a name
