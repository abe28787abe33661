"""Task forces: a proposed team for a conflict (one read), then the team as a TaskForce node.

The proposal query gathers, in one round trip, the actors based within travelling distance of the
conflict (point index on `Actor.location`) who are not parties to it, with the cases, resources,
themes and networks that qualify them for a role; `propose_team` then scores each role and picks the
team in Python: the assignment covering the most roles, then with the highest total score, never two
members from the same organisation or network. docs/matching.md explains each role's rule.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import uuid
from dataclasses import dataclass, field
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import needs, outbox
from graph.editing import Editor, NotAllowed, RecordMissing, write_tx
from graph.errors import FieldRefused
from graph.model import TASK_FORCE_ROLES
from graph.outbox import NewEvent
from graph.scoring import MatchingWeights
from graph.search import FULLTEXT_INDEXES
from graph.store import Store, run_in_tx

CIVIL_KINDS: tuple[str, ...] = ("ASSOCIATION", "COLLECTIF_CITOYEN")
MEDIATION_THEMES: tuple[str, ...] = ("MEDIATION",)
CIVIL_THEMES: tuple[str, ...] = ("CONCERTATION", "PARTICIPATION", "DEBAT_PUBLIC")
# The kinds of expertise (INVOLVED_IN.expertise) a technical seat counts; none given counts too (older data).
TECHNICAL_EXPERTISE_KINDS: tuple[str | None, ...] = (None, "TECHNICAL", "SCIENTIFIC", "ENVIRONMENTAL")
# A self-declared competence (a theme it works on) only breaks ties between proven members, or lets a
# member with no case fill a seat no proven member can take: it weighs this share of a WORKS_ON link.
DECLARED_SHARE = 0.01
# Words that mark legal know-how in an actor's name or description (full-text index, French analyzer).
LEGAL_QUERY = 'juridique OR avocat OR juriste OR contentieux OR "droit de l environnement"'
OTHER_TYPE = 0.25  # a mediation case of an unrelated type still shows mediation know-how, weakly
POOL = 6  # best candidates per role considered by the team search
QUICK_POOL = 25  # best candidates per role (by the query's quick score) scored fully in Python


class TaskForceRefused(FieldRefused):
    """The team breaks a rule (an input field is named); nothing was written."""


_CANDIDATES: LiteralString = """
OPTIONAL MATCH (c:Conflict {id: $conflict})
OPTIONAL MATCH (c)-[:OF_TYPE]->(asked:ConflictType)
CALL (asked) {
  OPTIONAL MATCH (sub:ConflictType)-[:SUBTYPE_OF*1..3]->(asked)
  RETURN collect(DISTINCT sub) AS subtypes
}
CALL (asked) {
  OPTIONAL MATCH (asked)-[:SUBTYPE_OF]->(:ConflictType)<-[:SUBTYPE_OF]-(sibling:ConflictType)
  WHERE sibling <> asked
  OPTIONAL MATCH (cousin:ConflictType)-[:SUBTYPE_OF*0..3]->(sibling)
  RETURN collect(DISTINCT cousin) AS related
}
WITH c, asked, subtypes, related, c.location AS here,
     [x IN [asked] + subtypes + related WHERE x IS NOT NULL] AS types,
     [(p:Actor)-[:INVOLVED_IN]->(c) | p] AS parties
