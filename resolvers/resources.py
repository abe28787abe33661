"""Resolvers for the resource centre and the blog: search, read, create, update and delete resources."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry

from graph import resources as resource_store
from graph.editing import Editor
from graph.listing import ListRequest
from graph.nodes import nodes_by_ids
from resolvers.auth import delete_record, save_record
from resolvers.paging import page_size, wants_total
from schema.context import Info
from schema.enums import ResourceKind
from schema.inputs import DeleteInput, DeleteResult, decode_id, filter_id
from schema.pagination import Connection
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
    search: Annotated[
        str | None,
        strawberry.argument(
            description="French full text on title and summary: accents, case and plurals do not matter."
        ),
    ] = None,
    order_by: Annotated[
        ResourceSort | None,
        strawberry.argument(description="Default: RELEVANCE with `search`, else PUBLISHED_ON (newest first)."),
    ] = None,
) -> Connection[Resource]:
    where = where or ResourceWhere()
    flt = resource_store.ResourceFilter(
        kinds=tuple(k.value for k in where.kinds or []),
        themes=tuple(where.themes or []),
        conflict_types=tuple(where.conflict_types or []),
        language=where.language,
        author=filter_id(where.author, "Actor", "author"),
        published_from=where.published_from,
        published_to=where.published_to,
        source=where.source,
    )
    request = ListRequest(
        first=page_size(info, first),
        after=after,
        sort=order_by.value if order_by else None,
        search=search,
        area=where.territory,
        with_total=wants_total(info),
    )
    page = await resource_store.resource_page(info.context.store, flt, request)
    return Connection[Resource].from_page(page, Resource.from_record, after=after)


async def resource(info: Info, id: strawberry.ID) -> Resource | None:
    try:
        resource_id = decode_id(str(id), "Resource")
    except ValueError:
        return None
    found = await nodes_by_ids(info.context.store, "Resource", [resource_id])
    return Resource.from_record(found[resource_id]) if resource_id in found else None


def _saver(info: Info) -> Any:
    async def save(
        editor: Editor, props: dict[str, Any], links: dict[str, list[str]], rid: str | None
    ) -> dict[str, Any]:
        return await resource_store.save_resource(info.context.store, editor, props, links, resource_id=rid)

    return save


async def create_resource(info: Info, input: CreateResourceInput) -> CreateResourceResult:
    result = await save_record(
        info, "Creating a resource", ResourceFields, input, _saver(info), type_name="Resource", creating=True
    )
    return ResourceCreated(resource=Resource.from_record(result)) if isinstance(result, dict) else result


async def update_resource(info: Info, input: UpdateResourceInput) -> UpdateResourceResult:
    result = await save_record(
        info, "Changing a resource", ResourceFields, input, _saver(info), type_name="Resource", creating=False
    )
    return ResourceUpdated(resource=Resource.from_record(result)) if isinstance(result, dict) else result


async def delete_resource(info: Info, input: DeleteInput) -> DeleteResult:
    async def delete(editor: Editor, resource_id: str) -> None:
        await resource_store.delete_resource(info.context.store, editor, resource_id)

    return await delete_record(info, "Deleting a resource", input, delete, type_name="Resource")
