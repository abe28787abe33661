"""Resolvers for the directory: list and search actors, read one, create, update and delete them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph import actors as actor_store
from resolvers.paging import list_request
from resolvers.records import EXTERNAL_ID_ARGUMENT, SOURCE_ARGUMENT, delete_in_store, record_by_reference, save_in_store
from schema.actor import ALONG as ACTOR_ALONG
from schema.actor import Actor, ActorKind
from schema.actor_input import (
    ActorCreated,
    ActorFields,
    ActorUpdated,
    CreateActorInput,
    CreateActorResult,
    UpdateActorInput,
    UpdateActorResult,
)
from schema.context import Info
from schema.enums import InvolvementRole
from schema.inputs import DeleteInput, DeleteResult, NearPlaceInput, filter_id, to_near
from schema.pagination import Connection
from schema.projection import unshown
from schema.related import asked_along, prime_along


@strawberry.enum(description="Sort orders for actors (ties are broken by id).")
class ActorSort(Enum):
    NAME = "NAME"
    CREATED_AT = "CREATED_AT"
    RELEVANCE = "RELEVANCE"
    DISTANCE = "DISTANCE"


@strawberry.input(description="Filters on actors; all given filters must hold.")
class ActorWhere:
    kinds: list[ActorKind] | None = None
    territory: str | None = strawberry.field(
        default=None,
        description="Based in this territory or anywhere inside it: an INSEE code (35238, 35, 53), an EPCI SIREN "
        "or a territory id such as REGION-53 (a bare code naming a département and a région means the département).",
    )
    near: NearPlaceInput | None = strawberry.field(
        default=None, description="Based within a radius; fills `distanceKm`."
    )
    themes: list[str] | None = strawberry.field(default=None, description="Works on one of these themes (codes).")
    conflict_types: list[str] | None = strawberry.field(
        default=None, description="Involved in a conflict of one of these types, or of a narrower type (codes)."
    )
    roles: list[InvolvementRole] | None = strawberry.field(
        default=None, description="Involved in a conflict with one of these roles."
    )
    open_to_sponsorship: bool | None = None
    source: str | None = strawberry.field(default=None, description="Name of the source its record comes from.")
    network: strawberry.ID | None = strawberry.field(default=None, description="Member of this network (actor id).")


def _filter(where: ActorWhere) -> actor_store.ActorFilter:
    return actor_store.ActorFilter(
        kinds=tuple(kind.value for kind in where.kinds or []),
        themes=tuple(where.themes or []),
        conflict_types=tuple(where.conflict_types or []),
        roles=tuple(role.value for role in where.roles or []),
        open_to_sponsorship=where.open_to_sponsorship,
        source=where.source,
        network=filter_id(where.network, "Actor", "network"),
    )


async def actors(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: ActorWhere | None = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="French full text on name and description: accents, case and plurals do not matter."
        ),
    ] = None,
    order_by: Annotated[
        ActorSort | None,
        strawberry.argument(description="Default: RELEVANCE with `search`, else DISTANCE with `near`, else NAME."),
    ] = None,
) -> Connection[Actor]:
    where = where or ActorWhere()
    request = list_request(info, first, after, order_by, search, where.territory, to_near(where.near))
    request.related = asked_along(info, ACTOR_ALONG)
    request.drop = unshown(info, "Actor")
    page = await actor_store.actor_page(info.context.store, _filter(where), request)
    prime_along(info, request.related, page)
    return Connection[Actor].from_page(page, Actor.from_record, after=after)


async def actor(
    info: Info,
    id: strawberry.ID | None = None,
    source: Annotated[str | None, strawberry.argument(description=SOURCE_ARGUMENT)] = None,
    external_id: Annotated[str | None, strawberry.argument(description=EXTERNAL_ID_ARGUMENT)] = None,
) -> Actor | None:
    return await record_by_reference(info, "Actor", Actor.from_record, id, source, external_id)


async def create_actor(info: Info, input: CreateActorInput) -> CreateActorResult:
    result = await save_in_store(
        info, "Creating an actor", ActorFields, input, actor_store.save_actor, type_name="Actor", creating=True
    )
    return ActorCreated(actor=Actor.from_record(result)) if isinstance(result, dict) else result


async def update_actor(info: Info, input: UpdateActorInput) -> UpdateActorResult:
    result = await save_in_store(
        info, "Changing an actor", ActorFields, input, actor_store.save_actor, type_name="Actor", creating=False
    )
    return ActorUpdated(actor=Actor.from_record(result)) if isinstance(result, dict) else result


async def delete_actor(info: Info, input: DeleteInput) -> DeleteResult:
    return await delete_in_store(info, "Deleting an actor", input, actor_store.delete_actor, type_name="Actor")
