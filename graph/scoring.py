"""The score's weights: the factor tables of matching and their defaults (docs/matching.md, "The score").

They reach Cypher as one `$weights` map parameter (`MatchingWeights.as_params`), never as query text, and
can be overridden with TEC_MATCHING_WEIGHTS (JSON); unknown roles or outcomes are refused.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

CASE_ROLES: tuple[str, ...] = (
    "MEDIATOR",
    "FACILITATOR",
    "PUBLIC_AUTHORITY",
    "EXPERT",
    "PROJECT_OWNER",
    "OPPONENT",
    "SUPPORTER",
    "SPONSOR",  # a completed mécénat d'expérience on the type
    "AUTHOR",  # authored a resource about the theme (theme needs only)
    "WORKS_ON",  # declares the theme among its themes (theme needs only)
)
OUTCOMES: tuple[str, ...] = (
    "NEGOTIATED",
    "PROJECT_MODIFIED",
    "COMPENSATION",
    "MORATORIUM",
    "COURT_DECISION",
    "PROJECT_CANCELLED",
    "ONGOING",
    "NEED_MET",  # sponsorship outcomes
    "PARTLY_MET",
    "NOT_MET",
    "UNKNOWN",
)


def _default_roles() -> dict[str, float]:
    return {
        "MEDIATOR": 1.0,
        "FACILITATOR": 1.0,
        "SPONSOR": 1.0,
        "PUBLIC_AUTHORITY": 0.8,
        "EXPERT": 0.8,
        "AUTHOR": 0.6,
        "PROJECT_OWNER": 0.5,
        "WORKS_ON": 0.4,
        "OPPONENT": 0.3,
        "SUPPORTER": 0.3,
    }


def _default_outcomes() -> dict[str, float]:
    return {
        "NEGOTIATED": 1.0,
        "PROJECT_MODIFIED": 1.0,
        "NEED_MET": 1.0,
        "COMPENSATION": 0.85,
        "PARTLY_MET": 0.85,
        "MORATORIUM": 0.75,
        "COURT_DECISION": 0.7,
        "PROJECT_CANCELLED": 0.7,
        "ONGOING": 0.6,
        "UNKNOWN": 0.6,
        "NOT_MET": 0.5,
    }


class MatchingWeights(BaseModel):
    """The score's weights (see docs/matching.md); set with TEC_MATCHING_WEIGHTS as JSON."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type_exact: float = Field(1.0, gt=0, le=10)
    type_subtype: float = Field(0.9, gt=0, le=10)
    type_related: float = Field(0.5, gt=0, le=10)
    type_theme: float = Field(0.7, gt=0, le=10)
    distance_scale: float = Field(0.5, gt=0, le=10, description="τ = radius × distance_scale in exp(-d/τ).")
    half_life_years: float = Field(8.0, gt=0, le=100)
    unknown_year: float = Field(0.5, ge=0, le=1)
    roles: dict[str, float] = Field(default_factory=_default_roles)
    outcomes: dict[str, float] = Field(default_factory=_default_outcomes)
    case_decay: float = Field(0.7, gt=0, le=1, description="The k-th best case (from 0) counts case_decay**k.")
    max_cases: int = Field(10, ge=1, le=50)
    peer: float = Field(1.2, ge=1, le=10, description="Sponsor of the beneficiary's own kind.")
    size: float = Field(0.3, ge=0, le=10, description="× (1 + size × smaller/larger population).")
    trust: float = Field(0.5, ge=0, le=10, description="× (1 + trust / hops of the cooperation path).")

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CASE_ROLES))
        if unknown:
            raise ValueError(f"unknown roles {unknown}; known: {', '.join(CASE_ROLES)}")
        if any(weight < 0 for weight in value.values()):
            raise ValueError("role weights must be ≥ 0")
        return {**_default_roles(), **value}

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(OUTCOMES))
        if unknown:
            raise ValueError(f"unknown outcomes {unknown}; known: {', '.join(OUTCOMES)}")
        if any(weight < 0 for weight in value.values()):
            raise ValueError("outcome weights must be ≥ 0")
        return {**_default_outcomes(), **value}

    def as_params(self) -> dict[str, Any]:
        return {
            "typeExact": self.type_exact,
            "typeSubtype": self.type_subtype,
            "typeRelated": self.type_related,
            "typeTheme": self.type_theme,
            "halfLifeYears": self.half_life_years,
            "unknownYear": self.unknown_year,
            "roles": {**self.roles, "OTHER": min(self.roles.values())},
            "outcomes": self.outcomes,
            "caseDecay": self.case_decay,
            "maxCases": self.max_cases,
            "peer": self.peer,
            "size": self.size,
            "trust": self.trust,
        }
