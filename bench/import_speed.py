"""A quick measure of import speed: a synthetic RNA waldec file on the real communes, imported and removed.

    python -m bench.import_speed --rows 100000

Connects like the CLI (NEO4J_URI, or the local Neo4j), needs the reference data loaded, imports the
file under a throw-away source (`speed-check`) with the `rna-waldec` preset, prints rows per second and
the CPU seconds spent by this process, then deletes what it wrote. The benchmark calls `import_file`
the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import resource
import tempfile
import time
from pathlib import Path

from graph import bulk
from graph import imports as graph_imports
from graph.store import Store
from importers.partners import DEFAULT_BATCH_SIZE, import_file
from tec.connection import connect
from tec.settings import get_settings

SOURCE = "speed-check"
_HEADER = (
    "id;id_ex;siret;rup_mi;gestion;date_creat;date_decla;date_publi;date_disso;nature;groupement;titre;titre_court;"
    "objet;objet_social1;objet_social2;adrs_complement;adrs_numvoie;adrs_repetition;adrs_typevoie;adrs_libvoie;"
    "adrs_distrib;adrs_codeinsee;adrs_codepostal;adrs_libcommune;adrg_declarant;adrg_complemid;adrg_complemgeo;"
    "adrg_libvoie;adrg_distrib;adrg_codepostal;adrg_achemine;adrg_pays;dir_civilite;siteweb;publiweb;observation;"
    "position;maj_time"
)
_COLUMNS = _HEADER.split(";")
_OBJECTS = (
    "préserver la ressource en eau et ses usages partagés",
    "accompagner la concertation autour des projets d'aménagement",
    "favoriser la participation des habitants aux décisions locales",
)


def write_waldec(path: Path, communes: list[tuple[str, str]], rows: int, seed: int = 7) -> None:
    """`rows` active associations in the waldec layout, spread over `communes` ((code, name) pairs)."""
    rnd = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(_COLUMNS)
        for number in range(rows):
            code, name = communes[rnd.randrange(len(communes))]
            row = dict.fromkeys(_COLUMNS, "")
            row.update(
                id=f"W{number:09d}",
                titre=f"ASSOCIATION {number} DE {name.upper()}",
                objet=_OBJECTS[number % len(_OBJECTS)],
                date_creat=f"{rnd.randint(1950, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                date_disso="0001-01-01",
                adrs_codeinsee=code,
                adrs_libcommune=name.upper(),
                position="A",
                siret="" if number % 3 else f"{rnd.randrange(10**13, 10**14)}",
            )
            writer.writerow([row[column] for column in _COLUMNS])


async def measure(store: Store, rows: int, batch_size: int = DEFAULT_BATCH_SIZE) -> str:
    communes = [(code, name) for code, name, _ in await graph_imports.communes(store)]
    if not communes:
        return "No communes in the graph: run `tec import territories` first."
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "waldec.csv"
        write_waldec(path, communes, rows)
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        summary = await import_file(store, path, "rna-waldec", SOURCE, batch_size=batch_size)
        seconds = time.perf_counter() - started
        used = resource.getrusage(resource.RUSAGE_SELF)
    python_cpu = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    await bulk.delete_source(store, SOURCE)
    return (
        f"{summary.created} actors created from {summary.read} rows in {seconds:.1f} s: "
        f"{summary.read / seconds:,.0f} rows/s (this process used {python_cpu:.1f} CPU s)"
    )


async def _measure_connected(rows: int, batch_size: int) -> str:
    store = connect(get_settings())
    try:
        await store.wait_until_ready(30.0)
        return await measure(store, rows, batch_size)
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure partner import speed on synthetic RNA rows.")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args()
    print(asyncio.run(_measure_connected(args.rows, args.batch_size)))


if __name__ == "__main__":
    main()
