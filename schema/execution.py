"""graphql-core's executor with a short path for plain values.

A field whose value is an attribute of its object (a strawberry field without resolver, permission or
extension: `is_basic_field`) and whose type is a scalar or an enum needs none of what graphql-core
prepares for a resolver: a `GraphQLResolveInfo` of thirteen members, the argument check, the call
through strawberry's wrapper to `getattr`, then the recursive completion (non-null, list, leaf). Most
fields of an answer are such values (the matching answer: ≈ 120 of ≈ 210). For them `execute_field`
reads the attribute and coerces it as graphql-core would; anything unusual — a missing value, a value
the type refuses, an argument — takes graphql-core's own path, which reports it as it always did.

Which fields qualify is decided once, when the schema is built (`mark_plain_values`), and kept in the
field's `extensions`; the relay ids of `schema.global_ids` are marked the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

PLAIN_VALUE = "tec-plain-value"  # key in a GraphQLField's extensions: (read the value, its leaf type, non-null)

Getter = Callable[[Any], Any]


def plain_value(field: GraphQLField, getter: Getter) -> None:
    """Mark `field` (of scalar or enum type) as read by `getter(object)`: no resolver call, no info."""
    graphql_type = field.type
    non_null = isinstance(graphql_type, GraphQLNonNull)
    leaf = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if is_leaf_type(leaf) and not field.args:
        field.extensions = {**(field.extensions or {}), PLAIN_VALUE: (getter, leaf, non_null)}


def mark_plain_values(schema: GraphQLSchema) -> int:
    """Mark every attribute-valued scalar or enum field of `schema`'s object types; returns how many."""
    marked = 0
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            basic = getattr(field.resolve, "__name__", "") == "_get_basic_result"  # strawberry's own plain path
            if not isinstance(definition, StrawberryField) or not basic or not definition.is_basic_field:
                continue
            resolver = definition.default_resolver
            getter = (
                attrgetter(definition.python_name)
                if resolver is getattr
                else _through(resolver, definition.python_name)
            )
            before = PLAIN_VALUE in (field.extensions or {})
            plain_value(field, getter)
            marked += PLAIN_VALUE in field.extensions and not before
    return marked


def _through(resolver: Callable[[Any, str], object], name: str) -> Getter:
    return lambda source: resolver(source, name)


class _Unusual(Exception):
    """The short path does not apply; graphql-core's own path runs."""


class PlainValueExecution(StrawberryGraphQLCoreExecutionContext):
    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        plain = field.extensions.get(PLAIN_VALUE) if field is not None and field.extensions else None
        if plain is None or node.arguments:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        getter, leaf, non_null = plain
        try:
            value = getter(source)
            if value is None or value is Undefined:
                if non_null:
                    raise _Unusual  # graphql-core raises the non-null error, with its path
                return None
            coerced = _coerce(leaf, value)
        except Exception:  # reported by graphql-core's own path, which reads the value again
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        return coerced


def _coerce(leaf: GraphQLLeafType, value: Any) -> Any:
    coerced = leaf.coerce_output_value(value)
    if coerced is None or coerced is Undefined:
        raise _Unusual
    return coerced
