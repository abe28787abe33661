"""Partner imports into a real Neo4j: each preset's fixture, idempotence, updates, --full, dry runs."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from graph import case_types
from graph.store import Store
from importers.partners import ImportSummary, import_file
from tests.importers.graphs import graph_state

pytestmark = pytest.mark.usefixtures("reference_data")

FIXTURES = Path(__file__).parent / "fixtures"


def counts(summary: ImportSummary) -> dict[str, int]:
    return {
        "read": summary.read,
        "created": summary.created,
        "updated": summary.updated,
        "unchanged": summary.unchanged,
        "rejected": summary.rejected,
        "skipped": summary.skipped,
    }


async def one(store: Store, query: str, **params: Any) -> Any:
    rows = await store.read("tests.one", query, params)
    assert len(rows) == 1, rows
    return rows[0]


async def actor(store: Store, source: str, external_id: str) -> dict[str, Any]:
    row = await one(
        store,
        "MATCH (a:Actor)-[f:FROM_SOURCE {externalId: $id}]->(:Source {name: $source}) "
        "OPTIONAL MATCH (a)-[:BASED_IN]->(t:Territory) "
        "RETURN a {.*} AS actor, f {.*} AS link, t.id AS basedIn, t.location = a.location AS locationOfBase",
        id=external_id,
        source=source,
    )
    return {**row["actor"], "_link": row["link"], "_basedIn": row["basedIn"], "_locationOfBase": row["locationOfBase"]}


def report_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


async def test_a_latin1_rna_export_loads_active_associations_and_reports_each_bad_row(
    store: Store, tmp_path: Path
) -> None:
    report = tmp_path / "rejected.csv"
    summary = await import_file(store, FIXTURES / "rna_waldec_latin1.csv", "rna-waldec", report=report)

    assert (summary.format, summary.encoding, summary.delimiter) == ("csv", "cp1252", ";")
    assert counts(summary) == {"read": 25, "created": 18, "updated": 0, "unchanged": 0, "rejected": 3, "skipped": 4}
    assert summary.skip_reasons == {"association dissolved or removed from the register (position D or S)": 4}

    vars_ = await actor(store, "rna", "W054468285")
    assert vars_["name"] == "ASSOCIATION LA TRANSITION VARS"
    assert vars_["kind"] == "ASSOCIATION"
    assert vars_["rna"] == "W054468285"
    assert vars_["siret"] == "93194499049777"
    assert vars_["description"] == "préserver la ressource en eau et ses usages partagés"
    assert vars_["foundedOn"].to_native() == date(2007, 6, 27)
    assert vars_["nameKey"] == "association la transition vars"
    assert vars_["searchText"].startswith("association la transition vars preserver la ressource")
    assert (vars_["source"], vars_["createdBy"], vars_["updatedBy"]) == ("rna", "import:rna", "import:rna")
    assert vars_["_basedIn"] == "COMMUNE-05177"
    assert vars_["_locationOfBase"] is True
    assert vars_["_link"]["externalId"] == "W054468285"
    assert len(vars_["_link"]["hash"]) == 32
    assert "website" not in vars_  # an empty cell sets nothing

    # a quoted ';' inside a cell; a place from postal code + the old "BOISSIERE (LA)" order; a lost leading zero
    bocage = await actor(store, "rna", "W141000001")
    assert bocage["description"] == "défendre les haies; et les chemins creux"
    assert bocage["_basedIn"] == "COMMUNE-14082"
    assert (await actor(store, "rna", "W051000002"))["_basedIn"] == "COMMUNE-05177"

    dissolved = await store.read("t", "MATCH (a:Actor {rna: 'W600095783'}) RETURN a")
    assert dissolved == []
    assert [(r["line"], r["externalId"], r["field"], r["value"], r["reason"]) for r in report_rows(report)] == [
        (
            "24",
            "W991000003",
            "adrs_codeinsee",
            "99999",
            "no commune has the INSEE code 99999 (a merged or former commune? use the current code)",
        ),
        ("25", "W351000004", "titre", "", "is required but empty"),
        ("26", "W351000005", "date_creat", "2015-13-45", "not a date (expected YYYY-MM-DD or DD/MM/YYYY)"),
    ]
    source = await one(store, "MATCH (s:Source {name: 'rna'}) RETURN s {.*} AS s")
    assert (source["s"]["kind"], source["s"]["importedAt"] is not None) == ("REGISTER", True)


async def test_running_the_same_file_again_changes_nothing_at_all(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    before = await graph_state(store, timestamps=True)

    again = await import_file(store, FIXTURES / "network_members.jsonl", "network-members")

    assert (again.created, again.updated, again.unchanged) == (0, 0, 13 + 38)
    assert await graph_state(store, timestamps=True) == before


async def test_records_that_lost_their_provenance_links_are_found_by_id_and_not_created_twice(store: Store) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    before = await graph_state(store, timestamps=False)
    await store.write("tests.unlink", "MATCH (:Source {name: 'network-members'})<-[f:FROM_SOURCE]-() DELETE f")

    again = await import_file(store, FIXTURES / "network_members.jsonl", "network-members")

    assert (again.created, again.updated, again.unchanged) == (13 + 38, 0, 0)  # new to the source's keys
    assert await graph_state(store, timestamps=False) == before


async def test_a_changed_row_updates_its_record_and_full_reports_records_gone_from_the_file(
    store: Store, tmp_path: Path
) -> None:
    await import_file(store, FIXTURES / "rna_waldec_latin1.csv", "rna-waldec")
    first = await actor(store, "rna", "W054468285")
    text = (FIXTURES / "rna_waldec_latin1.csv").read_bytes().decode("latin-1")
    changed = text.replace("ASSOCIATION LA TRANSITION VARS", "ASSOCIATION LA TRANSITION À VARS")
    lines = [line for line in changed.split("\r\n") if not line.startswith("W387346534;")]
    path = tmp_path / "rna_next_month.csv"
    path.write_bytes("\r\n".join(lines).encode("latin-1"))
    report = tmp_path / "report.json"

    summary = await import_file(store, path, "rna-waldec", full=True, report=report)

    assert (summary.read, summary.created, summary.updated, summary.unchanged, summary.absent) == (24, 0, 1, 16, 1)
    updated = await actor(store, "rna", "W054468285")
    assert updated["name"] == "ASSOCIATION LA TRANSITION À VARS"
    assert updated["nameKey"] == "association la transition a vars"
    assert updated["updatedAt"] > first["updatedAt"]
    assert updated["createdAt"] == first["createdAt"]
    assert updated["_link"]["hash"] != first["_link"]["hash"]
    gone = await actor(store, "rna", "W387346534")  # absent from the file, listed, never deleted
    assert gone["name"] == "COMITÉ DE DÉFENSE DE MOIDIEU-DÉTOURBE"
    lines_of_report = json.loads(report.read_text(encoding="utf-8"))
    absent = [line for line in lines_of_report if line["scope"] == "absent"]
    assert absent == [
        {
            "line": None,
            "externalId": "W387346534",
            "field": "externalId",
            "value": "W387346534",
            "reason": "a Actor of source 'rna' that this file no longer holds (kept, not deleted)",
            "scope": "absent",
        }
    ]
    assert len(lines_of_report) == 3 + 1


async def test_a_dry_run_counts_what_would_change_and_writes_nothing(store: Store) -> None:
    before = await graph_state(store, timestamps=True)
    dry = await import_file(store, FIXTURES / "france_services.csv", "france-services", dry_run=True)
    assert await graph_state(store, timestamps=True) == before
    real = await import_file(store, FIXTURES / "france_services.csv", "france-services")
    assert (
        counts(dry)
        == counts(real)
        == {
            "read": 20,
            "created": 17 + 1,  # the services and the network's own actor
            "updated": 0,
            "unchanged": 0,
            "rejected": 3,
            "skipped": 0,
        }
    )
    dry_again = await import_file(store, FIXTURES / "france_services.csv", "france-services", dry_run=True)
    assert (dry_again.created, dry_again.unchanged) == (0, 17 + 1)


async def test_france_services_resolve_places_by_code_postal_name_or_coordinates_and_join_the_network(
    store: Store,
) -> None:
    summary = await import_file(store, FIXTURES / "france_services.csv", "france-services")

    assert summary.encoding == "utf-8-sig"
    assert (await actor(store, "france-services", "FS-12004"))["_basedIn"] == "COMMUNE-11143"
    saint_flour = await actor(store, "france-services", "FS-90001")  # "ST FLOUR" + 15100
    assert saint_flour["_basedIn"] == "COMMUNE-15187"
    ambert = await actor(store, "france-services", "FS-90002")  # "45,55576" / "3,75689"
    assert ambert["_basedIn"] == "COMMUNE-63003"
    assert ambert["name"] == "France services Ambert, bus itinérant"
    assert ambert["description"] == "France services Itinérante, portée par : Mairie."
    assert ambert["kind"] == "SERVICE_ETAT"
    assert "email" not in ambert  # its mail cell is empty
    members = await one(
        store,
        "MATCH (n:Actor {kind: 'RESEAU'})-[:FROM_SOURCE {externalId: 'france-services'}]->(:Source {name: $s}) "
        "MATCH (m:Actor)-[r:MEMBER_OF]->(n) "
        "RETURN n.name AS name, count(m) AS members, "
        "       [x IN collect([m.name, r.since]) WHERE x[0] = 'France services Feuilla'][0][1] AS since",
        s="france-services",
    )
    assert (members["name"], members["members"]) == ("Réseau France Services", 17)
    assert members["since"].to_native() == date(2021, 8, 15)
    assert [(issue.line, issue.field, issue.reason) for issue in summary.issues] == [
        (17, "id_fs", "the same external id is on line 9: this row is ignored"),
        (
            20,
            "insee_com/code_postal/lib_com/latitude/longitude",
            "no place given: the row needs a commune (INSEE code, postal code + name, or coordinates)",
        ),
        (21, "latitude,longitude", "no commune centroid within 30 km of these coordinates"),
    ]


async def test_petites_villes_de_demain_make_each_commune_s_authority_a_member_reusing_an_existing_one(
    store: Store,
) -> None:
    await store.write(
        "t",
        "MATCH (t:Territory {id: 'COMMUNE-63003'}) "
        "CREATE (a:Actor {id: 'ambert-demo', name: 'Commune d’Ambert', kind: 'COLLECTIVITE', source: 'demo'}) "
        "CREATE (a)-[:GOVERNS]->(t)",
    )

    summary = await import_file(store, FIXTURES / "petites_villes_de_demain.csv", "petites-villes-de-demain")

    # 14 communes' authorities and the programme's own actor
    assert counts(summary) == {"read": 15, "created": 15, "updated": 0, "unchanged": 0, "rejected": 1, "skipped": 0}
    rows = await store.read(
        "t",
        "MATCH (n:Actor)-[:FROM_SOURCE {externalId: 'petites-villes-de-demain'}]->(:Source) "
        "MATCH (a:Actor)-[m:MEMBER_OF]->(n) OPTIONAL MATCH (a)-[:GOVERNS]->(t:Territory) "
        "RETURN a.id AS id, a.name AS name, a.kind AS kind, a.source AS source, t.code AS governs, m.since AS since "
        "ORDER BY governs",
    )
    by_code = {row["governs"]: row for row in rows}
    assert len(rows) == 14
    assert {row["kind"] for row in rows} == {"COLLECTIVITE"}
    assert by_code["63003"]["id"] == "ambert-demo"
    assert (by_code["63003"]["name"], by_code["63003"]["source"]) == ("Commune d’Ambert", "demo")  # kept as it was
    assert (by_code["46102"]["name"], by_code["46102"]["source"]) == ("Figeac", "petites-villes-de-demain")
    assert by_code["24520"]["since"].to_native() == date(2021, 7, 15)  # written 15/07/2021
    assert by_code["2A247"]["name"] == "Porto-Vecchio"
    assert [(i.line, i.field, i.value) for i in summary.issues] == [(16, "insee_com", "00000")]

    again = await import_file(store, FIXTURES / "petites_villes_de_demain.csv", "petites-villes-de-demain")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 15)


def distinct_cases(path: Path) -> int:
    from graph.text import fold

    cases = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        member = json.loads(line)
        if member["identifiant"] == "NET-90002":
            continue
        for ref in member["references"]:
            if ref["code_insee"] == "99999" or ref["type_conflit"].startswith("conflit de voisinage"):
                continue
            cases.add((fold(ref["titre"]), ref["code_insee"], ref["annee"]))
    return len(cases)


async def test_network_members_become_actors_and_their_references_conflicts_they_were_involved_in(
    store: Store, tmp_path: Path
) -> None:
    report = tmp_path / "report.csv"
    summary = await import_file(store, FIXTURES / "network_members.jsonl", "network-members", report=report)

    assert distinct_cases(FIXTURES / "network_members.jsonl") == 38
    assert (summary.read, summary.rejected, summary.dropped) == (14, 1, 2)
    assert {label: (c.created, c.updated, c.unchanged) for label, c in summary.counts.items()} == {
        "Actor": (13, 0, 0),
        "Conflict": (38, 0, 0),
    }
    bussu = await one(
        store,
        "MATCH (c:Conflict {title: 'Meublés de tourisme à Bussu'})-[:OF_TYPE]->(type:ConflictType) "
        "MATCH (c)-[:LOCATED_IN]->(t:Territory) "
        "MATCH (a:Actor)-[i:INVOLVED_IN]->(c) "
        "WITH c, type, t, a, i ORDER BY a.name "
        "RETURN c {.*} AS c, type.code AS type, t.id AS place, t.location = c.location AS located, "
        "       collect([a.name, i.role, i.from]) AS involved",
    )
    assert bussu["type"] == "SHORT_TERM_RENTALS"
    assert (bussu["place"], bussu["located"]) == ("COMMUNE-80154", True)
    conflict = bussu["c"]
    assert (conflict["year"], conflict["outcome"], conflict["status"]) == (2010, "NEGOTIATED", "SETTLED")
    assert conflict["source"] == "network-members"
    assert conflict["searchText"] == "meubles de tourisme a bussu"
    assert bussu["involved"] == [  # the same case cited by two members is one Conflict
        ["Agence Trait d’Union Bard", "PROJECT_OWNER", 2010],
        ["Médiations du Bocage", "MEDIATOR", 2010],
    ]
    bocage = await one(
        store,
        "MATCH (a:Actor {name: 'Médiations du Bocage'}) "
        "OPTIONAL MATCH (a)-[:WORKS_ON]->(t:Theme) WITH a, t ORDER BY t.code "
        "WITH a, collect(t.code) AS themes "
        "OPTIONAL MATCH (a)-[i:INVOLVED_IN]->(c:Conflict) WITH a, themes, c, i ORDER BY c.title "
        "RETURN a {.*} AS a, themes, collect([c.title, i.role]) AS cases",
    )
    assert (bocage["a"]["kind"], bocage["a"]["openToSponsorship"]) == ("BUREAU_ETUDES", True)
    assert bocage["themes"] == ["CONCERTATION", "MEDIATION"]
    assert bocage["cases"] == [["Meublés de tourisme à Bussu", "MEDIATOR"], ["Méthaniseur à Vars", "EXPERT"]]
    assert [(r["line"], r["externalId"], r["field"], r["value"], r["scope"]) for r in report_rows(report)] == [
        ("13", "NET-90001", "references[1].type_conflit", "conflit de voisinage imaginaire", "item"),
        ("13", "NET-90001", "references[2].code_insee", "99999", "item"),
        ("15", "NET-90002", "type", "extraterrestre", "row"),
    ]
    assert report_rows(report)[2]["reason"] == "unknown value: add it to [maps.kinds] in the mapping"
    # every member's case types are its cases' types (what matching trusts: graph.case_types)
    assert await store.read("tests.staleCaseTypes", case_types.STALE) == []
    cases = await store.read(
        "t", "MATCH (:Actor {name: 'Médiations du Bocage'})-[:INVOLVED_IN]->()-[:OF_TYPE]->(t) RETURN t.code AS code"
    )
    assert len(cases) == 2
    assert bocage["a"]["caseTypes"] == sorted({row["code"] for row in cases})


async def test_a_changed_role_updates_the_member_and_leaves_the_case_as_it_was(store: Store, tmp_path: Path) -> None:
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    text = (FIXTURES / "network_members.jsonl").read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    member = json.loads(first)
    member["references"][0]["role"] = "opposition"
    path = tmp_path / "members.jsonl"
    path.write_text(json.dumps(member, ensure_ascii=False) + "\n" + rest, encoding="utf-8")

    summary = await import_file(store, path, "network-members")

    assert {label: (c.created, c.updated, c.unchanged) for label, c in summary.counts.items()} == {
        "Actor": (0, 1, 12),
        "Conflict": (0, 0, 38),
    }
    roles = await store.read(
        "t",
        "MATCH (a:Actor)-[i:INVOLVED_IN]->(:Conflict {title: 'Meublés de tourisme à Bussu'}) "
        "RETURN a.name AS name, i.role AS role ORDER BY name",
    )
    assert [(row["name"], row["role"]) for row in roles] == [
        ("Agence Trait d’Union Bard", "OPPONENT"),
        ("Médiations du Bocage", "MEDIATOR"),
    ]


async def test_a_second_source_name_keeps_its_own_records(store: Store) -> None:
    await import_file(store, FIXTURES / "petites_villes_de_demain.csv", "petites-villes-de-demain")
    other = await import_file(store, FIXTURES / "rna_waldec_latin1.csv", "rna-waldec", source="rna-bretagne")
    assert other.created == 18
    row = await one(store, "MATCH (a:Actor {rna: 'W054468285'}) RETURN a.source AS source, a.id AS id")
    assert row["source"] == "rna-bretagne"


async def test_the_same_members_as_a_json_array_import_to_the_same_graph(store: Store, tmp_path: Path) -> None:
    lines = (FIXTURES / "network_members.jsonl").read_text(encoding="utf-8").splitlines()
    array = tmp_path / "members.json"
    array.write_text(json.dumps([json.loads(line) for line in lines if line.strip()], indent=2), encoding="utf-8")
    await import_file(store, FIXTURES / "network_members.jsonl", "network-members")
    from_lines = await graph_state(store, timestamps=False)

    summary = await import_file(store, array, "network-members")

    assert (summary.format, summary.read, summary.created, summary.updated) == ("json", 14, 0, 0)
    assert summary.unchanged == 13 + 38
    assert await graph_state(store, timestamps=False) == from_lines
    starts = [number for number, line in enumerate(array.read_text().splitlines(), start=1) if line == "  {"]
    assert [(issue.line, issue.external_id) for issue in summary.issues] == [
        (starts[12], "NET-90001"),
        (starts[12], "NET-90001"),
        (starts[13], "NET-90002"),
    ]
