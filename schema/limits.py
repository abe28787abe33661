"""The query cost budget, priced on the values a request actually asks for.

The price of a document is the number of records it can return: a field costs 1 plus the cost of its
selections, and a list field multiplies its selections' cost by the most items it can return — its
page size (`first`, `limit`, `top`… given as a literal, as a variable, or left to the default of the
variable or of the argument) or the fixed cap its resolver enforces (`schema/bounds.py`). Introspection
fields (`__schema`, `__type`) are priced at their exact size, counted on the schema itself and
abandoned as soon as the count passes the budget. The check runs after validation, where the
request's variables are known (`CostLimit`); a document over `TEC_MAX_COST` is refused before any
resolver runs, with `QUERY_TOO_COMPLEX`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graph.taxonomy import MAX_TAXONOMY
from schema.bounds import LIST_BOUNDS, TAXONOMY_CHILDREN, TAXONOMY_ROOTS, Bound
from schema.errors import ApiError

Scope = tuple[tuple[str, int], ...]  # the integer arguments of the enclosing fields, nearest first


class UnpricedList(Exception):
    """A list field has no entry in `schema/bounds.py`: the schema grew a list the cost model cannot price."""


class PageTooLarge(Exception):
    """A `first` over the largest page: the resolvers would refuse it, so it is refused before pricing."""


class Pricing:
    """Prices documents against one schema; `price` is safe on hostile documents (fragments are priced
    once per type and scope, so a fan-out of spreads costs linear time)."""

    def __init__(
        self, schema: GraphQLSchema, bounds: Mapping[str, Bound] = LIST_BOUNDS, max_page: int | None = None
    ) -> None:
        self.schema = schema
        self.bounds = bounds
        self.max_page = max_page

    def price(
        self,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
        budget: int | None = None,
    ) -> int:
        """The price of the operation; past `budget` (when given) the count may stop early, above it."""
        operation = _operation(document, operation_name)
        if operation is None:
            return 0  # graphql-core reports the missing operation
        given = variables or {}
        values: dict[str, Any] = {}
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name in given:
                values[name] = given[name]
            elif definition.default_value is not None:
                values[name] = value_from_ast_untyped(definition.default_value)
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        root = self.schema.get_root_type(operation.operation)
        walk = _Walk(self, fragments, values, budget)
        try:
            return walk.selections(operation.selection_set, root, (), frozenset(), None)
        except _OverBudget as over:
            return over.count

    def multiplier(self, parent: str, field: GraphQLField, name: str, own: Mapping[str, int], scope: Scope) -> int:
        """The most items the list field `parent.name` can return, given its arguments and the enclosing ones."""
        bound = self.bounds.get(f"{parent}.{name}")
        if bound is None:
            raise UnpricedList(f"{parent}.{name}")
        if bound.arg is None:
            return bound.default
        value = own.get(bound.arg) if bound.arg in field.args else next((v for k, v in scope if k == bound.arg), None)
        if bound.arg == "first" and value is not None and self.max_page is not None and value > self.max_page:
            raise PageTooLarge()
        count = bound.default if value is None else max(0, value)
        return bound.per * count + bound.plus


class _OverBudget(Exception):
    def __init__(self, count: int) -> None:
        self.count = count


class _Walk:
    def __init__(
        self,
        pricing: Pricing,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        budget: int | None,
    ) -> None:
        self.pricing = pricing
        self.fragments = fragments
        self.variables = variables
        self.memo: dict[tuple[str, str, Scope, int | None], int] = {}
        self.budget = budget
        self.introspected = 0  # records counted in introspection fields so far

    def selections(
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType | None,
        scope: Scope,
        seen: frozenset[str],
        tree: int | None,
    ) -> int:
        """The price of a selection; `tree` is how many distinct taxonomy nodes it is selected on, when
        every list above it since the root's `conflictTypes` walked down the taxonomy (else None)."""
        if selection_set is None or parent is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, scope, seen, tree)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                scoped = self.pricing.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, scoped, scope, seen, tree)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, parent, scope, seen, tree)
        return total

    def spread(self, name: str, parent: GraphQLNamedType, scope: Scope, seen: frozenset[str], tree: int | None) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in seen:
            return 0  # validation refuses unknown and cyclic fragments
        key = (name, parent.name, scope, tree)
        if key not in self.memo:
            scoped = self.pricing.schema.get_type(fragment.type_condition.name.value)
            self.memo[key] = self.selections(fragment.selection_set, scoped, scope, seen | {name}, tree)
        return self.memo[key]

    def field(
        self, node: FieldNode, parent: GraphQLNamedType, scope: Scope, seen: frozenset[str], tree: int | None
    ) -> int:
        definition = _definition(self.pricing.schema, parent, node.name.value)
        if definition is None:
            return 1  # validation refuses unknown fields
        if definition is SchemaMetaFieldDef or definition is TypeMetaFieldDef:
            schema = self.pricing.schema
            name = self.arguments_any(node, definition).get("name")
            root = schema if definition is SchemaMetaFieldDef else schema.get_type(str(name))
            return 1 + self.exact(node.selection_set, get_named_type(definition.type), root, seen)
        own = self.arguments(node, definition)
        inner_scope = tuple(own.items()) + scope if own else scope
        child = get_named_type(definition.type)
        path = f"{parent.name}.{node.name.value}"
        if is_list_type(get_nullable_type(definition.type)):
            count = self.pricing.multiplier(parent.name, definition, node.name.value, own, scope)
            below: int | None = None
            if path in TAXONOMY_ROOTS:
                below = count
            elif path in TAXONOMY_CHILDREN and tree is not None:
                # children of distinct taxonomy nodes are distinct: all of them together are at most
                # the whole taxonomy, however many parents share it
                count = min(count, -(-MAX_TAXONOMY // tree))
                below = tree * count
            inner = self.selections(node.selection_set, child, inner_scope, seen, below)
            return 1 + count * max(inner, 1)  # a list of scalars costs one per item too
        return 1 + self.selections(node.selection_set, child, inner_scope, seen, None)

    def arguments(self, node: FieldNode, definition: GraphQLField) -> dict[str, int]:
        """The field's integer arguments: given (literal or variable), else their schema default. A given
        value that cannot be an integer (an object, a list, a string…) is not evaluated."""
        found: dict[str, int] = {}
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        for name, argument in definition.args.items():
            if name in given and not isinstance(given[name], IntValueNode | VariableNode):
                continue
            value: Any = self.value(given[name]) if name in given else argument.default_value
            if isinstance(value, int) and not isinstance(value, bool):
                found[name] = value
        return found

    def arguments_any(self, node: FieldNode, definition: GraphQLField) -> dict[str, Any]:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        return {
            name: self.value(given[name]) if name in given else a.default_value for name, a in definition.args.items()
        }

    def exact(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, value: Any, seen: frozenset[str]
    ) -> int:
        """The exact number of records an introspection selection returns on `value` (of type `parent`)."""
        if selection_set is None or value is None or not isinstance(parent, GraphQLObjectType):
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                definition = _definition(self.pricing.schema, parent, selection.name.value)
                if definition is None or definition is TypeNameMetaFieldDef or definition.resolve is None:
                    total += 1
                    continue
                found = definition.resolve(
                    value, _SchemaInfo(self.pricing.schema), **self.named_arguments(selection, definition)
                )
                child = get_named_type(definition.type)
                items = (
                    list(found) if is_list_type(get_nullable_type(definition.type)) and found is not None else [found]
                )
                total += 1 + sum(max(1, self.exact(selection.selection_set, child, item, seen)) for item in items)
                self.introspected += 1 + len(items)
                if self.budget is not None and self.introspected > self.budget:
                    raise _OverBudget(self.introspected)
            elif isinstance(selection, InlineFragmentNode):
                total += self.exact(selection.selection_set, parent, value, seen)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None and selection.name.value not in seen:
                    total += self.exact(fragment.selection_set, parent, value, seen | {selection.name.value})
        return total

    def named_arguments(self, node: FieldNode, definition: GraphQLField) -> dict[str, Any]:
        """Arguments as graphql-core passes them to a resolver (Python names are the GraphQL ones here)."""
        return {k: v for k, v in self.arguments_any(node, definition).items() if v is not None}

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            return self.variables.get(node.name.value)
        return value_from_ast_untyped(node, self.variables)


class _SchemaInfo:
    """What graphql-core's introspection resolvers read from `info`."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema


def _definition(schema: GraphQLSchema, parent: GraphQLNamedType, name: str) -> GraphQLField | None:
    if name == "__typename":
        return TypeNameMetaFieldDef
    if parent is schema.query_type and name == "__schema":
        return SchemaMetaFieldDef
    if parent is schema.query_type and name == "__type":
        return TypeMetaFieldDef
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def too_complex(cost: int, max_cost: int) -> ApiError:
    return ApiError(
        f"This query would cost {cost}, over the budget of {max_cost}: its price is the number of records "
        "it can return (each list counts at its page size, variables included). Ask for smaller pages "
        "(`first`) or fewer nested lists.",
        "QUERY_TOO_COMPLEX",
        400,
        cost=cost,
        maxCost=max_cost,
    )


def cost_limit(max_cost: int, max_page: int | None = None) -> type[SchemaExtension]:
    """A schema extension refusing, before execution, any operation priced over `max_cost` (and any
    `first` over `max_page`, with the message the resolvers give)."""

    class CostLimit(SchemaExtension):
        pricing: Pricing | None = None

        def on_execute(self) -> Iterator[None]:
            context = self.execution_context
            document = context.graphql_document
            if document is not None and context.result is None:
                cls = type(self)
                if cls.pricing is None:
                    cls.pricing = Pricing(context.schema._schema, max_page=max_page)
                variables = context.variables if isinstance(context.variables, dict) else None
                # a subscription ignores a result set here: it is refused by raising (sent as its first result)
                subscription = context.operation_type is OperationType.SUBSCRIPTION
                try:
                    cost = cls.pricing.price(document, context.operation_name, variables, max_cost)
                except PageTooLarge:
                    message = f"`first` must be between 0 and {max_page}; ask for the next page with `after`."
                    error = GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})
                    if subscription:
                        raise error from None
                    context.result = GraphQLExecutionResult(data=None, errors=[error])
                    yield
                    return
                request = getattr(context.context, "request", None)
                if request is not None:
                    request.state.cost = cost  # for the access log
                if cost > max_cost and subscription:
                    raise too_complex(cost, max_cost)
                if cost > max_cost:
                    # a result set here is returned instead of executing (and still gets its HTTP status)
                    context.result = GraphQLExecutionResult(data=None, errors=[too_complex(cost, max_cost)])
            yield

    return CostLimit
