"""`tec bench`: run every measurement of issue 7 and write the figures (table + JSON)."""

from __future__ import annotations

import asyncio
import csv
import functools
import json
import random
import time
from pathlib import Path
from typing import Any

import httpx
from graphql import parse
from neo4j import RoutingControl

from bench.imports import import_against_ceiling, settle, timed_import
from bench.outbox import bench_outbox
from bench.runner import (
    DIRECTORY_QUERY,
    MATCHING_QUERY,
    Figures,
    KeepAliveClient,
    PeakRss,
    Service,
    concurrent_load,
    connect,
    latency_summary,
    machine_info,
    percentile,
    post,
    start_neo4j_warm,
    temp_dir,
)
from graph import benchmarks, warmup
from graph.bulk import count_nodes
from graph.matching import EXPERTS_QUERY, MatchingWeights, MatchRequest, match_params
from graph.migrations import migrate
from graph.near import Near
from graph.store import Store
from importers.reference import read_taxonomy, read_territory_snapshot
from importers.territories import load_missing_reference_data
from schema.matching import record_fields
from schema.selection import document_field_names
from synthetic.generator import DEMO, SCALE
from synthetic.seeding import seed_network
from tec import neo4j_local

# Places and types the matching benchmark cycles through (varied: dense and sparse areas, both families).
MATCH_CASES: tuple[tuple[str, float, float], ...] = (
    ("ONSHORE_WIND", 48.1118, -1.68189),  # Rennes
    ("IRRIGATION_RESERVOIR", 46.3237, -0.4588),  # Niort
    ("QUARRY", 45.764, 4.8357),  # Lyon
    ("HOUSING_ESTATE", 43.6047, 1.4442),  # Toulouse
    ("WATER_SHARING", 43.9493, 4.8055),  # Avignon
    ("SHORT_TERM_RENTALS", 43.2965, 5.3698),  # Marseille
    ("LOGISTICS_WAREHOUSE", 49.4432, 1.0999),  # Rouen
    ("ENERGY", 47.2184, -1.5536),  # Nantes
    ("NOISE", 50.6292, 3.0573),  # Lille
    ("GROUND_SOLAR", 44.8378, -0.5792),  # Bordeaux
)
# Every request is jittered up to ±0.05° (≈ 5 km) around its place so that no two ask the same question.
JITTER_DEGREES = 0.05
# `import` measures the first import, then the imports against their ceiling; `first-import` the first alone
PARTS = ("matching", "round-trips", "directory", "events", "import", "first-import", "outbox")
DIRECTORY_TERRITORIES: tuple[str | None, ...] = (None, "35", "44", "33", "69", "13", "59", "75", "31", "53")

ROLE_LABELS = (
    "médiation",
    "animation de la concertation",
    "autorité publique",
    "expertise technique",
    "expertise juridique",
    "maîtrise d'ouvrage",
    "opposition",
)
OUTCOME_LABELS = ("accord trouvé", "projet modifié", "projet abandonné", "décision de justice", "moratoire", "en cours")
KIND_LABELS = ("association", "bureau d'études", "collectivité", "médiateur indépendant", "réseau", "université")


def partner_file(path: Path, rows: int, seed: int = 7) -> Path:
    """A network-members JSON Lines file of `rows` members on real communes, like a partner's export."""
    rng = random.Random(seed)
    communes = [t for t in read_territory_snapshot().territories if t.level == "COMMUNE" and t.zone == "metro"]
    aliases = [alias for ct in read_taxonomy().conflict_types if ct.level == 3 for alias in ct.aliases]
    with path.open("w", encoding="utf-8") as out:
        for index in range(rows):
            seat = rng.choice(communes)
            references = []
            for ref in range(rng.randint(0, 3)):
                place = rng.choice(communes)
                label = rng.choice(aliases)
                references.append(
                    {
                        "titre": f"{label.capitalize()} à {place.name} ({ref + 1})",
                        "code_insee": place.code,
                        "annee": rng.randint(2005, 2026),
                        "type_conflit": label,
                        "role": rng.choice(ROLE_LABELS),
                        "issue": rng.choice(OUTCOME_LABELS),
                    }
                )
            member = {
                "identifiant": f"BENCH-{index:06d}",
                "nom": f"Membre {index} de {seat.name}",
                "type": rng.choice(KIND_LABELS),
                "siege": {"code_insee": seat.code, "commune": seat.name},
                "competences": ["médiation"],
                "accepte_mecenat": rng.random() < 0.3,
                "references": references,
            }
            out.write(json.dumps(member, ensure_ascii=False) + "\n")
    return path


