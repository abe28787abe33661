"""The mécénat d'expérience workflow: propose, accept or decline, start, complete.

Each step is one managed transaction that locks the sponsorship, reads who may act and where it
stands, then writes or refuses (a refusal writes nothing). A COMPLETED sponsorship is experience for
the sponsor in later matching (`graph.matching` reads it as a case of its type at the beneficiary's
place); starting one records a COOPERATES_WITH {kind: 'SPONSORSHIP'} link, a path of trust.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import needs, outbox
from graph.editing import Editor, NotAllowed, RecordMissing, owns, write_tx
from graph.errors import FieldRefused, GraphError
from graph.outbox import NewEvent
from graph.store import Store, run_in_tx

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "PROPOSED": ("ACCEPTED", "DECLINED"),
    "ACCEPTED": ("ACTIVE",),
    "ACTIVE": ("COMPLETED",),
    "DECLINED": (),
    "COMPLETED": (),
}
BUSY: tuple[str, ...] = ("ACCEPTED", "ACTIVE")  # the statuses that count against a sponsor's capacity
DEFAULT_CAPACITY = 2


class SponsorshipRefused(FieldRefused):
    """The request breaks a rule of the workflow (an input field is named); nothing was written."""


class InvalidTransition(GraphError):
    """The sponsorship is not in a status that allows this step; nothing was written."""

    code = "INVALID_TRANSITION"

    def __init__(self, current: str, wanted: str) -> None:
        self.current = current
        self.wanted = wanted
        self.allowed = TRANSITIONS.get(current, ())
        allowed = ", ".join(self.allowed) or "nothing (it is final)"
        super().__init__(f"A {current} sponsorship cannot become {wanted}; from {current} it can become: {allowed}.")


@dataclass(frozen=True)
class Proposal:
    sponsor: str
    beneficiary: str
    need: str
    conflict_type: str | None = None
    theme: str | None = None
    for_need: str | None = None  # the id of the need (graph.needs) it answers


# The event each step writes (graph.outbox), by the status it moves to.
STEP_EVENTS: dict[str, str] = {
    "ACCEPTED": "SPONSORSHIP_ACCEPTED",
    "DECLINED": "SPONSORSHIP_DECLINED",
    "ACTIVE": "SPONSORSHIP_STARTED",
    "COMPLETED": "SPONSORSHIP_COMPLETED",
}


def _event(
    kind: str, sponsorship_id: str, sponsor: str | None, beneficiary: str | None, need: str | None, **facts: Any
) -> NewEvent:
    """A sponsorship event, told to both sides; its payload holds statuses and codes, never the need's words."""
    records: list[tuple[str, str]] = [("Sponsorship", sponsorship_id)]
    records += [("Actor", actor) for actor in (sponsor, beneficiary) if actor]
    if need:
        records.append(("Need", need))
    actors = tuple(actor for actor in (sponsor, beneficiary) if actor)
    return NewEvent(kind, records=tuple(records), actors=actors, payload={k: v for k, v in facts.items()})


_PROPOSE_CHECK: LiteralString = (
    """
OPTIONAL MATCH (a:Actor {id: $sponsor})
OPTIONAL MATCH (b:Actor {id: $beneficiary})
OPTIONAL MATCH (t:ConflictType {code: $conflictType})
OPTIONAL MATCH (th:Theme {code: $theme})
RETURN a {.id, .name, .openToSponsorship, .sponsorshipCapacity} AS sponsor, b {.id, .name} AS beneficiary,
       t IS NOT NULL AS typeFound, th IS NOT NULL AS themeFound,
       """
    + owns("a")
    + """ AS ownsSponsor, """
    + owns("b")
    + """ AS ownsBeneficiary,
       CASE WHEN a IS NULL THEN 0
            ELSE COUNT { (a)-[:SPONSORS]->(s:Sponsorship) WHERE s.status IN $busy } END AS busy,
       CASE WHEN a IS NULL OR b IS NULL THEN 0
            ELSE COUNT { (a)-[:SPONSORS]->(s:Sponsorship)-[:BENEFITS]->(b)
                         WHERE s.status IN ['PROPOSED', 'ACCEPTED', 'ACTIVE'] } END AS pending
"""
)

