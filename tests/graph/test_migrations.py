from __future__ import annotations

import pytest

from graph.errors import ConstraintConflict
from graph.migrations import MIGRATIONS, applied_versions, migrate
from graph.store import Store


async def test_migrations_are_recorded_and_idempotent(store: Store) -> None:
    assert await applied_versions(store) == {m.version for m in MIGRATIONS}
    assert await migrate(store) == []
    constraints = await store.read("tests.constraints", "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    names = set(constraints[0]["names"])
    assert {"actor_id", "territory_id", "territory_level_code", "conflicttype_code"} <= names
    indexes = await store.read("tests.indexes", "SHOW INDEXES YIELD name, type RETURN name, type")
    assert {"name": "territory_location", "type": "POINT"} in indexes


async def test_the_unique_id_constraint_refuses_a_duplicate(store: Store) -> None:
    await store.write("t", "CREATE (:Actor {id: 'same'})")
    with pytest.raises(ConstraintConflict, match="already exists"):
        await store.write("t", "CREATE (:Actor {id: 'same'})")
