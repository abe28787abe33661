"""A query cost budget, checked before execution.

The cost of a field is 1 plus the cost of its selections; a list field multiplies its selections'
cost by the page it asks for (`first`, or the default page of 20 — also for nested lists such as an
actor's `conflicts` when the query leaves their `first` out). A query asking for 100 actors
with 100 conflicts each costs about 10,000 per selected leaf, so the default budget of 50,000
allows a rich directory page but refuses accidental fan-outs.
"""

from __future__ import annotations

from typing import Any

from graphql import (
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
    NamedTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
)

DEFAULT_PAGE = 20
LIST_ARGUMENTS = ("first", "size", "limit")


def _multiplier(field: FieldNode, variables: dict[str, Any], definition: GraphQLField | None = None) -> int:
    for argument in field.arguments or ():
        if argument.name.value in LIST_ARGUMENTS:
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                given = variables.get(value.name.value)
                return max(1, int(given)) if isinstance(given, int) else DEFAULT_PAGE
    if definition is not None and any(name in definition.args for name in LIST_ARGUMENTS):
        return DEFAULT_PAGE  # a paged list whose page size the query left to its default
    return 1


def _field_definition(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
        found: GraphQLField | None = parent.fields.get(name)
        return found
    return None


def _condition(schema: GraphQLSchema | None, node: NamedTypeNode | None, parent: GraphQLNamedType | None) -> Any:
    if schema is None or node is None:
        return parent
    return schema.get_type(node.name.value)


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: frozenset[str] = frozenset(),
    parent: GraphQLNamedType | None = None,
    schema: GraphQLSchema | None = None,
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            definition = _field_definition(parent, selection.name.value)
            child = get_named_type(definition.type) if definition is not None else None
            inner = selection_cost(selection.selection_set, fragments, variables, seen, child, schema)
            total += 1 + _multiplier(selection, variables, definition) * inner
        elif isinstance(selection, InlineFragmentNode):
            scope = _condition(schema, selection.type_condition, parent)
            total += selection_cost(selection.selection_set, fragments, variables, seen, scope, schema)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                scope = _condition(schema, fragment.type_condition, parent)
                total += selection_cost(fragment.selection_set, fragments, variables, seen | {name}, scope, schema)
    return total


def cost_limit_rule(max_cost: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            variables: dict[str, Any] = getattr(self.context, "variable_values", None) or {}
            schema = self.context.schema
            root = schema.get_root_type(node.operation)
            cost = selection_cost(node.selection_set, self.fragments, variables, parent=root, schema=schema)
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"This query would cost {cost}, over the budget of {max_cost}; ask for smaller pages "
                        "(`first`) or fewer nested lists.",
                        node,
                        extensions={"code": "QUERY_TOO_COMPLEX", "cost": cost, "maxCost": max_cost},
                    )
                )

    return CostLimit
