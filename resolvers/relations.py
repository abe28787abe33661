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
class _LinkRequest:
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
    plan: Callable[[Any], _LinkRequest | ValidationFailed],
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


def _involvement(checked: Any) -> _LinkRequest:
    return _LinkRequest(
        LinkKind.INVOLVEMENT,
        "involvement",
        checked.actor_id,
        checked.conflict_id,
        {"from": "actorId", "to": "conflictId"},
        keys={"role": checked.role},
        props={"from": checked.from_, "to": checked.to},
    )


def _cooperation(checked: Any) -> _LinkRequest:
    return _LinkRequest(
        LinkKind.COOPERATION,
        "cooperation",
        checked.actor_id,
        checked.partner_id,
        {"from": "actorId", "to": "partnerId"},
        keys={"kind": checked.kind},
        props={"since": checked.since, "until": checked.until},
    )


def _membership(checked: Any) -> _LinkRequest:
    return _LinkRequest(
        LinkKind.MEMBERSHIP, "membership", checked.actor_id, checked.network_id, {"from": "actorId", "to": "networkId"}
    )


def _authorship(checked: Any) -> _LinkRequest:
    return _LinkRequest(
        LinkKind.AUTHORSHIP,
        "authorship",
        checked.actor_id,
        checked.resource_id,
        {"from": "actorId", "to": "resourceId"},
    )


def _project_actor(checked: Any) -> _LinkRequest:
    spec = "runs" if checked.role == "RUNS" else "takesPartIn"
    return _LinkRequest(
        LinkKind.PROJECT_ACTOR, spec, checked.actor_id, checked.project_id, {"from": "actorId", "to": "projectId"}
    )


def _topic(checked: Any) -> _LinkRequest:
    if checked.theme is not None:
        return _LinkRequest(
            LinkKind.RESOURCE_TOPIC,
            "resourceTheme",
            checked.resource_id,
            checked.theme,
            {"from": "resourceId", "to": "theme"},
        )
    return _LinkRequest(
        LinkKind.RESOURCE_TOPIC,
        "resourceConflictType",
        checked.resource_id,
        checked.conflict_type,
        {"from": "resourceId", "to": "conflictType"},
    )


def _documentation(checked: Any) -> _LinkRequest | ValidationFailed:
    try:
        spec, subject = "documentsConflict", decode_id(checked.subject_id, "Conflict")
    except ValueError:
        try:
            spec, subject = "documentsProject", decode_id(checked.subject_id, "Project")
        except ValueError:
            return ValidationFailed.single("subjectId", "must be the id of a Conflict or a Project")
    return _LinkRequest(
        LinkKind.DOCUMENTATION, spec, checked.resource_id, subject, {"from": "resourceId", "to": "subjectId"}
    )


def _application(checked: Any) -> _LinkRequest:
    # A new (SUBMITTED) application is the project's editor's to make; any other status is the call's.
    spec = "applicationByProject" if checked.status in (None, "SUBMITTED") else "applicationByCall"
    return _LinkRequest(
        LinkKind.APPLICATION,
        spec,
        checked.project_id,
        checked.commons_call_id,
        {"from": "projectId", "to": "commonsCallId"},
        props={"status": checked.status or "SUBMITTED"},
    )


def _withdrawal(checked: Any) -> _LinkRequest:
    return replace(_application(checked), spec="applicationByProject")


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
