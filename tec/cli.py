"""The `tec` command line: local Neo4j, migrations, imports, seeds, API keys, and the service itself."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn

from graph import ancestry, apikeys, audit, case_types
from graph.errors import GraphError, StoreUnavailable
from graph.migrations import SCHEMA_VERSION, migrate, missing
from graph.store import Store
from tec import (
    db_cli,
    export_cli,
    import_cli,
    neo4j_local,
    privacy_cli,
    reference_cli,
    schema_cli,
    seed_cli,
    webhook_cli,
)
from tec.logs import configure_logging
from tec.settings import Settings, SettingsError, get_settings

T = TypeVar("T")

app = typer.Typer(help="territoires-graph: the knowledge graph of « Territoires en commun ».", no_args_is_help=True)
neo4j_app = typer.Typer(help="A local Neo4j 5.26 Community (no Docker needed).", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys and their roles.", no_args_is_help=True)
import_app = typer.Typer(help="Bring data in: reference data and partner files.", no_args_is_help=True)
seed_app = typer.Typer(help="Generated networks: demo and scale.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(import_app, name="import")
import_app.command("territories")(reference_cli.import_territories)
import_app.command("taxonomy")(reference_cli.import_taxonomy)
import_app.command("partners")(import_cli.import_partners)
app.add_typer(seed_app, name="seed")
seed_app.command("demo")(seed_cli.seed_demo)
seed_app.command("scale")(seed_cli.seed_scale)
app.add_typer(db_app, name="db")
db_app.command("backup")(db_cli.db_backup)
db_app.command("restore")(db_cli.db_restore)
app.add_typer(privacy_cli.app, name="privacy")
audit_app = typer.Typer(help="The audit trail of writes.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(apikey_app, name="apikey")
app.command("export")(export_cli.export)
app.add_typer(schema_cli.app, name="schema")
app.add_typer(webhook_cli.app, name="webhook")


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return get_settings()
    except SettingsError as error:
        raise fail(str(error)) from None


def connect(settings: Settings) -> Store:
    store = Store.connect(
        settings.effective_neo4j_uri,
        settings.neo4j_user,
        settings.neo4j_password,
        database=settings.neo4j_database,
        tx_timeout=None,
        connect_timeout=settings.neo4j_connect_timeout,
        retry_seconds=30.0,
    )
    store.audit_retention_days = settings.audit_retention_days
    return store


def with_store(work: Callable[[Store], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `work` with a connected store (waiting for Neo4j briefly), mapping failures to one sentence."""
    settings = settings or settings_or_exit()

    async def main() -> T:
        store = connect(settings)
        try:
            await store.wait_until_ready(min(settings.neo4j_startup_wait, 30.0))
            with audit.acting_as("cli"):  # importers and seeds name themselves more precisely
                return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(main())
    except GraphError as error:
        unreachable = isinstance(error, StoreUnavailable) and not settings.neo4j_uri
        hint = " Start the local one with `tec neo4j start`." if unreachable else ""
        raise fail(f"{error}{hint}") from None


DataOption = Annotated[Path | None, typer.Option("--data", help="Data folder (default: TEC_NEO4J_DATA).")]
PortOption = Annotated[int | None, typer.Option("--bolt-port", help="Bolt port (default: TEC_NEO4J_BOLT_PORT).")]


@neo4j_app.command("start")
def neo4j_start(data: DataOption = None, bolt_port: PortOption = None) -> None:
    """Start the local Neo4j and return once Bolt answers (a second start reports the running one)."""
    settings = settings_or_exit()
    folder = data or settings.neo4j_local_data
    try:
        running, already = neo4j_local.start(
            folder,
            bolt_port or settings.neo4j_local_bolt_port,
            heap=settings.neo4j_local_heap,
            pagecache=settings.neo4j_local_pagecache,
        )
    except neo4j_local.LauncherError as error:
        raise fail(str(error)) from None
    verb = "already running" if already else "started"
    typer.echo(f"Neo4j {verb}: {running.uri} (pid {running.pid}, data {running.data})")


@neo4j_app.command("stop")
def neo4j_stop(data: DataOption = None) -> None:
    """Stop the local Neo4j (clean shutdown)."""
    settings = settings_or_exit()
    stopped = neo4j_local.stop(data or settings.neo4j_local_data)
    typer.echo(
        f"Neo4j stopped (pid {stopped.pid}, port {stopped.bolt_port} freed)" if stopped else "Neo4j was not running."
    )


