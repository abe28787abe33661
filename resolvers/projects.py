"""Resolvers for projects: list and search them, read one, create, update and delete them."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from graph import projects as project_store
from resolvers.paging import TITLE_AND_SUMMARY_SEARCH, list_request
from resolvers.records import EXTERNAL_ID_ARGUMENT, SOURCE_ARGUMENT, delete_in_store, record_by_reference, save_in_store
from schema.context import Info
from schema.enums import ProjectKind, ProjectStatus
from schema.inputs import DeleteInput, DeleteResult, filter_id
from schema.pagination import Connection
from schema.project import ALONG as PROJECT_ALONG
from schema.project import Project
from schema.project_input import (
    CreateProjectInput,
    CreateProjectResult,
    ProjectCreated,
    ProjectFields,
    ProjectUpdated,
    UpdateProjectInput,
    UpdateProjectResult,
)
from schema.related import asked_along, prime_along


@strawberry.enum(description="Sort orders for projects (ties are broken by id).")
class ProjectSort(Enum):
    TITLE = "TITLE"
    STARTED_ON = "STARTED_ON"
    CREATED_AT = "CREATED_AT"
    RELEVANCE = "RELEVANCE"


@strawberry.input(description="Filters on projects; all given filters must hold.")
class ProjectWhere:
    kinds: list[ProjectKind] | None = None
    statuses: list[ProjectStatus] | None = None
    themes: list[str] | None = strawberry.field(default=None, description="About one of these themes (codes).")
    territory: str | None = strawberry.field(
        default=None, description="In this territory or anywhere inside it (INSEE code, EPCI SIREN or id)."
    )
    actor: strawberry.ID | None = strawberry.field(default=None, description="Run by this actor or with it.")
    commons_call: strawberry.ID | None = strawberry.field(default=None, description="Applied to this call.")
    source: str | None = None


async def projects(
    info: Info,
    first: int | None = 20,
    after: str | None = None,
    where: ProjectWhere | None = None,
    search: TITLE_AND_SUMMARY_SEARCH = None,
    order_by: Annotated[
        ProjectSort | None, strawberry.argument(description="Default: RELEVANCE with `search`, else TITLE.")
    ] = None,
) -> Connection[Project]:
    where = where or ProjectWhere()
    filters = project_store.ProjectFilter(
        kinds=tuple(k.value for k in where.kinds or []),
        statuses=tuple(s.value for s in where.statuses or []),
        themes=tuple(where.themes or []),
        actor=filter_id(where.actor, "Actor", "actor"),
        call=filter_id(where.commons_call, "CommonsCall", "commonsCall"),
        source=where.source,
    )
    request = list_request(info, first, after, order_by, search, where.territory)
    request.related = asked_along(info, PROJECT_ALONG)
    page = await project_store.project_page(info.context.store, filters, request)
    prime_along(info, request.related, page)
    return Connection[Project].from_page(page, Project.from_record, after=after)


async def project(
    info: Info,
    id: strawberry.ID | None = None,
    source: Annotated[str | None, strawberry.argument(description=SOURCE_ARGUMENT)] = None,
    external_id: Annotated[str | None, strawberry.argument(description=EXTERNAL_ID_ARGUMENT)] = None,
) -> Project | None:
    return await record_by_reference(info, "Project", Project.from_record, id, source, external_id)


async def create_project(info: Info, input: CreateProjectInput) -> CreateProjectResult:
    result = await save_in_store(
        info, "Creating a project", ProjectFields, input, project_store.save_project, type_name="Project", creating=True
    )
    return ProjectCreated(project=Project.from_record(result)) if isinstance(result, dict) else result


async def update_project(info: Info, input: UpdateProjectInput) -> UpdateProjectResult:
    result = await save_in_store(
        info,
        "Changing a project",
        ProjectFields,
        input,
        project_store.save_project,
        type_name="Project",
        creating=False,
    )
    return ProjectUpdated(project=Project.from_record(result)) if isinstance(result, dict) else result


async def delete_project(info: Info, input: DeleteInput) -> DeleteResult:
    return await delete_in_store(info, "Deleting a project", input, project_store.delete_project, type_name="Project")