OPTIONAL CALL (c, asked, subtypes, related, types, here, parties) {
  WITH c, asked, subtypes, related, types, here, parties WHERE here IS NOT NULL
  CALL (asked, subtypes, related, types, here, parties) {
    UNWIND types AS kt
    MATCH (kt)<-[:OF_TYPE]-(k:Conflict)<-[r:INVOLVED_IN]-(a:Actor)
    WHERE point.distance(a.location, here) <= $radiusKm * 1000.0 AND NOT a IN parties
    RETURN a, k, r, kt
    UNION
    MATCH (k:Conflict) USING POINT INDEX k:Conflict(location)
    WHERE point.distance(k.location, here) <= $radiusKm * 1000.0
    MATCH (k)<-[r:INVOLVED_IN]-(a:Actor)
    WHERE (r.role IN ['MEDIATOR', 'FACILITATOR'] OR (r.role IN ['EXPERT', 'PUBLIC_AUTHORITY']
           AND (k.outcome = 'COURT_DECISION' OR 'LAWSUIT' IN coalesce(k.mobilisations, [])
                OR r.expertise = 'LEGAL')))
      AND point.distance(a.location, here) <= $radiusKm * 1000.0 AND NOT a IN parties
    MATCH (k)-[:OF_TYPE]->(kt:ConflictType)
    RETURN a, k, r, kt
  }
  WITH a, {kind: 'CASE', id: k.id, title: k.title, role: r.role, expertise: r.expertise, outcome: k.outcome,
           year: coalesce(r.to, k.endedOn.year, r.from, k.year),
           match: CASE WHEN kt = asked THEN 'EXACT' WHEN kt IN subtypes THEN 'SUBTYPE'
                       WHEN kt IN related THEN 'RELATED' ELSE 'OTHER' END,
           legal: k.outcome = 'COURT_DECISION' OR 'LAWSUIT' IN coalesce(k.mobilisations, [])
                  OR coalesce(r.expertise = 'LEGAL', false)} AS item
  RETURN a, item
  UNION
  WITH asked, subtypes, here, parties WHERE here IS NOT NULL
  UNWIND [asked] + subtypes AS rt
  MATCH (rt)<-[:ABOUT]-(res:Resource)<-[:AUTHORED]-(a:Actor)
  WHERE point.distance(a.location, here) <= $radiusKm * 1000.0 AND NOT a IN parties
  RETURN a, {kind: 'RESOURCE', id: res.id} AS item
  UNION
  WITH here, parties WHERE here IS NOT NULL
  CALL db.index.fulltext.queryNodes($actorIndex, $legalQuery) YIELD node AS a
  WITH a, here, parties WHERE point.distance(a.location, here) <= $radiusKm * 1000.0 AND NOT a IN parties
  RETURN a, {kind: 'LEGAL'} AS item
}
WITH c, asked, here, a, collect(DISTINCT item) AS items
WITH c, asked, here, a, items, point.distance(a.location, here) / 1000.0 AS km,
     [i IN items WHERE i.kind = 'CASE' | i {.*, w: CASE i.match WHEN 'EXACT' THEN $weights.typeExact
        WHEN 'SUBTYPE' THEN $weights.typeSubtype WHEN 'RELATED' THEN $weights.typeRelated ELSE $otherType END}] AS cases
// A quick score per role (type weights, discounted by distance) keeps the best $pool per role;
// Python then scores those fully (recency, outcome, role weights, diminishing returns).
WITH c, asked, here, collect(CASE WHEN a IS NULL THEN null ELSE {a: a, km: km, items: items, cases: cases,
       quick: [
         reduce(s = 0.0, i IN cases | s + CASE WHEN i.role IN ['MEDIATOR', 'FACILITATOR'] THEN i.w ELSE 0 END),
         reduce(s = 0.0, i IN cases | s + CASE WHEN i.role = 'EXPERT' AND i.match <> 'OTHER'
           AND coalesce(i.expertise, 'TECHNICAL') IN ['TECHNICAL', 'SCIENTIFIC', 'ENVIRONMENTAL'] THEN i.w ELSE 0 END)
           + 0.6 * size([i IN items WHERE i.kind = 'RESOURCE']),
         reduce(s = 0.0, i IN cases | s + CASE WHEN i.legal THEN i.w ELSE 0 END)
           + CASE WHEN any(i IN items WHERE i.kind = 'LEGAL') THEN 0.5 ELSE 0 END,
         CASE WHEN a.kind = 'COLLECTIVITE' THEN reduce(s = 0.0, i IN cases | s + CASE WHEN i.match <> 'OTHER'
           THEN i.w ELSE 0 END) ELSE 0 END,
         CASE WHEN a.kind IN $civilKinds THEN reduce(s = 0.0, i IN cases | s + CASE WHEN i.match <> 'OTHER'
           THEN i.w ELSE 0 END) ELSE 0 END]} END) AS all
