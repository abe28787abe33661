"""What production mode changes in GraphQL: no introspection, no "Did you mean …?" suggestions.

Also where strawberry's own error logging is replaced: schema.errors.ErrorCodes logs each error
once, knowing its code (client errors at INFO, unexpected ones at ERROR with their traceback).
"""

from __future__ import annotations

import re
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.types import ExecutionContext

from schema.execution import mark_plain_values
from schema.global_ids import plain_global_ids
from tec.settings import Settings

_SUGGESTION = re.compile(r"\s*Did you mean\b.*$", re.DOTALL)


def without_suggestion(message: str) -> str:
    """The message without its trailing "Did you mean …?" (it reveals names the caller did not know)."""
    return _SUGGESTION.sub("", message)


def introspection_rules(settings: Settings) -> list[type[ASTValidationRule]]:
    return [] if settings.allows_introspection else [NoSchemaIntrospectionCustomRule]


class HardenedSchema(strawberry.Schema):
    """strawberry's Schema, quiet about errors (ErrorCodes logs them) and optionally without suggestions;
    the relay `id` of its Node types is resolved as a plain value (`schema.global_ids`), and the fields that
    are plain values are marked for `schema.execution`'s short path."""

    def __init__(self, *args: Any, suggestions: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = suggestions
        self.plain_id_types = plain_global_ids(self._schema)
        # a resolver read as a plain value would bypass an exception handler that turns errors into results
        handlers = getattr(self.schema_converter, "_exception_handler_specs", None)
        self.plain_value_fields = mark_plain_values(self._schema, resolvers=handlers == ())

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        if self.suggestions:
            return
        for error in errors:
            error.message = without_suggestion(error.message)
