"""First run: schema, reference data and demo data, each loaded only when missing."""

from __future__ import annotations

import logging
import time

from graph import warmup
from graph.bulk import count_nodes
from graph.migrations import migrate
from graph.store import Store
from graph.taxonomy import taxonomy_counts
from graph.territories import territory_counts
from importers.territories import load_missing_reference_data
from synthetic.generator import DEMO
from synthetic.seeding import SeedRefused, seed_network

log = logging.getLogger(__name__)


async def first_run(store: Store) -> None:
    """Bring an empty database to a usable state; on a loaded one, only apply new migrations."""
    applied = await migrate(store)
    if applied:
        print(f"Schema migrations applied: {', '.join(map(str, applied))}")
    started = time.perf_counter()
    if await load_missing_reference_data(store):
        places, taxonomy = await territory_counts(store), await taxonomy_counts(store)
        print(
            f"Reference data loaded in {time.perf_counter() - started:.1f} s: {places.territories} territories, "
            f"{places.part_of} PART_OF, {places.neighbour_of} NEIGHBOUR_OF, "
            f"{taxonomy['conflictTypes']} conflict types, {taxonomy['themes']} themes"
        )
        # the load changed the schema and the statistics Neo4j planned the import's queries with at its start
        started = time.perf_counter()
        if await warmup.warm_up_after_load(store) is not None:
            print(f"Import queries planned for the loaded graph in {time.perf_counter() - started:.1f} s")
    if await count_nodes(store, "Actor") == 0:
        try:
            report = await seed_network(store, DEMO)
        except SeedRefused as error:
            print(f"Demo data not loaded: {error}")
        else:
            print(f"Demo data loaded: {report.summary()}")
