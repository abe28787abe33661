"""Document validation kept off the event loop, after a linear check of the document's shape.

graphql-core's validation is CPU work that can grow much faster than the document: the rule that
fields of the same name can be merged compares them pairwise, so `{ themes { code } themes { code } … }`
a thousand times takes seconds. Run in the event loop, that would stall every other request,
`/healthz` included. So a linear walk first refuses selection sets that repeat one response name
more than `MAX_SAME_NAME` times or spread more than `MAX_SPREADS` fragments, and documents whose
fragments, written out, would hold more than `MAX_EXPANDED` fields (strawberry's depth limiter walks
every path through the fragments) (`QUERY_TOO_COMPLEX`); and
validation itself runs in a worker thread, once per document: the answer is kept (as strawberry's
`ValidationCache` keeps it), and a document validated before is answered on the loop without the
thread hop (a request's turn through the thread pool costs more than the cached answer).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Hashable

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from strawberry.extensions import SchemaExtension

from schema.errors import ApiError

MAX_SAME_NAME = 10  # one response name (field or alias) in one selection set, inline fragments included
MAX_SPREADS = 50  # distinct fragments spread in one selection set
MAX_EXPANDED = 20_000  # fields of the document once its fragments are written out where they are spread


def shape_problem(document: DocumentNode) -> str | None:
    """What makes this document too costly to validate, or None; linear in its size."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            problem = _selection_problem(definition.selection_set)
            if problem:
                return problem
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    sizes: dict[str, int] = {}
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            size = _expanded(definition.selection_set, fragments, sizes, frozenset())
            if size > MAX_EXPANDED:
                return f"its fragments spread into {size} fields (at most {MAX_EXPANDED})."
    return None


def _expanded(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    sizes: dict[str, int],
    seen: frozenset[str],
) -> int:
    """How many fields the selection holds with its fragments written out (each fragment sized once)."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1 + _expanded(selection.selection_set, fragments, sizes, seen)
        elif isinstance(selection, InlineFragmentNode):
            total += _expanded(selection.selection_set, fragments, sizes, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in sizes and name in fragments and name not in seen:
                sizes[name] = _expanded(fragments[name].selection_set, fragments, sizes, seen | {name})
            total += sizes.get(name, 0)
        if total > MAX_EXPANDED:
            return total  # enough to refuse; sizes can grow past any integer on hostile documents
    return total


def _selection_problem(selection_set: SelectionSetNode | None) -> str | None:
    if selection_set is None:
        return None
    names: Counter[str] = Counter()
    spreads: set[str] = set()
    pending = [selection_set]
    while pending:  # this set and the inline fragments in it: graphql-core merges them into one
        current = pending.pop()
        for selection in current.selections:
            if isinstance(selection, FieldNode):
                names[(selection.alias or selection.name).value] += 1
                problem = _selection_problem(selection.selection_set)
                if problem:
                    return problem
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                spreads.add(selection.name.value)
    repeated = [name for name, count in names.items() if count > MAX_SAME_NAME]
    if repeated:
        return f"`{repeated[0]}` is asked {names[repeated[0]]} times in one selection (at most {MAX_SAME_NAME})."
    if len(spreads) > MAX_SPREADS:
        return f"{len(spreads)} fragments are spread in one selection (at most {MAX_SPREADS})."
    return None


class ValidatedDocuments:
    """The validation errors of documents seen before (an LRU of `maxsize` entries), shared by requests."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._errors: OrderedDict[Hashable, list[GraphQLError]] = OrderedDict()
        self._lock = threading.Lock()

    def known(self, key: Hashable) -> list[GraphQLError] | None:
        with self._lock:
            errors = self._errors.get(key)
            if errors is not None:
                self._errors.move_to_end(key)
            return errors

    def keep(self, key: Hashable, errors: list[GraphQLError]) -> None:
        with self._lock:
            self._errors[key] = errors
            self._errors.move_to_end(key)
            while len(self._errors) > self.maxsize:
                self._errors.popitem(last=False)


_CACHES: dict[int, ValidatedDocuments] = {}


def _validated_documents(maxsize: int) -> ValidatedDocuments:
    return _CACHES.setdefault(maxsize, ValidatedDocuments(maxsize))


def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    # strawberry's own validation (its rules added to ours), imported late as strawberry does (import cycle)
    from strawberry.schema.schema import validate_document

    return validate_document(schema, document, rules)


class ValidationOffLoop(SchemaExtension):
    """Check the document's shape, then validate it in a worker thread, once per document."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.documents = _validated_documents(maxsize)

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is None:
            yield
            return
        schema = context.schema._schema
        rules = tuple(context.validation_rules)
        key = (id(schema), _SameDocument(document), rules)  # the schema lives as long as the process
        errors = self.documents.known(key)  # a document kept here had no shape problem
        if errors is None:
            problem = shape_problem(document)
            if problem:
                message = f"This query is too complex to check: {problem} Ask for each thing once."
                context.pre_execution_errors = [ApiError(message, "QUERY_TOO_COMPLEX", 400)]
                yield
                return
            errors = await asyncio.to_thread(_validate, schema, document, rules)
            self.documents.keep(key, errors)
        context.pre_execution_errors = errors
        yield


class _SameDocument:
    """A parsed document as a cache key, hashed and compared by identity: a `DocumentNode`'s own hash
    walks its whole tree, at every look-up. The parsed documents are reused
    (`resolvers.root.schema.ParsedDocuments`), and the key keeps its document alive, so its id is not
    reused while it is cached."""

    __slots__ = ("document",)

    def __init__(self, document: DocumentNode) -> None:
        self.document = document

    def __hash__(self) -> int:
        return id(self.document)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _SameDocument) and other.document is self.document
