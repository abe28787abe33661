"""Resolvers for the resource centre and the blog: search, read, create, update and delete resources."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from graph import resources as resource_store
from resolvers.paging import TITLE_AND_SUMMARY_SEARCH, list_request
from resolvers.records import EXTERNAL_ID_ARGUMENT, SOURCE_ARGUMENT, delete_in_store, record_by_reference, save_in_store
from schema.context import Info
from schema.enums import ResourceKind
from schema.inputs import DeleteInput, DeleteResult, filter_id
from schema.pagination import Connection
from schema.related import asked_along, prime_along
from schema.resource import ALONG as RESOURCE_ALONG
from schema.resource import Resource
from schema.resource_input import (
    CreateResourceInput,
    CreateResourceResult,
    ResourceCreated,
    ResourceFields,
    ResourceUpdated,
    UpdateResourceInput,
    UpdateResourceResult,
)


@strawberry.enum(description="Sort orders for resources (ties are broken by id).")
class ResourceSort(Enum):
    PUBLISHED_ON = "PUBLISHED_ON"
    TITLE = "TITLE"
    CREATED_AT = "CREATED_AT"
    RELEVANCE = "RELEVANCE"


@strawberry.input(description="Filters on resources; all given filters must hold.")
class ResourceWhere:
    kinds: list[ResourceKind] | None = strawberry.field(default=None, description="ARTICLE for the blog.")
    themes: list[str] | None = strawberry.field(default=None, description="About one of these themes (codes).")
    conflict_types: list[str] | None = strawberry.field(
        default=None, description="About one of these conflict types, or a broader or narrower one (codes)."
    )
    territory: str | None = strawberry.field(
        default=None, description="Documents a conflict or project in this territory (INSEE code, SIREN or id)."
    )
    language: str | None = None
    author: strawberry.ID | None = strawberry.field(default=None, description="Written by this actor.")
    published_from: date | None = None
    published_to: date | None = None
    source: str | None = None


async def resources(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: ResourceWhere | None = None,
    search: TITLE_AND_SUMMARY_SEARCH = None,
    order_by: Annotated[
        ResourceSort | None,
        strawberry.argument(description="Default: RELEVANCE with `search`, else PUBLISHED_ON (newest first)."),
    ] = None,
) -> Connection[Resource]:
    where = where or ResourceWhere()
    filters = resource_store.ResourceFilter(
        kinds=tuple(k.value for k in where.kinds or []),
        themes=tuple(where.themes or []),
        conflict_types=tuple(where.conflict_types or []),
        language=where.language,
        author=filter_id(where.author, "Actor", "author"),
        published_from=where.published_from,
        published_to=where.published_to,
        source=where.source,
    )
    request = list_request(info, first, after, order_by, search, where.territory)
    request.related = asked_along(info, RESOURCE_ALONG)
    page = await resource_store.resource_page(info.context.store, filters, request)
    prime_along(info, request.related, page)
    return Connection[Resource].from_page(page, Resource.from_record, after=after)


async def resource(
    info: Info,
    id: strawberry.ID | None = None,
    source: Annotated[str | None, strawberry.argument(description=SOURCE_ARGUMENT)] = None,
    external_id: Annotated[str | None, strawberry.argument(description=EXTERNAL_ID_ARGUMENT)] = None,
) -> Resource | None:
    return await record_by_reference(info, "Resource", Resource.from_record, id, source, external_id)


async def create_resource(info: Info, input: CreateResourceInput) -> CreateResourceResult:
    result = await save_in_store(
        info,
        "Creating a resource",
        ResourceFields,
        input,
        resource_store.save_resource,
        type_name="Resource",
        creating=True,
    )
    return ResourceCreated(resource=Resource.from_record(result)) if isinstance(result, dict) else result


async def update_resource(info: Info, input: UpdateResourceInput) -> UpdateResourceResult:
    result = await save_in_store(
        info,
        "Changing a resource",
        ResourceFields,
        input,
        resource_store.save_resource,
        type_name="Resource",
        creating=False,
    )
    return ResourceUpdated(resource=Resource.from_record(result)) if isinstance(result, dict) else result


async def delete_resource(info: Info, input: DeleteInput) -> DeleteResult:
    return await delete_in_store(
        info, "Deleting a resource", input, resource_store.delete_resource, type_name="Resource"
    )
