"""The domain API's root fields: directory, conflicts, projects, resource centre, calls for commons.

`resolvers.root.schema.Query` and `Mutation` inherit these, so the domain's fields live beside their
resolvers' imports here rather than in the shared root module.
"""

from __future__ import annotations

import strawberry

from resolvers import actors as actor_resolvers
from resolvers import commons as commons_resolvers
from resolvers import conflicts as conflict_resolvers
from resolvers import projects as project_resolvers
from resolvers import relations as relation_resolvers
from resolvers import resources as resource_resolvers
from schema.actor import Actor
from schema.actor_input import CreateActorResult, UpdateActorResult
from schema.commons_call import CommonsCall
from schema.commons_call_input import CreateCommonsCallResult, UpdateCommonsCallResult
from schema.conflict import Conflict
from schema.conflict_input import CreateConflictResult, UpdateConflictResult
from schema.inputs import DeleteResult
from schema.pagination import Connection
from schema.project import Project
from schema.project_input import CreateProjectResult, UpdateProjectResult
from schema.relation_input import LinkResult
from schema.resource import Resource
from schema.resource_input import CreateResourceResult, UpdateResourceResult
from schema.source import Source
from schema.sponsorship import Sponsorship
from schema.task_force import TaskForce

DOMAIN_TYPES: list[type] = [Actor, Conflict, Project, Resource, CommonsCall, Source, Sponsorship, TaskForce]


@strawberry.type
class DomainQuery:
    actors: Connection[Actor] = strawberry.field(
        resolver=actor_resolvers.actors,
        description="The actor directory: search, filters (kind, theme, conflict type, territory, distance), pages.",
    )
    actor: Actor | None = strawberry.field(
        resolver=actor_resolvers.actor, description="One actor by id, or by (source, externalId)."
    )
    conflicts: Connection[Conflict] = strawberry.field(
        resolver=conflict_resolvers.conflicts,
        description="Conflict cases: search, filters (type with its subtypes, territory, distance, status, year…).",
    )
    conflict: Conflict | None = strawberry.field(
        resolver=conflict_resolvers.conflict, description="One conflict by id, or by (source, externalId)."
    )
    projects: Connection[Project] = strawberry.field(resolver=project_resolvers.projects, description="Projects.")
    project: Project | None = strawberry.field(
        resolver=project_resolvers.project, description="One project by id, or by (source, externalId)."
    )
    resources: Connection[Resource] = strawberry.field(
        resolver=resource_resolvers.resources,
        description="The resource centre and the blog (kind ARTICLE): search, filters, newest first.",
    )
    resource: Resource | None = strawberry.field(
        resolver=resource_resolvers.resource, description="One resource by id, or by (source, externalId)."
    )
    commons_calls: Connection[CommonsCall] = strawberry.field(
        resolver=commons_resolvers.commons_calls, description="Calls for commons (Appels à communs)."
    )
    commons_call: CommonsCall | None = strawberry.field(
        resolver=commons_resolvers.commons_call, description="One call for commons."
    )
    sources: list[Source] = strawberry.field(resolver=commons_resolvers.sources, description="Data sources, by name.")


@strawberry.type
class DomainMutation:
    create_actor: CreateActorResult = strawberry.mutation(
        resolver=actor_resolvers.create_actor, description="Add an actor to the directory (editor role)."
    )
    update_actor: UpdateActorResult = strawberry.mutation(
        resolver=actor_resolvers.update_actor, description="Change an actor of your source or scope (editor role)."
    )
    delete_actor: DeleteResult = strawberry.mutation(
        resolver=actor_resolvers.delete_actor, description="Delete an actor and its links (editor role)."
    )
    create_conflict: CreateConflictResult = strawberry.mutation(
        resolver=conflict_resolvers.create_conflict, description="Record a conflict case (editor role)."
    )
    update_conflict: UpdateConflictResult = strawberry.mutation(
        resolver=conflict_resolvers.update_conflict, description="Change a conflict case (editor role)."
    )
    delete_conflict: DeleteResult = strawberry.mutation(
        resolver=conflict_resolvers.delete_conflict, description="Delete a conflict case and its links (editor role)."
    )
    create_project: CreateProjectResult = strawberry.mutation(
        resolver=project_resolvers.create_project, description="Record a project (editor role)."
    )
    update_project: UpdateProjectResult = strawberry.mutation(
        resolver=project_resolvers.update_project, description="Change a project (editor role)."
    )
    delete_project: DeleteResult = strawberry.mutation(
        resolver=project_resolvers.delete_project, description="Delete a project and its links (editor role)."
    )
    create_resource: CreateResourceResult = strawberry.mutation(
        resolver=resource_resolvers.create_resource, description="Add a resource or a blog article (editor role)."
    )
    update_resource: UpdateResourceResult = strawberry.mutation(
        resolver=resource_resolvers.update_resource, description="Change a resource (editor role)."
    )
    delete_resource: DeleteResult = strawberry.mutation(
        resolver=resource_resolvers.delete_resource, description="Delete a resource and its links (editor role)."
    )
    create_commons_call: CreateCommonsCallResult = strawberry.mutation(
        resolver=commons_resolvers.create_commons_call, description="Open a call for commons (editor role)."
    )
    update_commons_call: UpdateCommonsCallResult = strawberry.mutation(
        resolver=commons_resolvers.update_commons_call, description="Change a call for commons (editor role)."
    )
    delete_commons_call: DeleteResult = strawberry.mutation(
        resolver=commons_resolvers.delete_commons_call, description="Delete a call for commons (editor role)."
    )
    set_involvement: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.set_involvement,
        description="Record an actor's role in a conflict, with its period (one link per role).",
    )
    remove_involvement: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.remove_involvement, description="Remove an actor's role(s) in a conflict."
    )
    link_cooperation: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.link_cooperation, description="Record a cooperation between two actors."
    )
    unlink_cooperation: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.unlink_cooperation, description="Remove a cooperation between two actors."
    )
    add_membership: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.add_membership, description="Make an actor a member of a network."
    )
    remove_membership: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.remove_membership, description="Remove an actor from a network."
    )
    add_authorship: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.add_authorship, description="Record that an actor wrote a resource."
    )
    remove_authorship: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.remove_authorship, description="Remove an author from a resource."
    )
    link_project_actor: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.link_project_actor, description="Record that an actor runs a project or takes part."
    )
    unlink_project_actor: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.unlink_project_actor, description="Remove an actor's part in a project."
    )
    tag_resource: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.tag_resource, description="Say a resource is about a theme or a conflict type."
    )
    untag_resource: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.untag_resource, description="Remove a theme or conflict type from a resource."
    )
    add_documentation: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.add_documentation, description="Say a resource documents a conflict or project."
    )
    remove_documentation: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.remove_documentation, description="Remove what a resource documents."
    )
    apply_to_call: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.apply_to_call,
        description="Submit a project to a call for commons, or (call's editor) set the application's status.",
    )
    withdraw_application: LinkResult = strawberry.mutation(
        resolver=relation_resolvers.withdraw_application, description="Withdraw a project's application."
    )
