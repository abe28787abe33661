"""How many items each list field of the schema can return: the table the cost model prices lists by.

A list field is bounded either by an argument — its own (`first` on an actor's `conflicts`) or that of
the nearest enclosing field that has it (`first` on `actors` bounds `ActorConnection.nodes`) — or by
a fixed cap that its resolver enforces. `tests/schema/test_cost.py` walks the built schema and fails
when a list field is missing here or priced below what it can return.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.audit import MAX_FIELDS, MAX_RECORDS
from graph.delivery import LOG_ENTRIES, MAX_WEBHOOKS
from graph.exploration import EDGES_PER_NODE, MAX_HOPS
from graph.privacy import PERSONAL_FIELDS
from graph.scoring import MatchingWeights
from graph.sources import MAX_SOURCE_RECORDS, MAX_SOURCES
from graph.taxonomy import MAX_TAXONOMY
from graph.territories import MAX_NEIGHBOURS
from schema.enums import InvolvementRole, Mobilisation, SponsorshipStatus
from schema.errors import MAX_FIELD_ERRORS
from schema.event import MAX_EVENT_ACTORS, MAX_EVENT_RECORDS, EventKind
from schema.matching import ScoreFactorName
from schema.need import NeedHelp
from schema.need_input import MAX_ALERT_TYPES
from schema.task_force_input import MAX_PROPOSED_CASES, TaskForceRole
from schema.taxonomy import MAX_ALIASES, InterferenceFacet

# A page whose `first` is left out or null: the resolvers' default page (resolvers/paging.py,
# schema/related.py).
DEFAULT_PAGE = 20


@dataclass(frozen=True)
class Bound:
    """At most `per × (value of arg) + plus` items; `default` stands for the argument when it is absent
    or null. Without `arg`, a fixed cap of `default` items."""

    arg: str | None
    default: int
    per: int = 1
    plus: int = 0


def page(arg: str = "first", default: int = DEFAULT_PAGE) -> Bound:
    return Bound(arg, default)


def fixed(cap: int) -> Bound:
    return Bound(None, cap)


_PAGED_FIELDS = [
    "Actor.actsIn",
    "Actor.themes",
    "Actor.conflicts",
    "Actor.projects",
    "Actor.resources",
    "Actor.cooperations",
    "Actor.networks",
    "Actor.members",
    "CommonsCall.applications",
    "Conflict.actors",
    "Conflict.resources",
    "Project.themes",
    "Project.actors",
    "Project.conflicts",
    "Project.resources",
    "Project.applications",
    "Resource.authors",
    "Resource.themes",
    "Resource.conflictTypes",
    "Resource.conflicts",
    "Resource.projects",
    "TaskForce.members",
    "TaskForce.handles",
    "Need.sponsorships",
    "Need.taskForces",
]

_CONNECTIONS = [
    "ActorConnection",
    "CommonsCallConnection",
    "ConflictConnection",
    "ProjectConnection",
    "ResourceConnection",
    "TerritoryConnection",
    "ExperiencedActorRanking",
    "SponsorCandidateRanking",
    "NeedConnection",
    "EventConnection",
    "AuditEntryConnection",
]

# Fields read through `related()` without a `first` argument get its default page.
_RELATED_DEFAULT = fixed(DEFAULT_PAGE)

LIST_BOUNDS: dict[str, Bound] = {
    **{name: page() for name in _PAGED_FIELDS},
    **{f"{connection}.{field}": page() for connection in _CONNECTIONS for field in ("edges", "nodes")},
    "ActorCounts.groups": page("limit", 1000),
    "ConflictCounts.groups": page("limit", 1000),
    "Query.experienceLeaders": page("limit", 100),
    "ExperienceLeaders.leaders": page("top", 5),
    "ExperienceLeader.roles": fixed(len(InvolvementRole)),
    "ExperienceGaps.gaps": page("limit", 50),
    "ExperienceGap.uncovered": page("examples", 10),
    "Subgraph.nodes": Bound("limit", 100, plus=1),
    "Subgraph.edges": Bound("limit", 100, per=EDGES_PER_NODE, plus=EDGES_PER_NODE),
    "GraphNode.labels": fixed(8),  # the graph model gives each node one label (two for a few)
    "CooperationPath.actors": Bound("maxHops", MAX_HOPS, plus=1),
    "CooperationPath.links": page("maxHops", MAX_HOPS),
    "ExperiencedActor.evidence": fixed(MatchingWeights.model_fields["max_cases"].metadata[-1].le),
    "SponsorCandidate.evidence": fixed(MatchingWeights.model_fields["max_cases"].metadata[-1].le),
    "ExperiencedActor.scoreFactors": fixed(len(ScoreFactorName)),  # one factor per name at most
    "SponsorCandidate.scoreFactors": fixed(len(ScoreFactorName)),
    "TaskForceProposal.members": page("size", 5),
    "TaskForceProposal.unfilledRoles": fixed(len(TaskForceRole)),
    "TaskForceCreated.unfilledRoles": fixed(len(TaskForceRole)),
    "ProposedMember.cases": fixed(MAX_PROPOSED_CASES),
    "Query.conflictTypes": fixed(MAX_TAXONOMY),
    "Query.themes": fixed(MAX_TAXONOMY),
    "ConflictType.children": fixed(MAX_TAXONOMY),
    "ConflictType.facets": fixed(len(InterferenceFacet)),
    "ConflictType.aliases": fixed(MAX_ALIASES),
    "Conflict.mobilisations": fixed(len(Mobilisation)),
    "Query.sources": fixed(MAX_SOURCES),
    "Actor.sourceRecords": fixed(MAX_SOURCE_RECORDS),
    "Conflict.sourceRecords": fixed(MAX_SOURCE_RECORDS),
    "Project.sourceRecords": fixed(MAX_SOURCE_RECORDS),
    "Resource.sourceRecords": fixed(MAX_SOURCE_RECORDS),
    "Territory.neighbours": fixed(MAX_NEIGHBOURS),
    "Sponsorship.conflictTypes": _RELATED_DEFAULT,
    "Sponsorship.themes": _RELATED_DEFAULT,
    "TaskForce.focusesOn": _RELATED_DEFAULT,
    "InvalidTransition.allowed": fixed(len(SponsorshipStatus)),
    "ValidationFailed.errors": fixed(MAX_FIELD_ERRORS),
    "Need.help": fixed(len(NeedHelp)),
    "Need.metBy": _RELATED_DEFAULT,
    "AlertPreferences.conflictTypes": fixed(MAX_ALERT_TYPES),
    "Event.records": fixed(MAX_EVENT_RECORDS),
    "Event.actors": fixed(MAX_EVENT_ACTORS),
    "Query.webhooks": fixed(MAX_WEBHOOKS),
    "Webhook.kinds": fixed(len(EventKind)),
    "Query.webhookDeliveries": page("first", 50),
    "WebhookDelivery.log": fixed(LOG_ENTRIES),
    "AuditEntry.records": fixed(MAX_RECORDS),
    "AuditEntry.fields": fixed(MAX_FIELDS),
    "PersonalDataErased.erasedFields": fixed(len(PERSONAL_FIELDS)),
}

# The taxonomy is a tree of at most MAX_TAXONOMY types (the shipped reference has 74): the children of
# distinct types are distinct, so below `conflictTypes` the `children` of all the types of one level
# together are at most the whole taxonomy. The cost model prices such a walk down the tree by that total.
TAXONOMY_ROOTS = frozenset({"Query.conflictTypes"})
TAXONOMY_CHILDREN = frozenset({"ConflictType.children"})