CALL (all) {
  UNWIND range(0, 4) AS role
  CALL (all, role) {
    UNWIND all AS x
    WITH x WHERE x.quick[role] > 0
    RETURN x ORDER BY x.quick[role] * exp(-x.km / $tauKm) DESC, x.a.id LIMIT $pool
  }
  RETURN collect(DISTINCT x) AS kept
}
CALL (kept) {
  UNWIND kept AS x
  WITH x, x.a AS a
  RETURN collect({
    actor: a {.*}, base: head([(a)-[:BASED_IN]->(b:Territory) | b {.*}]), distanceKm: x.km,
    cases: x.cases, resources: size([i IN x.items WHERE i.kind = 'RESOURCE']),
    legalWords: any(i IN x.items WHERE i.kind = 'LEGAL'),
    themes: [(a)-[:WORKS_ON]->(th:Theme) | th.code],
    networks: [(a)-[:MEMBER_OF]->(n:Actor) | n.id]}) AS candidates
}
RETURN c {.*} AS conflict, asked {.*} AS conflictType, candidates
"""


@dataclass
class Pick:
    """A candidate for one role: score, and the reason in a sentence."""

    actor: dict[str, Any]
    base: dict[str, Any] | None
    role: str
    score: float
    distance_km: float
    reason: str
    groups: frozenset[str]
    cases: list[dict[str, Any]] = field(default_factory=list)
    proven: bool = True  # it has cases (or resources) for this role, not only a declared competence


@dataclass
class Proposal:
    conflict: dict[str, Any] | None
    conflict_type: dict[str, Any] | None
    radius_km: float
    members: list[Pick]
    unfilled: list[tuple[str, str, str]]  # (role, reason code, sentence)


def _case_score(case: dict[str, Any], weights: MatchingWeights, year_now: int) -> float:
    type_weight = {
        "EXACT": weights.type_exact,
        "SUBTYPE": weights.type_subtype,
        "RELATED": weights.type_related,
    }.get(case["match"], OTHER_TYPE)
    year = case.get("year")
    recency = weights.unknown_year if year is None else 0.5 ** (max(0, year_now - year) / weights.half_life_years)
    outcome = weights.outcomes.get(case.get("outcome") or "UNKNOWN", weights.outcomes["UNKNOWN"])
    return float(type_weight * recency * outcome)


def _sum_decayed(scores: list[float], decay: float) -> float:
    return sum(score * decay**rank for rank, score in enumerate(sorted(scores, reverse=True)[:10]))


def _qualify(
    candidate: dict[str, Any], role: str, type_code: str, weights: MatchingWeights, year_now: int
) -> tuple[float, str, list[dict[str, Any]], bool] | None:
    """(role score before distance, reason, cases used, proven) when the candidate qualifies for `role`."""
    actor = candidate["actor"]
    kind = actor.get("kind")
    cases: list[dict[str, Any]] = candidate["cases"]
    on_type = [case for case in cases if case["match"] != "OTHER"]
    role_weight = weights.roles
    used: list[dict[str, Any]]
    extra = 0.0
    if role == "MEDIATION":
        used = [case for case in cases if case["role"] in ("MEDIATOR", "FACILITATOR")]
        if any(theme in MEDIATION_THEMES for theme in candidate["themes"]):
            extra = role_weight["WORKS_ON"] * DECLARED_SHARE
        what = "mediator or facilitator"
    elif role == "TECHNICAL_EXPERTISE":
        used = [
            case for case in on_type if case["role"] == "EXPERT" and case.get("expertise") in TECHNICAL_EXPERTISE_KINDS
        ]
        extra = role_weight["AUTHOR"] * min(int(candidate["resources"]), 3)
        what = "expert"
    elif role == "LEGAL_EXPERTISE":
        used = [
            case
            for case in cases
            if case["legal"] and case["role"] in ("EXPERT", "MEDIATOR", "FACILITATOR", "PUBLIC_AUTHORITY")
        ]
        extra = 0.5 if candidate["legalWords"] else 0.0
        what = "legal know-how (lawsuit or court decision)"
    elif role == "PEER_AUTHORITY":
        used = on_type if kind == "COLLECTIVITE" else []
        what = "authority that lived it"
    else:  # CIVIL_SOCIETY
        used = on_type if kind in CIVIL_KINDS else []
        if kind in CIVIL_KINDS and any(theme in CIVIL_THEMES for theme in candidate["themes"]):
            extra = role_weight["WORKS_ON"] * DECLARED_SHARE
        what = "civil-society organisation"
    scores = [
        _case_score(case, weights, year_now) * role_weight.get(case["role"] or "OPPONENT", role_weight["OPPONENT"])
        for case in used
    ]
    total = _sum_decayed(scores, weights.case_decay) + extra
    if total <= 0:
        return None
    ranked = sorted(used, key=lambda case: (-_case_score(case, weights, year_now), case["id"]))
    parts = []
    if ranked:
        best = ranked[0]
        parts.append(
            f"{what} in {len(ranked)} case(s), {sum(1 for c in ranked if c['match'] != 'OTHER')} of them "
            f"{type_code} or a related type (best: « {best['title']} », {best.get('year') or 'year unknown'}, "
            f"{(best.get('outcome') or 'outcome unknown').lower()})"
        )
    if role == "TECHNICAL_EXPERTISE" and candidate["resources"]:
        parts.append(f"author of {candidate['resources']} resource(s) about {type_code}")
    if role == "LEGAL_EXPERTISE" and candidate["legalWords"]:
        parts.append("legal work named in its description")
    if extra and role in ("MEDIATION", "CIVIL_SOCIETY"):
        parts.append("works on " + ", ".join(t for t in candidate["themes"] if t in MEDIATION_THEMES + CIVIL_THEMES))
    if extra and role in ("MEDIATION", "CIVIL_SOCIETY") and not ranked:
        parts[-1] = parts[-1] + " (declared, no case yet)"
    proven = bool(ranked) or (role == "TECHNICAL_EXPERTISE" and bool(candidate["resources"]))
    return total, "; ".join(parts), ranked[:3], proven


def _groups(candidate: dict[str, Any]) -> frozenset[str]:
    """An actor's organisation and networks: two members may not share any."""
    return frozenset([candidate["actor"]["id"], *candidate["networks"]])


