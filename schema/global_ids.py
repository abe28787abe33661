"""The relay `id` of every Node type, resolved as a plain value.

strawberry resolves `Node.id` through its full resolver path for each object: an `Info`, argument
handling, `resolve_typename`, a `GlobalID` object, then its base64 when serialized. A matching answer
holds ≈ 30 of them (each actor and each conflict): about a tenth of the service's own time per request
(docs/performance.md, "Matching, near the driver"). The id is the base64 of `<Type>:<node id>`, the
same string strawberry builds (`strawberry.relay.to_base64`); here it is computed by one small
function that graphql-core calls directly (or, with `schema.execution`'s executor, without a resolver
call at all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.types.base import StrawberryObjectDefinition

from schema.execution import plain_value


def _plain_id(
    type_name: str, origin: type[relay.Node], attribute: str, fallback: Callable[..., Any]
) -> Callable[..., Any]:
    def resolve(root: Any, info: GraphQLResolveInfo[Any], **kwargs: Any) -> Any:
        if isinstance(root, origin):
            return to_base64(type_name, getattr(root, attribute))
        return fallback(root, info, **kwargs)  # not one of our objects (strawberry resolves it its own way)

    return resolve


def _id_of(type_name: str, origin: type[relay.Node], attribute: str) -> Callable[[Any], str]:
    def read(root: Any) -> str:
        if not isinstance(root, origin):
            raise TypeError(type_name)  # the executor then calls the resolver, which knows what to do
        return to_base64(type_name, getattr(root, attribute))

    return read


def _uses_default_id(origin: type) -> bool:
    """The Node type keeps strawberry's own `resolve_id` and `resolve_typename` (none of ours overrides them)."""
    return (
        issubclass(origin, relay.Node)
        and origin.resolve_id.__func__ is relay.Node.resolve_id.__func__  # type: ignore[attr-defined]
        and origin.resolve_typename.__func__ is relay.Node.resolve_typename.__func__  # type: ignore[attr-defined]
    )


def plain_global_ids(schema: GraphQLSchema) -> list[str]:
    """Resolve `id` on every Node type of `schema` as a plain value; returns the names of those types."""
    done: list[str] = []
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or "id" not in graphql_type.fields:
            continue
        definition = graphql_type.extensions.get("strawberry-definition")
        if not isinstance(definition, StrawberryObjectDefinition) or not _uses_default_id(definition.origin):
            continue
        field = graphql_type.fields["id"]
        if field.resolve is None:
            continue
        origin = definition.origin
        attribute = origin.resolve_id_attr()
        field.resolve = _plain_id(graphql_type.name, origin, attribute, field.resolve)
        plain_value(field, _id_of(graphql_type.name, origin, attribute))  # `schema.execution`'s short path
        done.append(graphql_type.name)
    return sorted(done)
