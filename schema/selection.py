"""What a request's document asks for, worked out once per request.

The graph layer leaves out what no field of the document can show (the records' timestamps, which
the driver is slow to decode); this module answers "could any field ask for it?" conservatively: a
field name anywhere in the operation or its fragments counts, whatever type it is on.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from schema.context import Info

TIMESTAMP_FIELDS = frozenset({"createdAt", "updatedAt"})


def _field_names(selection_sets: Iterable[SelectionSetNode | None]) -> frozenset[str]:
    names: set[str] = set()
    pending = [s for s in selection_sets if s is not None]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
                if selection.selection_set is not None:
                    pending.append(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
    return frozenset(names)


# An operation's field names, by the operation node's identity (kept alive with its names): the service
# keeps parsed documents (`resolvers.root.schema.ParsedDocuments`), so a known query is walked once.
_KNOWN: dict[int, tuple[OperationDefinitionNode, frozenset[str]]] = {}
_KNOWN_MAX = 256


def asked_field_names(info: Info) -> frozenset[str]:
    """Every field name the request's operation (with its fragments) selects, on any type."""
    context = info.context
    if context.asked_fields is None:
        operation = info.operation
        known = _KNOWN.get(id(operation))
        if known is not None and known[0] is operation:
            context.asked_fields = known[1]
            return known[1]
        fragments = info._raw_info.fragments.values()
        sets = [operation.selection_set, *(fragment.selection_set for fragment in fragments)]
        context.asked_fields = _field_names(sets)
        if len(_KNOWN) >= _KNOWN_MAX:
            _KNOWN.pop(next(iter(_KNOWN)))
        _KNOWN[id(operation)] = (operation, context.asked_fields)
    return context.asked_fields


def document_field_names(document: DocumentNode) -> frozenset[str]:
    """`asked_field_names` of a parsed document (all its operations and fragments), without a request."""
    sets = [
        definition.selection_set
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    return _field_names(sets)


def asks_timestamps(info: Info) -> bool:
    return not TIMESTAMP_FIELDS.isdisjoint(asked_field_names(info))
