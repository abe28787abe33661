"""Resolvers for the calls for commons: list them, read one, create, update and delete them; sources."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry

from graph import commons as call_store
from graph import sources as source_store
from graph.editing import Editor
from graph.listing import ListRequest
from graph.nodes import nodes_by_ids
from resolvers.auth import delete_record, save_record
from resolvers.paging import checked_search, wants_total
from schema.commons_call import CommonsCall
from schema.commons_call_input import (
    CommonsCallCreated,
    CommonsCallFields,
    CommonsCallUpdated,
    CreateCommonsCallInput,
    CreateCommonsCallResult,
    UpdateCommonsCallInput,
    UpdateCommonsCallResult,
)
from schema.context import Info
from schema.inputs import DeleteInput, DeleteResult, decode_id
from schema.pagination import Connection, page_size
from schema.source import Source


@strawberry.enum(description="Sort orders for calls for commons (ties are broken by id).")
class CommonsCallSort(Enum):
    OPENS_ON = "OPENS_ON"
    CLOSES_ON = "CLOSES_ON"
    TITLE = "TITLE"
    RELEVANCE = "RELEVANCE"


@strawberry.input(description="Filters on calls for commons.")
class CommonsCallWhere:
    open_on: date | None = strawberry.field(default=None, description="Accepting applications on that day.")
    source: str | None = None


async def commons_calls(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: CommonsCallWhere | None = None,
    search: Annotated[str | None, strawberry.argument(description="French full text on title and description.")] = None,
    order_by: Annotated[
        CommonsCallSort | None,
        strawberry.argument(description="Default: RELEVANCE with `search`, else OPENS_ON (newest first)."),
    ] = None,
) -> Connection[CommonsCall]:
    where = where or CommonsCallWhere()
    request = ListRequest(
        first=page_size(info, first),
        after=after,
        sort=order_by.value if order_by else None,
        search=checked_search(search),
        with_total=wants_total(info),
    )
    filters = call_store.CallFilter(open_on=where.open_on, source=where.source)
    page = await call_store.call_page(info.context.store, filters, request)
    return Connection[CommonsCall].from_page(page, CommonsCall.from_record, after=after)


async def commons_call(info: Info, id: strawberry.ID) -> CommonsCall | None:
    try:
        call_id = decode_id(str(id), "CommonsCall")
    except ValueError:
        return None
    found = await nodes_by_ids(info.context.store, "CommonsCall", [call_id])
    return CommonsCall.from_record(found[call_id]) if call_id in found else None


async def sources(info: Info) -> list[Source]:
    return [Source.from_record(record) for record in await source_store.all_sources(info.context.store)]


def _saver(info: Info) -> Any:
    async def save(editor: Editor, props: dict[str, Any], _: dict[str, list[str]], rid: str | None) -> dict[str, Any]:
        return await call_store.save_call(info.context.store, editor, props, call_id=rid)

    return save


async def create_commons_call(info: Info, input: CreateCommonsCallInput) -> CreateCommonsCallResult:
    result = await save_record(
        info,
        "Creating a call for commons",
        CommonsCallFields,
        input,
        _saver(info),
        type_name="CommonsCall",
        creating=True,
    )
    return CommonsCallCreated(commons_call=CommonsCall.from_record(result)) if isinstance(result, dict) else result


async def update_commons_call(info: Info, input: UpdateCommonsCallInput) -> UpdateCommonsCallResult:
    result = await save_record(
        info,
        "Changing a call for commons",
        CommonsCallFields,
        input,
        _saver(info),
        type_name="CommonsCall",
        creating=False,
    )
    return CommonsCallUpdated(commons_call=CommonsCall.from_record(result)) if isinstance(result, dict) else result


async def delete_commons_call(info: Info, input: DeleteInput) -> DeleteResult:
    async def delete(editor: Editor, call_id: str) -> None:
        await call_store.delete_call(info.context.store, editor, call_id)

    return await delete_record(info, "Deleting a call for commons", input, delete, type_name="CommonsCall")
