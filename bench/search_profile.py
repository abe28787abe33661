"""Database hits (PROFILE) and Neo4j time of search pages with a territory, kind or theme filter, against a
running Neo4j.

    python -m bench.search_profile bolt://127.0.0.1:7687 [--runs 20] [--builder old_listing.py] [--facets]

Asks the searches of `bench.growth` (directory, conflicts) and a few resource searches, each a page of
20 with its total, as the service builds them (`graph.listing.page_query`); with `--facets`, searches
with a kind or theme filter instead (`FACET_SEARCHES`, answered from the index since migration 33).
`--builder` takes another version of `graph/listing.py` (e.g. `git show e7e2f0f:graph/listing.py >
/tmp/old_listing.py`, the code before the territory ancestry) to profile the queries it built on the
same graph: that is how docs/performance.md compares before and after. The graph must be migrated
(schema 32 or later; 33 for `--facets`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.growth import CONFLICT_SEARCHES, DIRECTORY_SEARCHES, profiled_hits
from bench.runner import connect, latency_summary
from graph import listing
from graph.actors import ACTOR_LIST, ActorFilter
from graph.conflicts import CONFLICT_LIST, ConflictFilter
from graph.listing import ListSpec
from graph.projects import PROJECT_LIST, ProjectFilter
from graph.resources import RESOURCE_LIST, ResourceFilter

RESOURCE_SEARCHES: tuple[tuple[str, str], ...] = (("guide", "35"), ("concertation", "44"), ("eau", "69"))

Filters = ActorFilter | ConflictFilter | ProjectFilter | ResourceFilter
Question = tuple[str, ListSpec, Filters, str, str | None]

# Searches with a kind or theme filter, in all of France and in a territory (issue 17, item 2).
FACET_SEARCHES: tuple[Question, ...] = (
    ("directory", ACTOR_LIST, ActorFilter(kinds=("RESEAU",)), "association", None),
    ("directory", ACTOR_LIST, ActorFilter(kinds=("ASSOCIATION",)), "concertation", None),
    ("directory", ACTOR_LIST, ActorFilter(themes=("CONCERTATION",)), "concertation", None),
    ("directory", ACTOR_LIST, ActorFilter(themes=("WATER",)), "association", None),
    ("directory", ACTOR_LIST, ActorFilter(kinds=("ASSOCIATION",), themes=("WATER",)), "eau", "44"),
    ("projects", PROJECT_LIST, ProjectFilter(themes=("ENERGY",)), "projet", None),
    ("resources", RESOURCE_LIST, ResourceFilter(kinds=("GUIDE",)), "concertation", None),
    ("resources", RESOURCE_LIST, ResourceFilter(themes=("WATER",)), "eau", None),
)


def load_builder(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("listing_under_test", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


async def profile(uri: str, runs: int, builder: ModuleType, facets: bool = False) -> list[dict[str, Any]]:
    store = connect(uri)
    rows: list[dict[str, Any]] = []
    try:
        questions: list[Question] = (
            list(FACET_SEARCHES)
            if facets
            else [
                *(("directory", ACTOR_LIST, ActorFilter(), w, t) for w, t in DIRECTORY_SEARCHES),
                *(("conflicts", CONFLICT_LIST, ConflictFilter(), w, t) for w, t in CONFLICT_SEARCHES),
                *(("resources", RESOURCE_LIST, ResourceFilter(), w, t) for w, t in RESOURCE_SEARCHES),
            ]
        )
        for part, spec, filters, words, territory in questions:
            request = builder.ListRequest(first=20, search=words, area=territory, with_total=True, timestamps=False)
            if hasattr(builder, "Facet"):
                filters.where().apply(request)
            else:  # a builder from before the facets (migration 33): every filter is a clause
                clauses, params = filters.clauses()
                request.clauses, request.params = list(clauses), dict(params)
            # the current builder's name, or `build` in a version from before the renames (issue 16)
            page_query = getattr(builder, "page_query", None) or builder.build
            query, values, _ = page_query(spec, request)
            result = await store.read("bench.searchProfile", query, values)
            for _ in range(2):
                await store.read("bench.searchProfile", query, values)
            samples: list[float] = []
            for _ in range(runs):
                started = time.perf_counter()
                await store.read("bench.searchProfile", query, values)
                samples.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "part": part,
                    "search": words,
                    "territory": territory,
                    "total": result[0]["total"],
                    "ids": _page_ids(result),
                    "db_hits": await profiled_hits(store, query, values),
                    **latency_summary(samples),
                }
            )
            row = rows[-1]
            print(
                f"{row['part']:9} {row['search']!r:16} in {row['territory'] or 'FR':>3} "
                f"{_described(filters):24}: total {row['total']:>5}, "
                f"db hits {row['db_hits']:>9,}, p50 {row['p50_ms']:7.1f} ms, first ids {row['ids'][:3]}",
                flush=True,
            )
    finally:
        await store.close()
    return rows


def _page_ids(records: list[dict[str, Any]]) -> list[str]:
    """The ids of a page as any version of the builder returns it: records with `items` (the current
    builder: up to 25 a record), or one record per `item`; each node a map, or [key, value] pairs."""
    if "items" in records[0]:
        items = [item for record in records for item in record["items"]]
    else:
        items = [r["item"] for r in records if r["item"] is not None]
    return [str(dict(item["node"])["id"]) for item in items]


def _described(filters: Filters) -> str:
    kinds = getattr(filters, "kinds", ())
    themes = getattr(filters, "themes", ())
    return " ".join([*(f"kind={k}" for k in kinds), *(f"theme={t}" for t in themes)])


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uri")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--builder", type=Path, default=None, help="another version of graph/listing.py")
    parser.add_argument("--facets", action="store_true", help="searches with a kind or theme filter")
    args = parser.parse_args(argv)
    builder = load_builder(args.builder) if args.builder else listing
    asyncio.run(profile(args.uri, args.runs, builder, args.facets))


if __name__ == "__main__":
    main(sys.argv[1:])
