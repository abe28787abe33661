"""The domain's vocabulary and write rules, in one place (docs/graph-model.md describes the graph).

Every writer reads this module: the API's writes (`graph.editing` and the per-noun modules), batched
loads (`graph.bulk`), partner imports (`graph.imports`, `importers.record_rules`, `importers.batches`),
analytics filters and the tests' own builders. Nothing here speaks Cypher; labels, types and keys
are typed `LiteralString` because the batched writers format them into their queries.

- **Allowed values**: each enumerated property is a `Literal` type (what pydantic and mypy read) and
  a tuple of its values taken from it (what the checks and the error messages read). The strawberry
  enums of `schema/` are typed copies, checked equal to these by `tests/graph/test_model.py`.
- **What a node or relationship may hold** (`NODE_RULES`, `RELATIONSHIP_RULES`): the property types,
  which are required, which values are allowed.
- **Derived properties** (`derived_properties`): `nameKey` (the folded name, sort and lookup key) and
  `searchText` (the folded text full-text search reads), computed from the record by every writer.
  `caseTypes` (an actor's conflict types) is derived from the graph, not the record: its Cypher lives
  in `graph.case_types`, which every writer of INVOLVED_IN and OF_TYPE calls.
- **Source ids** (`source_id`): the stable id of a Source node, the same for a bulk load and an import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, LiteralString, get_args

from neo4j.spatial import WGS84Point

from graph.text import fold

# --- allowed values --------------------------------------------------------------------------------

ActorKind = Literal[
    "COLLECTIVITE",
    "ASSOCIATION",
    "ENTREPRISE",
    "BUREAU_ETUDES",
    "RESEAU",
    "SERVICE_ETAT",
    "COLLECTIF_CITOYEN",
    "CHERCHEUR",
    "AUTRE",
]
InvolvementRole = Literal[
    "MEDIATOR", "FACILITATOR", "PROJECT_OWNER", "OPPONENT", "PUBLIC_AUTHORITY", "EXPERT", "SUPPORTER"
]
ExpertiseKind = Literal["LEGAL", "TECHNICAL", "SCIENTIFIC", "FINANCIAL", "ENVIRONMENTAL"]
CooperationKind = Literal["PARTNERSHIP", "CONTRACT", "FUNDING", "NETWORK", "SPONSORSHIP"]
ConflictStatus = Literal["LATENT", "ACTIVE", "SETTLED", "ABANDONED"]
Intensity = Literal["LATENT", "LOW", "MEDIUM", "HIGH"]
ConflictOutcome = Literal[
    "NEGOTIATED", "PROJECT_MODIFIED", "PROJECT_CANCELLED", "COURT_DECISION", "MORATORIUM", "COMPENSATION", "ONGOING"
]
Mobilisation = Literal["PETITION", "LAWSUIT", "PUBLIC_MEETING", "PROTEST", "LOCAL_REFERENDUM", "ALTERNATIVE_PROPOSAL"]
ConflictFamily = Literal["AMENAGEMENT", "USAGE"]
ProjectKind = Literal["DEVELOPMENT", "PARTICIPATORY_PROCESS", "COMMONS"]
ProjectStatus = Literal["PLANNED", "ONGOING", "COMPLETED", "ABANDONED"]
ProjectRole = Literal["RUNS", "TAKES_PART_IN"]
ResourceKind = Literal["GUIDE", "METHOD", "TOOL", "CASE_STUDY", "ARTICLE"]
ApplicationStatus = Literal["SUBMITTED", "SHORTLISTED", "SELECTED", "REJECTED"]
SourceKind = Literal["PARTNER", "REGISTER", "REFERENCE", "DEMO"]
SponsorshipStatus = Literal["PROPOSED", "ACCEPTED", "DECLINED", "ACTIVE", "COMPLETED"]
SponsorshipOutcome = Literal["NEED_MET", "PARTLY_MET", "NOT_MET"]
TaskForceStatus = Literal["PROPOSED", "ACTIVE", "CLOSED"]
TaskForceRole = Literal["MEDIATION", "TECHNICAL_EXPERTISE", "LEGAL_EXPERTISE", "PEER_AUTHORITY", "CIVIL_SOCIETY"]
NeedStatus = Literal["OPEN", "CLOSED"]
NeedOutcome = Literal["NEED_MET", "PARTLY_MET", "NOT_MET", "WITHDRAWN"]
NeedHelp = Literal["SPONSOR", "TASK_FORCE", "RESOURCES"]
TerritoryLevel = Literal["COMMUNE", "EPCI", "DEPARTEMENT", "REGION"]  # smallest first
TaxonomyLevel = Literal["FAMILY", "CATEGORY", "TYPE"]  # broadest first
ApiKeyRole = Literal["reader", "editor", "admin"]


def values_of(kind: Any) -> tuple[str, ...]:
    """The values of a `Literal` type, in their order."""
    return tuple(get_args(kind))


ACTOR_KINDS = values_of(ActorKind)
INVOLVEMENT_ROLES = values_of(InvolvementRole)
EXPERTISE_KINDS = values_of(ExpertiseKind)
COOPERATION_KINDS = values_of(CooperationKind)
CONFLICT_STATUSES = values_of(ConflictStatus)
OPEN_CONFLICT_STATUSES: tuple[str, ...] = ("LATENT", "ACTIVE")  # a conflict not over yet
INTENSITIES = values_of(Intensity)
CONFLICT_OUTCOMES = values_of(ConflictOutcome)
MOBILISATIONS = values_of(Mobilisation)
CONFLICT_FAMILIES = values_of(ConflictFamily)
PROJECT_KINDS = values_of(ProjectKind)
PROJECT_STATUSES = values_of(ProjectStatus)
PROJECT_ROLES = values_of(ProjectRole)
RESOURCE_KINDS = values_of(ResourceKind)
APPLICATION_STATUSES = values_of(ApplicationStatus)
SOURCE_KINDS = values_of(SourceKind)
SPONSORSHIP_STATUSES = values_of(SponsorshipStatus)
SPONSORSHIP_OUTCOMES = values_of(SponsorshipOutcome)
TASK_FORCE_STATUSES = values_of(TaskForceStatus)
TASK_FORCE_ROLES = values_of(TaskForceRole)
NEED_STATUSES = values_of(NeedStatus)
NEED_OUTCOMES = values_of(NeedOutcome)
NEED_HELP_KINDS = values_of(NeedHelp)
TERRITORY_LEVELS = values_of(TerritoryLevel)
TERRITORY_LEVELS_LARGEST_FIRST: tuple[str, ...] = tuple(reversed(TERRITORY_LEVELS))
TAXONOMY_LEVELS = values_of(TaxonomyLevel)
API_KEY_ROLES = values_of(ApiKeyRole)


# --- what each label and relationship may hold -----------------------------------------------------


@dataclass(frozen=True)
class Prop:
    """One allowed property: its Python type(s), its allowed values, whether a record must give it."""

    types: tuple[type, ...]
    choices: frozenset[str] = frozenset()
    required: bool = False
    item_choices: frozenset[str] = frozenset()  # for lists of enum values

    def problem(self, value: Any) -> str | None:
        """Why `value` cannot be stored in this property, or None when it can."""
        if value is None:
            return "is required" if self.required else None
        if isinstance(value, bool) and bool not in self.types:
            return f"must be {self._type_names()} (got a boolean)"
        if not isinstance(value, self.types):
            return f"must be {self._type_names()} (got {type(value).__name__})"
        if isinstance(value, datetime) and datetime not in self.types:
            return f"must be {self._type_names()} (got a datetime)"
        if self.choices and value not in self.choices:
            return f"must be one of {', '.join(sorted(self.choices))} (got {value!r})"
        if isinstance(value, str) and self.required and not value.strip():
            return "must not be empty"
        if self.item_choices and isinstance(value, list):
            wrong = [item for item in value if item not in self.item_choices]
            if wrong:
                return f"holds {wrong[0]!r}, not one of {', '.join(sorted(self.item_choices))}"
        return None

    def _type_names(self) -> str:
        names = {str: "text", int: "an integer", bool: "true or false", float: "a number", list: "a list"}
        names.update({date: "a date", datetime: "a date-time", WGS84Point: "a WGS84 point"})
        return " or ".join(names.get(kind, kind.__name__) for kind in self.types)


def _text(required: bool = False) -> Prop:
    return Prop((str,), required=required)


def _one_of(values: tuple[str, ...], required: bool = False) -> Prop:
    return Prop((str,), choices=frozenset(values), required=required)


_INT = Prop((int,))
_YEAR = Prop((int,))
_BOOL = Prop((bool,))
_DATE = Prop((date,))
_DATETIME = Prop((datetime,))
_POINT = Prop((WGS84Point,))


@dataclass(frozen=True)
class NodeRules:
    """What a node of one label may hold, and whether it belongs to a Source (carries `source`)."""

    props: Mapping[str, Prop]
    owned: bool = False


NODE_RULES: dict[LiteralString, NodeRules] = {
    "Actor": NodeRules(
        {
            "name": _text(required=True),
            "kind": _one_of(ACTOR_KINDS, required=True),
            "description": _text(),
            "website": _text(),
            "siren": _text(),
            "siret": _text(),
            "rna": _text(),
            "openToSponsorship": _BOOL,
            "sponsorshipCapacity": _INT,
            "email": _text(),
            "phone": _text(),
            "contactName": _text(),
            "location": _POINT,
        },
        owned=True,
    ),
    "Conflict": NodeRules(
        {
            "title": _text(required=True),
            "summary": _text(),
            "status": _one_of(CONFLICT_STATUSES, required=True),
            "intensity": _one_of(INTENSITIES),
            "startedOn": _DATE,
            "endedOn": _DATE,
            "year": _YEAR,
            "outcome": _one_of(CONFLICT_OUTCOMES),
            "mobilisations": Prop((list,), item_choices=frozenset(MOBILISATIONS)),
            "location": _POINT,
        },
        owned=True,
    ),
    "Project": NodeRules(
        {
            "title": _text(required=True),
            "kind": _one_of(PROJECT_KINDS, required=True),
            "status": _one_of(PROJECT_STATUSES, required=True),
            "summary": _text(),
            "startedOn": _DATE,
            "endedOn": _DATE,
        },
        owned=True,
    ),
    "Resource": NodeRules(
        {
            "title": _text(required=True),
            "kind": _one_of(RESOURCE_KINDS, required=True),
            "url": _text(),
            "summary": _text(),
            "publishedOn": _DATE,
            "language": _text(),
        },
        owned=True,
    ),
    "Sponsorship": NodeRules(
        {
            "status": _one_of(SPONSORSHIP_STATUSES, required=True),
            "need": _text(required=True),
            "proposedAt": _DATETIME,
            "respondedAt": _DATETIME,
            "startedOn": _DATE,
            "completedOn": _DATE,
            "declineReason": _text(),
            "outcome": _text(),
            "feedback": _text(),
        }
    ),
    "TaskForce": NodeRules(
        {
            "name": _text(required=True),
            "status": _one_of(TASK_FORCE_STATUSES, required=True),
            "startedOn": _DATE,
            "endedOn": _DATE,
        }
    ),
    "CommonsCall": NodeRules(
        {"title": _text(required=True), "description": _text(), "opensOn": _DATE, "closesOn": _DATE},
        owned=True,
    ),
}

RelationshipKey = tuple[LiteralString, LiteralString, LiteralString]
"""(start label, relationship type, end label); literals, since a batched writer formats them into Cypher."""

_NO_PROPS: Mapping[str, Prop] = {}
_INVOLVEMENT = {"role": _one_of(INVOLVEMENT_ROLES, required=True), "from": _YEAR, "to": _YEAR}
_COOPERATION = {"kind": _one_of(COOPERATION_KINDS, required=True), "since": _YEAR, "until": _YEAR}
_TASK_FORCE_MEMBER = {"role": _text(required=True), "reason": _text()}
_APPLICATION = {"status": _one_of(APPLICATION_STATUSES, required=True), "submittedAt": _DATETIME}

RELATIONSHIP_RULES: dict[RelationshipKey, Mapping[str, Prop]] = {
    ("Actor", "BASED_IN", "Territory"): _NO_PROPS,
    ("Actor", "ACTS_IN", "Territory"): _NO_PROPS,
    ("Actor", "GOVERNS", "Territory"): _NO_PROPS,
    ("Actor", "INVOLVED_IN", "Conflict"): _INVOLVEMENT,
    ("Conflict", "OF_TYPE", "ConflictType"): _NO_PROPS,
    ("Conflict", "LOCATED_IN", "Territory"): _NO_PROPS,
    ("Conflict", "ABOUT", "Project"): _NO_PROPS,
    ("Actor", "RUNS", "Project"): _NO_PROPS,
    ("Actor", "TAKES_PART_IN", "Project"): _NO_PROPS,
    ("Project", "LOCATED_IN", "Territory"): _NO_PROPS,
    ("Project", "ABOUT", "Theme"): _NO_PROPS,
    ("Actor", "COOPERATES_WITH", "Actor"): _COOPERATION,
    ("Actor", "MEMBER_OF", "Actor"): _NO_PROPS,
    ("Actor", "AUTHORED", "Resource"): _NO_PROPS,
    ("Actor", "WORKS_ON", "Theme"): _NO_PROPS,
    ("Resource", "ABOUT", "ConflictType"): _NO_PROPS,
    ("Resource", "ABOUT", "Theme"): _NO_PROPS,
    ("Resource", "DOCUMENTS", "Conflict"): _NO_PROPS,
    ("Resource", "DOCUMENTS", "Project"): _NO_PROPS,
    ("Actor", "SPONSORS", "Sponsorship"): _NO_PROPS,
    ("Sponsorship", "BENEFITS", "Actor"): _NO_PROPS,
    ("Sponsorship", "ON", "ConflictType"): _NO_PROPS,
    ("Sponsorship", "ON", "Theme"): _NO_PROPS,
    ("Actor", "MEMBER_OF_TASK_FORCE", "TaskForce"): _TASK_FORCE_MEMBER,
    ("TaskForce", "FOCUSES_ON", "ConflictType"): _NO_PROPS,
    ("TaskForce", "HANDLES", "Conflict"): _NO_PROPS,
    ("Project", "APPLIED_TO", "CommonsCall"): _APPLICATION,
}

# Relationships stored once per pair and per value of this property; the others once per pair.
PER_VALUE_RELATIONSHIPS: dict[LiteralString, LiteralString] = {"INVOLVED_IN": "role", "COOPERATES_WITH": "kind"}

# How a relationship's endpoint is found: reference nodes by their code, the rest by id.
REFERENCE_KEYS: dict[LiteralString, LiteralString] = {"ConflictType": "code", "Theme": "code"}


# --- derived properties ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivation:
    """Which of a label's properties its kept `nameKey` and `searchText` are folded from."""

    name_field: str | None = None  # folded into `nameKey`
    search_fields: tuple[str, ...] = ()  # folded and joined into `searchText`


