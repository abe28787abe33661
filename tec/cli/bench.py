"""`tec bench`: the benchmark of `bench/` (docs/performance.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bench.peer import PeerMismatch, PeerUnavailable
from bench.suite import PARTS
from bench.suite import main as run_bench
from tec.cli.common import fail


def bench(
    network: Annotated[str, typer.Option(help="demo or scale.")] = "scale",
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the figures as JSON here.")] = None,
    fresh: Annotated[bool, typer.Option(help="Start from an empty database (measures the reference load).")] = False,
    matching_requests: Annotated[int, typer.Option(help="Timed experiencedActors requests.")] = 300,
    load_seconds: Annotated[float, typer.Option(help="Seconds of load per concurrency level.")] = 10.0,
    import_rows: Annotated[int, typer.Option(help="Rows of the partner-import benchmark.")] = 20_000,
    import_runs: Annotated[
        int, typer.Option(help="Times each partner import is measured against its ceiling (medians reported).")
    ] = 3,
    keep_neo4j: Annotated[bool, typer.Option(help="Leave the benchmark's Neo4j running afterwards.")] = False,
    only: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated subset: matching, round-trips, directory, events, import, outbox, peer (default: "
            "all but peer)."
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
) -> None:
    """Measure latency, throughput, round trips, import speed and memory (docs/performance.md)."""
    if network not in ("demo", "scale"):
        raise fail("--network must be demo or scale.")
    parts = PARTS if only is None else tuple(part.strip() for part in only.split(",") if part.strip())
    if "peer" in parts:  # `--only peer`: the side-by-side comparison alone
        peer, parts = True, tuple(part for part in parts if part != "peer")
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise fail(f"--only takes {', '.join(PARTS)}, peer; unknown: {', '.join(unknown)}.")
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
        )
    except (PeerMismatch, PeerUnavailable) as error:
        raise fail(str(error)) from None
