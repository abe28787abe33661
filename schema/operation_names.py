"""The name of the operation a request ran, for the access log (`tec.app.logs.AccessLog`)."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension


class OperationNames(SchemaExtension):
    """Tell the access log which operation a request ran."""

    def on_operation(self) -> Iterator[None]:
        yield
        request = getattr(self.execution_context.context, "request", None)
        if request is not None:
            try:
                name = self.execution_context.operation_name
            except RuntimeError:
                name = None
            request.state.operation_name = name[:100] if name else None
