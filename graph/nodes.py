"""Fetch nodes of any allow-listed label by id, in one round trip per label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, LiteralString

from graph.migrations import LABELS_WITH_ID
from graph.store import Store

_BY_IDS: dict[str, LiteralString] = {
    label: "MATCH (n:" + label + ") WHERE n.id IN $ids RETURN n {.*, caseTypes: null} AS node"
    for label in LABELS_WITH_ID
}


def check_label(label: str) -> LiteralString:
    """Return the allow-listed label, or refuse: labels cannot be query parameters."""
    for allowed in LABELS_WITH_ID:
        if allowed == label:
            return allowed
    raise ValueError(f"unknown node label {label!r}")


async def nodes_by_ids(store: Store, label: str, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Return {id: properties} for the ids that exist under `label` (missing ids are absent)."""
    if not ids:
        return {}
    rows = await store.read(f"nodes.{check_label(label)}", _BY_IDS[check_label(label)], {"ids": list(set(ids))})
    return {row["node"]["id"]: row["node"] for row in rows}
