"""Link and unlink mutations: involvement, cooperation, membership, authorship, topics, applications."""

from __future__ import annotations

import logging
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


async def _apply(
    info: Info,
    link_kind: LinkKind,
    spec: str,
    *,
    from_id: str,
    to_key: str,
    fields: dict[str, str],
    keys: dict[str, Any] | None = None,
    props: dict[str, Any] | None = None,
    remove: bool = False,
) -> LinkResult:
    """Run one link or unlink in its transaction and build the result (refusals name the input's fields)."""
    editor = editor_of(info.context.principal)
    store = info.context.store
    if remove:
        outcome = await guarded(
            relation_store.unlink(store, spec, editor, from_id=from_id, to_key=to_key, keys=keys), fields
        )
    else:
        outcome = await guarded(
            relation_store.link(store, spec, editor, from_id=from_id, to_key=to_key, keys=keys, props=props), fields
        )
    if not isinstance(outcome, int):
        return outcome
    start, end = _END_TYPES[spec]
    log.info("%s %s", spec, "unlinked" if remove else "linked")
    return LinkSaved(
        kind=link_kind,
        from_id=strawberry.ID(relay.to_base64(start, from_id)),
        to_id=strawberry.ID(relay.to_base64(end, to_key)),
        count=outcome,
    )


def _validated(model: type[FieldsModel], input: object) -> Any:
    return validate_fields(model, input_data(input), creating=False)


async def set_involvement(info: Info, input: InvolvementInput) -> LinkResult:
    if refusal := write_refusal(info, "Recording an involvement"):
        return refusal
    fields = _validated(InvolvementFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.INVOLVEMENT,
        "involvement",
        from_id=fields.actor_id,
        to_key=fields.conflict_id,
        fields={"from": "actorId", "to": "conflictId"},
        keys={"role": fields.role},
        props={"from": fields.from_, "to": fields.to},
    )


async def remove_involvement(info: Info, input: RemoveInvolvementInput) -> LinkResult:
    if refusal := write_refusal(info, "Removing an involvement"):
        return refusal
    fields = _validated(InvolvementFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.INVOLVEMENT,
        "involvement",
        from_id=fields.actor_id,
        to_key=fields.conflict_id,
        fields={"from": "actorId", "to": "conflictId"},
        keys={"role": fields.role},
        remove=True,
    )


async def link_cooperation(info: Info, input: CooperationInput) -> LinkResult:
    if refusal := write_refusal(info, "Recording a cooperation"):
        return refusal
    fields = _validated(CooperationFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.COOPERATION,
        "cooperation",
        from_id=fields.actor_id,
        to_key=fields.partner_id,
        fields={"from": "actorId", "to": "partnerId"},
        keys={"kind": fields.kind},
        props={"since": fields.since, "until": fields.until},
    )


async def unlink_cooperation(info: Info, input: RemoveCooperationInput) -> LinkResult:
    if refusal := write_refusal(info, "Removing a cooperation"):
        return refusal
    fields = _validated(CooperationFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.COOPERATION,
        "cooperation",
        from_id=fields.actor_id,
        to_key=fields.partner_id,
        fields={"from": "actorId", "to": "partnerId"},
        keys={"kind": fields.kind},
        remove=True,
    )


async def _membership(info: Info, input: MembershipInput, *, remove: bool) -> LinkResult:
    if refusal := write_refusal(info, "Changing a membership"):
        return refusal
    fields = _validated(MembershipFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.MEMBERSHIP,
        "membership",
        from_id=fields.actor_id,
        to_key=fields.network_id,
        fields={"from": "actorId", "to": "networkId"},
        remove=remove,
    )


async def add_membership(info: Info, input: MembershipInput) -> LinkResult:
    return await _membership(info, input, remove=False)


async def remove_membership(info: Info, input: MembershipInput) -> LinkResult:
    return await _membership(info, input, remove=True)


async def _authorship(info: Info, input: AuthorshipInput, *, remove: bool) -> LinkResult:
    if refusal := write_refusal(info, "Changing an authorship"):
        return refusal
    fields = _validated(AuthorshipFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.AUTHORSHIP,
        "authorship",
        from_id=fields.actor_id,
        to_key=fields.resource_id,
        fields={"from": "actorId", "to": "resourceId"},
        remove=remove,
    )


