"""Cypher for sources: where imported records come from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.store import Store

SOURCE_KINDS: tuple[str, ...] = ("PARTNER", "REGISTER", "REFERENCE", "DEMO")

# The most sources `sources` lists (a documented cap of the cost model, docs/api.md).
MAX_SOURCES = 500
MAX_SOURCE_RECORDS = 20  # partner ids listed for one record (the cost model prices `sourceRecords` at this)

_ALL: LiteralString = "MATCH (s:Source) RETURN s {.*} AS source ORDER BY s.name LIMIT $max"
_BY_NAMES: LiteralString = "MATCH (s:Source) WHERE s.name IN $names RETURN s {.*} AS source"


async def all_sources(store: Store) -> list[dict[str, Any]]:
    rows = await store.read("sources.all", _ALL, {"max": MAX_SOURCES})
    return [row["source"] for row in rows]


async def sources_by_names(store: Store, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """{name: properties} for the named sources that exist (one round trip)."""
    if not names:
        return {}
    rows = await store.read("sources.byNames", _BY_NAMES, {"names": list(set(names))})
    return {row["source"]["name"]: row["source"] for row in rows}


# The types a partner's id can lead to (labels come from this allow-list, never from input).
TRACEABLE_LABELS: tuple[LiteralString, ...] = ("Actor", "Conflict", "Project", "Resource")

_SOURCE_RECORDS: dict[str, LiteralString] = {
    label: "UNWIND $ids AS id "
    "MATCH (n:" + label + " {id: id})-[f:FROM_SOURCE]->(s:Source) "
    "RETURN id, s {.*} AS source, f.externalId AS externalId, f.importedAt AS importedAt "
    "ORDER BY id, s.name, f.externalId"
    for label in TRACEABLE_LABELS
}

_BY_EXTERNAL_ID: dict[str, LiteralString] = {
    label: "MATCH (:Source {name: $source})<-[f:FROM_SOURCE {externalId: $externalId}]-(n:" + label + ") "
    "RETURN n.id AS id ORDER BY id LIMIT 1"
    for label in TRACEABLE_LABELS
}


def _label(label: str) -> LiteralString:
    for allowed in TRACEABLE_LABELS:
        if allowed == label:
            return allowed
    raise ValueError(f"not a traceable record type: {label!r}")


async def source_records(store: Store, label: str, ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """{id: [{source, externalId, importedAt}]} for records of `label` (one round trip for every id)."""
    if not ids:
        return {}
    rows = await store.read("sources.records", _SOURCE_RECORDS[_label(label)], {"ids": list(set(ids))})
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        listed = found.setdefault(str(row["id"]), [])
        if len(listed) < MAX_SOURCE_RECORDS:
            listed.append(row)
    return found


async def id_by_external_id(store: Store, label: str, source: str, external_id: str) -> str | None:
    """The id of the record of `label` that `source` knows as `external_id`, if there is one."""
    rows = await store.read(
        "sources.byExternalId", _BY_EXTERNAL_ID[_label(label)], {"source": source, "externalId": external_id}
    )
    return str(rows[0]["id"]) if rows else None
