"""graphql-core's executor with a short path for plain values and plain objects.

A field whose value is an attribute of its object (a strawberry field without resolver, permission or
extension: `is_basic_field`) needs none of what graphql-core prepares for a resolver: a
`GraphQLResolveInfo` of thirteen members, the argument check, the call through strawberry's wrapper
to `getattr`, then the recursive completion (non-null, list, leaf or object). Most fields of an answer
are such fields (the matching answer: ≈ 160 values and ≈ 50 objects or lists of objects of ≈ 210).

- A plain **value** (scalar or enum) is read and coerced as graphql-core would coerce it (the common
  cases — a `str` for String, a finite `float` for Float, a member of the enum — without a call).
- A plain **object** (an object type, or a list of them, at most one list deep) is read, checked as
  graphql-core checks it (null where the type allows it, the object's `is_type_of`), and its own fields
  executed directly, the errors inside it handled by graphql-core's `handle_field_error` with the same
  types and paths as graphql-core's completion uses.

Anything unusual — a missing value, a value the type refuses, an argument, a directive on the field, a
deferred fragment — takes graphql-core's own path before any of the field's work is done, and is
reported as it always was. Which fields qualify is decided once, when the schema is built
(`mark_plain_values`), and kept in the field's `extensions`; the relay ids of `schema.global_ids` are
marked the same way. Which steps a selection takes is decided once per request and object type
(`execute_fields`' plans, kept with graphql-core's own memo of the selections).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from inspect import Parameter, isawaitable, iscoroutine
from math import isfinite
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    Undefined,
    is_leaf_type,
)
from graphql.pyutils import Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.info import Info

PLAIN_VALUE = "tec-plain-value"  # key in a GraphQLField's extensions: a `PlainValue`
PLAIN_OBJECT = "tec-plain-object"  # key in a GraphQLField's extensions: a `PlainObject`

Getter = Callable[[Any], Any]

# Leaf types whose output coercion returns a value of this exact Python type unchanged
_UNCHANGED: dict[GraphQLLeafType, type] = {GraphQLString: str, GraphQLID: str, GraphQLBoolean: bool}


@dataclass(frozen=True, slots=True)
class PlainValue:
    getter: Getter
    leaf: GraphQLLeafType
    non_null: bool
    unchanged: type | None  # a value of this type is its own output (`_UNCHANGED`)
    enum: type | None  # a strawberry enum's Python class, whose members `members` names
    members: dict[Any, str]  # that enum's members → their GraphQL names, as the enum type coerces them


@dataclass(frozen=True, slots=True)
class PlainObject:
    getter: Getter
    field_type: GraphQLOutputType  # as declared: for the errors, as graphql-core reports them
    object_type: GraphQLObjectType
    non_null: bool
    is_list: bool
    item_type: GraphQLOutputType  # a list's item type (the object type, or non-null of it)
    item_non_null: bool
    is_type_of: Callable[[Any, Any], Any] | None  # strawberry's own check (it reads the object only)
    # a synchronous resolver taking `self` and the request's `info` (its other arguments left to their
    # defaults): the getter is bound to one info per request and selection (`with_info`)
    resolver: Callable[..., Any] | None = None
    info_name: str = "info"
    definition: StrawberryField | None = None

    def with_info(self, info: Info[Any, Any]) -> PlainObject:
        """This shape, its getter calling the resolver with `info`."""
        return replace(self, getter=partial(_called, self.resolver, {self.info_name: info}))


def _called(resolver: Any, info: dict[str, Any], source: Any) -> Any:
    """The resolver's value for `source`, or _UNUSUAL when it is not at hand (an awaitable: a loader's
    work, left to graphql-core's path, which calls the resolver again; this call's coroutine is closed)."""
    value = resolver(source, **info)
    if isawaitable(value):
        if iscoroutine(value):
            value.close()
        return _UNUSUAL
    return value


def plain_value(field: GraphQLField, getter: Getter) -> None:
    """Mark `field` (of scalar or enum type) as read by `getter(object)`: no resolver call, no info."""
    graphql_type = field.type
    non_null = isinstance(graphql_type, GraphQLNonNull)
    leaf = graphql_type.of_type if isinstance(graphql_type, GraphQLNonNull) else graphql_type
    if is_leaf_type(leaf) and not field.args:
        members = _enum_members(leaf)
        enum = getattr(leaf, "wrapped_cls", None) if members else None
        plain = PlainValue(getter, leaf, non_null, _UNCHANGED.get(leaf), enum, members or {})
        field.extensions = {**(field.extensions or {}), PLAIN_VALUE: plain}


def _enum_members(leaf: GraphQLLeafType) -> dict[Any, str] | None:
    """A strawberry enum's members with the names its `coerce_output_value` gives them (asked once here)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if not isinstance(leaf, GraphQLEnumType) or not isinstance(wrapped, type) or not issubclass(wrapped, Enum):
        return None
    try:
        return {member: leaf.coerce_output_value(member) for member in wrapped}
    except Exception:  # a member the type cannot name: every value takes the type's own coercion
        return None


