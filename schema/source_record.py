"""Traceability: where an imported record comes from, and the partner's own id for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry

from graph import sources as source_store
from graph.store import Store
from schema.context import Info
from schema.scalars import iso
from schema.source import Source, source_named


@strawberry.type(description="One source a record was imported from, with the partner's id for it.")
class SourceRecord:
    external_id: str = strawberry.field(
        description="The partner's own id for the record (an RNA number W…, NET-00042…): "
        "`actor(source:, externalId:)` finds the record by it."
    )
    imported_at: str | None = strawberry.field(description="When an import last wrote the record (ISO 8601).")
    source_record: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="The source that holds this id.")
    def source(self) -> Source:
        return Source.from_record(self.source_record)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SourceRecord:
        return cls(
            external_id=str(row["externalId"]), imported_at=iso(row.get("importedAt")), source_record=row["source"]
        )


def _loader(label: str) -> Any:
    async def load(store: Store, ids: list[str]) -> Sequence[list[dict[str, Any]]]:
        found = await source_store.source_records(store, label, ids)
        return [found.get(record_id, []) for record_id in ids]

    return load


_LOADERS = {label: _loader(label) for label in source_store.TRACEABLE_LABELS}


async def source_records_of(info: Info, label: str, record_id: str) -> list[SourceRecord]:
    """The sources of one record (batched across the request: one round trip per type asked for)."""
    rows = await info.context.loaders.get(f"sourceRecords.{label}", _LOADERS[label]).load(record_id)
    return [SourceRecord.from_row(row) for row in rows]


def traceability_fields(label: str) -> tuple[Any, Any]:
    """The `source` and `sourceRecords` fields of a traceable type (its GraphQL name and label: `label`)."""

    async def source(self: Any, info: Info) -> Source | None:
        return await source_named(info, self.record.get("source"))

    async def source_records(self: Any, info: Info) -> list[SourceRecord]:
        return await source_records_of(info, label, self.id)

    return (
        strawberry.field(
            resolver=source, description="The data source this record comes from (none when entered through the API)."
        ),
        strawberry.field(
            resolver=source_records,
            description="Every source this record was imported from, with the partner's id for it (empty when "
            "entered through the API).",
        ),
    )
