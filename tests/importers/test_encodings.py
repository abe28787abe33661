"""Awkward partner files, built here byte by byte: each row's outcome and each imported name, exactly."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from graph.store import Store
from importers.mapping import Mapping, parse_mapping
from importers.partners import import_file
from importers.readers import RawRow, open_rows
from importers.reference import read_taxonomy
from importers.summary import ImportSummary

pytestmark = pytest.mark.usefixtures("reference_data")

MAPPING = """
[source]
name = "awkward"
[actor]
id = "id"
name = "nom"
kind = { value = "ASSOCIATION" }
description = "objet"
"""
NAMES = ["Forêt d'Orléans", "L’Été des Hautes-Pyrénées", "Œuvre « Cœur »", "Île-de-Bréhat", "Ça marche"]


def mapping() -> Mapping:
    return parse_mapping(tomllib.loads(MAPPING), "test.toml", read_taxonomy())


def rows_of(path: Path, encoding: str | None = None) -> tuple[str, str, list[RawRow]]:
    with open_rows(path, encoding=encoding) as stream:
        return stream.encoding, stream.encoding_reason, list(stream)


def csv_lines(names: list[str]) -> list[str]:
    return ["id;nom;objet"] + [f"A{n};{name};objet {n}" for n, name in enumerate(names, start=1)]


async def names_in_graph(store: Store, source: str) -> dict[str, str]:
    rows = await store.read(
        "tests.names",
        "MATCH (a:Actor)-[f:FROM_SOURCE]->(:Source {name: $source}) RETURN f.externalId AS id, a.name AS name",
        {"source": source},
    )
    return {row["id"]: row["name"] for row in rows}


async def imported(store: Store, path: Path, source: str) -> tuple[ImportSummary, dict[str, str]]:
    summary = await import_file(store, path, mapping(), source)
    return summary, await names_in_graph(store, source)


async def test_utf8_with_one_stray_byte_stays_utf8_and_only_its_row_is_rejected(store: Store, tmp_path: Path) -> None:
    lines = csv_lines(NAMES)
    data = "\n".join(lines).encode("utf-8").replace("Bréhat".encode(), b"Br\xe9hat") + b"\n"  # one pasted Latin-1 byte
    path = tmp_path / "utf8_stray.csv"
    path.write_bytes(data)

    encoding, reason, rows = rows_of(path)
    assert encoding == "utf-8"
    assert reason.endswith("and 1 byte is not (the rows holding them are rejected)")
    assert [row.problem is None for row in rows] == [True, True, True, False, True]
    assert "0xE9" in str(rows[3].problem)
    assert "'nom'" in str(rows[3].problem)

    summary, names = await imported(store, path, "stray-utf8")
    assert summary.encoding == "utf-8"
    assert summary.rejected == 1
    assert names == {"A1": NAMES[0], "A2": NAMES[1], "A3": NAMES[2], "A5": NAMES[4]}
    assert [issue.line for issue in summary.issues] == [5]
    assert any("encoding utf-8" in line for line in summary.lines())


async def test_cp1252_with_an_undefined_byte_stays_cp1252(store: Store, tmp_path: Path) -> None:
    data = "\n".join(csv_lines(NAMES)).encode("cp1252") + b"\n"
    data = data.replace(b"objet 3", b"objet \x81 3")  # 0x81: not a character of Windows-1252
    path = tmp_path / "cp1252_undefined.csv"
    path.write_bytes(data)

    encoding, _, rows = rows_of(path)
    assert encoding == "cp1252"
    assert [row.problem is None for row in rows] == [True, True, False, True, True]
    assert "0x81" in str(rows[2].problem)
    assert "'objet'" in str(rows[2].problem)

    summary, names = await imported(store, path, "undefined-cp1252")
    assert summary.rejected == 1
    assert names == {"A1": NAMES[0], "A2": NAMES[1], "A4": NAMES[3], "A5": NAMES[4]}  # ’ stays ’, not U+0092


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
async def test_utf16_without_a_byte_order_mark_is_recognised(store: Store, tmp_path: Path, codec: str) -> None:
    path = tmp_path / "utf16.csv"
    path.write_bytes(("\n".join(csv_lines(NAMES)) + "\n").encode(codec))
    encoding, _, rows = rows_of(path)
    assert encoding == codec
    assert [row.data["nom"] for row in rows] == NAMES
    summary, names = await imported(store, path, f"wide-{codec[-2:]}")
    assert summary.rejected == 0
    assert names == {f"A{n}": name for n, name in enumerate(NAMES, start=1)}


async def test_binary_garbage_far_into_a_file_rejects_exactly_its_rows(store: Store, tmp_path: Path) -> None:
    filler = [f"F{n};Association numéro {n};{'x' * 80}" for n in range(1_000)]  # about 100 KB before the garbage
    garbage = ["G1;Nom\x00\x00\x01;objet", "G2;Nom\x1b[31m;objet", "G3;Sain;ob\x00jet", "G4;Bon;ok"]
    lines = ["id;nom;objet", *filler, *garbage]
    path = tmp_path / "garbage.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    assert path.stat().st_size > 65_536 + 10_000

    summary, names = await imported(store, path, "garbage")
    rejected = {issue.external_id or issue.line: issue.reason for issue in summary.issues}
    assert summary.rejected == 3
    assert "NUL" in str(rejected[1_002])
    assert "NUL" in str(rejected[1_004])
    assert "U+001B" in rejected["G2"]  # the text rule: no control character in a name
    assert names["G4"] == "Bon"
    assert not {"G1", "G2", "G3"} & set(names)
    assert all(names[f"F{n}"] == f"Association numéro {n}" for n in range(1_000))


async def test_short_and_long_rows_are_both_reported_with_their_cell_counts(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("id;nom;objet\nA1;Un;o\nA2;Deux\nA3;Trois;o;en trop\nA4;Quatre;o\n", encoding="utf-8")
    summary, names = await imported(store, path, "ragged")
    reasons = {issue.line: issue.reason for issue in summary.issues}
    assert reasons[3].startswith("has 2 cells where the header has 3")
    assert reasons[4].startswith("has 4 cells where the header has 3")
    assert names == {"A1": "Un", "A4": "Quatre"}


async def test_a_one_megabyte_description_is_refused_in_characters(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(f"id;nom;objet\nA1;Un;{'é' * 1_000_000}\nA2;Deux;court\n", encoding="utf-8")
    summary, names = await imported(store, path, "huge")
    assert names == {"A2": "Deux"}
    (issue,) = summary.issues
    assert issue.field == "objet"
    assert issue.reason == "is too long: 1,000,000 characters, the limit is 20,000 characters"


async def test_a_forced_encoding_overrides_detection(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "forced.csv"
    path.write_bytes("id;nom;objet\nA1;Ça;o\n".encode("cp1252"))
    encoding, reason, rows = rows_of(path, encoding="iso8859_15")
    assert encoding == "iso8859_15"
    assert "given" in reason
    assert rows[0].data["nom"] == "Ça"


async def test_names_with_bidi_overrides_are_refused_and_free_text_keeps_newlines_and_tabs(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "bidi.csv"
    text = 'id;nom;objet\nA1;Abc\u202edef;o\nA2;Bon;"ligne 1\r\nligne\t2"\nA3;Mal;"a\x07b"\n'
    path.write_bytes(text.encode("utf-8"))
    summary, names = await imported(store, path, "bidi")
    reasons = {issue.external_id: issue.reason for issue in summary.issues}
    assert "U+202E" in reasons["A1"]
    assert "U+0007" in reasons["A3"]
    assert names == {"A2": "Bon"}
    rows = await store.read("tests.description", "MATCH (a:Actor {name: 'Bon'}) RETURN a.description AS d", {})
    assert rows[0]["d"] == "ligne 1\r\nligne\t2"