def _plain_object(field: GraphQLField, getter: Getter, *, arguments: bool = False) -> PlainObject | None:
    """The shape of an object-valued field (T, T!, [T], [T!], [T]!, [T!]!), or None for any other;
    `arguments`: a field with arguments qualifies (asked without them, they take their defaults)."""
    field_type = field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    is_list = isinstance(inner, GraphQLList)
    item_type = inner.of_type if isinstance(inner, GraphQLList) else inner
    item_non_null = isinstance(item_type, GraphQLNonNull)
    object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
    if not isinstance(object_type, GraphQLObjectType) or (field.args and not arguments):
        return None
    definition = (object_type.extensions or {}).get("strawberry-definition")
    if not isinstance(definition, StrawberryObjectDefinition) or definition.is_type_of is not None:
        return None  # a type's own is_type_of may read the resolve info: graphql-core's path gives it one
    return PlainObject(
        getter, field_type, object_type, non_null, is_list, item_type, item_non_null, object_type.is_type_of
    )


def mark_plain_values(schema: GraphQLSchema, *, resolvers: bool = True) -> int:
    """Mark every field of `schema`'s object types that is a scalar, an enum, an object or a list of
    objects, read from its object: an attribute, or (`resolvers`: when no exception handler of the schema
    could turn a resolver's error into a result) a synchronous resolver taking only `self`. Returns how
    many were marked."""
    marked = 0
    roots = {schema.query_type, schema.mutation_type, schema.subscription_type}
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            definition = (field.extensions or {}).get("strawberry-definition")
            if not isinstance(definition, StrawberryField):
                continue
            resolve_name = getattr(field.resolve, "__name__", "")
            getter = _getter(definition, resolve_name, resolvers)
            if getter is None:
                taking_info = _taking_info(definition, resolve_name, resolvers)
                if taking_info is not None and graphql_type not in roots:
                    marked += _mark_taking_info(field, definition, *taking_info)
                continue
            extensions = field.extensions or {}
            before = PLAIN_VALUE in extensions or PLAIN_OBJECT in extensions
            plain_value(field, getter)
            shape = None if PLAIN_VALUE in field.extensions else _plain_object(field, getter)
            if shape is not None:
                field.extensions = {**field.extensions, PLAIN_OBJECT: shape}
            marked += (PLAIN_VALUE in field.extensions or PLAIN_OBJECT in field.extensions) and not before
    return marked


def _getter(definition: StrawberryField, resolve_name: str, resolvers: bool) -> Getter | None:
    """How to read the field from its object without graphql-core's resolver call, or None."""
    if resolve_name == "_get_basic_result" and definition.is_basic_field:  # strawberry's own plain path
        resolver = definition.default_resolver
        name = definition.python_name
        return attrgetter(name) if resolver is getattr else _through(resolver, name)
    base = definition.base_resolver
    if (
        not resolvers
        or resolve_name != "_resolver"  # strawberry's synchronous path (`_async_resolver` awaits)
        or base is None
        or definition.is_async
        or definition.extensions  # permissions are extensions
        or definition.arguments
        or base.self_parameter is None
        or len(base.signature.parameters) != 1  # `self` only: no info, root or parent
    ):
        return None
    function = base.wrapped_func
    return function if callable(function) else None  # strawberry calls it with the object as `self`


def _taking_info(
    definition: StrawberryField, resolve_name: str, resolvers: bool
) -> tuple[Callable[..., Any], str] | None:
    """A synchronous resolver of `self`, the request's info and arguments that all have defaults, without
    permission or extension, and its info parameter's name; else None."""
    base = definition.base_resolver
    if (
        not resolvers
        or resolve_name != "_resolver"
        or base is None
        or definition.is_async
        or definition.extensions
        or base.self_parameter is None
        or base.info_parameter is None
        or base.root_parameter is not None
        or base.parent_parameter is not None
    ):
        return None
    reserved = {base.self_parameter.name, base.info_parameter.name}
    if any(
        parameter.default is Parameter.empty
        for name, parameter in base.signature.parameters.items()
        if name not in reserved
    ):
        return None  # an argument without default: the field cannot be asked without it anyway
    function = base.wrapped_func
    return (function, base.info_parameter.name) if callable(function) else None