RNA_COLUMNS = (  # the waldec export's header, in its order
    *("id", "id_ex", "siret", "rup_mi", "gestion", "date_creat", "date_decla", "date_publi", "date_disso"),
    *("nature", "groupement", "titre", "titre_court", "objet", "objet_social1", "objet_social2"),
    *("adrs_complement", "adrs_numvoie", "adrs_repetition", "adrs_typevoie", "adrs_libvoie", "adrs_distrib"),
    *("adrs_codeinsee", "adrs_codepostal", "adrs_libcommune", "adrg_declarant", "adrg_complemid"),
    *("adrg_complemgeo", "adrg_libvoie", "adrg_distrib", "adrg_codepostal", "adrg_achemine", "adrg_pays"),
    *("dir_civilite", "siteweb", "publiweb", "observation", "position", "maj_time"),
)
RNA_OBJECTS = (
    "préserver la ressource en eau et ses usages partagés",
    "suivre le projet de carrière et ses impacts",
    "animer un tiers-lieu et des ateliers de démocratie locale",
    "promouvoir une agriculture compatible avec les riverains",
    "défendre le cadre de vie face au projet éolien",
)


def rna_file(path: Path, rows: int, seed: int = 11) -> Path:
    """An RNA waldec extract of `rows` active associations on real communes (';', Windows-1252, as shipped)."""
    rng = random.Random(seed)
    communes = [t for t in read_territory_snapshot().territories if t.level == "COMMUNE" and t.zone == "metro"]
    with path.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(RNA_COLUMNS)
        for index in range(rows):
            seat = rng.choice(communes)
            year = rng.randint(1990, 2025)
            created = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            values = dict.fromkeys(RNA_COLUMNS, "")
            values.update(
                id=f"W{index:09d}",
                siret=str(rng.randrange(10**13, 10**14)) if rng.random() < 0.4 else "",
                date_creat=created,
                date_decla=created,
                date_disso="0001-01-01",
                titre=f"ASSOCIATION {index} DE {seat.name.upper()}",
                objet=rng.choice(RNA_OBJECTS),
                adrs_codeinsee=seat.code,
                adrs_libcommune=seat.name.upper(),
                adrg_pays="FRANCE",
                position="A",
                maj_time="2026-03-01 10:12:00",
            )
            writer.writerow(values.values())
    return path


async def load_network(store: Store, network: str, figures: Figures) -> None:
    await migrate(store)
    started = time.perf_counter()
    reports = await load_missing_reference_data(store)
    if reports:
        figures.add("reference_load_s", round(time.perf_counter() - started, 1))
        started = time.perf_counter()  # as a first run does (tec.cli.bootstrap): the import planned for the new graph
        await warmup.warm_up_after_load(store)
        figures.add("warm_up_after_load_s", round(time.perf_counter() - started, 1))
    else:
        figures.add("reference_load_s", "already loaded (use --fresh to measure)")
    if network != "reference" and await count_nodes(store, "Actor") == 0:
        size = SCALE if network == "scale" else DEMO
        report = await seed_network(store, size)
        figures.add(
            "network_load",
            {
                "rows": report.rows,
                "seconds": round(report.write_seconds, 1),
                "rows_per_s": round(report.rows_per_second),
            },
        )
    figures.add("network", await benchmarks.network_counts(store))


NETWORKS = ("demo", "scale", "reference")  # `reference`: the reference data alone (the first import into it)


def match_variables(index: int) -> dict[str, Any]:
    """The `index`-th matching question: the places cycle, each jittered deterministically."""
    conflict_type, lat, lon = MATCH_CASES[index % len(MATCH_CASES)]
    jitter = random.Random(index)
    return {
        "type": conflict_type,
        "lat": round(lat + jitter.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5),
        "lon": round(lon + jitter.uniform(-JITTER_DEGREES, JITTER_DEGREES), 5),
    }


