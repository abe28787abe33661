"""The needs root fields: the `needs` list, postNeed / updateNeed / closeNeed and setAlertPreferences.

`resolvers.root.schema.Query` and `Mutation` inherit them, like `resolvers.root.matching`.
"""

from __future__ import annotations

import strawberry

from resolvers import needs as need_resolvers
from schema.need import Need
from schema.need_input import NeedStepResult, PostNeedResult, SetAlertPreferencesResult
from schema.pagination import Connection


@strawberry.type
class NeedsQuery:
    needs: Connection[Need] = strawberry.field(
        resolver=need_resolvers.needs,
        description=(
            "Needs actors posted, newest first (DISTANCE with `near`), filtered by place, type or theme, status, "
            "poster and kind of help. Each need's `candidates` are its sponsorship candidates."
        ),
    )


@strawberry.type
class NeedsMutation:
    post_need: PostNeedResult = strawberry.mutation(
        resolver=need_resolvers.post_need,
        description=(
            "Post a need for an actor (a key that may act for it, or admin); announced as NEED_POSTED, and the "
            "actors the matching ranks first for it get an ALERT each (docs/needs-and-alerts.md)."
        ),
    )
    update_need: NeedStepResult = strawberry.mutation(
        resolver=need_resolvers.update_need,
        description="Change an open need (the poster's keys or admin); announced as NEED_UPDATED.",
    )
    close_need: NeedStepResult = strawberry.mutation(
        resolver=need_resolvers.close_need,
        description=(
            "Close an open need with its outcome and the help that met it (the poster's keys or admin); announced as "
            "NEED_CLOSED. A need met by a sponsorship or task force counts as experience for its sponsor or members."
        ),
    )
    set_alert_preferences: SetAlertPreferencesResult = strawberry.mutation(
        resolver=need_resolvers.set_alert_preferences,
        description="Mute alerts, or narrow them to a radius and conflict types (the actor's own key, or admin).",
    )
