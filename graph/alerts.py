"""Alerts: who should hear about a new need or conflict, computed with the matching before the write.

The matching (`graph.matching.experienced_actors`) ranks the actors who dealt with the type (or theme)
near the place; its first `top_n` within the radius are the candidates. Each keeps its alert unless its
own preferences (`Actor.alertsMuted`, `alertRadiusKm`, `alertConflictTypes`) refuse it: a muted actor,
an actor based farther than its own radius, or one whose types do not include the asked type (or a
broader one) gets nothing — and nobody ranked lower takes its place. The writer then appends one ALERT
event per remaining actor in its own transaction (`graph.needs.alert_events`), with the evidence below.

Alert preferences are set with `set_preferences` (the actor's own key, or admin).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph.editing import Editor, NotAllowed, RecordMissing, UnknownReference, write_tx
from graph.matching import MatchRequest, experienced_actors
from graph.near import Near
from graph.scoring import MatchingWeights
from graph.store import Store, run_in_tx

CASE_LABELS: dict[str, str] = {
    "CONFLICT": "Conflict",
    "SPONSORSHIP": "Sponsorship",
    "NEED": "Need",
    "RESOURCE": "Resource",
    "THEME": "Theme",
}


@dataclass(frozen=True)
class AlertSubject:
    """What was posted, as the matching sees it. `beneficiary` set: the sponsor ranking around that actor
    (only actors open to sponsorship); otherwise the experienced actors around `near`."""

    conflict_type: str | None = None
    theme: str | None = None
    near: Near | None = None
    beneficiary: str | None = None


_BROADER: LiteralString = """
MATCH (t:ConflictType {code: $code})-[:SUBTYPE_OF*0..3]->(x:ConflictType)
RETURN collect(DISTINCT x.code) AS codes
"""


def _km(a: Any, b: Any) -> float | None:
    """Great-circle distance between two WGS84 points (neo4j points: x longitude, y latitude)."""
    if a is None or b is None:
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0088 * 2 * math.asin(math.sqrt(min(1.0, h)))


def accepts(actor: dict[str, Any], km: float | None, types: Sequence[str]) -> bool:
    """Whether the actor's own preferences let an alert through (types: the asked type and broader ones)."""
    if actor.get("alertsMuted"):
        return False
    radius = actor.get("alertRadiusKm")
    if radius is not None and (km is None or km > float(radius)):
        return False
    wanted = actor.get("alertConflictTypes")
    return not wanted or bool(set(wanted) & set(types))


def evidence_of(item: dict[str, Any], rank: int, km: float | None) -> dict[str, Any]:
    """What made an actor relevant, as an ALERT payload: non-personal facts and ids only."""
    cases = [entry["case"] for entry in item["evidence"]]
    return {
        "rank": rank,
        "score": round(float(item["score"]), 4),
        "distanceKm": round(km, 1) if km is not None else None,
        "casesFound": int(item["casesFound"]),
        "caseTypes": sorted({case["type"]["code"] for case in cases if case.get("type")}),
        "cases": [f"{CASE_LABELS.get(str(case['kind']), 'Conflict')}:{case['id']}" for case in cases],
    }


async def alert_targets(
    store: Store, subject: AlertSubject, *, top_n: int, radius_km: float, weights: MatchingWeights
) -> list[tuple[str, dict[str, Any]]]:
    """The actors to alert, best first, as (actor id, evidence): the matching's first `top_n` within the
    radius, less those whose own preferences refuse it. Reads only; call it before the write."""
    if top_n <= 0 or not (subject.conflict_type or subject.theme):
        return []
    if subject.beneficiary is None and (subject.near is None or subject.conflict_type is None):
        return []
    request = MatchRequest(
        near=subject.near or Near(),
        radius_km=radius_km,
        conflict_type=subject.conflict_type,
        theme=None if subject.conflict_type else subject.theme,
        first=top_n,
        beneficiary=subject.beneficiary,
        timestamps=False,
        places=False,
        bases=False,
    )
    result = await experienced_actors(store, request, weights)
    types: list[str] = []
    if subject.conflict_type:
        rows = await store.read("alerts.broaderTypes", _BROADER, {"code": subject.conflict_type})
        types = list(rows[0]["codes"]) if rows else [subject.conflict_type]
    targets: list[tuple[str, dict[str, Any]]] = []
    for rank, item in enumerate(result.items, start=1):
        if item["band"] != 0:
            continue
        actor = item["actor"]
        km = _km(actor.get("location"), result.origin)
        if accepts(actor, km, types):
            targets.append((str(actor["id"]), evidence_of(item, rank, km)))
    return targets


@dataclass(frozen=True)
class AlertPreferences:
    muted: bool | None = None  # None: unchanged
    radius_km: float | None = None
    conflict_types: tuple[str, ...] | None = None
    clear_radius: bool = False
    clear_types: bool = False


_PREFS_CHECK: LiteralString = """
OPTIONAL MATCH (a:Actor {id: $id})
RETURN a IS NOT NULL AS found, ($admin OR coalesce(a.id = $scopeActor, false)) AS allowed,
       COLLECT { MATCH (x:ConflictType) WHERE x.code IN $types RETURN x.code } AS types
"""

_PREFS_SET: LiteralString = """
MATCH (a:Actor {id: $id})
SET a.alertsMuted = CASE WHEN $muted IS NULL THEN a.alertsMuted ELSE $muted END,
    a.alertRadiusKm = CASE WHEN $clearRadius THEN null WHEN $radius IS NULL THEN a.alertRadiusKm ELSE $radius END,
    a.alertConflictTypes = CASE WHEN $clearTypes THEN null WHEN $types IS NULL THEN a.alertConflictTypes
                                ELSE $types END,
    a.updatedAt = datetime(), a.updatedBy = $by
RETURN a {.*, searchText: null, caseTypes: null} AS actor
"""


async def set_preferences(store: Store, actor_id: str, prefs: AlertPreferences, editor: Editor) -> dict[str, Any]:
    """Set an actor's alert preferences: its own key (scoped to it) or an admin key; one transaction."""
    types = list(prefs.conflict_types) if prefs.conflict_types is not None else None

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        row = (await run_in_tx(tx, _PREFS_CHECK, {"id": actor_id, "types": types or [], **editor.params()}))[0]
        if not row["found"]:
            raise RecordMissing("Actor", actor_id)
        if not row["allowed"]:
            raise NotAllowed("Only a key scoped to this actor, or an admin key, may set its alert preferences.")
        for index, code in enumerate(types or []):
            if code not in row["types"]:
                raise UnknownReference(f"conflictTypes.{index}", f"No conflict type has the code {code!r}.")
        params = {
            "id": actor_id,
            "muted": prefs.muted,
            "radius": prefs.radius_km,
            "types": types,
            "clearRadius": prefs.clear_radius,
            "clearTypes": prefs.clear_types,
            "by": editor.by,
        }
        record: dict[str, Any] = (await run_in_tx(tx, _PREFS_SET, params))[0]["actor"]
        return record

    return await write_tx(store, "alerts.preferences", work)


_BASE: LiteralString = "MATCH (a:Actor {id: $id})-[:BASED_IN]->(t:Territory) RETURN t.id AS id LIMIT 1"


async def base_of(store: Store, actor_id: str) -> str | None:
    """The id of the actor's base territory (None: unknown actor, or no base)."""
    rows = await store.read("alerts.base", _BASE, {"id": actor_id})
    return str(rows[0]["id"]) if rows else None