def directory_variables(first: int) -> Any:
    def make(index: int) -> dict[str, Any]:
        return {"first": first, "territory": DIRECTORY_TERRITORIES[index % len(DIRECTORY_TERRITORIES)]}

    return make


@functools.cache
def matching_projection() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The actor and case properties the service fetches for MATCHING_QUERY (its resolver's projection)."""
    return record_fields(document_field_names(parse(MATCHING_QUERY)))


def match_request(index: int) -> MatchRequest:
    """The `index`-th matching question as the graph layer takes it (what MATCHING_QUERY asks over HTTP)."""
    variables = match_variables(index)
    actor_fields, case_fields = matching_projection()
    return MatchRequest(
        near=Near(lat=variables["lat"], lon=variables["lon"]),
        radius_km=50.0,
        conflict_type=variables["type"],
        first=10,
        widen_to_km=200.0,
        timestamps=False,  # what the HTTP question asks for: no createdAt/updatedAt,
        places=False,  # no evidence place,
        bases=False,  # no base commune
        actor_fields=actor_fields,  # only the properties the document shows
        case_fields=case_fields,
        case_types=False,  # nor a case's type (its code only)
    )


async def raw_match(store: Store, index: int, weights: MatchingWeights) -> None:
    """The floor: the service's Cypher with the service's parameters, straight through the driver's
    `execute_query` (as its manual shows a read), records left as the driver returns them."""
    await store.driver.execute_query(
        EXPERTS_QUERY,
        match_params(match_request(index), weights),
        routing_=RoutingControl.READ,
        database_=store.database,
    )


# Questions asked before the measured ones. Neo4j's JVM compiles the query's hot paths over the first
# few hundred executions after a start: through the driver, p50 23 ms over the first 100 questions,
# 18-20 ms up to 400, 14-16 ms after (docs/performance.md, "Matching"). The figures are of a running
# service; the warm-up's own p50s are reported too (`matching_warmup`).
MATCHING_WARMUP = 300


async def bench_matching(store: Store, url: str, figures: Figures, count: int, warmup: int = MATCHING_WARMUP) -> None:
    """Each question over HTTP and through the driver, one right after the other (which goes first
    alternates), so both figures see the same moment of a machine whose speed drifts."""
    client = KeepAliveClient(url)
    weights = MatchingWeights()
    http_ms: list[float] = []
    driver_ms: list[float] = []
    warm: dict[str, list[float]] = {"http": [], "driver": []}
    service: dict[str, list[float]] = {"db": [], "total": []}
    try:
        for index in range(warmup + count):
            for step in ("http", "driver") if index % 2 == 0 else ("driver", "http"):
                started = time.perf_counter()
                if step == "http":
                    timing = client.post(MATCHING_QUERY, match_variables(index))
                else:
                    await raw_match(store, index, weights)
                elapsed = (time.perf_counter() - started) * 1000
                if index < warmup:
                    warm[step].append(elapsed)
                    continue
                (http_ms if step == "http" else driver_ms).append(elapsed)
                if step == "http":
                    for name, values in service.items():
                        values.append(timing[name])
    finally:
        client.close()
    figures.add(
        "matching_warmup",
        {"n": warmup, **{f"{step}_p50_ms": round(percentile(values, 50), 2) for step, values in warm.items()}},
    )
    http = latency_summary(http_ms)
    driver = latency_summary(driver_ms)
    figures.add("matching_http", http)
    figures.add("matching_driver", driver)
    figures.add("matching_overhead_ratio_p50", round(http["p50_ms"] / driver["p50_ms"], 2))
    # the service's own Server-Timing: its Neo4j call (as the driver figure) and its whole handling
    figures.add("matching_service_p50_ms", {name: round(percentile(values, 50), 2) for name, values in service.items()})


async def _directory_runs(service: Service, seconds: float) -> tuple[list[dict[str, float]], float]:
    runs = []
    with PeakRss(service) as rss:
        for clients in (1, 8, 32):
            await concurrent_load(service.url, DIRECTORY_QUERY, directory_variables(20), clients, 3)  # warm-up
            runs.append(await concurrent_load(service.url, DIRECTORY_QUERY, directory_variables(20), clients, seconds))
    return runs, rss.peak


async def bench_directory(service: Service, figures: Figures, seconds: float) -> None:
    """The directory under load with the response cache (the service as configured: on by default),
    then on a second service with the cache off, which shows what every miss costs."""
    runs, peak = await _directory_runs(service, seconds)
    figures.add("directory", runs)
    figures.add("service_peak_rss_mb", round(peak, 1))
    uncached = Service(service.neo4j_uri, neo4j_local.free_port(), {"TEC_RESPONSE_CACHE": "false"})
    try:
        runs, peak = await _directory_runs(uncached, seconds)
    finally:
        uncached.stop()
    figures.add("directory_cache_off", runs)
    figures.add("service_peak_rss_mb_cache_off", round(peak, 1))


async def bench_round_trips(url: str, figures: Figures) -> None:
    """Round trips of a directory page on a miss (first time asked) at two page sizes, then on a hit."""
    trips: dict[str, Any] = {}
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        for first in (5, 100):
            response = await post(client, DIRECTORY_QUERY, {"first": first, "territory": None})
            trips[f"first_{first}"] = int(response.headers["x-db-round-trips"])
            trips[f"first_{first}_cache"] = response.headers.get("x-cache", "off")
        for _ in range(2):  # kept from its second time (that miss reads the revision inside its page query)
            response = await post(client, DIRECTORY_QUERY, {"first": 100, "territory": None})
        trips["repeated"] = int(response.headers["x-db-round-trips"])
        trips["repeated_cache"] = response.headers.get("x-cache", "off")
    figures.add("directory_round_trips", trips)


FIRST_IMPORT_ROWS = 2_000


async def bench_first_import(
    store: Store, figures: Figures, network: str, fresh: bool, neo4j_pid: int | None = None
) -> None:
    """A 2,000-row RNA file as the first import since Neo4j started (and was warmed up, unless
    `--no-warm-up`). `database` says what the graph held: with `--network reference`, the reference
    data alone (the issue's "first import into a fresh database"); else the reference data and the
    network. Deleted once measured, so the database goes back to what it held."""
    first = rna_file(temp_dir() / "rna-waldec-first.csv", FIRST_IMPORT_ROWS, seed=13)
    source = f"bench-first-{int(time.time())}"
    await settle(neo4j_pid)  # the reference load or the seeding, just done, leaves Neo4j busy a while
    timed = await timed_import(store, first, "rna-waldec", FIRST_IMPORT_ROWS, source, neo4j_pid)
    held = "reference data only" if network == "reference" else f"reference data and the {network} network"
    figures.add("first_import", {**timed, "fresh_database": fresh, "database": held})


async def bench_import(
    store: Store, figures: Figures, rows: int, runs: int, fresh: bool, neo4j_pid: int | None = None
) -> None:
    """Two partner files of `rows` rows, each measured `runs` times against its ceiling
    (`bench.imports`): the RNA register (one association per row: the actor rows the target is about)
    and a network's members, each with 0-3 past cases (2.5 records per row)."""
    directory = temp_dir()
    register = rna_file(directory / "rna-waldec-bench.csv", rows)
    actor = await import_against_ceiling(store, register, "rna-waldec", rows, runs, neo4j_pid)
    members = partner_file(directory / "network-members-bench.jsonl", rows)
    partner = await import_against_ceiling(store, members, "network-members", rows, runs, neo4j_pid)
    figures.add("actor_import", _median_run(actor["import_runs"]))
    figures.add("partner_import", _median_run(partner["import_runs"]))
    ceiling = {"actor": _brief(actor), "partner": _brief(partner)}
    figures.add("import_ceiling", ceiling)
    figures.results["import_ceiling"] = {"actor": actor, "partner": partner}  # the JSON keeps every run


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda run: run["rows_per_s"])
    return ordered[(len(ordered) - 1) // 2]


def _brief(measure: dict[str, Any]) -> dict[str, Any]:
    keys = ("ceiling_rows_per_s", "import_rows_per_s", "ratio", "ratios", "cpu_s")
    return {key: measure[key] for key in keys}


def print_table(figures: Figures) -> None:
    r = figures.results
    directory = {run["clients"]: run for run in r.get("directory", [])}
    lines = [
        ("experiencedActors p50 over HTTP (ms)", r.get("matching_http", {}).get("p50_ms"), "≤ 30"),
        ("experiencedActors p95 / p99 over HTTP (ms)", _pair(r.get("matching_http")), ""),
        ("same Cypher and parameters through the driver p50 (ms)", r.get("matching_driver", {}).get("p50_ms"), ""),
        ("overhead HTTP / driver (p50)", r.get("matching_overhead_ratio_p50"), "≤ 1.2×"),
        ("  warm-up questions before those: p50 HTTP / driver (ms)", _warmup(r.get("matching_warmup")), ""),
    ]
    uncached = {run["clients"]: run for run in r.get("directory_cache_off", [])}
    for clients in (1, 8, 32):
        run = directory.get(clients, {})
        target = "≥ 200 req/s, p95 ≤ 100 ms" if clients == 8 else ""
        lines.append((f"directory page, {clients} clients: req/s, p95 ms", _rps(run), target))
    for clients in (1, 8, 32):
        lines.append((f"  same, response cache off, {clients} clients", _rps(uncached.get(clients, {})), ""))
    lines += [
        ("round trips per directory page (first 5 / 100)", _trips(r.get("directory_round_trips")), "equal, ≤ 4"),
        ("  same page asked again (cache hit)", (r.get("directory_round_trips") or {}).get("repeated"), ""),
        ("actor import rows/s (RNA register)", r.get("actor_import", {}).get("rows_per_s"), "≥ 10,000"),
        ("  its ceiling (creating queries alone), rows/s", _ceiling(r, "actor", "ceiling_rows_per_s"), ""),
        ("  import / ceiling (median; each run)", _ratio(r, "actor"), "≥ 0.8"),
        ("  network members with their cases, rows/s", r.get("partner_import", {}).get("rows_per_s"), ""),
        ("  their ceiling (creating queries alone), rows/s", _ceiling(r, "partner", "ceiling_rows_per_s"), ""),
        ("  import / ceiling (median; each run)", _ratio(r, "partner"), "≥ 0.8"),
        ("first import of 2,000 RNA rows (s)", r.get("first_import", {}).get("seconds"), "≤ 2"),
        ("  into a database holding", r.get("first_import", {}).get("database", "-"), ""),
        ("  Neo4j's warm-up after its start (s)", _warm_up_seconds(r.get("neo4j_start")), ""),
        ("event commit → subscriber p50 / p95 (ms)", _p50_p95(r.get("event_latency_subscriber")), ""),
        ("event commit → webhook p50 / p95 (ms)", _p50_p95(r.get("event_latency_webhook")), ""),
        ("reference data load (s)", r.get("reference_load_s"), "≤ 60"),
        ("  then the import's queries warmed up for the loaded graph (s)", r.get("warm_up_after_load_s"), ""),
        ("service peak RSS under load (MB)", r.get("service_peak_rss_mb"), "≤ 250"),
        ("  same, response cache off (MB)", r.get("service_peak_rss_mb_cache_off"), ""),
    ]
    if "peer" in r:
        from bench.peer import peer_table

        lines += peer_table(r["peer"])
    width = max(len(label) for label, _, _ in lines)
    print(f"\n{'figure'.ljust(width)}  {'measured':>22}  target")
    for label, value, target in lines:
        print(f"{label.ljust(width)}  {value!s:>22}  {target}")


def _ceiling(results: dict[str, Any], kind: str, key: str) -> Any:
    return results.get("import_ceiling", {}).get(kind, {}).get(key)


def _ratio(results: dict[str, Any], kind: str) -> str:
    measure = results.get("import_ceiling", {}).get(kind)
    return f"{measure['ratio']} ({', '.join(map(str, measure['ratios']))})" if measure else "-"


def _warmed(warmed: neo4j_local.Warmed | None) -> dict[str, Any] | None:
    if warmed is None:
        return None
    steps = warmed.report.seconds if warmed.report is not None else {}
    return {
        "seconds": round(warmed.seconds, 2),
        "error": warmed.error,
        "steps_s": {step: round(seconds, 3) for step, seconds in steps.items()},
    }


def _warm_up_seconds(start: dict[str, Any] | None) -> str:
    if not start or start.get("already_running"):
        return "- (Neo4j was already running)" if start else "-"
    warm = start.get("warm_up")
    if warm is None:
        return "- (--no-warm-up)"
    return f"{warm['seconds']}" if warm["error"] is None else f"failed: {warm['error']}"


def _warmup(warmup: dict[str, Any] | None) -> str:
    return f"{warmup['http_p50_ms']} / {warmup['driver_p50_ms']}" if warmup else "-"


def _pair(summary: dict[str, Any] | None) -> str:
    return f"{summary['p95_ms']} / {summary['p99_ms']}" if summary else "-"


def _p50_p95(summary: dict[str, Any] | None) -> str:
    return f"{summary['p50_ms']} / {summary['p95_ms']}" if summary else "-"


def _rps(run: dict[str, Any]) -> str:
    return f"{run['requests_per_s']} / {run['p95_ms']}" if run else "-"


def _trips(trips: dict[str, int] | None) -> str:
    return f"{trips['first_5']} / {trips['first_100']}" if trips else "-"


async def run_suite(
    network: str,
    *,
    fresh: bool,
    matching_requests: int,
    load_seconds: float,
    import_rows: int,
    import_runs: int = 5,
    parts: tuple[str, ...] = PARTS,
    peer: bool = False,
    peer_rounds: int = 5,
    peer_workers: int = 1,
    warm_up: bool = True,
) -> Figures:
    running, already, warmed = start_neo4j_warm(network, fresh, warm_up=warm_up)
    figures = Figures()
    figures.add("neo4j_start", {"already_running": already, "warm_up": _warmed(warmed)})
    store = connect(running.uri)
    try:
        figures.machine = machine_info(await benchmarks.server_version(store))
        print(f"Neo4j {figures.machine['neo4j']} at {running.uri}; network {network}", flush=True)
        await load_network(store, network, figures)
        if {"matching", "round-trips", "directory", "events"} & set(parts):  # `--only import` needs no service
            service = Service(running.uri, neo4j_local.free_port())
            try:
                if "matching" in parts:
                    await bench_matching(store, service.url, figures, matching_requests)
                if "round-trips" in parts:
                    await bench_round_trips(service.url, figures)
                if "directory" in parts:
                    await bench_directory(service, figures, load_seconds)
                if "events" in parts:
                    from bench.events import bench_events

                    await bench_events(store, service, figures, load_seconds)
            finally:
                service.stop()
        if peer:  # before the imports, which add records the peer would then have to search too
            from bench.peer import bench_peer

            await bench_peer(
                store,
                running.uri,
                figures,
                seconds=max(1.0, load_seconds / peer_rounds),
                rounds=peer_rounds,
                matching_requests=matching_requests,
                workers=peer_workers,
            )
        if "import" in parts or "first-import" in parts:
            await bench_first_import(store, figures, network, fresh, running.pid)
        if "import" in parts:
            await bench_import(store, figures, import_rows, import_runs, fresh, running.pid)
        if "outbox" in parts:
            figures.add("outbox", await bench_outbox(store))
    finally:
        await store.close()
    return figures


def main(
    network: str,
    json_path: Path | None,
    *,
    fresh: bool = False,
    matching_requests: int = 300,
    load_seconds: float = 10.0,
    import_rows: int = 20_000,
    import_runs: int = 5,
    keep_neo4j: bool = False,
    parts: tuple[str, ...] = PARTS,
    peer: bool = False,
    peer_rounds: int = 5,
    peer_workers: int = 1,
    warm_up: bool = True,
) -> Figures:
    try:
        figures = asyncio.run(
            run_suite(
                network,
                fresh=fresh,
                matching_requests=matching_requests,
                load_seconds=load_seconds,
                import_rows=import_rows,
                import_runs=import_runs,
                parts=parts,
                peer=peer,
                peer_rounds=peer_rounds,
                peer_workers=peer_workers,
                warm_up=warm_up,
            )
        )
    finally:
        if not keep_neo4j:
            from bench.runner import bench_data_dir

            neo4j_local.stop(bench_data_dir(network))
    print_table(figures)
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"network": network, "machine": figures.machine, "results": figures.results}
        json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
        print(f"\nWritten to {json_path}")
    return figures
