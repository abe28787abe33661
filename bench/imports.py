"""Import speed against its ceiling (`tec bench`, part `import`).

The ceiling of an import is what Neo4j needs at the least to write the same rows: the creating
queries of `graph.imports.upsert_batch` alone (`graph.imports.create_batch`), in the same batches,
one transaction at a time, fed rows the importer prepared beforehand (no reading, no mapping, no
look-up). The full import (`importers.partners.import_file`) reads the file, maps and checks every
row, looks up what the source already holds and writes. Both run on the same file, one after the
other, several times (ceiling, import, ceiling, import, …) so that both see the same moments of a
machine whose speed drifts; each is deleted once measured, so every run starts from the same graph.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any

from graph import imports as graph_imports
from graph.bulk import delete_source
from graph.store import Store
from importers.partners import DEFAULT_BATCH_SIZE, import_file, prepared_rows, resolve_mapping


async def timed_import(store: Store, path: Path, preset: str, rows: int, source: str) -> dict[str, Any]:
    """One full import of `path`, timed, then deleted."""
    started = time.perf_counter()
    summary = await import_file(store, path, preset, source=source)
    seconds = time.perf_counter() - started
    await delete_source(store, source)
    return {
        "rows": rows,
        "created": summary.created,
        "rejected": summary.rejected,
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
    }


async def write_as_new(store: Store, path: Path, preset: str, source: str) -> tuple[int, float]:
    """The rows an import of `path` writes, prepared first, then written by the creating queries alone
    into `source` (which must hold none of them): (records created, seconds spent writing)."""
    spec = resolve_mapping(preset).source
    network, batches = await prepared_rows(store, path, preset, source, batch_size=DEFAULT_BATCH_SIZE)
    created = sum(len(batch.actors) + len(batch.conflicts) for batch in batches) + (network is not None)
    started = time.perf_counter()
    await graph_imports.ensure_source(store, source, spec.kind, spec.licence)
    if network is not None:
        await graph_imports.create_batch(store, source, actors=[network])
    for batch in batches:
        await graph_imports.create_batch(store, source, actors=batch.actors, conflicts=batch.conflicts)
    return created, time.perf_counter() - started


async def timed_ceiling(store: Store, path: Path, preset: str, rows: int, source: str) -> dict[str, Any]:
    """The creating queries alone on the rows an import of `path` writes: timed (not preparing them), deleted."""
    created, seconds = await write_as_new(store, path, preset, source)
    await delete_source(store, source)
    return {"rows": rows, "created": created, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds)}


async def import_against_ceiling(store: Store, path: Path, preset: str, rows: int, runs: int) -> dict[str, Any]:
    """`runs` pairs (ceiling, then import) on the same file: each run's figures, the medians and the ratio.

    `ratio` is the median import rate over the median ceiling rate; `ratios` the ratio of each pair
    (the spread a shared machine gives)."""
    stamp = int(time.time())
    ceilings: list[dict[str, Any]] = []
    imports: list[dict[str, Any]] = []
    for run in range(runs):
        ceilings.append(await timed_ceiling(store, path, preset, rows, f"bench-ceiling-{preset}-{stamp}-{run}"))
        imports.append(await timed_import(store, path, preset, rows, f"bench-{preset}-{stamp}-{run}"))
    ceiling_rate = statistics.median(run["rows_per_s"] for run in ceilings)
    import_rate = statistics.median(run["rows_per_s"] for run in imports)
    return {
        "preset": preset,
        "rows": rows,
        "runs": runs,
        "ceiling_rows_per_s": round(ceiling_rate),
        "import_rows_per_s": round(import_rate),
        "ratio": round(import_rate / ceiling_rate, 2),
        "ratios": [round(i["rows_per_s"] / c["rows_per_s"], 2) for c, i in zip(ceilings, imports, strict=True)],
        "ceiling_runs": ceilings,
        "import_runs": imports,
    }
