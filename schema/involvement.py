"""An actor's involvement in a conflict (role, period, expertise), read the same way from both of its ends."""

from __future__ import annotations

from typing import Any

import strawberry

from schema.enums import ExpertiseKind, InvolvementRole
from schema.values import to_enum, to_int


def involvement_fields() -> tuple[Any, Any, Any, Any]:
    """The `from`, `to`, `expertise` and `roleLabel` fields of ActorInvolvement and ConflictParticipant."""
    return (
        strawberry.field(name="from", description="First year of its involvement."),
        strawberry.field(name="to", description="Last year of its involvement (none: ongoing)."),
        strawberry.field(
            description="The kind of expertise the source named (an EXPERT's LEGAL or TECHNICAL know-how…)."
        ),
        strawberry.field(description="The source's own words for the role, as given."),
    )


def involvement_of(rel: dict[str, Any]) -> dict[str, Any]:
    """The role, period, expertise and role label an INVOLVED_IN relationship holds, as keyword arguments."""
    return {
        "role": to_enum(InvolvementRole, rel.get("role")),
        "from_year": to_int(rel.get("from")),
        "to_year": to_int(rel.get("to")),
        "expertise": to_enum(ExpertiseKind, rel.get("expertise")),
        "role_label": rel.get("roleLabel"),
    }
