"""The enumerations of the domain API (values are the stored property values, see docs/graph-model.md)."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="The role an actor played in a conflict.")
class InvolvementRole(Enum):
    MEDIATOR = "MEDIATOR"
    FACILITATOR = "FACILITATOR"
    PROJECT_OWNER = "PROJECT_OWNER"
    OPPONENT = "OPPONENT"
    PUBLIC_AUTHORITY = "PUBLIC_AUTHORITY"
    EXPERT = "EXPERT"
    SUPPORTER = "SUPPORTER"


@strawberry.enum(description="The kind of expertise a partner named for an involvement (legal, technical…).")
class ExpertiseKind(Enum):
    LEGAL = "LEGAL"
    TECHNICAL = "TECHNICAL"
    SCIENTIFIC = "SCIENTIFIC"
    FINANCIAL = "FINANCIAL"
    ENVIRONMENTAL = "ENVIRONMENTAL"


@strawberry.enum(description="The kind of a cooperation link between two actors.")
class CooperationKind(Enum):
    PARTNERSHIP = "PARTNERSHIP"
    CONTRACT = "CONTRACT"
    FUNDING = "FUNDING"
    NETWORK = "NETWORK"
    SPONSORSHIP = "SPONSORSHIP"


@strawberry.enum(description="How an actor is part of a project.")
class ProjectRole(Enum):
    RUNS = "RUNS"
    TAKES_PART_IN = "TAKES_PART_IN"


@strawberry.enum(description="Where a conflict stands.")
class ConflictStatus(Enum):
    LATENT = "LATENT"
    ACTIVE = "ACTIVE"
    SETTLED = "SETTLED"
    ABANDONED = "ABANDONED"


@strawberry.enum(description="How intense a conflict is (after the EJAtlas).")
class Intensity(Enum):
    LATENT = "LATENT"
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


@strawberry.enum(description="How a conflict ended (or that it goes on).")
class Outcome(Enum):
    NEGOTIATED = "NEGOTIATED"
    PROJECT_MODIFIED = "PROJECT_MODIFIED"
    PROJECT_CANCELLED = "PROJECT_CANCELLED"
    COURT_DECISION = "COURT_DECISION"
    MORATORIUM = "MORATORIUM"
    COMPENSATION = "COMPENSATION"
    ONGOING = "ONGOING"


@strawberry.enum(description="A form of mobilisation seen in a conflict.")
class Mobilisation(Enum):
    PETITION = "PETITION"
    LAWSUIT = "LAWSUIT"
    PUBLIC_MEETING = "PUBLIC_MEETING"
    PROTEST = "PROTEST"
    LOCAL_REFERENDUM = "LOCAL_REFERENDUM"
    ALTERNATIVE_PROPOSAL = "ALTERNATIVE_PROPOSAL"


@strawberry.enum(description="What a project is.")
class ProjectKind(Enum):
    DEVELOPMENT = "DEVELOPMENT"
    PARTICIPATORY_PROCESS = "PARTICIPATORY_PROCESS"
    COMMONS = "COMMONS"


@strawberry.enum(description="Where a project stands.")
class ProjectStatus(Enum):
    PLANNED = "PLANNED"
    ONGOING = "ONGOING"
    COMPLETED = "COMPLETED"
    ABANDONED = "ABANDONED"


@strawberry.enum(description="What a resource is; blog posts are ARTICLEs.")
class ResourceKind(Enum):
    GUIDE = "GUIDE"
    METHOD = "METHOD"
    TOOL = "TOOL"
    CASE_STUDY = "CASE_STUDY"
    ARTICLE = "ARTICLE"


@strawberry.enum(description="Where a project's application to a call for commons stands.")
class ApplicationStatus(Enum):
    SUBMITTED = "SUBMITTED"
    SHORTLISTED = "SHORTLISTED"
    SELECTED = "SELECTED"
    REJECTED = "REJECTED"


@strawberry.enum(description="What a data source is.")
class SourceKind(Enum):
    PARTNER = "PARTNER"
    REGISTER = "REGISTER"
    REFERENCE = "REFERENCE"
    DEMO = "DEMO"


@strawberry.enum(description="Where an experience sponsorship (mécénat d'expérience) stands.")
class SponsorshipStatus(Enum):
    PROPOSED = "PROPOSED"
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    ACTIVE = "ACTIVE"
    COMPLETED = "COMPLETED"


@strawberry.enum(description="Where a task force stands.")
class TaskForceStatus(Enum):
    PROPOSED = "PROPOSED"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"
