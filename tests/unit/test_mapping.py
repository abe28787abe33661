"""Mapping files and the row mapper: what a data steward writes, and what it makes of each row."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from importers.errors import BadMapping
from importers.mapping import Mapping, load_mapping, load_preset, parse_mapping, preset_names
from importers.places import PlaceIndex
from importers.readers import RawRow
from importers.reference import read_taxonomy
from importers.rows import ActorDraft, Rejected, RowMapper, Skipped

TAXONOMY = read_taxonomy()
PLACES = PlaceIndex([("35238", "Rennes", "rennes"), ("05177", "Vars", None), ("17461", "Vars", None)])

MINIMAL = """
[source]
name = "steward"
[actor]
id = "code"
name = "nom"
kind = { from = "type", map = "kinds" }
[maps.kinds]
"bureau d'études" = "BUREAU_ETUDES"
"*" = "AUTRE"
"""


def mapping(text: str = MINIMAL, **replace: str) -> Mapping:
    for old, new in replace.items():
        text = text.replace(old, new)
    return parse_mapping(tomllib.loads(text), "test.toml", TAXONOMY)


def mapper(m: Mapping, columns: list[str] | None = None) -> RowMapper:
    return RowMapper(
        m,
        TAXONOMY,
        PLACES,
        columns=columns,
        conflict_types={record.code for record in TAXONOMY.conflict_types},
        themes={theme.code for theme in TAXONOMY.themes},
    )


def draft(m: Mapping, data: dict[str, Any], columns: list[str] | None = None) -> ActorDraft:
    result = mapper(m, columns).map(RawRow(7, data))
    assert isinstance(result, ActorDraft), result
    return result


def test_every_shipped_preset_loads() -> None:
    assert preset_names() == ["france-services", "network-members", "petites-villes-de-demain", "rna-waldec"]
    sources = {name: load_preset(name).source.name for name in preset_names()}
    assert sources["rna-waldec"] == "rna"
    assert load_preset("petites-villes-de-demain").actor.governs is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (MINIMAL.replace('name = "nom"', 'nmae = "nom"'), "actor.nmae: unknown key"),
        (MINIMAL.replace('name = "nom"\n', ""), "actor.name: required, but missing"),
        (MINIMAL.replace('"AUTRE"', '"ASSOCIATIONS"'), "sends '*' to 'ASSOCIATIONS', which is not a valid actor.kind"),
        (MINIMAL.replace('map = "kinds"', 'map = "sortes"'), "actor.kind: no value map named 'sortes'"),
        (
            MINIMAL.replace('{ from = "type", map = "kinds" }', '{ value = "MAIRIE" }'),
            "actor.kind = 'MAIRIE' is not one of",
        ),
        (MINIMAL.replace('name = "steward"', 'name = "Mon Réseau"'), "source.name: String should match pattern"),
        (MINIMAL + '[actor.place]\npostal_code = "cp"\n', "`postal_code` and `commune` go together"),
        (MINIMAL.replace('name = "nom"', 'name = { from = "nom", value = "x" }'), "give exactly one of"),
        (MINIMAL + '[network]\nname = "R"\nsince = { hash = ["a"] }\n', "network.since: `hash` only builds"),
    ],
)
def test_a_bad_mapping_is_refused_with_a_sentence_naming_the_key(text: str, message: str) -> None:
    with pytest.raises(BadMapping, match=re.escape(message)):
        mapping(text)


def test_a_mapping_file_that_is_not_toml_or_missing_says_so(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("[source\nname = 1", encoding="utf-8")
    with pytest.raises(BadMapping, match=r"broken.toml is not valid TOML"):
        load_mapping(path)
    with pytest.raises(BadMapping, match="does not exist"):
        load_mapping(tmp_path / "nowhere.toml")
    with pytest.raises(BadMapping, match="no preset named 'rna'; presets: france-services"):
        load_preset("rna")


def test_a_column_the_file_lacks_fails_before_any_row_for_required_fields_and_is_noted_otherwise() -> None:
    m = mapping(MINIMAL.replace("kind = {", 'website = "site"\nkind = {'))
    with pytest.raises(
        BadMapping, match=r"the file has no column 'nom' \(used by actor.name\); its columns are: code, type"
    ):
        mapper(m, ["code", "type"])
    tolerant = mapper(m, ["Code", "NOM", "Type"])  # headers match once folded
    assert tolerant.missing_columns == ["site"]
    result = tolerant.map(RawRow(2, {"Code": "A1", "NOM": " Atelier ", "Type": "BUREAU D'ETUDES"}))
    assert isinstance(result, ActorDraft)
    assert (result.external_id, result.record.name, result.record.kind) == ("A1", "Atelier", "BUREAU_ETUDES")


def test_value_maps_are_folded_have_a_default_and_name_the_map_to_extend() -> None:
    m = mapping()
    assert draft(m, {"code": "1", "nom": "X", "type": "  Bureau d’Études "}).record.kind == "BUREAU_ETUDES"
    assert draft(m, {"code": "2", "nom": "X", "type": "coopérative"}).record.kind == "AUTRE"  # "*"
    strict = mapping(MINIMAL.replace('"*" = "AUTRE"\n', ""))
    result = mapper(strict).map(RawRow(9, {"code": "3", "nom": "X", "type": "coopérative"}))
    assert isinstance(result, Rejected)
    assert [(i.line, i.external_id, i.field, i.value, i.reason) for i in result.issues] == [
        (9, "3", "type", "coopérative", "unknown value: add it to [maps.kinds] in the mapping")
    ]


def test_external_ids_from_templates_and_hashes_and_paths_from_the_root() -> None:
    text = MINIMAL.replace('id = "code"', 'id = "{siege.dep}-{code}"') + (
        '[conflicts]\neach = "refs"\nid = { hash = ["titre", "$.code"] }\ntitle = "titre"\n'
        'type = { from = "type_conflit", map = "conflict_types" }\nrole = "role"\n'
        'summary = "{titre} ({#})"\n[conflicts.place]\ninsee = "$.siege.insee"\n'
    )
    m = mapping(text)
    data = {
        "code": "N1",
        "nom": "Réseau",
        "type": "x",
        "siege": {"dep": "35", "insee": "35238"},
        "refs": [
            {"titre": "Éoliennes de la Lande", "type_conflit": "parc éolien", "role": "MEDIATOR"},
            {"titre": "EOLIENNES DE LA LANDE", "type_conflit": "ONSHORE_WIND", "role": "EXPERT"},
            {"titre": "Bassine", "type_conflit": "méga-bassine", "role": "MEDIATOR"},
        ],
    }
    result = draft(m, data)
    assert result.external_id == "35-N1"
    ids = [conflict.external_id for conflict in result.conflicts]
    assert ids[0] == ids[1] != ids[2]  # the hash ignores case and accents
    assert len(ids[0]) == 20
    assert [c.type for c in result.conflicts] == ["ONSHORE_WIND", "ONSHORE_WIND", "IRRIGATION_RESERVOIR"]
    assert [c.record.summary for c in result.conflicts][::2] == ["Éoliennes de la Lande (1)", "Bassine (3)"]
    assert {c.place for c in result.conflicts} == {"35238"}


def test_skip_rules_lists_and_booleans() -> None:
    text = MINIMAL + ('[[skip]]\nfrom = "etat"\nin = ["D", ""]\nreason = "dissoute"\n').replace("[[skip]]", "[[skip]]")
    text = text.replace(
        "[actor]",
        '[actor]\nopen_to_sponsorship = "mecenat"\nthemes = { from = "themes", split = "|", map = "themes" }',
        1,
    )
    m = mapping(text)
    skipping = mapper(m)
    assert skipping.map(RawRow(2, {"code": "1", "nom": "X", "type": "x", "etat": " d "})) == Skipped("dissoute")
    assert skipping.map(RawRow(3, {"code": "1", "nom": "X", "type": "x"})) == Skipped("dissoute")  # empty
    kept = draft(m, {"code": "1", "nom": "X", "type": "x", "etat": "A", "mecenat": "Oui", "themes": "Eau | médiation"})
    assert (kept.record.open_to_sponsorship, kept.themes) == (True, ["MEDIATION", "WATER"])
    bad = skipping.map(RawRow(4, {"code": "1", "nom": "X", "type": "x", "etat": "A", "mecenat": "peut-être"}))
    assert isinstance(bad, Rejected)
    assert [(i.field, i.reason) for i in bad.issues] == [
        ("mecenat", "not a yes/no value (expected oui/non, true/false, 1/0)")
    ]


def test_a_conflicts_section_needs_json() -> None:
    text = MINIMAL + (
        '[conflicts]\neach = "refs"\nid = "t"\ntitle = "t"\ntype = "t"\nrole = "r"\n[conflicts.place]\ninsee = "c"\n'
    )
    with pytest.raises(BadMapping, match="it needs a JSON or JSON Lines file"):
        mapper(mapping(text), ["code", "nom", "type"])
