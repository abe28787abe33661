"""Reading partner files: encodings and delimiters sniffed, quoted cells, line numbers, JSON streamed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from importers import readers
from importers.errors import UnreadableFile
from importers.readers import detect_delimiter, open_rows

FIXTURES = Path(__file__).resolve().parents[1] / "importers" / "fixtures"


def rows_of(path: Path) -> list[readers.RawRow]:
    with open_rows(path) as stream:
        return list(stream)


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("latin-1", "cp1252"), ("cp1252", "cp1252")],
)
def test_the_encoding_is_detected_and_accents_survive(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "file.csv"
    path.write_bytes("nom;commune\nCollectif de l'Étang;Saint-Étienne-de-Baïgorry\n".encode(encoding))
    with open_rows(path) as stream:
        rows = list(stream)
    assert stream.encoding == expected
    assert stream.columns == ["nom", "commune"]
    assert rows[0].data == {"nom": "Collectif de l'Étang", "commune": "Saint-Étienne-de-Baïgorry"}


def test_a_latin1_rna_file_reads_with_its_semicolons_crlf_and_line_numbers() -> None:
    with open_rows(FIXTURES / "rna_waldec_latin1.csv") as stream:
        rows = list(stream)
    assert (stream.format, stream.delimiter, len(stream.columns)) == ("csv", ";", 39)
    assert len(rows) == 25
    assert [row.line for row in rows[:2]] == [2, 3]
    assert rows[0].data["titre"] == "COLLECTIF ROCHES-LÈS-BLAMONT"
    quoted = next(row for row in rows if row.data["id"] == "W141000001")
    assert quoted.line == 22
    assert quoted.data["objet"] == "défendre les haies; et les chemins creux"
    assert quoted.data["adrs_codeinsee"] == ""  # raw text: the mapping reads an empty cell as no value
    assert stream.bytes_read == stream.bytes_total


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("a|b|c", "|"), ('"x,y";b;c', ";"), ("seule", ",")],
)
def test_the_delimiter_is_the_most_frequent_candidate_outside_quotes(header: str, delimiter: str) -> None:
    assert detect_delimiter(header) == delimiter


def test_quoted_cells_may_hold_delimiters_quotes_and_newlines(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('id,objet,ville\n1,"une ligne, puis\nune autre ""citée""",Rennes\n2,,Brest\n', encoding="utf-8")
    rows = rows_of(path)
    assert rows[0].data["objet"] == 'une ligne, puis\nune autre "citée"'
    assert [row.line for row in rows] == [2, 4]
    assert rows[1].data == {"id": "2", "objet": "", "ville": "Brest"}


def test_a_line_with_more_cells_than_the_header_carries_a_problem_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("id;nom\n1;Un\n2;Deux;en trop\n3\n4;Quatre\n", encoding="utf-8")
    rows = rows_of(path)
    assert [row.line for row in rows] == [2, 3, 4, 5]
    assert rows[1].problem == "has 3 cells where the header has 2 (an unquoted ';' inside a value?)"
    assert rows[2].data == {"id": "3", "nom": ""}
    assert rows[3].data["nom"] == "Quatre"


def test_duplicate_and_empty_header_names_are_made_unique(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("adresse;;adresse\na;b;c\n", encoding="utf-8")
    with open_rows(path) as stream:
        assert stream.columns == ["adresse", "column_2", "adresse_2"]


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_a_json_array_streams_element_by_element_whatever_the_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(readers, "_CHUNK", chunk)
    items = [{"id": i, "nom": f"Réseau {i}", "liste": [1, 2.5, None, True], "n": 10**i} for i in range(30)]
    path = tmp_path / "members.json"
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
    rows = rows_of(path)
    assert [row.data for row in rows] == items
    assert rows[0].line == 2
    assert rows[1].line == rows[0].line + 11


def test_json_problems_are_rows_not_crashes(tmp_path: Path) -> None:
    lines = tmp_path / "members.jsonl"
    lines.write_text('{"id": 1}\n\n[1, 2]\n{"id": \n{"id": 4}\n', encoding="utf-8")
    rows = rows_of(lines)
    assert [(row.line, row.problem is None) for row in rows] == [(1, True), (3, False), (4, False), (5, True)]
    assert rows[1].problem == "expected a JSON object, got an array"
    truncated = tmp_path / "truncated.json"
    truncated.write_text('[{"id": 1}, {"id": 2', encoding="utf-8")
    rows = rows_of(truncated)
    assert rows[0].data == {"id": 1}
    assert "rows after this were not read" in str(rows[1].problem)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"PK\x03\x04\x14\x00", "export it as CSV"),
        (b"id;nom\x00\x01", "binary data"),
        (b"\n\nid;nom\n", "no header line"),
        (b'{"not": "an array"', "must hold one array"),
        (b'{\n  "pretty": 1\n}\n', "one object per line"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / ("data.json" if content.startswith(b"{") else "data.csv")
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        rows_of(path)


def test_a_forced_encoding_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("nom\nÉtang\n".encode("latin-1"))
    with pytest.raises(UnreadableFile, match="is not valid utf-8"):
        open_rows(path, encoding="utf-8")
    with pytest.raises(UnreadableFile, match="does not exist"):
        open_rows(tmp_path / "missing.csv")
