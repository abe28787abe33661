"""The read-one, save and delete flows that actors, conflicts, projects and resources share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry

from graph.editing import Editor
from graph.nodes import nodes_by_ids
from graph.sources import id_by_external_id
from graph.store import Store
from resolvers.auth import Refusal, delete_record, save_record
from schema.context import Info
from schema.errors import bad_input
from schema.inputs import Deleted, DeleteInput, FieldsModel, decode_id

T = TypeVar("T")
StoreSave = Callable[[Store, Editor, dict[str, Any], dict[str, list[str]], str | None], Awaitable[dict[str, Any]]]
SOURCE_ARGUMENT = "The name of the source that imported the record (with `externalId`, instead of `id`)."
EXTERNAL_ID_ARGUMENT = "The partner's own id for the record in that source (RNA number, NET-00042…)."
StoreDelete = Callable[[Store, Editor, str], Awaitable[None]]


async def record_by_id(info: Info, id: strawberry.ID, type_name: str, build: Callable[[dict[str, Any]], T]) -> T | None:
    """One record of `type_name` by its global id; None when the id is malformed or unknown."""
    try:
        record_id = decode_id(str(id), type_name)
    except ValueError:
        return None
    found = await nodes_by_ids(info.context.store, type_name, [record_id])
    return build(found[record_id]) if record_id in found else None


async def record_by_reference(
    info: Info,
    type_name: str,
    build: Callable[[dict[str, Any]], T],
    id: strawberry.ID | None,
    source: str | None,
    external_id: str | None,
) -> T | None:
    """One record by its global id, or by the partner's id for it (`source` and `externalId`)."""
    field = type_name[0].lower() + type_name[1:]
    if id is not None and source is None and external_id is None:
        return await record_by_id(info, id, type_name, build)
    if id is not None or not source or not external_id:
        raise bad_input(
            f"`{field}` takes either `id`, or both `source` and `externalId` (the partner's id for the record)."
        )
    record_id = await id_by_external_id(info.context.store, type_name, source, external_id)
    if record_id is None:
        return None
    found = await nodes_by_ids(info.context.store, type_name, [record_id])
    return build(found[record_id]) if record_id in found else None


async def save_in_store(
    info: Info,
    action: str,
    model: type[FieldsModel],
    input: object,
    save: StoreSave,
    *,
    type_name: str,
    creating: bool,
) -> dict[str, Any] | Refusal:
    """`save_record` with a graph save function that takes the request's store."""

    async def run(
        editor: Editor, props: dict[str, Any], links: dict[str, list[str]], record_id: str | None
    ) -> dict[str, Any]:
        return await save(info.context.store, editor, props, links, record_id)

    return await save_record(info, action, model, input, run, type_name=type_name, creating=creating)


async def delete_in_store(
    info: Info, action: str, input: DeleteInput, delete: StoreDelete, *, type_name: str
) -> Deleted | Refusal:
    """`delete_record` with a graph delete function that takes the request's store."""

    async def run(editor: Editor, record_id: str) -> None:
        await delete(info.context.store, editor, record_id)

    return await delete_record(info, action, input, run, type_name=type_name)
