"""graphql-core's executor with a short path for plain values.

A field whose value is an attribute of its object (a strawberry field without resolver, permission or
extension: `is_basic_field`) and whose type is a scalar or an enum needs none of what graphql-core
prepares for a resolver: a `GraphQLResolveInfo` of thirteen members, the argument check, the call
through strawberry's wrapper to `getattr`, then the recursive completion (non-null, list, leaf). Most
fields of an answer are such values (the matching answer: ≈ 120 of ≈ 210). For them `execute_fields`
reads the attribute and coerces it as graphql-core would, and hands only the other fields to
graphql-core (then puts the answer back in the document's order); anything unusual — a missing value, a value
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


_UNUSUAL = object()  # what `_read` returns when the short path does not apply


def _read(plain: tuple[Getter, GraphQLLeafType, bool], source: Any) -> Any:
    """The field's value as graphql-core would complete it, or _UNUSUAL: then graphql-core's own path
    runs for it (and reads it again), and reports what is wrong as it always did."""
    getter, leaf, non_null = plain
    try:
        value = getter(source)
        if value is None or value is Undefined:
            return _UNUSUAL if non_null else None  # graphql-core raises the non-null error, with its path
        coerced = leaf.coerce_output_value(value)
    except Exception:
        return _UNUSUAL
    return _UNUSUAL if coerced is None or coerced is Undefined else coerced


def _in_order(grouped_field_set: dict[str, Any], plain: dict[str, Any], executed: dict[str, Any]) -> dict[str, Any]:
    return {
        name: plain[name] if name in plain else executed[name]
        for name in grouped_field_set
        if name in plain or name in executed
    }


class PlainValueExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor (as strawberry subclasses it), with the short path for plain values."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: dict[str, Any],
        position_context: Any,
    ) -> Any:
        fields = parent_type.fields
        plain: dict[str, Any] = {}
        rest: dict[str, Any] = {}
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            field = fields.get(node.name.value)
            marked = field.extensions.get(PLAIN_VALUE) if field is not None and not node.arguments else None
            value = _read(marked, source_value) if marked is not None else _UNUSUAL
            if value is _UNUSUAL:
                rest[response_name] = field_details_list
            else:
                plain[response_name] = value
        if not plain:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        if not rest:
            return plain  # in the document's order: every field was read in it
        executed: Any = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if self.is_awaitable(executed):

            async def in_order() -> dict[str, Any]:
                return _in_order(grouped_field_set, plain, await executed)

            return in_order()
        return _in_order(grouped_field_set, plain, executed)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: Any,
        path: Path,
        position_context: Any,
    ) -> Any:
        """One field (mutations' root fields are executed one by one): the short path when it applies."""
        node = field_details_list[0].node
        field = parent_type.fields.get(node.name.value)
        marked = field.extensions.get(PLAIN_VALUE) if field is not None and not node.arguments else None
        value = _read(marked, source) if marked is not None else _UNUSUAL
        if value is _UNUSUAL:
            return super().execute_field(parent_type, source, field_details_list, path, position_context)
        return value
