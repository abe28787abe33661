"""The worked example of docs/importers.md runs as written: same file, same mapping, same output."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from graph.store import Store
from importers.mapping import parse_mapping
from importers.partners import import_file

pytestmark = pytest.mark.usefixtures("reference_data")

DOC = Path(__file__).resolve().parents[2] / "docs" / "importers.md"
FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(language: str) -> list[str]:
    return [text for lang, text in FENCE.findall(DOC.read_text(encoding="utf-8")) if lang == language]


def first_problems(text_block: str) -> list[str]:
    lines = text_block.splitlines()
    start = lines.index("First problems:") + 1 if "First problems:" in lines else len(lines)
    return [line.strip() for line in lines[start:] if line.startswith("  line")]


async def test_the_worked_example_gives_the_output_the_page_shows(store: Store, tmp_path: Path) -> None:
    raw, report_shown = blocks("csv")
    mapping_text = next(text for text in blocks("toml") if "[source]" in text)
    fixed_types = next(text for text in blocks("toml") if '"mairie"' in text)
    dry_output, final_output = (text for text in blocks("text") if "read 10" in text)
    members = tmp_path / "membres.csv"
    members.write_bytes(raw.encode("latin-1"))  # a spreadsheet export
    report = tmp_path / "rejets.csv"

    mapping = parse_mapping(tomllib.loads(mapping_text), "concertation.toml")
    dry = await import_file(store, members, mapping, dry_run=True, report=report)

    assert dry.lines()[1] == dry_output.splitlines()[1]
    assert dry.lines()[0].startswith(dry_output.splitlines()[0].split(" in ")[0])
    shown = [f"line {i.line} {i.field} = {i.value!r}: {i.reason}" for i in dry.issues]
    assert shown == first_problems(dry_output)
    assert report.read_text(encoding="utf-8").replace("\r\n", "\n") == report_shown
    assert await store.read("t", "MATCH (s:Source {name: 'concertation-grand-ouest'}) RETURN s") == []

    start = mapping_text.index("[maps.types]")
    end = mapping_text.index("\n\n", start)
    fixed = parse_mapping(tomllib.loads(mapping_text[:start] + fixed_types + mapping_text[end:]), "concertation.toml")
    summary = await import_file(store, members, fixed, report=report)

    assert summary.lines()[1] == final_output.splitlines()[1]
    rows = await store.read(
        "t",
        "MATCH (a:Actor)-[:MEMBER_OF]->(:Actor {name: 'Réseau Concertation Grand Ouest'}) "
        "MATCH (a)-[:BASED_IN]->(t:Territory) "
        "OPTIONAL MATCH (a)-[:WORKS_ON]->(th:Theme) WITH a, t, th ORDER BY th.code "
        "RETURN a.name AS name, a.kind AS kind, a.website AS website, t.code AS commune, collect(th.code) AS themes",
    )
    by_name = {row["name"]: row for row in rows}
    assert len(by_name) == 8
    assert (by_name["Ville de Quimper"]["kind"], by_name["Ville de Quimper"]["commune"]) == ("COLLECTIVITE", "29232")
    assert by_name["Conseil de développement du Pays de Saint-Brieuc"]["commune"] == "22278"  # "ST BRIEUC"
    assert by_name["Atelier des Communs Nantais"]["website"] == "https://www.communs-nantais.example"
    assert by_name["Fabrique citoyenne de Vannes"]["themes"] == ["DIGITAL_DEMOCRACY", "PARTICIPATION"]