_PROPOSE: LiteralString = """
MATCH (a:Actor {id: $sponsor}), (b:Actor {id: $beneficiary})
CREATE (a)-[:SPONSORS]->(s:Sponsorship {id: $id, status: 'PROPOSED', need: $need, proposedBy: $side,
        proposedAt: datetime(), createdAt: datetime(), updatedAt: datetime(), createdBy: $by, updatedBy: $by})
        -[:BENEFITS]->(b)
WITH s
OPTIONAL MATCH (t:ConflictType {code: $conflictType})
OPTIONAL MATCH (th:Theme {code: $theme})
FOREACH (_ IN CASE WHEN t IS NULL THEN [] ELSE [1] END | CREATE (s)-[:ON]->(t))
FOREACH (_ IN CASE WHEN th IS NULL THEN [] ELSE [1] END | CREATE (s)-[:ON]->(th))
RETURN s {.*} AS sponsorship
"""


def _capacity(sponsor: dict[str, Any]) -> int:
    value = sponsor.get("sponsorshipCapacity")
    return DEFAULT_CAPACITY if value is None else int(value)


async def propose(store: Store, proposal: Proposal, editor: Editor) -> dict[str, Any]:
    """Create a PROPOSED sponsorship, if the editor acts for one side and the sponsor can take it."""
    params = {
        "sponsor": proposal.sponsor,
        "beneficiary": proposal.beneficiary,
        "conflictType": proposal.conflict_type or "",
        "theme": proposal.theme or "",
        "busy": list(BUSY),
        **editor.params(),
    }

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        row = (await run_in_tx(tx, _PROPOSE_CHECK, params))[0]
        sponsor, beneficiary = row["sponsor"], row["beneficiary"]
        if sponsor is None:
            raise RecordMissing("Actor", proposal.sponsor)
        if beneficiary is None:
            raise RecordMissing("Actor", proposal.beneficiary)
        if not (row["ownsSponsor"] or row["ownsBeneficiary"]):
            raise NotAllowed("This key may act for neither the sponsor nor the beneficiary.")
        _check_proposal(proposal, row)
        side = "PLATFORM" if editor.admin else "BENEFICIARY" if row["ownsBeneficiary"] else "SPONSOR"
        if proposal.for_need is not None:
            need = await needs.answerable(tx, proposal.for_need, "forNeed")
            if need["actor"] != proposal.beneficiary:
                raise SponsorshipRefused("forNeed", "The beneficiary must be the actor that posted the need.")
        create = {**params, "id": str(uuid.uuid4()), "need": proposal.need, "side": side, "by": editor.by}
        rows = await run_in_tx(tx, _PROPOSE, create)
        record: dict[str, Any] = rows[0]["sponsorship"]
        if proposal.for_need is not None:
            await needs.link_answer(tx, "Sponsorship", record["id"], proposal.for_need)
        event = _event(
            "SPONSORSHIP_PROPOSED",
            record["id"],
            proposal.sponsor,
            proposal.beneficiary,
            proposal.for_need,
            status="PROPOSED",
            proposedBy=side,
            conflictType=proposal.conflict_type,
            theme=proposal.theme,
        )
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, "sponsorships.propose", work)


def _check_proposal(proposal: Proposal, row: dict[str, Any]) -> None:
    sponsor = row["sponsor"]
    if proposal.sponsor == proposal.beneficiary:
        raise SponsorshipRefused("beneficiary", "An actor cannot sponsor itself.")
    if proposal.conflict_type and not row["typeFound"]:
        raise SponsorshipRefused("conflictType", f"No conflict type has the code {proposal.conflict_type!r}.")
    if proposal.theme and not row["themeFound"]:
        raise SponsorshipRefused("theme", f"No theme has the code {proposal.theme!r}.")
    if not sponsor.get("openToSponsorship"):
        raise SponsorshipRefused("sponsor", f"{sponsor['name']} is not open to sponsorship.")
    if int(row["busy"]) >= _capacity(sponsor):
        raise SponsorshipRefused(
            "sponsor",
            f"{sponsor['name']} already runs {row['busy']} sponsorship(s), its capacity; propose another sponsor.",
        )
    if int(row["pending"]) > 0:
        raise SponsorshipRefused("sponsor", "These two actors already have a sponsorship under way.")


