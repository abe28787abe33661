"""Admins' personal-data requests (RGPD): export and erase an actor's contact fields."""

from __future__ import annotations

import logging
from typing import Any

import strawberry

from graph import privacy
from graph.errors import NotFoundError
from schema.context import Info
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import decode_id
from schema.privacy import (
    ErasePersonalDataResult,
    ExportPersonalDataResult,
    PersonalDataErased,
    PersonalDataExported,
    PersonalDataInput,
)

log = logging.getLogger(__name__)


def _actor_id(info: Info, input: PersonalDataInput, action: str) -> str | Forbidden | ValidationFailed:
    """The actor of a personal-data request, or why it is refused (only admins may ask)."""
    if not info.context.principal.is_admin:
        return Forbidden(message=f"{action} needs an API key with the admin role.")
    try:
        return decode_id(str(input.actor), "Actor")
    except ValueError as error:
        return ValidationFailed.single("actor", str(error))


async def export_personal_data(info: Info, input: PersonalDataInput) -> ExportPersonalDataResult:
    actor_id = _actor_id(info, input, "Exporting personal data")
    if not isinstance(actor_id, str):
        return actor_id
    try:
        document: Any = await privacy.export_actor(info.context.store, actor_id)
    except NotFoundError as error:
        return NotFound(message=str(error), id=actor_id)
    return PersonalDataExported(actor=strawberry.ID(actor_id), data=document)


async def erase_personal_data(info: Info, input: PersonalDataInput) -> ErasePersonalDataResult:
    actor_id = _actor_id(info, input, "Erasing personal data")
    if not isinstance(actor_id, str):
        return actor_id
    try:
        erasure = await privacy.erase_actor(info.context.store, actor_id)
    except NotFoundError as error:
        return NotFound(message=str(error), id=actor_id)
    request = info.context.request
    cache = getattr(request.app.state, "response_cache", None) if request is not None else None
    if cache is not None:
        cache.clear()  # other processes never serve their entries again: the erasure moved the revision
    log.info(
        "personal data erased (%d fields, %d copies redacted)", len(erasure.erased_fields), len(erasure.redacted_nodes)
    )
    return PersonalDataErased(
        actor=strawberry.ID(actor_id),
        erased_fields=erasure.erased_fields,
        redacted_records=len(erasure.redacted_nodes),
        redacted_relationships=erasure.redacted_relationships,
    )