async def add_authorship(info: Info, input: AuthorshipInput) -> LinkResult:
    return await _authorship(info, input, remove=False)


async def remove_authorship(info: Info, input: AuthorshipInput) -> LinkResult:
    return await _authorship(info, input, remove=True)


async def _project_actor(info: Info, input: ProjectActorInput, *, remove: bool) -> LinkResult:
    if refusal := write_refusal(info, "Changing who runs a project"):
        return refusal
    fields = _validated(ProjectActorFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.PROJECT_ACTOR,
        "runs" if fields.role == "RUNS" else "takesPartIn",
        from_id=fields.actor_id,
        to_key=fields.project_id,
        fields={"from": "actorId", "to": "projectId"},
        remove=remove,
    )


async def link_project_actor(info: Info, input: ProjectActorInput) -> LinkResult:
    return await _project_actor(info, input, remove=False)


async def unlink_project_actor(info: Info, input: ProjectActorInput) -> LinkResult:
    return await _project_actor(info, input, remove=True)


async def _topic(info: Info, input: ResourceTopicInput, *, remove: bool) -> LinkResult:
    if refusal := write_refusal(info, "Changing what a resource is about"):
        return refusal
    fields = _validated(ResourceTopicFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    theme = fields.theme is not None
    return await _apply(
        info,
        LinkKind.RESOURCE_TOPIC,
        "resourceTheme" if theme else "resourceConflictType",
        from_id=fields.resource_id,
        to_key=fields.theme if theme else fields.conflict_type,
        fields={"from": "resourceId", "to": "theme" if theme else "conflictType"},
        remove=remove,
    )


async def tag_resource(info: Info, input: ResourceTopicInput) -> LinkResult:
    return await _topic(info, input, remove=False)


async def untag_resource(info: Info, input: ResourceTopicInput) -> LinkResult:
    return await _topic(info, input, remove=True)


async def _documentation(info: Info, input: DocumentationInput, *, remove: bool) -> LinkResult:
    if refusal := write_refusal(info, "Changing what a resource documents"):
        return refusal
    fields = _validated(DocumentationFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    try:
        spec, subject = "documentsConflict", decode_id(fields.subject_id, "Conflict")
    except ValueError:
        try:
            spec, subject = "documentsProject", decode_id(fields.subject_id, "Project")
        except ValueError:
            return ValidationFailed.single("subjectId", "must be the id of a Conflict or a Project")
    return await _apply(
        info,
        LinkKind.DOCUMENTATION,
        spec,
        from_id=fields.resource_id,
        to_key=subject,
        fields={"from": "resourceId", "to": "subjectId"},
        remove=remove,
    )


async def add_documentation(info: Info, input: DocumentationInput) -> LinkResult:
    return await _documentation(info, input, remove=False)


async def remove_documentation(info: Info, input: DocumentationInput) -> LinkResult:
    return await _documentation(info, input, remove=True)


async def apply_to_call(info: Info, input: ApplicationInput) -> LinkResult:
    if refusal := write_refusal(info, "Applying to a call for commons"):
        return refusal
    fields = _validated(ApplicationFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    by_project = fields.status in (None, "SUBMITTED")
    return await _apply(
        info,
        LinkKind.APPLICATION,
        "applicationByProject" if by_project else "applicationByCall",
        from_id=fields.project_id,
        to_key=fields.commons_call_id,
        fields={"from": "projectId", "to": "commonsCallId"},
        props={"status": fields.status or "SUBMITTED"},
    )


async def withdraw_application(info: Info, input: WithdrawApplicationInput) -> LinkResult:
    if refusal := write_refusal(info, "Withdrawing an application"):
        return refusal
    fields = _validated(ApplicationFields, input)
    if isinstance(fields, ValidationFailed):
        return fields
    return await _apply(
        info,
        LinkKind.APPLICATION,
        "applicationByProject",
        from_id=fields.project_id,
        to_key=fields.commons_call_id,
        fields={"from": "projectId", "to": "commonsCallId"},
        remove=True,
    )
