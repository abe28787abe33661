"""A query cost budget, checked before execution.

The cost of a field is 1 plus the cost of its selections; a list field multiplies its selections'
cost by the page it asks for (`first`, or the default page of 20). A query asking for 100 actors
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
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    VariableNode,
)

DEFAULT_PAGE = 20
LIST_ARGUMENTS = ("first", "size", "limit")


def _multiplier(field: FieldNode, variables: dict[str, Any]) -> int:
    for argument in field.arguments or ():
        if argument.name.value in LIST_ARGUMENTS:
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(1, int(value.value))
            if isinstance(value, VariableNode):
                given = variables.get(value.name.value)
                return max(1, int(given)) if isinstance(given, int) else DEFAULT_PAGE
    return 1


def selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
    seen: frozenset[str] = frozenset(),
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner = selection_cost(selection.selection_set, fragments, variables, seen)
            total += 1 + _multiplier(selection, variables) * inner
        elif isinstance(selection, InlineFragmentNode):
            total += selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += selection_cost(fragment.selection_set, fragments, variables, seen | {name})
    return total


def cost_limit_rule(max_cost: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document = context.document
            self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            variables: dict[str, Any] = getattr(self.context, "variable_values", None) or {}
            cost = selection_cost(node.selection_set, self.fragments, variables)
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