def _best_team(pools: dict[str, list[Pick]], size: int) -> list[Pick]:
    """The assignment of roles (in TASK_FORCE_ROLES order) covering the most roles, then seating the most members with
    proven cases in their role (a declared competence alone only fills a seat), then scoring the most."""
    roles = [role for role in TASK_FORCE_ROLES if pools[role]][:size]
    options = [[*pools[role][:POOL], None] for role in roles]
    best: tuple[int, int, float, list[Pick]] = (0, 0, 0.0, [])
    for combo in itertools.product(*options):
        chosen = [pick for pick in combo if pick is not None]
        seen: set[str] = set()
        clash = False
        for pick in chosen:
            if seen & pick.groups:
                clash = True
                break
            seen |= pick.groups
        if clash:
            continue
        key = (len(chosen), sum(pick.proven for pick in chosen), sum(pick.score for pick in chosen))
        if key[:2] > best[:2] or (key[:2] == best[:2] and key[2] > best[2] + 1e-12):
            best = (key[0], key[1], key[2], chosen)
    return best[3]


async def propose_team(
    store: Store, conflict_id: str, *, size: int, radius_km: float, weights: MatchingWeights
) -> Proposal:
    """A team for the conflict: who covers which role and why, and the roles no one can fill."""
    params = {
        "conflict": conflict_id,
        "radiusKm": float(radius_km),
        "actorIndex": FULLTEXT_INDEXES["Actor"],
        "legalQuery": LEGAL_QUERY,
        "weights": weights.as_params(),
        "otherType": OTHER_TYPE,
        "civilKinds": list(CIVIL_KINDS),
        "tauKm": float(radius_km * weights.distance_scale),
        "pool": QUICK_POOL,
    }
    row = (await store.read("taskForces.proposal", _CANDIDATES, params))[0]
    conflict, conflict_type = row["conflict"], row["conflictType"]
    if conflict is None:
        return Proposal(conflict=None, conflict_type=None, radius_km=radius_km, members=[], unfilled=[])
    type_code = (conflict_type or {}).get("code", "its type")
    year_now = dt.date.today().year
    tau = radius_km * weights.distance_scale
    pools: dict[str, list[Pick]] = {role: [] for role in TASK_FORCE_ROLES}
    for candidate in row["candidates"] or []:
        for role in TASK_FORCE_ROLES:
            qualified = _qualify(candidate, role, type_code, weights, year_now)
            if qualified is None:
                continue
            score, reason, used, proven = qualified
            distance = float(candidate["distanceKm"])
            pools[role].append(
                Pick(
                    actor=candidate["actor"],
                    base=candidate["base"],
                    role=role,
                    score=score * math.exp(-distance / tau),
                    distance_km=distance,
                    reason=f"{reason}; based {distance:.0f} km away",
                    groups=_groups(candidate),
                    cases=used,
                    proven=proven,
                )
            )
    for picks in pools.values():
        picks.sort(key=lambda pick: (not pick.proven, -pick.score, pick.actor["id"]))
    team = _best_team(pools, size)
    members = _fill_extra_seats(team, pools, size)
    covered = {pick.role for pick in members}
    unfilled: list[tuple[str, str, str]] = []
    for role in TASK_FORCE_ROLES:
        if role in covered:
            continue
        if not pools[role]:
            unfilled.append((role, "NO_CANDIDATE", f"No actor within {radius_km:g} km qualifies."))
        elif len(covered) >= size:
            unfilled.append((role, "TEAM_TOO_SMALL", f"A team of {size} is full before this role."))
        else:
            unfilled.append(
                (role, "SAME_ORGANISATION", "Every candidate shares an organisation or network with a member.")
            )
    order = {role: index for index, role in enumerate(TASK_FORCE_ROLES)}
    members.sort(key=lambda pick: (order[pick.role], -pick.score))
    return Proposal(conflict, conflict_type, radius_km, members, unfilled)


