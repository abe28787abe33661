"""Link and unlink mutations: involvement, cooperation, membership, authorship, topics, applications."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import strawberry
from strawberry import relay

from graph import relations as relation_store
from resolvers.auth import editor_of, guarded, write_refusal
from schema.context import Info
from schema.errors import ValidationFailed
from schema.inputs import FieldsModel, decode_id, input_data, validate_fields
from schema.relation_input import (
    ApplicationFields,
    ApplicationInput,
    AuthorshipFields,
    AuthorshipInput,
    CooperationFields,
    CooperationInput,
    DocumentationFields,
    DocumentationInput,
    InvolvementFields,
    InvolvementInput,
    LinkKind,
    LinkResult,
    LinkSaved,
    MembershipFields,
    MembershipInput,
    ProjectActorFields,
    ProjectActorInput,
    RemoveCooperationInput,
    RemoveInvolvementInput,
    ResourceTopicFields,
    ResourceTopicInput,
    WithdrawApplicationInput,
)

log = logging.getLogger(__name__)

_END_TYPES = {
    "involvement": ("Actor", "Conflict"),
    "cooperation": ("Actor", "Actor"),
    "membership": ("Actor", "Actor"),
    "authorship": ("Actor", "Resource"),
    "runs": ("Actor", "Project"),
    "takesPartIn": ("Actor", "Project"),
    "resourceTheme": ("Resource", "Theme"),
    "resourceConflictType": ("Resource", "ConflictType"),
    "documentsConflict": ("Resource", "Conflict"),
    "documentsProject": ("Resource", "Project"),
    "applicationByProject": ("Project", "CommonsCall"),
    "applicationByCall": ("Project", "CommonsCall"),
}


@dataclass(frozen=True)
class _Plan:
    """What one validated link input asks for: which relationship, between which ends, with what."""

    kind: LinkKind
    spec: str
    from_id: str
    to_key: str
    fields: dict[str, str]  # the input's field names for the two ends, for refusals
    keys: dict[str, Any] | None = None
    props: dict[str, Any] | None = None


async def _link(
    info: Info,
    input: object,
    action: str,
    model: type[FieldsModel],
    plan: Callable[[Any], _Plan | ValidationFailed],
    *,
    remove: bool = False,
) -> LinkResult:
    """Check the role, validate the input, then run one link or unlink in its transaction."""
    if refusal := write_refusal(info, action):
        return refusal
    fields = validate_fields(model, input_data(input), creating=False)
    if isinstance(fields, ValidationFailed):
        return fields
    chosen = plan(fields)
    if isinstance(chosen, ValidationFailed):
        return chosen
    editor = editor_of(info.context.principal)
    store = info.context.store
    if remove:
        outcome = await guarded(
            relation_store.unlink(
                store, chosen.spec, editor, from_id=chosen.from_id, to_key=chosen.to_key, keys=chosen.keys
            ),
            chosen.fields,
        )
    else:
        outcome = await guarded(
            relation_store.link(
                store,
                chosen.spec,
                editor,
                from_id=chosen.from_id,
                to_key=chosen.to_key,
                keys=chosen.keys,
                props=chosen.props,
            ),
            chosen.fields,
        )
    if not isinstance(outcome, int):
        return outcome
    start, end = _END_TYPES[chosen.spec]
    log.info("%s %s", chosen.spec, "unlinked" if remove else "linked")
    return LinkSaved(
        kind=chosen.kind,
        from_id=strawberry.ID(relay.to_base64(start, chosen.from_id)),
        to_id=strawberry.ID(relay.to_base64(end, chosen.to_key)),
        count=outcome,
    )


def _involvement(f: Any) -> _Plan:
    return _Plan(
        LinkKind.INVOLVEMENT,
        "involvement",
        f.actor_id,
        f.conflict_id,
        {"from": "actorId", "to": "conflictId"},
        keys={"role": f.role},
        props={"from": f.from_, "to": f.to},
    )


def _cooperation(f: Any) -> _Plan:
    return _Plan(
        LinkKind.COOPERATION,
        "cooperation",
        f.actor_id,
        f.partner_id,
        {"from": "actorId", "to": "partnerId"},
        keys={"kind": f.kind},
        props={"since": f.since, "until": f.until},
    )


def _membership(f: Any) -> _Plan:
    return _Plan(LinkKind.MEMBERSHIP, "membership", f.actor_id, f.network_id, {"from": "actorId", "to": "networkId"})


def _authorship(f: Any) -> _Plan:
    return _Plan(LinkKind.AUTHORSHIP, "authorship", f.actor_id, f.resource_id, {"from": "actorId", "to": "resourceId"})


def _project_actor(f: Any) -> _Plan:
    spec = "runs" if f.role == "RUNS" else "takesPartIn"
    return _Plan(LinkKind.PROJECT_ACTOR, spec, f.actor_id, f.project_id, {"from": "actorId", "to": "projectId"})


def _topic(f: Any) -> _Plan:
    if f.theme is not None:
        return _Plan(
            LinkKind.RESOURCE_TOPIC, "resourceTheme", f.resource_id, f.theme, {"from": "resourceId", "to": "theme"}
        )
    return _Plan(
        LinkKind.RESOURCE_TOPIC,
        "resourceConflictType",
        f.resource_id,
        f.conflict_type,
        {"from": "resourceId", "to": "conflictType"},
    )


def _documentation(f: Any) -> _Plan | ValidationFailed:
    try:
        spec, subject = "documentsConflict", decode_id(f.subject_id, "Conflict")
    except ValueError:
        try:
            spec, subject = "documentsProject", decode_id(f.subject_id, "Project")
        except ValueError:
            return ValidationFailed.single("subjectId", "must be the id of a Conflict or a Project")
    return _Plan(LinkKind.DOCUMENTATION, spec, f.resource_id, subject, {"from": "resourceId", "to": "subjectId"})


def _application(f: Any) -> _Plan:
    # A new (SUBMITTED) application is the project's editor's to make; any other status is the call's.
    spec = "applicationByProject" if f.status in (None, "SUBMITTED") else "applicationByCall"
    return _Plan(
        LinkKind.APPLICATION,
        spec,
        f.project_id,
        f.commons_call_id,
        {"from": "projectId", "to": "commonsCallId"},
        props={"status": f.status or "SUBMITTED"},
    )


def _withdrawal(f: Any) -> _Plan:
    return replace(_application(f), spec="applicationByProject")


async def set_involvement(info: Info, input: InvolvementInput) -> LinkResult:
    return await _link(info, input, "Recording an involvement", InvolvementFields, _involvement)


async def remove_involvement(info: Info, input: RemoveInvolvementInput) -> LinkResult:
    return await _link(info, input, "Removing an involvement", InvolvementFields, _involvement, remove=True)


async def link_cooperation(info: Info, input: CooperationInput) -> LinkResult:
    return await _link(info, input, "Recording a cooperation", CooperationFields, _cooperation)


async def unlink_cooperation(info: Info, input: RemoveCooperationInput) -> LinkResult:
    return await _link(info, input, "Removing a cooperation", CooperationFields, _cooperation, remove=True)


async def add_membership(info: Info, input: MembershipInput) -> LinkResult:
    return await _link(info, input, "Changing a membership", MembershipFields, _membership)


async def remove_membership(info: Info, input: MembershipInput) -> LinkResult:
    return await _link(info, input, "Changing a membership", MembershipFields, _membership, remove=True)


async def add_authorship(info: Info, input: AuthorshipInput) -> LinkResult:
    return await _link(info, input, "Changing an authorship", AuthorshipFields, _authorship)


async def remove_authorship(info: Info, input: AuthorshipInput) -> LinkResult:
    return await _link(info, input, "Changing an authorship", AuthorshipFields, _authorship, remove=True)


async def link_project_actor(info: Info, input: ProjectActorInput) -> LinkResult:
    return await _link(info, input, "Changing who runs a project", ProjectActorFields, _project_actor)


async def unlink_project_actor(info: Info, input: ProjectActorInput) -> LinkResult:
    return await _link(info, input, "Changing who runs a project", ProjectActorFields, _project_actor, remove=True)


async def tag_resource(info: Info, input: ResourceTopicInput) -> LinkResult:
    return await _link(info, input, "Changing what a resource is about", ResourceTopicFields, _topic)


async def untag_resource(info: Info, input: ResourceTopicInput) -> LinkResult:
    return await _link(info, input, "Changing what a resource is about", ResourceTopicFields, _topic, remove=True)


async def add_documentation(info: Info, input: DocumentationInput) -> LinkResult:
    return await _link(info, input, "Changing what a resource documents", DocumentationFields, _documentation)


async def remove_documentation(info: Info, input: DocumentationInput) -> LinkResult:
    return await _link(
        info, input, "Changing what a resource documents", DocumentationFields, _documentation, remove=True
    )


async def apply_to_call(info: Info, input: ApplicationInput) -> LinkResult:
    return await _link(info, input, "Applying to a call for commons", ApplicationFields, _application)


async def withdraw_application(info: Info, input: WithdrawApplicationInput) -> LinkResult:
    return await _link(info, input, "Withdrawing an application", ApplicationFields, _withdrawal, remove=True)