_LOCK_AND_READ: LiteralString = (
    """
MATCH (s:Sponsorship {id: $id})
SET s._lock = true REMOVE s._lock
WITH s
OPTIONAL MATCH (a:Actor)-[:SPONSORS]->(s)
OPTIONAL MATCH (s)-[:BENEFITS]->(b:Actor)
RETURN s {.*} AS sponsorship, a {.id, .name, .sponsorshipCapacity} AS sponsor, b.id AS beneficiaryId,
       head([(s)-[:ANSWERS]->(n:Need) | n.id]) AS needId,
       head([(s)-[:ON]->(x:ConflictType) | x.code]) AS conflictType, head([(s)-[:ON]->(x:Theme) | x.code]) AS theme,
       """
    + owns("a")
    + " AS ownsSponsor, "
    + owns("b")
    + """ AS ownsBeneficiary,
       CASE WHEN a IS NULL THEN 0
            ELSE COUNT { (a)-[:SPONSORS]->(o:Sponsorship) WHERE o.status IN $busy AND o <> s } END AS busy
"""
)

_MOVE: LiteralString = """
MATCH (s:Sponsorship {id: $id})
SET s += $props, s.status = $to, s.updatedAt = datetime(), s.updatedBy = $by
WITH s
OPTIONAL MATCH (a:Actor)-[:SPONSORS]->(s)-[:BENEFITS]->(b:Actor)
FOREACH (_ IN CASE WHEN $to = 'ACTIVE' AND a IS NOT NULL THEN [1] ELSE [] END |
  MERGE (a)-[c:COOPERATES_WITH {kind: 'SPONSORSHIP'}]-(b)
  ON CREATE SET c.since = $year, c.createdAt = datetime(), c.createdBy = $by)
RETURN s {.*} AS sponsorship
"""


async def move(
    store: Store, sponsorship_id: str, to: str, props: dict[str, Any], editor: Editor, *, asked_side_only: bool = False
) -> dict[str, Any]:
    """Move a sponsorship to status `to` with `props`, if the step is legal and the editor may take it.

    `asked_side_only`: only the side that did not propose may answer (a platform proposal is answered
    by the sponsor). Accepting or starting needs the sponsor to be under capacity.
    """
    params = {"id": sponsorship_id, "busy": list(BUSY), **editor.params()}

    async def work(tx: AsyncManagedTransaction) -> dict[str, Any]:
        rows = await run_in_tx(tx, _LOCK_AND_READ, params)
        if not rows:
            raise RecordMissing("Sponsorship", sponsorship_id)
        row = rows[0]
        current = str(row["sponsorship"]["status"])
        if asked_side_only:
            asked = "BENEFICIARY" if row["sponsorship"].get("proposedBy") == "SPONSOR" else "SPONSOR"
            allowed = editor.admin or row["ownsSponsor" if asked == "SPONSOR" else "ownsBeneficiary"]
            if not allowed:
                raise NotAllowed(f"Only the {asked.lower()} (or an admin) may answer this proposal.")
        elif not (row["ownsSponsor"] or row["ownsBeneficiary"]):
            raise NotAllowed("This key may act for neither the sponsor nor the beneficiary.")
        if to not in TRANSITIONS.get(current, ()):
            raise InvalidTransition(current, to)
        _check_dates(row["sponsorship"], props)
        sponsor = row["sponsor"]
        if to in BUSY and sponsor is not None and int(row["busy"]) >= _capacity(sponsor):
            raise SponsorshipRefused(
                "id", f"{sponsor['name']} already runs {row['busy']} sponsorship(s), its capacity."
            )
        started = props.get("startedOn")
        year = started.year if isinstance(started, dt.date) else dt.date.today().year
        write = {"id": sponsorship_id, "to": to, "props": props, "by": editor.by, "year": year}
        record: dict[str, Any] = (await run_in_tx(tx, _MOVE, write))[0]["sponsorship"]
        facts: dict[str, Any] = {"from": current, "status": to}
        facts.update(conflictType=row["conflictType"], theme=row["theme"])
        if to == "COMPLETED":
            facts["outcome"] = props.get("outcome")
        sponsor_id = sponsor["id"] if sponsor else None
        event = _event(STEP_EVENTS[to], sponsorship_id, sponsor_id, row["beneficiaryId"], row["needId"], **facts)
        await outbox.append(tx, [event])
        return record

    return await write_tx(store, f"sponsorships.{to.lower()}", work)


def _check_dates(record: dict[str, Any], props: dict[str, Any]) -> None:
    started = props.get("startedOn") or _date(record.get("startedOn"))
    completed = props.get("completedOn")
    if isinstance(completed, dt.date) and isinstance(started, dt.date) and completed < started:
        raise SponsorshipRefused("completedOn", f"must not be before the start, {started.isoformat()}")


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    native = value.to_native() if hasattr(value, "to_native") else value
    return native if isinstance(native, dt.date) else None
