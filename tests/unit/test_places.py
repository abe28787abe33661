"""Finding a row's commune without guessing: INSEE codes, postal code + name, and why a place fails."""

from __future__ import annotations

import pytest

from importers.places import PlaceIndex, Unresolved, commune_key, postal_departements

PLACES = PlaceIndex(
    [
        ("05177", "Vars", "vars"),
        ("17461", "Vars", "vars"),
        ("14082", "La Boissière", "la boissiere"),
        ("75056", "Paris", "paris"),
        ("42218", "Saint-Étienne", None),
        ("2A004", "Ajaccio", "ajaccio"),
        ("97411", "Saint-Denis", "saint denis"),
        ("93066", "Saint-Denis", "saint denis"),
        ("01004", "Ambérieu-en-Bugey", "amberieu en bugey"),
    ]
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("BOISSIERE (LA)", "la boissiere"),
        ("ANDELYS (LES)", "les andelys"),
        ("HAY-LES-ROSES (L')", "l hay les roses"),
        ("ST ETIENNE CEDEX 2", "saint etienne"),
        ("PARIS 08", "paris"),
        ("Lyon 3e Arrondissement", "lyon"),
        ("Saint-Étienne", "saint etienne"),
    ],
)
def test_commune_names_are_compared_once_folded(name: str, key: str) -> None:
    assert commune_key(name) == key


@pytest.mark.parametrize(
    ("postal", "departements"), [("35000", ("35",)), ("20000", ("2A", "2B")), ("97400", ("974",)), ("01500", ("01",))]
)
def test_a_postal_code_gives_its_departement(postal: str, departements: tuple[str, ...]) -> None:
    assert postal_departements(postal) == departements


def test_insee_codes_are_checked_and_a_lost_leading_zero_restored() -> None:
    assert PLACES.by_insee("code", "1004") == "01004"
    assert PLACES.by_insee("code", "2a004") == "2A004"
    assert PLACES.by_insee("code", "35238") == Unresolved(
        "code", "35238", "no commune has the INSEE code 35238 (a merged or former commune? use the current code)"
    )
    assert PLACES.by_insee("code", "Rennes") == Unresolved(
        "code", "Rennes", "not an INSEE commune code (5 characters, e.g. 35238 or 2A004)"
    )


def test_a_postal_code_and_a_name_find_the_one_commune_of_that_departement() -> None:
    fields = ("cp", "ville")
    assert PLACES.by_postal_name(fields, "05560", "VARS") == "05177"
    assert PLACES.by_postal_name(fields, "17160", "Vars") == "17461"  # the other Vars, in another département
    assert PLACES.by_postal_name(fields, "14340", "BOISSIERE (LA)") == "14082"
    assert PLACES.by_postal_name(fields, "42000", "ST ETIENNE CEDEX 1") == "42218"
    assert PLACES.by_postal_name(fields, "75008", "PARIS 08") == "75056"
    assert PLACES.by_postal_name(fields, "20000", "Ajaccio") == "2A004"
    assert PLACES.by_postal_name(fields, "97400", "St-Denis") == "97411"
    assert PLACES.by_postal_name(fields, "35000", "Vars") == Unresolved(
        "ville", "Vars", "no commune named 'Vars' in département 35 (from postal code 35000)"
    )
    assert PLACES.by_postal_name(fields, "3500", "Vars") == Unresolved(
        "ville", "Vars", "no commune named 'Vars' in département 03 (from postal code 03500)"
    )
    assert PLACES.by_postal_name(fields, "CEDEX", "Vars") == Unresolved("cp", "CEDEX", "not a postal code (5 digits)")


def test_two_communes_of_one_name_in_a_departement_are_not_guessed_between() -> None:
    places = PlaceIndex([("14001", "Le Mesnil", None), ("14002", "Le Mesnil", None)])
    assert places.by_postal_name(("cp", "ville"), "14100", "LE MESNIL") == Unresolved(
        "ville", "LE MESNIL", "several communes are named 'LE MESNIL' near 14100 (14001, 14002): give the INSEE code"
    )
