"""A store connected as the settings say, for the command line and the tools of `bench/` (the service
connects in its lifespan, with its own transaction timeout)."""

from __future__ import annotations

from graph.store import Store
from tec.settings import Settings


def connect(settings: Settings) -> Store:
    """A store for a command: no transaction timeout, a longer wait for Neo4j than a request's."""
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
