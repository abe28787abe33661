"""Exports: CSV for spreadsheets, GeoJSON for maps, GraphML for Gephi — streamed, from the CLI and HTTP."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import networkx as nx
import psutil
import pytest

from graph.errors import NotFoundError
from graph.store import Store, counting_round_trips
from resolvers.export_filters import ExportError
from resolvers.exports import open_export
from schema.context import ANONYMOUS, Principal
from tec.settings import Settings
from tests.analyst_graph import add_actor, add_conflict, involve, link

pytestmark = pytest.mark.usefixtures("reference_data")

ApiKey = Callable[..., Awaitable[str]]
TRICKY_NAME = 'Association « Rivière & Forêt », dite "l\'Écluse" <Brest>'


READER = Principal(role="reader", key_id="reader-key")


async def export_bytes(
    store: Store, what: str, fmt: str, where: dict[str, str] | None = None, principal: Principal = ANONYMOUS, **kw: Any
) -> bytes:
    export = await open_export(store, principal, what, fmt, where, **kw)
    return b"".join([block async for block in export.chunks()])


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # the BOM a spreadsheet needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def check_feature_collection(document: dict[str, Any]) -> None:
    """The RFC 7946 rules a map front end relies on (section 3)."""
    assert document["type"] == "FeatureCollection"
    assert isinstance(document["features"], list)
    for item in document["features"]:
        assert item["type"] == "Feature"
        assert isinstance(item["properties"], dict)
        geometry = item["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]
            assert -180 <= lon <= 180
            assert -90 <= lat <= 90


async def build_directory(store: Store) -> dict[str, str]:
    brest = await add_actor(
        store,
        TRICKY_NAME,
        "ASSOCIATION",
        "29019",
        description="Première ligne\nseconde ligne, avec virgule",
        email="contact@ecluse.example.fr",
        phone="02 98 00 00 00",
        openToSponsorship=True,
    )
    council = await add_actor(store, "Conseil départemental du Finistère", "COLLECTIVITE", "29232")
    niort = await add_actor(store, "Médiateurs du Marais poitevin", "ASSOCIATION", "79191")
    formula = await add_actor(store, '=HYPERLINK("http://evil.example")', "AUTRE", None)
    await link(store, brest, council, "COOPERATES_WITH", kind="PARTNERSHIP", since=2020)
    await link(store, niort, brest, "COOPERATES_WITH", kind="NETWORK")
    return {"brest": brest, "council": council, "niort": niort, "formula": formula}


async def test_csv_round_trips_with_accents_and_keeps_contacts_private(store: Store) -> None:
    ids = await build_directory(store)
    rows = read_csv(await export_bytes(store, "actors", "csv"))
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == set(ids.values())
    brest = by_id[ids["brest"]]
    assert brest["name"] == TRICKY_NAME
    assert brest["description"] == "Première ligne\nseconde ligne, avec virgule"
    assert brest["baseName"] == "Brest"
    assert (brest["lat"], brest["lon"]) == ("48.40037", "-4.50235")
    assert brest["openToSponsorship"] == "true"
    assert "email" not in brest  # anonymous: no contact column at all
    assert by_id[ids["formula"]]["name"] == '\'=HYPERLINK("http://evil.example")'  # not run as a formula
    private = read_csv(await export_bytes(store, "actors", "csv", principal=READER))
    assert {row["id"]: row["email"] for row in private}[ids["brest"]] == "contact@ecluse.example.fr"


HOSTILE_CELLS = [
    '=HYPERLINK("http://evil.example")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


async def test_no_csv_cell_starts_like_a_formula_and_numbers_stay_numbers(store: Store) -> None:
    """OWASP CSV injection: a text cell starting with = + - @ tab or CR gets a leading quote, in every
    text column (names, descriptions, lists); a negative coordinate is still a plain number."""
    ids = {
        await add_actor(store, hostile, "ASSOCIATION", "29019", description=hostile, website=hostile): hostile
        for hostile in HOSTILE_CELLS
    }
    plain_id = await add_actor(store, "Association ordinaire", "ASSOCIATION", "29019", description="- une liste")
    rows = {row["id"]: row for row in read_csv(await export_bytes(store, "actors", "csv"))}
    for actor_id, hostile in ids.items():
        row = rows[actor_id]
        for column in ("name", "description", "website"):
            assert row[column] == "'" + hostile, (column, row[column])
        assert row["lon"] == "-4.50235"  # west of Greenwich: negative, and not quoted
    assert rows[plain_id]["description"] == "'- une liste"
    assert rows[plain_id]["name"] == "Association ordinaire"
    for row in rows.values():
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value
            assert not value.startswith("-") or value == "-4.50235", value


async def test_actor_filters_by_departement_kind_and_conflict_type(store: Store) -> None:
    ids = await build_directory(store)
    in_finistere = read_csv(await export_bytes(store, "actors", "csv", {"departement": "29"}))
    assert {row["id"] for row in in_finistere} == {ids["brest"], ids["council"]}
    authorities = read_csv(await export_bytes(store, "actors", "csv", {"kind": "COLLECTIVITE,RESEAU"}))
    assert [row["name"] for row in authorities] == ["Conseil départemental du Finistère"]
    case = await add_conflict(store, "Bassine de Mauzé", "IRRIGATION_RESERVOIR", "79170", 2021)
    await involve(store, ids["niort"], case, "MEDIATOR")
    water = read_csv(await export_bytes(store, "actors", "csv", {"conflictType": "WATER_WORKS"}))
    assert [row["id"] for row in water] == [ids["niort"]]
    with pytest.raises(ExportError, match="kind must be among"):
        await open_export(store, ANONYMOUS, "actors", "csv", {"kind": "MAIRIE"})
    with pytest.raises(ExportError, match="`colour` is not a filter of actors"):
        await open_export(store, ANONYMOUS, "actors", "csv", {"colour": "blue"})
    with pytest.raises(NotFoundError, match="no departement has the code '999'"):
        await open_export(store, ANONYMOUS, "actors", "csv", {"departement": "999"})


async def test_exports_read_in_chunks_of_bounded_size(store: Store) -> None:
    for index in range(5):
        await add_actor(store, f"Acteur {index}", "ASSOCIATION", None)
    async with counting_round_trips() as trips:
        rows = read_csv(await export_bytes(store, "actors", "csv", chunk=2))
    assert len(rows) == 5
    assert trips.queries == ["exports.references"] + ["exports.actors"] * 3  # 2 + 2 + 1


async def _peak_while_exporting(store: Store, where: dict[str, str]) -> tuple[int, int, int]:
    """(rows, bytes, peak Python memory) of one CSV export, read 200 rows at a time."""
    export = await open_export(store, ANONYMOUS, "actors", "csv", where, chunk=200)
    tracemalloc.start()
    try:
        size = 0
        async for block in export.chunks():
            size += len(block)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return export.rows, size, peak


async def test_a_large_export_does_not_hold_all_rows_in_memory(store: Store) -> None:
    await store.write(
        "tests.manyActors",
        "UNWIND range(1, $n) AS i CREATE (:Actor {id: 'bulk-' + toString(100000 + i), name: 'Acteur ' + i, "
        "kind: CASE WHEN i <= 1000 THEN 'COLLECTIF_CITOYEN' ELSE 'ASSOCIATION' END, description: $text})",
        {"n": 6000, "text": "Une longue description avec des accents : é è à ç. " * 30},
    )
    small_rows, small_size, small_peak = await _peak_while_exporting(store, {"kind": "COLLECTIF_CITOYEN"})
    rows, size, peak = await _peak_while_exporting(store, {})
    assert (small_rows, rows) == (1000, 6000)
    assert size > 5 * small_size
    # Six times the rows, about the same memory: it grows with the chunk, not with the export.
    assert peak < 1.5 * small_peak
    assert peak < size / 4


async def test_geojson_places_actors_and_conflicts_at_longitude_latitude(store: Store) -> None:
    ids = await build_directory(store)
    actors = json.loads(await export_bytes(store, "actors", "geojson"))
    check_feature_collection(actors)
    by_id = {item["id"]: item for item in actors["features"]}
    assert by_id[ids["brest"]]["geometry"] == {"type": "Point", "coordinates": [-4.50235, 48.40037]}
    assert by_id[ids["brest"]]["properties"]["name"] == TRICKY_NAME
    assert by_id[ids["formula"]]["geometry"] is None  # no base: a feature without a place (RFC 7946 §3.2)
    await add_conflict(store, "Éoliennes de la rade", "ONSHORE_WIND", "29019", 2016)
    await add_conflict(store, "Bassine de Mauzé", "IRRIGATION_RESERVOIR", "79170", 2021)
    conflicts = json.loads(await export_bytes(store, "conflicts", "geojson", {"region": "53"}))
    check_feature_collection(conflicts)
    [wind] = conflicts["features"]
    assert wind["geometry"]["coordinates"] == [-4.50235, 48.40037]
    assert wind["properties"]["typeCode"] == "ONSHORE_WIND"
    assert wind["properties"]["startedOn"] == "2016-03-01"
    empty = json.loads(await export_bytes(store, "conflicts", "geojson", {"since": "2030"}))
    assert empty == {"type": "FeatureCollection", "features": []}


async def test_graphml_opens_in_networkx_with_labels_and_attributes(store: Store, tmp_path: Path) -> None:
    ids = await build_directory(store)
    path = tmp_path / "actors.graphml"
    path.write_bytes(await export_bytes(store, "actors", "graphml"))
    graph = nx.read_graphml(path)
    assert set(graph.nodes) == set(ids.values())
    brest = graph.nodes[ids["brest"]]
    assert brest["label"] == TRICKY_NAME
    assert brest["kind"] == "ASSOCIATION"
    assert brest["lat"] == pytest.approx(48.40037)
    assert brest["openToSponsorship"] is True
    assert "email" not in brest
    partnership = graph.edges[ids["brest"], ids["council"]]
    assert partnership == {"label": "COOPERATES_WITH", "kind": "PARTNERSHIP", "since": 2020, "id": partnership["id"]}
    assert graph.has_edge(ids["niort"], ids["brest"])
    only_finistere = tmp_path / "finistere.graphml"
    only_finistere.write_bytes(await export_bytes(store, "actors", "graphml", {"departement": "29"}))
    small = nx.read_graphml(only_finistere)
    assert set(small.nodes) == {ids["brest"], ids["council"]}  # the link from Niort is left out with its source
    assert list(small.edges) == [(ids["brest"], ids["council"])]


async def test_territory_exports(store: Store, tmp_path: Path) -> None:
    rows = read_csv(await export_bytes(store, "territories", "csv", {"level": "DEPARTEMENT", "region": "75"}))
    assert len(rows) == 12  # the départements of Nouvelle-Aquitaine
    deux_sevres = next(row for row in rows if row["code"] == "79")
    assert (deux_sevres["name"], deux_sevres["region"]) == ("Deux-Sèvres", "75")
    path = tmp_path / "communes.graphml"
    path.write_bytes(await export_bytes(store, "territories", "graphml", {"level": "COMMUNE", "epci": "200041317"}))
    graph = nx.read_graphml(path)
    assert graph.nodes["COMMUNE-79191"]["label"] == "Niort"
    assert graph.number_of_edges() > 0
    assert {data["label"] for _, _, data in graph.edges(data=True)} == {"NEIGHBOUR_OF"}
    with pytest.raises(ExportError, match="GraphML exports a network"):
        await open_export(store, ANONYMOUS, "conflicts", "graphml")


async def test_experience_gap_and_neighbourhood_exports(store: Store, tmp_path: Path) -> None:
    ids = await build_directory(store)
    await add_conflict(store, "Bassine de Poitiers", "IRRIGATION_RESERVOIR", "86194", 2023)
    gaps = read_csv(await export_bytes(store, "experience-gaps", "csv", {"conflictType": "WATER_WORKS"}))
    assert [(row["code"], row["uncovered"], row["uncoveredConflicts"]) for row in gaps] == [
        ("86", "1", "Bassine de Poitiers")
    ]
    with pytest.raises(ExportError, match="`conflictType` is required"):
        await open_export(store, ANONYMOUS, "experience-gaps", "csv", {})
    with pytest.raises(NotFoundError):
        await open_export(store, ANONYMOUS, "experience-gaps", "geojson", {"conflictType": "NOPE"})
    where = {"id": ids["brest"], "depth": "1", "types": "COOPERATES_WITH,BASED_IN"}
    path = tmp_path / "around.graphml"
    path.write_bytes(await export_bytes(store, "neighbourhood", "graphml", where))
    graph = nx.read_graphml(path)
    assert set(graph.nodes) == {ids["brest"], ids["council"], ids["niort"], "COMMUNE-29019"}
    assert graph.nodes["COMMUNE-29019"]["label"] == "Brest"
    assert graph.nodes["COMMUNE-29019"]["labels"] == "Territory"
    assert graph.edges[ids["brest"], "COMMUNE-29019"]["label"] == "BASED_IN"
    assert "email" not in graph.nodes[ids["brest"]]
    features = json.loads(await export_bytes(store, "neighbourhood", "geojson", where))
    check_feature_collection(features)
    assert {item["properties"]["depth"] for item in features["features"]} == {0, 1}


async def test_http_download_streams_with_roles_and_clear_errors(
    client: httpx.AsyncClient, store: Store, api_key: ApiKey
) -> None:
    ids = await build_directory(store)
    response = await client.get("/export/actors.csv", params={"departement": "29"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="actors.csv"'
    rows = read_csv(response.content)
    assert {row["id"] for row in rows} == {ids["brest"], ids["council"]}
    assert "email" not in rows[0]
    reader = await client.get("/export/actors.csv", headers={"Authorization": f"Bearer {await api_key('reader')}"})
    assert {row["id"]: row["email"] for row in read_csv(reader.content)}[ids["brest"]] == "contact@ecluse.example.fr"
    geo = await client.get("/export/actors.geojson")
    assert geo.headers["content-type"] == "application/geo+json"
    check_feature_collection(geo.json())
    cases = [
        ("/export/actors.csv?kind=MAIRIE", {}, 400, "BAD_USER_INPUT"),
        ("/export/conflicts.graphml", {}, 400, "BAD_USER_INPUT"),
        ("/export/people.csv", {}, 400, "BAD_USER_INPUT"),
        ("/export/actors", {}, 400, "BAD_USER_INPUT"),
        ("/export/conflicts.csv?conflictType=EOLIEN", {}, 404, "NOT_FOUND"),
        ("/export/actors.csv", {"Authorization": "Bearer nope"}, 401, "UNAUTHENTICATED"),
    ]
    for url, headers, status, code in cases:
        failed = await client.get(url, headers=headers)
        assert (url, failed.status_code) == (url, status)
        assert failed.json()["errors"][0]["extensions"]["code"] == code


async def _run_cli(settings: Settings, *args: str) -> tuple[int, str, str, int]:
    """Run `tec export` in a subprocess; return its exit code, output, errors and peak RSS (bytes)."""
    env = {**os.environ, "NEO4J_URI": settings.effective_neo4j_uri, "TEC_ENV": "test"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tec",
        "export",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    watched = psutil.Process(process.pid)
    peak = 0
    communicate = asyncio.ensure_future(process.communicate())
    while not communicate.done():
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.Error:
            break
        await asyncio.sleep(0.05)
    out, err = await communicate
    return process.returncode or 0, out.decode(), err.decode(), peak


async def test_cli_writes_the_file_or_nothing(store: Store, settings: Settings, tmp_path: Path) -> None:
    await build_directory(store)
    target = tmp_path / "actors.csv"
    code, out, err, _ = await _run_cli(
        settings, "--what", "actors", "--format", "csv", "--where", "departement=29", "--out", str(target)
    )
    assert (code, err) == (0, "")
    assert f"Exported 2 actors to {target}" in out
    assert {row["name"] for row in read_csv(target.read_bytes())} == {TRICKY_NAME, "Conseil départemental du Finistère"}
    refused = tmp_path / "refused.csv"
    code, out, err, _ = await _run_cli(
        settings, "--what", "actors", "--format", "csv", "--where", "kind=MAIRIE", "--out", str(refused)
    )
    assert code == 1
    assert "kind must be among" in err
    assert sorted(os.listdir(tmp_path)) == ["actors.csv"]  # no half-written file left behind
