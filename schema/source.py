"""The Source GraphQL type: where imported records come from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import strawberry
from strawberry import relay

from graph import sources as source_store
from graph.store import Store
from schema.context import Info
from schema.enums import SourceKind
from schema.scalars import iso
from schema.values import to_enum


@strawberry.type(description="A data source: a partner network, a public register, the reference data, the demo.")
class Source(relay.Node):
    id: relay.NodeID[str]
    name: str
    kind: SourceKind | None
    licence: str | None
    imported_at: str | None = strawberry.field(description="When its last import ran (ISO 8601).")
    record: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Source:
        return cls(
            id=str(record.get("id") or record["name"]),
            name=str(record["name"]),
            kind=to_enum(SourceKind, record.get("kind")),
            licence=record.get("licence"),
            imported_at=iso(record.get("importedAt")),
            record=record,
        )


async def _load_sources(store: Store, names: list[str]) -> Sequence[dict[str, Any] | None]:
    found = await source_store.sources_by_names(store, names)
    return [found.get(name) for name in names]


async def source_named(info: Info, name: str | None) -> Source | None:
    """The Source a record's `source` property names (batched across the request)."""
    if not name:
        return None
    record = await info.context.loaders.get("source.byName", _load_sources).load(name)
    return Source.from_record(record) if record else None
