"""`node(id:)`: fetch any object by its global id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry import relay

from graph.nodes import nodes_by_ids
from schema.actor import Actor
from schema.commons_call import CommonsCall
from schema.conflict import Conflict
from schema.context import Info
from schema.errors import bad_input
from schema.need import Need
from schema.project import Project
from schema.resource import Resource
from schema.source import Source
from schema.sponsorship import Sponsorship
from schema.task_force import TaskForce
from schema.taxonomy import ConflictType, Theme
from schema.territory import Territory

NODE_TYPES: dict[str, Callable[[dict[str, Any]], relay.Node]] = {
    "Actor": Actor.from_record,
    "Territory": Territory.from_record,
    "ConflictType": ConflictType.from_record,
    "Theme": Theme.from_record,
    "Conflict": Conflict.from_record,
    "Project": Project.from_record,
    "Resource": Resource.from_record,
    "CommonsCall": CommonsCall.from_record,
    "Source": Source.from_record,
    "Sponsorship": Sponsorship.from_record,
    "TaskForce": TaskForce.from_record,
    "Need": Need.from_record,
}


async def node(info: Info, id: relay.GlobalID) -> relay.Node | None:
    convert = NODE_TYPES.get(id.type_name)
    if convert is None:
        raise bad_input(f"`{id}` is not the id of an object this API serves.")
    found = await nodes_by_ids(info.context.store, id.type_name, [id.node_id])
    record = found.get(id.node_id)
    return convert(record) if record else None