def _mark_taking_info(
    field: GraphQLField, definition: StrawberryField, function: Callable[..., Any], info_name: str
) -> int:
    """Mark an object-valued field whose resolver takes the request's info (`_taking_info`): asked without
    arguments, it is called directly, once per object, with one info per request and selection."""
    shape = _plain_object(field, _unbound, arguments=True)
    if shape is None or PLAIN_OBJECT in (field.extensions or {}):
        return 0
    shape = replace(shape, resolver=function, info_name=info_name, definition=definition)
    field.extensions = {**(field.extensions or {}), PLAIN_OBJECT: shape}
    return 1


def _unbound(source: Any) -> Any:
    raise LookupError("a resolver taking info is called through PlainObject.with_info")


def _through(resolver: Callable[[Any, str], object], name: str) -> Getter:
    return lambda source: resolver(source, name)


_UNUSUAL = object()  # what the short path returns when it does not apply


def _read(plain: PlainValue, source: Any) -> Any:
    """The field's value as graphql-core would complete it, or _UNUSUAL: then graphql-core's own path
    runs for it (and reads it again), and reports what is wrong as it always did."""
    try:
        value = plain.getter(source)
        if value is None or value is Undefined:
            return _UNUSUAL if plain.non_null else None  # graphql-core raises the non-null error, with its path
        kind = type(value)
        if kind is plain.unchanged:
            return value
        if kind is float and plain.leaf is GraphQLFloat:
            return value if isfinite(value) else _UNUSUAL
        if kind is plain.enum:
            return plain.members[value]
        coerced = plain.leaf.coerce_output_value(value)
    except Exception:
        return _UNUSUAL
    return _UNUSUAL if coerced is None or coerced is Undefined else coerced


# A selection's plan, per field: (response name, its field group, a PlainValue, a PlainObject or None)
Step = tuple[str, Any, PlainValue | None, PlainObject | None]


class PlainValueExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor (as strawberry subclasses it), with the short paths for plain fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[Any, list[Step] | None]] = {}
        release_with = getattr(self.context_value, "release_with", None)
        if release_with is not None:  # a request's `schema.context.Context`
            release_with(self.forget)

    def forget(self) -> None:
        """Let go of everything this execution refers to, once the request's answer is sent. An
        execution and what it built refer to one another (the plans' `Info`, the resolve infos' bound
        methods, the collected fields): left alone, the whole request — its context, records, Starlette
        request and response — is a cycle only the garbage collector frees. Called by
        `Context.release`; the execution is not used after it."""
        vars(self).clear()

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: dict[str, Any]) -> list[Step] | None:
        """Each field's short path (None when none applies), memoized as graphql-core memoizes the
        selections (by the identity of the field set, kept alive with its plan)."""
        known = self._plans.get(id(grouped_field_set))
        if known is not None and known[0] is grouped_field_set:
            return known[1]
        fields = parent_type.fields
        steps: list[Step] = []
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            field = fields.get(node.name.value)
            extensions = field.extensions if field is not None and not node.arguments else None
            value = extensions.get(PLAIN_VALUE) if extensions else None
            shape = extensions.get(PLAIN_OBJECT) if extensions and not node.directives else None
            if shape is not None and shape.resolver is not None and field is not None:
                raw = self.build_resolve_info(
                    field,
                    [details.node for details in field_details_list],
                    parent_type,
                    Path(None, response_name, parent_type.name),
                )
                shape = shape.with_info(Info(_raw_info=raw, _field=shape.definition))
            steps.append((response_name, field_details_list, value, shape))
        plan = steps if any(value or shape for _, _, value, shape in steps) else None
        self._plans[id(grouped_field_set)] = (grouped_field_set, plan)
        return plan

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: dict[str, Any],
        position_context: Any,
    ) -> Any:
        """graphql-core's `execute_fields`, each plain field taking its short path."""
        plan = self._plan(parent_type, grouped_field_set)
        if plan is None:
            return super().execute_fields(parent_type, source_value, path, grouped_field_set, position_context)
        results: dict[str, Any] = {}
        is_awaitable = self.is_awaitable
        awaitable_fields: list[str] = []
        deferring = position_context is not None  # inside a deferred fragment: objects take the usual path
        try:
            for response_name, field_details_list, value_step, object_step in plan:
                if value_step is not None:
                    result = _read(value_step, source_value)
                    if result is not _UNUSUAL:
                        results[response_name] = result  # a coerced leaf: never awaitable
                        continue
                elif object_step is not None and not deferring:
                    result = self._complete_plain_object(
                        object_step, field_details_list, source_value, path, response_name, parent_type.name
                    )
                else:
                    result = _UNUSUAL
                if result is _UNUSUAL:
                    field_path = Path(path, response_name, parent_type.name)
                    result = super().execute_field(
                        parent_type, source_value, field_details_list, field_path, position_context
                    )
                    if result is Undefined:
                        continue
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[name] for name in awaitable_fields])
            raise
        if not awaitable_fields:
            return results

        async def get_results() -> dict[str, Any]:
            if len(awaitable_fields) == 1:
                name = awaitable_fields[0]
                results[name] = await results[name]
            else:
                awaited = await gather_with_cancel(*(results[name] for name in awaitable_fields))
                results.update(zip(awaitable_fields, awaited, strict=True))
            return results

        return get_results()

    def _complete_plain_object(
        self,
        shape: PlainObject,
        field_details_list: Any,
        source: Any,
        path: Path | None,
        response_name: str,
        parent_name: str,
    ) -> Any:
        """The field's completed object or list of objects, or _UNUSUAL (decided before any of its work)."""
        try:
            value = shape.getter(source)
        except Exception:
            return _UNUSUAL
        if value is _UNUSUAL:
            return _UNUSUAL
        if value is None or value is Undefined:
            return _UNUSUAL if shape.non_null else None
        is_type_of = shape.is_type_of
        if not shape.is_list:
            if is_type_of is not None and not is_type_of(value, None):
                return _UNUSUAL
        else:
            if type(value) is not list and type(value) is not tuple:
                return _UNUSUAL
            for item in value:
                if item is None or item is Undefined:
                    if shape.item_non_null:
                        return _UNUSUAL
                elif is_type_of is not None and not is_type_of(item, None):
                    return _UNUSUAL
        grouped_field_set, new_defer_usages, _ = self.collect_subfields(shape.object_type, field_details_list)
        if new_defer_usages:
            return _UNUSUAL
        field_path = Path(path, response_name, parent_name)
        if not shape.is_list:
            return self._completed(
                shape.object_type, value, field_path, grouped_field_set, shape.field_type, field_details_list
            )
        return self._completed_list(shape, value, field_path, grouped_field_set, field_details_list)

    def _completed(
        self,
        object_type: GraphQLObjectType,
        value: Any,
        path: Path,
        grouped_field_set: Any,
        return_type: GraphQLOutputType,
        field_details_list: Any,
    ) -> Any:
        """One object's fields; an error in them handled as graphql-core handles it at `return_type`."""
        try:
            completed = self.execute_fields(object_type, value, path, grouped_field_set, None)
        except Exception as error:
            self.handle_field_error(error, return_type, field_details_list, path)
            return None
        if not self.is_awaitable(completed):
            return completed

        async def await_completed() -> Any:
            try:
                return await completed
            except Exception as error:
                self.handle_field_error(error, return_type, field_details_list, path)
                return None

        return await_completed()

    def _completed_list(
        self, shape: PlainObject, items: Any, path: Path, grouped_field_set: Any, field_details_list: Any
    ) -> Any:
        """A list of objects, as graphql-core completes one: an item's error at the item's type and path,
        an error that the item's type cannot hold at the list field's."""
        completed_items: list[Any] = []
        awaitable_indices: list[int] = []
        is_awaitable = self.is_awaitable
        try:
            for index, item in enumerate(items):
                if item is None or item is Undefined:
                    completed_items.append(None)
                    continue
                completed = self._completed(
                    shape.object_type,
                    item,
                    path.add_key(index, None),
                    grouped_field_set,
                    shape.item_type,
                    field_details_list,
                )
                if is_awaitable(completed):
                    awaitable_indices.append(index)
                completed_items.append(completed)
        except Exception as error:
            if awaitable_indices:
                self.settle_in_background([completed_items[index] for index in awaitable_indices])
            self.handle_field_error(error, shape.field_type, field_details_list, path)
            return None
        if not awaitable_indices:
            return completed_items

        async def await_items() -> Any:
            try:
                if len(awaitable_indices) == 1:
                    index = awaitable_indices[0]
                    completed_items[index] = await completed_items[index]
                else:
                    awaited = await gather_with_cancel(*(completed_items[index] for index in awaitable_indices))
                    for index, result in zip(awaitable_indices, awaited, strict=True):
                        completed_items[index] = result
            except Exception as error:
                self.handle_field_error(error, shape.field_type, field_details_list, path)
                return None
            return completed_items

        return await_items()

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
