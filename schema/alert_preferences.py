"""An actor's alert preferences (graph.alerts), readable by its own key and admins."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import strawberry

from schema.context import Principal
from schema.errors import ApiError
from schema.inputs import decode_id


@strawberry.type(description="What an actor is alerted about (its own key and admins read and set them).")
class AlertPreferences:
    muted: bool
    radius_km: float | None = strawberry.field(description="None: the platform's alert radius.")
    conflict_types: list[str] | None = strawberry.field(description="None: every type.")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> AlertPreferences:
        radius = record.get("alertRadiusKm")
        types = record.get("alertConflictTypes")
        return cls(
            muted=bool(record.get("alertsMuted")),
            radius_km=float(radius) if radius is not None else None,
            conflict_types=list(types) if types is not None else None,
        )


def own_key_or_admin(principal: Principal, actor_id: str) -> None:
    """Refuse (FORBIDDEN) unless the caller is admin or holds a key scoped to this very actor."""
    if principal.is_admin:
        return
    scoped = principal.actor_id
    if scoped and principal.can_write:
        with suppress(ValueError):
            scoped = decode_id(scoped, "Actor")
        if scoped == actor_id:
            return
    raise ApiError("Actor.alertPreferences is visible only to a key scoped to this actor and to admins.", "FORBIDDEN")
