"""`tec serve` and `tec up`: the service, and everything it needs on a first run."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from graph.migrations import migrate
from tec.app.logs import configure_logging
from tec.cli.bootstrap import first_run
from tec.cli.common import settings_or_exit, with_store
from tec.cli.neo4j import neo4j_start


def serve(
    host: Annotated[str | None, typer.Option(help="Address (default TEC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TEC_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Service processes sharing the port (default TEC_WORKERS).")
    ] = None,
) -> None:
    """Serve the GraphQL API (Neo4j must be reachable; see `tec up` to start everything)."""
    settings = settings_or_exit()
    configure_logging(settings)
    options = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level,
        "log_config": None,  # uvicorn's records go through our handler (one line each, escaped)
        "access_log": False,  # tec.app.logs.AccessLog writes one line per request instead
        "server_header": False,
        "proxy_headers": False,  # X-Forwarded-For is read by tec.app.ratelimits, from TEC_TRUSTED_PROXIES only
    }
    processes = workers or settings.workers
    if processes == 1:
        from tec.app.main import create_app  # here, not on top: the other `tec` commands start without the app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return
    # Several processes: each imports the app factory and builds its own app from the same environment
    # (settings, Neo4j connections, response cache). Migrations run here once, before they start.
    with_store(migrate, settings)
    uvicorn.run("tec.app.main:create_app_from_environment", factory=True, workers=processes, **options)  # type: ignore[arg-type]


def up(
    host: Annotated[str | None, typer.Option(help="Address (default TEC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TEC_PORT).")] = None,
) -> None:
    """Start everything: the local Neo4j (unless NEO4J_URI is set), schema, first-run data, the service."""
    settings = settings_or_exit()
    if settings.uses_local_neo4j:
        neo4j_start(None, None)
    with_store(first_run, settings)
    base = f"http://{host or settings.host}:{port or settings.port}"
    typer.echo(f"Explorer: {base}/  ·  GraphiQL: {base}/graphql" if settings.serves_graphiql else f"Explorer: {base}/")
    serve(host, port)
