"""Needs: list them, post, change and close them (announced with their alerts), and alert preferences."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from enum import Enum
from typing import Any

import strawberry
from pydantic import BaseModel, ValidationError

from graph import alerts as alert_store
from graph import needs as need_store
from graph.alerts import AlertPreferences as Preferences
from graph.alerts import AlertSubject
from graph.editing import UnknownReference
from graph.near import Near
from graph.needs import NeedClosed, NeedRefused, NewNeed
from resolvers.auth import editor_of, guarded, write_refusal
from resolvers.paging import list_request
from schema.actor import Actor
from schema.alert_preferences import AlertPreferences
from schema.context import Info
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.inputs import NearPlaceInput, decode_id, filter_id, input_data, to_near
from schema.need import Need, NeedHelp, NeedStatus
from schema.need_input import (
    AlertPreferencesSet,
    CloseNeedInput,
    ClosingFields,
    NeedAlreadyClosed,
    NeedChanges,
    NeedFields,
    NeedPosted,
    NeedStepResult,
    NeedUpdated,
    PostNeedInput,
    PostNeedResult,
    PreferenceFields,
    SetAlertPreferencesInput,
    SetAlertPreferencesResult,
    UpdateNeedInput,
)
from schema.pagination import Connection

log = logging.getLogger(__name__)


@strawberry.enum(description="Sort orders for needs (ties are broken by id).")
class NeedSort(Enum):
    POSTED_AT = "POSTED_AT"
    DUE_ON = "DUE_ON"
    DISTANCE = "DISTANCE"


@strawberry.input(description="Filters on needs; all given filters must hold.")
class NeedWhere:
    near: NearPlaceInput | None = strawberry.field(default=None, description="Within a radius; fills `distanceKm`.")
    within: str | None = strawberry.field(
        default=None, description="In this territory or anywhere inside it (INSEE code, EPCI SIREN or id)."
    )
    conflict_type: str | None = strawberry.field(
        default=None, description="About this conflict type or a narrower one (ENERGY includes ONSHORE_WIND)."
    )
    theme: str | None = None
    status: NeedStatus | None = strawberry.field(default=None, description="OPEN or CLOSED (default: both).")
    actor: strawberry.ID | None = strawberry.field(default=None, description="Posted by this actor.")
    help: list[NeedHelp] | None = strawberry.field(default=None, description="Asking for one of these kinds of help.")


async def needs(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: NeedWhere | None = None,
    order_by: NeedSort | None = None,
) -> Connection[Need]:
    where = where or NeedWhere()
    filters = need_store.NeedFilter(
        statuses=(where.status.value,) if where.status else (),
        conflict_types=(where.conflict_type,) if where.conflict_type else (),
        themes=(where.theme,) if where.theme else (),
        actor=filter_id(where.actor, "Actor", "actor"),
        help=tuple(h.value for h in where.help or []),
    )
    request = list_request(info, first, after, order_by, None, where.within, to_near(where.near))
    page = await need_store.need_page(info.context.store, filters, request)
    return Connection[Need].from_page(page, Need.from_record, after=after)


def _validated(model: type[BaseModel], data: dict[str, Any]) -> ValidationFailed | None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return ValidationFailed.from_pydantic(error)
    return None


async def _guard(
    call: Awaitable[dict[str, Any]],
) -> dict[str, Any] | NeedAlreadyClosed | ValidationFailed | NotFound | Forbidden:
    try:
        return await guarded(call, refused=(NeedRefused, UnknownReference))
    except NeedClosed as error:
        return NeedAlreadyClosed(message=str(error), id=strawberry.ID(error.need_id))


async def _alerts(info: Info, need: NewNeed) -> list[tuple[str, dict[str, Any]]]:
    """Who the new need alerts (read before the write): sponsor candidates when it asks for a sponsor or is
    about a theme, else the actors experienced with its type around its place."""
    settings = info.context.settings
    store = info.context.store
    if "SPONSOR" in need.help or need.conflict_type is None:
        subject = AlertSubject(conflict_type=need.conflict_type, theme=need.theme, beneficiary=need.actor)
    else:
        place = need.territory or await alert_store.base_of(store, need.actor)
        subject = AlertSubject(conflict_type=need.conflict_type, near=Near(territory=place) if place else None)
    targets = await alert_store.alert_targets(
        store,
        subject,
        top_n=settings.alert_top_n,
        radius_km=settings.alert_radius_km,
        weights=settings.matching_weights,
    )
    return [(actor_id, evidence) for actor_id, evidence in targets if actor_id != need.actor]


async def conflict_alerts(info: Info, links: dict[str, list[str]]) -> list[tuple[str, dict[str, Any]]]:
    """Who a new conflict alerts: the actors experienced with its type around its territory."""
    types, places = links.get("type") or [], links.get("territory") or []
    if not types or not places:
        return []
    settings = info.context.settings
    return await alert_store.alert_targets(
        info.context.store,
        AlertSubject(conflict_type=types[0], near=Near(territory=places[0])),
        top_n=settings.alert_top_n,
        radius_km=settings.alert_radius_km,
        weights=settings.matching_weights,
    )


def _writing_actor(info: Info, action: str, actor: object) -> str | Forbidden | ValidationFailed:
    """The actor a write is for (its `actor` input), or why the write is refused."""
    refusal = write_refusal(info, action)
    if refusal is not None:
        return refusal
    try:
        return decode_id(str(actor), "Actor")
    except ValueError as error:
        return ValidationFailed.single("actor", str(error))


async def post_need(info: Info, input: PostNeedInput) -> PostNeedResult:
    actor_id = _writing_actor(info, "Posting a need", input.actor)
    if not isinstance(actor_id, str):
        return actor_id
    try:
        conflict_id = decode_id(str(input.conflict), "Conflict") if input.conflict is not None else None
    except ValueError as error:
        return ValidationFailed.single("conflict", str(error))
    data = {
        "description": input.description,
        "help": [h.value for h in input.help],
        "conflict_type": input.conflict_type,
        "theme": input.theme,
        "territory": input.territory,
        "due_on": input.due_on,
    }
    invalid = _validated(NeedFields, data)
    if invalid is not None:
        return invalid
    fields = NeedFields.model_validate(data)
    need = NewNeed(
        actor=actor_id,
        description=fields.description,
        help=tuple(fields.help),
        conflict_type=fields.conflict_type,
        theme=fields.theme,
        territory=fields.territory,
        conflict=conflict_id,
        due_on=fields.due_on,
    )
    alerts = await _alerts(info, need)
    editor = editor_of(info.context.principal)
    record = await _guard(need_store.post_need(info.context.store, need, editor, alerts))
    if not isinstance(record, dict):
        return record  # type: ignore[return-value]  # a post never meets a closed need
    log.info("need posted with %d alert(s)", len(alerts))
    return NeedPosted(need=Need.from_record(record))


def _need_id(raw: object) -> str | ValidationFailed:
    try:
        return decode_id(str(raw), "Need")
    except ValueError as error:
        return ValidationFailed.single("id", str(error))


async def update_need(info: Info, input: UpdateNeedInput) -> NeedStepResult:
    refusal = write_refusal(info, "Changing a need")
    if refusal is not None:
        return refusal
    need_id = _need_id(input.id)
    if isinstance(need_id, ValidationFailed):
        return need_id
    given = input_data(input)
    given.pop("id", None)
    invalid = _validated(NeedChanges, given)
    if invalid is not None:
        return invalid
    changes = NeedChanges.model_validate(given).model_dump(by_alias=True, exclude_unset=True)
    if not changes:
        return ValidationFailed.single("input", "give at least one of description, help, dueOn")
    for required in ("description", "help"):
        if required in changes and changes[required] is None:
            return ValidationFailed.single(required, "cannot be cleared")
    record = await _guard(
        need_store.update_need(info.context.store, need_id, changes, editor_of(info.context.principal))
    )
    if not isinstance(record, dict):
        return record
    log.info("need updated")
    return NeedUpdated(need=Need.from_record(record))


async def close_need(info: Info, input: CloseNeedInput) -> NeedStepResult:
    refusal = write_refusal(info, "Closing a need")
    if refusal is not None:
        return refusal
    need_id = _need_id(input.id)
    if isinstance(need_id, ValidationFailed):
        return need_id
    invalid = _validated(ClosingFields, {"note": input.note})
    if invalid is not None:
        return invalid
    note = ClosingFields.model_validate({"note": input.note}).note or None
    met_by: list[str] = []
    for index, raw in enumerate(input.met_by or []):
        try:
            global_id = strawberry.relay.GlobalID.from_id(str(raw))
        except ValueError:
            return ValidationFailed.single(f"metBy.{index}", "must be the global id of a Sponsorship or a TaskForce")
        if global_id.type_name not in ("Sponsorship", "TaskForce"):
            return ValidationFailed.single(f"metBy.{index}", "must be the global id of a Sponsorship or a TaskForce")
        met_by.append(global_id.node_id)
    editor = editor_of(info.context.principal)
    call = need_store.close_need(info.context.store, need_id, input.outcome.value, met_by, note, editor)
    record = await _guard(call)
    if not isinstance(record, dict):
        return record
    log.info("need closed")
    return NeedUpdated(need=Need.from_record(record))


async def set_alert_preferences(info: Info, input: SetAlertPreferencesInput) -> SetAlertPreferencesResult:
    actor_id = _writing_actor(info, "Setting alert preferences", input.actor)
    if not isinstance(actor_id, str):
        return actor_id
    given = input_data(input)
    given.pop("actor", None)
    muted = given.pop("muted", None)
    invalid = _validated(PreferenceFields, given)
    if invalid is not None:
        return invalid
    fields = PreferenceFields.model_validate(given)
    types = fields.conflict_types
    prefs = Preferences(
        muted=muted,
        radius_km=fields.radius_km,
        conflict_types=tuple(types) if types else None,
        clear_radius="radiusKm" in given and fields.radius_km is None,
        clear_types="conflictTypes" in given and not types,
    )
    call = alert_store.set_preferences(info.context.store, actor_id, prefs, editor_of(info.context.principal))
    record = await _guard(call)
    if not isinstance(record, dict):
        return record  # type: ignore[return-value]  # preferences never meet a closed need
    log.info("alert preferences set")
    return AlertPreferencesSet(actor=Actor.from_record(record), preferences=AlertPreferences.from_record(record))