DERIVATIONS: dict[str, Derivation] = {
    "Actor": Derivation(name_field="name", search_fields=("name", "description")),
    "Conflict": Derivation(search_fields=("title", "summary")),
    "Project": Derivation(search_fields=("title", "summary")),
    "Resource": Derivation(search_fields=("title", "summary")),
    "CommonsCall": Derivation(search_fields=("title", "description")),
    "Territory": Derivation(name_field="name"),
}

_NOTHING_DERIVED = Derivation()

# Kept on nodes for the store's own use; never shown to API clients.
DERIVED_PROPERTIES = frozenset({"nameKey", "searchText", "caseTypes", "areaCodes", "facetCodes"})


def name_key(name: str | None) -> str:
    """The folded name a record is sorted and looked up by (`nameKey`).

    >>> name_key("Saint-Étienne Métropole")
    'saint etienne metropole'
    """
    return fold(name or "")


def derived_properties(
    label: str, record: Mapping[str, Any], *, fold_text: Callable[[str], str] = fold
) -> dict[str, Any]:
    """The kept properties of a `label` node computed from its `record`: `nameKey`, `searchText` (none for
    a label without them, such as Sponsorship).

    `fold_text` folds the free text after the title or name (descriptions, summaries); an import may pass
    one that remembers the texts that recur. Each field is folded once.

    >>> derived_properties("Actor", {"name": "Éco-Lande", "description": "Médiation"})
    {'nameKey': 'eco lande', 'searchText': 'eco lande mediation'}
    >>> derived_properties("Conflict", {"title": "Parc éolien", "summary": None})
    {'searchText': 'parc eolien'}
    """
    rule = DERIVATIONS.get(label, _NOTHING_DERIVED)
    derived: dict[str, Any] = {}
    folded_name = ""
    if rule.name_field is not None:
        folded_name = derived["nameKey"] = name_key(str(record.get(rule.name_field) or ""))
    if rule.search_fields:
        parts: list[str] = []
        for position, field in enumerate(rule.search_fields):
            value = record.get(field)
            if field == rule.name_field:
                parts.append(folded_name)
            elif value:
                parts.append(fold(str(value)) if position == 0 else fold_text(str(value)))
        derived["searchText"] = " ".join(part for part in parts if part)
    return derived


# --- sources ---------------------------------------------------------------------------------------

SOURCE_NAMESPACE = uuid.UUID("5b0f6c1e-3f57-4c0e-9d39-7f3f4d1c2a10")


def source_id(name: str) -> str:
    """The stable id of the Source called `name` (the same on every machine, every run, every writer)."""
    return str(uuid.uuid5(SOURCE_NAMESPACE, name))