def _fill_extra_seats(team: list[Pick], pools: dict[str, list[Pick]], size: int) -> list[Pick]:
    """Seats beyond the roles go to the best remaining candidates, whatever their role, under the same rule."""
    members = list(team)
    taken: set[str] = set().union(*(pick.groups for pick in members)) if members else set()
    rest = sorted((pick for picks in pools.values() for pick in picks), key=lambda p: (-p.score, p.actor["id"]))
    for pick in rest:
        if len(members) >= size:
            break
        if taken & pick.groups:
            continue
        members.append(pick)
        taken |= pick.groups
    return members


# --- writes ---------------------------------------------------------------------------------------

_MEMBER_GROUPS: LiteralString = """
UNWIND $ids AS id
OPTIONAL MATCH (a:Actor {id: id})
RETURN id, a IS NOT NULL AS found, a.name AS name, [(a)-[:MEMBER_OF]->(n:Actor) | n.id] AS networks
"""

_CREATE: LiteralString = """
MATCH (c:Conflict {id: $conflict})
OPTIONAL MATCH (c)-[:OF_TYPE]->(t:ConflictType)
CREATE (f:TaskForce {id: $id, name: $name, status: 'ACTIVE', startedOn: date(), createdAt: datetime(),
                     updatedAt: datetime(), createdBy: $by, updatedBy: $by})
CREATE (f)-[:HANDLES]->(c)
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (f)-[:FOCUSES_ON]->(t))
WITH f
UNWIND $members AS m
MATCH (a:Actor {id: m.actor})
CREATE (a)-[:MEMBER_OF_TASK_FORCE {role: m.role, reason: m.reason, since: date(), addedBy: $by}]->(f)
RETURN DISTINCT f {.*} AS taskForce
"""

_CONFLICT: LiteralString = (
    "MATCH (c:Conflict {id: $id}) RETURN c.title AS title, head([(c)-[:OF_TYPE]->(t:ConflictType) | t.code]) AS type"
)


def check_rule(rows: list[dict[str, Any]], field: str) -> None:
    """Refuse unknown actors, duplicates, and two members of one organisation or network."""
    owner: dict[str, str] = {}
    for index, row in enumerate(rows):
        if not row["found"]:
            raise TaskForceRefused(f"{field}.{index}", f"No actor has the id {row['id']!r}.")
        for group in [row["id"], *row["networks"]]:
            if group in owner:
                other = owner[group]
                raise TaskForceRefused(
                    f"{field}.{index}",
                    f"{row['name']} and {other} belong to the same organisation or network; "
                    "a task force takes one member from each.",
                )
            owner[group] = row["name"]


def _event(kind: str, task_force_id: str, conflict: str | None, actors: list[str], **facts: Any) -> NewEvent:
    """A task-force event, told to its members (and to the actor whose need it answers)."""
    records: list[tuple[str, str]] = [("TaskForce", task_force_id)]
    if conflict:
        records.append(("Conflict", conflict))
    need = facts.get("need")
    if need:
        records.append(("Need", str(need)))
    return NewEvent(kind, records=tuple(records), actors=tuple(actors), payload=facts)