@neo4j_app.command("status")
def neo4j_status(data: DataOption = None) -> None:
    """Say whether the local Neo4j runs, and where; exit code 3 when it does not."""
    settings = settings_or_exit()
    running = neo4j_local.status(data or settings.neo4j_local_data)
    if running is None:
        typer.echo("Neo4j is not running.")
        raise typer.Exit(3)
    typer.echo(f"Neo4j running: {running.uri} (pid {running.pid}, data {running.data}, log {running.log})")


@db_app.command("migrate")
def db_migrate(
    check: Annotated[
        bool, typer.Option("--check", help="Only say which migrations the database lacks; exit code 1 if any.")
    ] = False,
) -> None:
    """Create the constraints and indexes that are missing (idempotent); --check changes nothing."""
    if check:
        lacking = with_store(missing)
        if lacking:
            typer.echo(
                f"The database lacks {len(lacking)} migration(s) (this code is at schema version {SCHEMA_VERSION}):"
            )
            for migration in lacking:
                typer.echo(f"  {migration.version}: {migration.name}")
            typer.echo("Run `tec db migrate` to apply them (docs/operations.md says when, during an upgrade).")
            raise typer.Exit(1)
        typer.echo(f"Schema is up to date (version {SCHEMA_VERSION}).")
        return
    applied = with_store(migrate)
    typer.echo(f"Applied migrations: {', '.join(map(str, applied))}." if applied else "Schema is up to date.")


@audit_app.command("prune")
def audit_prune() -> None:
    """Delete the audit entries older than TEC_AUDIT_RETENTION_DAYS (writes also prune a few each)."""
    settings = settings_or_exit()

    async def work(store: Store) -> int:
        return await audit.prune(store, settings.audit_retention_days)

    deleted = with_store(work, settings)
    typer.echo(f"Deleted {deleted:,} audit entries older than {settings.audit_retention_days} days.")


@db_app.command("case-types")
def db_case_types(
    fix: Annotated[bool, typer.Option("--fix", help="Recompute every actor's list from its cases.")] = False,
) -> None:
    """Check each actor's case types (what matching trusts) against its cases; --fix recomputes them.

    Needed only after writes made around the service (a Neo4j console): its own writers keep them.
    """

    async def work(store: Store) -> tuple[case_types.Check, case_types.Check | None]:
        before = await case_types.check(store)
        if not fix or before.stale == 0:
            return before, None
        await case_types.recompute(store)
        return before, await case_types.check(store)

    before, after = with_store(work)
    if before.stale == 0:
        typer.echo(f"The case types of all {before.actors:,} actors match their cases.")
        return
    listed = ", ".join(before.examples)
    typer.echo(f"{before.stale:,} of {before.actors:,} actors have case types that differ from their cases: {listed}…")
    if after is None:
        raise fail("Matching may miss their cases far from the asked place: run `tec db case-types --fix`.")
    if after.stale:
        raise fail(f"Recomputed, but {after.stale:,} still differ (a write under way?): run it again.")
    typer.echo(f"Recomputed: the case types of all {after.actors:,} actors match their cases.")


@db_app.command("check")
def db_check(
    fix: Annotated[bool, typer.Option("--fix", help="Recompute the properties that differ from the graph.")] = False,
) -> None:
    """Check the properties kept at write time against the graph: each actor's case types (graph.case_types)
    and each record's territory ancestry (graph.ancestry); --fix recomputes what differs.

    Needed only after writes made around the service (a Neo4j console): its own writers keep them.
    Exit code 1 when something differs and --fix was not given (or did not fix it).
    """

    async def work(store: Store) -> tuple[list[tuple[str, int, int, list[str]]], list[tuple[str, int, int]] | None]:
        kinds = await case_types.check(store)
        places = await ancestry.check(store)
        found = [("Actor case types", kinds.actors, kinds.stale, kinds.examples)] + [
            (f"{c.label} territory ancestry", c.records, c.stale, c.examples) for c in places
        ]
        if not fix or not any(stale for _, _, stale, _ in found):
            return found, None
        if kinds.stale:
            await case_types.recompute(store)
        await ancestry.recompute(store, tuple(c.label for c in places if c.stale))
        kinds = await case_types.check(store)
        after = [("Actor case types", kinds.actors, kinds.stale)] + [
            (f"{c.label} territory ancestry", c.records, c.stale) for c in await ancestry.check(store)
        ]
        return found, after

    found, after = with_store(work)
    for what, records, stale, examples in found:
        if stale:
            typer.echo(f"{what}: {stale:,} of {records:,} differ from the graph: {', '.join(examples)}…")
        else:
            typer.echo(f"{what}: all {records:,} match the graph.")
    if not any(stale for _, _, stale, _ in found):
        return
    if after is None:
        raise fail(
            "Matching may miss cases and searches with a territory filter may miss records: run `tec db check --fix`."
        )
    left = [f"{what}: {stale:,}" for what, _, stale in after if stale]
    if left:
        raise fail(f"Recomputed, but some still differ (a write under way?): {'; '.join(left)}. Run it again.")
    typer.echo("Recomputed: every checked property matches the graph.")


