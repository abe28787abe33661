"""Resolvers for conflicts: list and search cases, read one, create, update and delete them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry

from graph import conflicts as conflict_store
from graph.editing import Editor
from graph.store import Store
from resolvers.needs import conflict_alerts
from resolvers.paging import TITLE_AND_SUMMARY_SEARCH, list_request
from resolvers.records import EXTERNAL_ID_ARGUMENT, SOURCE_ARGUMENT, delete_in_store, record_by_reference, save_in_store
from schema.conflict import ALONG as CONFLICT_ALONG
from schema.conflict import Conflict
from schema.conflict_input import (
    ConflictCreated,
    ConflictFields,
    ConflictUpdated,
    CreateConflictInput,
    CreateConflictResult,
    UpdateConflictInput,
    UpdateConflictResult,
)
from schema.context import Info
from schema.enums import ConflictStatus, Intensity, InvolvementRole, Outcome
from schema.inputs import DeleteInput, DeleteResult, NearPlaceInput, filter_id, to_near
from schema.pagination import Connection
from schema.related import asked_along, prime_along


@strawberry.enum(description="Sort orders for conflicts (ties are broken by id).")
class ConflictSort(Enum):
    STARTED_ON = "STARTED_ON"
    TITLE = "TITLE"
    CREATED_AT = "CREATED_AT"
    RELEVANCE = "RELEVANCE"
    DISTANCE = "DISTANCE"


@strawberry.input(description="Filters on conflicts; all given filters must hold.")
class ConflictWhere:
    conflict_types: list[str] | None = strawberry.field(
        default=None, description="Of one of these types, or of a narrower one (ENERGY includes ONSHORE_WIND)."
    )
    territory: str | None = strawberry.field(
        default=None, description="In this territory or anywhere inside it (INSEE code, EPCI SIREN or id)."
    )
    near: NearPlaceInput | None = strawberry.field(default=None, description="Within a radius; fills `distanceKm`.")
    statuses: list[ConflictStatus] | None = None
    intensities: list[Intensity] | None = None
    outcomes: list[Outcome] | None = None
    year_from: int | None = strawberry.field(default=None, description="Started in this year or later.")
    year_to: int | None = strawberry.field(default=None, description="Started in this year or earlier.")
    actor: strawberry.ID | None = strawberry.field(default=None, description="This actor was involved.")
    roles: list[InvolvementRole] | None = strawberry.field(
        default=None, description="Some actor (or `actor`) was involved with one of these roles."
    )
    source: str | None = None


def _filter(where: ConflictWhere) -> conflict_store.ConflictFilter:
    return conflict_store.ConflictFilter(
        statuses=tuple(s.value for s in where.statuses or []),
        intensities=tuple(i.value for i in where.intensities or []),
        outcomes=tuple(o.value for o in where.outcomes or []),
        conflict_types=tuple(where.conflict_types or []),
        year_from=where.year_from,
        year_to=where.year_to,
        actor=filter_id(where.actor, "Actor", "actor"),
        roles=tuple(r.value for r in where.roles or []),
        source=where.source,
    )


async def conflicts(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: ConflictWhere | None = None,
    search: TITLE_AND_SUMMARY_SEARCH = None,
    order_by: Annotated[
        ConflictSort | None,
        strawberry.argument(
            description="Default: RELEVANCE with `search`, else DISTANCE with `near`, else STARTED_ON."
        ),
    ] = None,
) -> Connection[Conflict]:
    where = where or ConflictWhere()
    request = list_request(info, first, after, order_by, search, where.territory, to_near(where.near))
    request.related = asked_along(info, CONFLICT_ALONG)
    page = await conflict_store.conflict_page(info.context.store, _filter(where), request)
    prime_along(info, request.related, page)
    return Connection[Conflict].from_page(page, Conflict.from_record, after=after)


async def conflict(
    info: Info,
    id: strawberry.ID | None = None,
    source: Annotated[str | None, strawberry.argument(description=SOURCE_ARGUMENT)] = None,
    external_id: Annotated[str | None, strawberry.argument(description=EXTERNAL_ID_ARGUMENT)] = None,
) -> Conflict | None:
    return await record_by_reference(info, "Conflict", Conflict.from_record, id, source, external_id)


async def create_conflict(info: Info, input: CreateConflictInput) -> CreateConflictResult:
    async def save_with_alerts(
        store: Store, editor: Editor, props: dict[str, Any], links: dict[str, list[str]], record_id: str | None
    ) -> dict[str, Any]:
        alerts = await conflict_alerts(info, links)  # a read, before the write that announces them
        return await conflict_store.save_conflict(store, editor, props, links, record_id, alerts=alerts)

    result = await save_in_store(
        info,
        "Creating a conflict",
        ConflictFields,
        input,
        save_with_alerts,
        type_name="Conflict",
        creating=True,
    )
    return ConflictCreated(conflict=Conflict.from_record(result)) if isinstance(result, dict) else result


async def update_conflict(info: Info, input: UpdateConflictInput) -> UpdateConflictResult:
    result = await save_in_store(
        info,
        "Changing a conflict",
        ConflictFields,
        input,
        conflict_store.save_conflict,
        type_name="Conflict",
        creating=False,
    )
    return ConflictUpdated(conflict=Conflict.from_record(result)) if isinstance(result, dict) else result


async def delete_conflict(info: Info, input: DeleteInput) -> DeleteResult:
    return await delete_in_store(
        info, "Deleting a conflict", input, conflict_store.delete_conflict, type_name="Conflict"
    )
