"""The relay ids of Node types, resolved as plain values (`schema.global_ids`), are strawberry's own ids."""

from __future__ import annotations

import base64
from typing import Any

import strawberry

from schema.actor import Actor
from schema.conflict import Conflict
from schema.hardening import HardenedSchema

ACTOR = {"id": "actor-1", "name": "Maison de la médiation", "kind": "ASSOCIATION"}
CONFLICT = {"id": "conflict-é/7", "title": "Parc éolien"}


@strawberry.type
class Query:
    @strawberry.field
    def actors(self) -> list[Actor]:
        return [Actor.from_record(ACTOR), Actor.from_record({**ACTOR, "id": "actor-2"})]

    @strawberry.field
    def conflict(self) -> Conflict:
        return Conflict.from_record(CONFLICT)


DOCUMENT = "{ actors { id name } conflict { id title } }"


def _answer(schema: strawberry.Schema) -> dict[str, Any]:
    result = schema.execute_sync(DOCUMENT)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def test_ids_are_the_base64_of_type_and_node_id() -> None:
    schema = HardenedSchema(query=Query)
    assert {"Actor", "Conflict"} <= set(schema.plain_id_types)  # resolved by schema.global_ids, not by strawberry
    data = _answer(schema)
    assert [actor["id"] for actor in data["actors"]] == [
        base64.b64encode(b"Actor:actor-1").decode(),
        base64.b64encode(b"Actor:actor-2").decode(),
    ]
    assert data["conflict"]["id"] == base64.b64encode("Conflict:conflict-é/7".encode()).decode()


def test_ids_equal_those_strawberry_resolves_itself() -> None:
    assert _answer(HardenedSchema(query=Query)) == _answer(strawberry.Schema(query=Query))


@strawberry.type
class Renamed(strawberry.relay.Node):
    code: strawberry.relay.NodeID[str]

    @classmethod
    def resolve_id(cls, root: Renamed, *, info: strawberry.Info) -> str:
        return root.code.lower()


@strawberry.type
class RenamedQuery:
    @strawberry.field
    def renamed(self) -> Renamed:
        return Renamed(code="ABC")


def test_a_node_type_with_its_own_resolve_id_keeps_it() -> None:
    schema = HardenedSchema(query=RenamedQuery)
    result = schema.execute_sync("{ renamed { id } }")
    assert result.data == {"renamed": {"id": base64.b64encode(b"Renamed:abc").decode()}}
    assert "Renamed" not in schema.plain_id_types
