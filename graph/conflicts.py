"""Cypher for conflicts: one real case in one place, its type, territory, project and actors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString

from neo4j import AsyncManagedTransaction

from graph import ancestry, case_types
from graph.editing import Announce, EditableNode, Editor, LinkField, References, delete_owned, save_node
from graph.listing import DISTANCE, RELEVANCE, FilterClauses, ListRequest, ListSpec, SortKey, list_page
from graph.needs import alert_events
from graph.outbox import NewEvent
from graph.pagination import Page
from graph.store import Store, run_in_tx

CONFLICT_LIST = ListSpec(
    label="Conflict",
    sorts={
        "STARTED_ON": SortKey("coalesce(toString(n.startedOn), '')", descending=True),
        "TITLE": SortKey("coalesce(n.searchText, toLower(n.title), '')"),
        "CREATED_AT": SortKey("coalesce(n.createdAt.epochMillis, 0)", descending=True),
        "RELEVANCE": RELEVANCE,
        "DISTANCE": DISTANCE,
    },
    default_sort="STARTED_ON",
    area_filter="EXISTS { MATCH (n)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..3]->(area) }",
    area_source="MATCH (area)<-[:PART_OF*0..3]-(:Territory)<-[:LOCATED_IN]-(n:Conflict)",
    located=True,
    area_codes=True,
)


@dataclass(frozen=True)
class ConflictFilter:
    statuses: tuple[str, ...] = ()
    intensities: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    conflict_types: tuple[str, ...] = ()  # a type, category or family: its subtypes are included
    year_from: int | None = None
    year_to: int | None = None
    actor: str | None = None  # id of an actor involved in it
    roles: tuple[str, ...] = ()  # … with one of these roles
    source: str | None = None

    def clauses(self) -> tuple[list[LiteralString], dict[str, Any]]:
        """Every filter as a clause tested on each node."""
        return self.where().result()

    def where(self) -> FilterClauses:
        where = FilterClauses()
        where.any_of("n.status IN $statuses", "statuses", self.statuses)
        where.any_of("n.intensity IN $intensities", "intensities", self.intensities)
        where.any_of("n.outcome IN $outcomes", "outcomes", self.outcomes)
        where.any_of(
            "EXISTS { MATCH (n)-[:OF_TYPE]->(:ConflictType)-[:SUBTYPE_OF*0..3]->(ct:ConflictType) "
            "WHERE ct.code IN $conflictTypes }",
            "conflictTypes",
            self.conflict_types,
        )
        where.equal("n.year >= $yearFrom", "yearFrom", self.year_from)
        where.equal("n.year <= $yearTo", "yearTo", self.year_to)
        if self.actor is not None or self.roles:
            where.add(
                "EXISTS { MATCH (n)<-[inv:INVOLVED_IN]-(who:Actor) "
                "WHERE ($actor IS NULL OR who.id = $actor) AND ($roles IS NULL OR inv.role IN $roles) }",
                actor=self.actor,
                roles=list(self.roles) or None,
            )
        where.source(self.source)
        return where


async def conflict_page(store: Store, filters: ConflictFilter, request: ListRequest) -> Page:
    filters.where().apply(request)
    return await list_page(store, CONFLICT_LIST, request, name="conflicts.page")


CONFLICT_NODE = EditableNode(
    label="Conflict",
    links=(
        LinkField("type", "OF_TYPE", "ConflictType", key="code"),
        LinkField("territory", "LOCATED_IN", "Territory", copy_location=True),
        LinkField("project", "ABOUT", "Project"),
    ),
    after_set="SET n.year = n.startedOn.year ",
    after_links=case_types.refresh_involved("n")
    + ancestry.refresh_in_call("n", "Conflict")
    + ancestry.refresh_documenting("n"),
)


_FACTS: LiteralString = """
MATCH (n:Conflict {id: $id})
RETURN head([(n)-[:OF_TYPE]->(t:ConflictType) | t.code]) AS type,
       head([(n)-[:LOCATED_IN]->(t:Territory) | t.code]) AS territory,
       COLLECT { MATCH (n)<-[:INVOLVED_IN]-(a:Actor) RETURN DISTINCT a.id } AS involved
"""


def _announcer(alerts: Sequence[tuple[str, dict[str, Any]]]) -> Announce:
    """The events of a conflict's save: CONFLICT_CREATED (and its alerts), or CONFLICT_STATUS_CHANGED when an
    update changes its status (told to the actors involved in it); any other change announces nothing."""

    async def announce(tx: AsyncManagedTransaction, before: dict[str, Any], after: dict[str, Any]) -> list[NewEvent]:
        created = not before
        if not created and before.get("status") == after.get("status"):
            return []
        facts = (await run_in_tx(tx, _FACTS, {"id": after["id"]}))[0]
        payload = {"status": after.get("status"), "conflictType": facts["type"], "territory": facts["territory"]}
        records = (("Conflict", str(after["id"])),)
        if created:
            return [
                NewEvent("CONFLICT_CREATED", records=records, actors=tuple(facts["involved"]), payload=payload),
                *alert_events(records[0], alerts),
            ]
        payload["from"] = before.get("status")
        return [NewEvent("CONFLICT_STATUS_CHANGED", records=records, actors=tuple(facts["involved"]), payload=payload)]

    return announce


async def save_conflict(
    store: Store,
    editor: Editor,
    props: dict[str, Any],
    links: dict[str, list[str]],
    record_id: str | None = None,
    alerts: Sequence[tuple[str, dict[str, Any]]] = (),
) -> dict[str, Any]:
    """Create or update a conflict with its type (code), territory (code) and project (id); one transaction.
    Its creation and its status changes are announced (graph.outbox), a creation with `alerts` (graph.alerts)."""
    refs = References(
        territories={"territory": links["territory"]} if "territory" in links else {},
        themes={},
        conflict_types={"type": links["type"]} if "type" in links else {},
        records={"project": ("Project", links["project"])} if "project" in links else {},
    )
    return await save_node(
        store,
        CONFLICT_NODE,
        record_id=record_id,
        props=props,
        links=links,
        refs=refs,
        editor=editor,
        announce=_announcer(alerts),
    )


async def delete_conflict(store: Store, editor: Editor, conflict_id: str) -> None:
    await delete_owned(store, "Conflict", conflict_id, editor)