async def create_task_force(
    store: Store,
    conflict_id: str,
    name: str | None,
    members: list[dict[str, str]],
    editor: Editor,
    for_need: str | None = None,
) -> dict[str, Any]:
    """Create the TaskForce, HANDLES the conflict, FOCUSES_ON its type, with its members; one transaction.
    `for_need`: the id of the need (about that conflict) it answers."""

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        found = await run_in_tx(tx, _CONFLICT, {"id": conflict_id})
        if not found:
            raise RecordMissing("Conflict", conflict_id)
        need_actor: str | None = None
        if for_need is not None:
            need = await needs.answerable(tx, for_need, "forNeed")
            if need["conflict"] != conflict_id:
                raise TaskForceRefused("forNeed", "This need is not about the task force's conflict.")
            need_actor = need["actor"]
        check_rule(await run_in_tx(tx, _MEMBER_GROUPS, {"ids": [m["actor"] for m in members]}), "members")
        params = {
            "conflict": conflict_id,
            "id": str(uuid.uuid4()),
            "name": name or f"Task force — {found[0]['title']}",
            "members": members,
            "by": editor.by,
        }
        record: dict[str, Any] = (await run_in_tx(tx, _CREATE, params))[0]["taskForce"]
        if for_need is not None:
            await needs.link_answer(tx, "TaskForce", record["id"], for_need)
        told = sorted({m["actor"] for m in members} | ({need_actor} if need_actor else set()))
        roster = [{"actor": m["actor"], "role": m["role"]} for m in members]
        event = _event(
            "TASK_FORCE_CREATED",
            record["id"],
            conflict_id,
            told,
            conflictType=found[0]["type"],
            members=roster,
            need=for_need,
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "taskForces.create", work)


_LOCK_TASK_FORCE: LiteralString = """
MATCH (f:TaskForce {id: $id})
SET f._lock = true REMOVE f._lock
RETURN f {.*} AS taskForce, ($admin OR f.createdBy = $by) AS allowed,
       [(a:Actor)-[:MEMBER_OF_TASK_FORCE]->(f) | a.id] AS members,
       head([(f)-[:HANDLES]->(c:Conflict) | c.id]) AS conflict, head([(f)-[:ANSWERS]->(n:Need) | n.id]) AS need
"""

_ADD: LiteralString = """
MATCH (f:TaskForce {id: $id}), (a:Actor {id: $actor})
CREATE (a)-[:MEMBER_OF_TASK_FORCE {role: $role, reason: $reason, since: date(), addedBy: $by}]->(f)
SET f.updatedAt = datetime(), f.updatedBy = $by
RETURN f {.*} AS taskForce
"""

_REMOVE: LiteralString = """
MATCH (a:Actor {id: $actor})-[m:MEMBER_OF_TASK_FORCE]->(f:TaskForce {id: $id})
DELETE m
SET f.updatedAt = datetime(), f.updatedBy = $by
RETURN f {.*} AS taskForce
"""


async def _locked(tx: AsyncManagedTransaction, task_force_id: str, editor: Editor) -> dict[str, Any]:
    rows = await run_in_tx(tx, _LOCK_TASK_FORCE, {"id": task_force_id, **editor.params()})
    if not rows:
        raise RecordMissing("TaskForce", task_force_id)
    if not rows[0]["allowed"]:
        raise NotAllowed("Only the task force's creator or an admin may change its members.")
    return rows[0]


async def add_member(
    store: Store, task_force_id: str, actor_id: str, role: str, reason: str, editor: Editor
) -> dict[str, Any]:
    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        current = await _locked(tx, task_force_id, editor)
        if actor_id in current["members"]:
            raise TaskForceRefused("actor", "This actor is already a member.")
        ids = [*current["members"], actor_id]
        check_rule(await run_in_tx(tx, _MEMBER_GROUPS, {"ids": ids}), "actor")
        params = {"id": task_force_id, "actor": actor_id, "role": role, "reason": reason, "by": editor.by}
        record: dict[str, Any] = (await run_in_tx(tx, _ADD, params))[0]["taskForce"]
        event = _event(
            "TASK_FORCE_MEMBER_ADDED",
            task_force_id,
            current["conflict"],
            sorted(ids),
            actor=actor_id,
            role=role,
            need=current["need"],
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "taskForces.addMember", work)


async def remove_member(store: Store, task_force_id: str, actor_id: str, editor: Editor) -> dict[str, Any]:
    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        current = await _locked(tx, task_force_id, editor)
        if actor_id not in current["members"]:
            raise TaskForceRefused("actor", "This actor is not a member of the task force.")
        rows = await run_in_tx(tx, _REMOVE, {"id": task_force_id, "actor": actor_id, "by": editor.by})
        record: dict[str, Any] = rows[0]["taskForce"]
        event = _event(
            "TASK_FORCE_MEMBER_REMOVED",
            task_force_id,
            current["conflict"],
            sorted(current["members"]),
            actor=actor_id,
            need=current["need"],
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "taskForces.removeMember", work)