@apikey_app.command("create")
def apikey_create(
    role: Annotated[str, typer.Option(help="reader, editor or admin.")],
    source: Annotated[str | None, typer.Option(help="Limit an editor to the records of this source.")] = None,
    actor: Annotated[str | None, typer.Option(help="Limit an editor to this actor (id).")] = None,
    label: Annotated[str, typer.Option(help="Who or what the key is for.")] = "",
    rate_limit: Annotated[
        int | None,
        typer.Option("--rate-limit", help="Requests per minute for this key (0: unlimited; default TEC_RATE_LIMIT)."),
    ] = None,
) -> None:
    """Create an API key; the token is shown once and never stored."""
    if role not in apikeys.ROLES:
        raise fail(f"--role must be one of {', '.join(apikeys.ROLES)}.")
    if rate_limit is not None and rate_limit < 0:
        raise fail("--rate-limit must be 0 (unlimited) or a number of requests per minute.")

    async def work(store: Store) -> tuple[str, apikeys.ApiKey]:
        await migrate(store)
        return await apikeys.create_api_key(
            store, role=role, label=label, source=source, actor_id=actor, rate_limit=rate_limit
        )

    token, key = with_store(work)
    limit = "" if key.rate_limit is None else f", {key.rate_limit or 'unlimited'} requests/min"
    typer.echo(f"API key {key.id} ({key.role}{limit}) created. Token (shown once, keep it safe):")
    typer.echo(token)


@apikey_app.command("list")
def apikey_list() -> None:
    """List API keys (never their tokens)."""
    keys = with_store(apikeys.list_api_keys)
    if not keys:
        typer.echo("No API keys.")
    for key in keys:
        scope = f" source={key.source}" if key.source else (f" actor={key.actor_id}" if key.actor_id else "")
        state = " REVOKED" if key.revoked else ""
        limit = "" if key.rate_limit is None else f" rate-limit={key.rate_limit or 'unlimited'}/min"
        typer.echo(f"{key.id}  {key.role:<6}{scope}{limit}  {key.label}  created {key.created_at}{state}")


@apikey_app.command("revoke")
def apikey_revoke(key_id: str) -> None:
    """Revoke an API key by id (it stops working at once)."""

    async def work(store: Store) -> bool:
        return await apikeys.revoke_api_key(store, key_id)

    if not with_store(work):
        raise fail(f"No API key has the id {key_id}; `tec apikey list` shows them.")
    typer.echo(f"API key {key_id} revoked.")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address (default TEC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TEC_PORT).")] = None,
) -> None:
    """Serve the GraphQL API (Neo4j must be reachable; see `tec up` to start everything)."""
    from tec.app import create_app

    settings = settings_or_exit()
    configure_logging(settings)
    uvicorn.run(
        create_app(settings),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
        log_config=None,  # uvicorn's records go through our handler (one line each, escaped)
        access_log=False,  # tec.logs.AccessLog writes one line per request instead
        server_header=False,
        proxy_headers=False,  # X-Forwarded-For is read by tec.ratelimits, from TEC_TRUSTED_PROXIES only
    )


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="Address (default TEC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TEC_PORT).")] = None,
) -> None:
    """Start everything: the local Neo4j (unless NEO4J_URI is set), schema, first-run data, the service."""
    settings = settings_or_exit()
    if settings.uses_local_neo4j:
        neo4j_start(None, None)
    from tec.bootstrap import first_run

    with_store(first_run, settings)
    base = f"http://{host or settings.host}:{port or settings.port}"
    typer.echo(f"Explorer: {base}/  ·  GraphiQL: {base}/graphql" if settings.serves_graphiql else f"Explorer: {base}/")
    serve(host, port)


@app.command()
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
        typer.Option(help="Comma-separated subset: matching, round-trips, directory, events, import (default: all)."),
    ] = None,
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
    if growth:
        from bench.growth import main as run_growth
        from importers.generator import MAX_SCALED_ACTORS, MIN_SCALED_ACTORS

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
    if network not in ("demo", "scale"):
        raise fail("--network must be demo or scale.")
    from bench.suite import PARTS

    parts = PARTS if only is None else tuple(part.strip() for part in only.split(",") if part.strip())
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise fail(f"--only takes {', '.join(PARTS)}; unknown: {', '.join(unknown)}.")
    from bench.suite import main as run_bench

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
    )


def main() -> None:
    app()
