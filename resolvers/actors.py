"""Resolvers for the directory: list actors, create one."""

from __future__ import annotations

import logging
from enum import Enum

import strawberry
from pydantic import ValidationError

from graph import actors as actor_store
from graph.errors import NotFoundError
from resolvers.paging import page_size, wants_total
from schema.actor import Actor, ActorCreated, ActorFields, ActorKind, CreateActorInput, CreateActorResult
from schema.context import Info
from schema.errors import Forbidden, NotFound, ValidationFailed
from schema.pagination import Connection

log = logging.getLogger(__name__)


@strawberry.enum(description="Sort orders for actors.")
class ActorSort(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"


@strawberry.input(description="Filters on actors; all given filters must hold.")
class ActorWhere:
    kinds: list[ActorKind] | None = None


async def actors(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: ActorWhere | None = None,
    order_by: ActorSort = ActorSort.NAME,
) -> Connection[Actor]:
    size = page_size(info, first)
    flt = actor_store.ActorFilter(kinds=tuple(kind.value for kind in (where.kinds or []))) if where else None
    page = await actor_store.actor_page(
        info.context.store,
        flt or actor_store.ActorFilter(),
        first=size,
        after=after,
        sort=order_by.value,
        with_total=wants_total(info),
    )
    return Connection[Actor].from_page(page, Actor.from_record, after=after)


async def create_actor(info: Info, input: CreateActorInput) -> CreateActorResult:
    principal = info.context.principal
    if not principal.can_write:
        return Forbidden(message="Creating an actor needs an API key with the editor or admin role.")
    try:
        fields = ActorFields.model_validate(input.to_model_data())
    except ValidationError as error:
        return ValidationFailed.from_pydantic(error)
    try:
        record = await actor_store.create_actor(
            info.context.store, fields.properties(), based_in=fields.based_in, by=principal.label
        )
    except NotFoundError as error:
        return ValidationFailed.single("basedIn", str(error))
    log.info("actor created by %s", principal.label)
    return ActorCreated(actor=Actor.from_record(record))


_ = NotFound  # part of the result union, returned by update/delete mutations
