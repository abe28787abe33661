"""`tec bench`: the benchmark of `bench/` (docs/performance.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from synthetic.generator import MAX_SCALED_ACTORS, MIN_SCALED_ACTORS
from tec.cli.common import fail


def bench(
    network: Annotated[
        str,
        typer.Option(
            help="demo, scale, or reference (the reference data alone, for --only first-import or --only import)."
        ),
    ] = "scale",
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON here.")] = None,
    fresh: Annotated[bool, typer.Option(help="Start from an empty database (measures the reference load).")] = False,
    matching_requests: Annotated[int, typer.Option(help="Timed experiencedActors requests.")] = 300,
    load_seconds: Annotated[float, typer.Option(help="Seconds of load per concurrency level.")] = 10.0,
    import_rows: Annotated[int, typer.Option(help="Rows of the partner-import benchmark.")] = 20_000,
    import_runs: Annotated[
        int,
        typer.Option(
            help="Times each partner import is measured against its ceiling (medians reported; the first pair "
            "of a run is the odd one, docs/performance.md)."
        ),
    ] = 5,
    keep_neo4j: Annotated[bool, typer.Option(help="Leave the benchmark's Neo4j running afterwards.")] = False,
    only: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated subset: matching, round-trips, directory, events, import, first-import, outbox, "
            "peer (default: all but peer)."
        ),
    ] = None,
    peer: Annotated[
        bool,
        typer.Option(
            help="Also measure side by side with @neo4j/graphql (bench/peer/, needs Node.js 20+ and npm): "
            "the searches with a territory and experiencedActors, after checking both give the same answers."
        ),
    ] = False,
    peer_rounds: Annotated[int, typer.Option(help="Interleaved rounds of each peer comparison.")] = 5,
    peer_workers: Annotated[
        int,
        typer.Option(
            min=1,
            max=64,
            help="Processes on each side of the peer comparison: the service's TEC_WORKERS and the peer's "
            "Node processes (node:cluster).",
        ),
    ] = 1,
    warm_up: Annotated[
        bool,
        typer.Option(
            "--warm-up/--no-warm-up",
            help="Warm the benchmark's Neo4j up when the benchmark starts it, as `tec neo4j start` does "
            "(--no-warm-up: the first import meets a cold JVM).",
        ),
    ] = True,
    growth: Annotated[
        bool,
        typer.Option(
            "--growth",
            help="Instead of the suite: directory search, conflict search and matching on the scale network at "
            "several sizes (latency and db hits per size; each size seeded once in var/bench-growth-N).",
        ),
    ] = False,
    growth_sizes: Annotated[
        str, typer.Option("--growth-sizes", help="Comma-separated numbers of actors for --growth.")
    ] = "3000,50000,200000",
    growth_runs: Annotated[int, typer.Option("--growth-runs", help="Timed runs per question for --growth.")] = 30,
) -> None:
    """Measure latency, throughput, round trips, import speed and memory (docs/performance.md)."""
    # Imported here, not on top: the benchmark pulls in the app and its schema, which every other `tec`
    # command would otherwise load at start (a second of each cron job and each command of docs/operations.md).
    from bench.growth import main as run_growth
    from bench.peer import PeerMismatch, PeerUnavailable
    from bench.suite import NETWORKS, PARTS
    from bench.suite import main as run_bench

    if growth:
        try:
            sizes = tuple(int(part.replace("_", "")) for part in growth_sizes.split(",") if part.strip())
        except ValueError:
            raise fail("--growth-sizes takes numbers of actors separated by commas, e.g. 3000,50000.") from None
        if not sizes or any(not MIN_SCALED_ACTORS <= size <= MAX_SCALED_ACTORS for size in sizes):
            raise fail(f"--growth-sizes: each size must be {MIN_SCALED_ACTORS:,} to {MAX_SCALED_ACTORS:,} actors.")
        if growth_runs < 1:
            raise fail("--growth-runs must be at least 1.")
        run_growth(json_path, sizes, growth_runs)
        return
    if network not in NETWORKS:
        raise fail(f"--network must be {', '.join(NETWORKS[:-1])} or {NETWORKS[-1]}.")
    parts = PARTS if only is None else tuple(part.strip() for part in only.split(",") if part.strip())
    if "peer" in parts:  # `--only peer`: the side-by-side comparison alone
        peer, parts = True, tuple(part for part in parts if part != "peer")
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise fail(f"--only takes {', '.join(PARTS)}, peer; unknown: {', '.join(unknown)}.")
    if network == "reference" and (peer or set(parts) - {"import", "first-import"}):
        raise fail("--network reference holds no network to search: use it with --only first-import or --only import.")
    if peer_rounds < 1:
        raise fail("--peer-rounds must be at least 1.")
    try:
        run_bench(
            network,
            json_path,
            fresh=fresh,
            matching_requests=matching_requests,
            load_seconds=load_seconds,
            import_rows=import_rows,
            import_runs=import_runs,
            keep_neo4j=keep_neo4j,
            parts=parts,
            peer=peer,
            peer_rounds=peer_rounds,
            peer_workers=peer_workers,
            warm_up=warm_up,
        )
    except (PeerMismatch, PeerUnavailable) as error:
        raise fail(str(error)) from None
