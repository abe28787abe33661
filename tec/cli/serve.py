"""`tec serve` and `tec up`: the service, and everything it needs on a first run."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from tec.app.logs import configure_logging
from tec.app.main import create_app
from tec.cli.bootstrap import first_run
from tec.cli.common import settings_or_exit, with_store
from tec.cli.neo4j import neo4j_start


def serve(
    host: Annotated[str | None, typer.Option(help="Address (default TEC_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default TEC_PORT).")] = None,
) -> None:
    """Serve the GraphQL API (Neo4j must be reachable; see `tec up` to start everything)."""
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
