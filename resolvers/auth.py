"""Who is calling (the principal of an API key), who may write, and how a refused write becomes a typed
result (never a crash, never a silent null)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from graph.apikeys import find_api_key
from graph.editing import Editor, NotAllowed, RecordMissing, UnknownReference
from graph.errors import FieldRefused
from graph.store import Store
from schema.context import Info, Principal
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import Deleted, DeleteInput, FieldsModel, decode_id, record_data, validate_fields

log = logging.getLogger(__name__)
T = TypeVar("T")
Refusal = ValidationFailed | NotFound | Forbidden


async def principal_for_token(store: Store, token: str) -> Principal | None:
    """The principal of an API key's token, or None when the key is unknown or revoked."""
    key = await find_api_key(store, token)
    if key is None:
        return None
    return Principal(role=key.role, key_id=key.id, source=key.source, actor_id=key.actor_id)


def editor_of(principal: Principal) -> Editor:
    """The writing scope of an API key (its actor scope may be given as a raw or a global id)."""
    actor_id = principal.actor_id
    if actor_id:
        try:
            actor_id = decode_id(actor_id, "Actor")
        except ValueError:
            actor_id = principal.actor_id
    return Editor(by=principal.label, admin=principal.is_admin, source=principal.source, actor_id=actor_id)


def write_refusal(info: Info, action: str) -> Forbidden | None:
    """A `Forbidden` result unless the caller holds an editor or admin key."""
    if info.context.principal.can_write:
        return None
    return Forbidden(message=f"{action} needs an API key with the editor or admin role.")


async def guarded(
    call: Awaitable[T],
    fields: dict[str, str] | None = None,
    refused: tuple[type[FieldRefused], ...] = (UnknownReference,),
) -> T | Refusal:
    """Await a graph write, turning its expected refusals into result types: the `refused` errors name an
    input field (`fields` renames input paths)."""
    try:
        return await call
    except refused as error:
        field = (fields or {}).get(error.field, error.field)
        return ValidationFailed.single(field, str(error))
    except RecordMissing as error:
        return NotFound(message=str(error), id=error.record_id)
    except NotAllowed as error:
        return Forbidden(message=str(error))


async def save_record(
    info: Info,
    action: str,
    model: type[FieldsModel],
    input: object,
    save: Callable[[Editor, dict[str, Any], dict[str, list[str]], str | None], Awaitable[dict[str, Any]]],
    *,
    type_name: str,
    creating: bool,
) -> dict[str, Any] | Refusal:
    """The shared path of create/update mutations: role, id, validation, then one guarded transaction."""
    refusal = write_refusal(info, action)
    if refusal is not None:
        return refusal
    record_id: str | None = None
    if not creating:
        try:
            record_id = decode_id(str(getattr(input, "id")), type_name)  # noqa: B009
        except ValueError as error:
            return ValidationFailed.single("id", str(error))
    fields = validate_fields(model, record_data(input), creating=creating)
    if isinstance(fields, ValidationFailed):
        return fields
    props, links = fields.split()
    record = await guarded(save(editor_of(info.context.principal), props, links, record_id))
    if isinstance(record, dict):
        log.info("%s %s", type_name, "created" if creating else "updated")
    return record


async def delete_record(
    info: Info, action: str, input: DeleteInput, delete: Callable[[Editor, str], Awaitable[None]], *, type_name: str
) -> Deleted | Refusal:
    refusal = write_refusal(info, action)
    if refusal is not None:
        return refusal
    try:
        record_id = decode_id(str(input.id), type_name)
    except ValueError as error:
        return ValidationFailed.single("id", str(error))
    done = await guarded(delete(editor_of(info.context.principal), record_id))
    if done is None:
        log.info("%s deleted", type_name)
        return Deleted(id=input.id)
    return done
