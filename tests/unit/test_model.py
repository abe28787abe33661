"""graph.model is the one home of the domain's vocabulary: the typed copies the API needs equal it."""

from __future__ import annotations

import uuid
from enum import Enum

import pytest

from graph import bulk, model, scoring
from graph.text import fold, search_text
from schema.actor import ActorKind
from schema.analytics import TaxonomyLevel
from schema.enums import (
    ApplicationStatus,
    ConflictStatus,
    CooperationKind,
    ExpertiseKind,
    Intensity,
    InvolvementRole,
    Mobilisation,
    Outcome,
    ProjectKind,
    ProjectRole,
    ProjectStatus,
    ResourceKind,
    SourceKind,
    SponsorshipStatus,
    TaskForceStatus,
)
from schema.matching import MatchingRole
from schema.need import NeedHelp, NeedOutcome, NeedStatus
from schema.sponsorship_input import SponsorshipOutcome
from schema.task_force_input import TaskForceRole
from schema.taxonomy import ConflictFamily
from schema.territory import TerritoryLevel

TYPED_COPIES: list[tuple[type[Enum], tuple[str, ...]]] = [
    (ActorKind, model.ACTOR_KINDS),
    (InvolvementRole, model.INVOLVEMENT_ROLES),
    (ExpertiseKind, model.EXPERTISE_KINDS),
    (CooperationKind, model.COOPERATION_KINDS),
    (ProjectRole, model.PROJECT_ROLES),
    (ConflictStatus, model.CONFLICT_STATUSES),
    (Intensity, model.INTENSITIES),
    (Outcome, model.CONFLICT_OUTCOMES),
    (Mobilisation, model.MOBILISATIONS),
    (ConflictFamily, model.CONFLICT_FAMILIES),
    (ProjectKind, model.PROJECT_KINDS),
    (ProjectStatus, model.PROJECT_STATUSES),
    (ResourceKind, model.RESOURCE_KINDS),
    (ApplicationStatus, model.APPLICATION_STATUSES),
    (SourceKind, model.SOURCE_KINDS),
    (SponsorshipStatus, model.SPONSORSHIP_STATUSES),
    (SponsorshipOutcome, model.SPONSORSHIP_OUTCOMES),
    (TaskForceStatus, model.TASK_FORCE_STATUSES),
    (TaskForceRole, model.TASK_FORCE_ROLES),
    (NeedStatus, model.NEED_STATUSES),
    (NeedOutcome, model.NEED_OUTCOMES),
    (NeedHelp, model.NEED_HELP_KINDS),
    (TerritoryLevel, model.TERRITORY_LEVELS),
    (TaxonomyLevel, model.TAXONOMY_LEVELS),
]


@pytest.mark.parametrize(("enum", "values"), TYPED_COPIES, ids=[enum.__name__ for enum, _ in TYPED_COPIES])
def test_each_graphql_enum_has_the_models_values_in_its_order(enum: type[Enum], values: tuple[str, ...]) -> None:
    assert [member.value for member in enum] == list(values)
    assert [member.name for member in enum] == list(values)


def test_the_matching_roles_are_the_involvement_roles_and_the_other_parts_an_actor_plays() -> None:
    extra = {"SPONSOR", "AUTHOR", "WORKS_ON"}
    assert set(scoring.CASE_ROLES) == set(model.INVOLVEMENT_ROLES) | extra
    assert [member.value for member in MatchingRole] == list(scoring.CASE_ROLES)


def test_the_scored_outcomes_are_the_conflict_and_sponsorship_outcomes_and_unknown() -> None:
    assert set(scoring.OUTCOMES) == set(model.CONFLICT_OUTCOMES) | set(model.SPONSORSHIP_OUTCOMES) | {"UNKNOWN"}


def test_the_bulk_contract_refuses_a_value_the_model_does_not_allow() -> None:
    row = {"id": "a1", "name": "Éco-Lande", "kind": "PIRATE"}
    with pytest.raises(bulk.BulkRowError, match="'kind' must be one of ASSOCIATION, AUTRE"):
        bulk.node_rows("Actor", [row])


def test_derived_properties_fold_the_name_and_the_searched_text() -> None:
    actor = {"name": "Saint-Étienne Énergies", "description": "Médiation  d'un parc éolien"}
    assert model.derived_properties("Actor", actor) == {
        "nameKey": "saint etienne energies",
        "searchText": "saint etienne energies mediation d un parc eolien",
    }
    call = {"title": "Appel à communs", "description": "Œuvres partagées"}
    assert model.derived_properties("CommonsCall", call) == {"searchText": "appel a communs oeuvres partagees"}
    assert model.derived_properties("Sponsorship", {"status": "PROPOSED"}) == {}


@pytest.mark.parametrize(
    "record",
    [
        {"title": "Parc éolien de la Lande", "summary": "Concertation préalable"},
        {"title": "ZAC des Gaulois", "summary": None},
        {"title": "", "summary": "Résumé seul"},
    ],
)
def test_a_remembered_fold_gives_the_same_search_text(record: dict[str, str | None]) -> None:
    remembered: dict[str, str] = {}

    def fold_once(text: str) -> str:
        return remembered.setdefault(text, fold(text))

    expected = search_text(record["title"], record["summary"])
    assert model.derived_properties("Conflict", record)["searchText"] == expected
    assert model.derived_properties("Conflict", record, fold_text=fold_once)["searchText"] == expected


def test_every_label_with_rules_has_a_batched_writer_query_and_its_derivation_is_known() -> None:
    for label in model.NODE_RULES:
        assert bulk.node_label(label) == label
    assert set(model.DERIVATIONS) - set(model.NODE_RULES) == {"Territory"}


def test_a_source_id_keeps_the_namespace_existing_graphs_were_written_with() -> None:
    # the namespace graph.bulk and graph.imports each held before: a change would orphan every Source node
    namespace = uuid.UUID("5b0f6c1e-3f57-4c0e-9d39-7f3f4d1c2a10")
    assert model.source_id("rna") == str(uuid.uuid5(namespace, "rna"))
    assert model.source_id("rna") != model.source_id("demo")
