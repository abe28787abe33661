"""Settings from the environment, validated once at start-up.

Every setting has an environment variable (the field name in upper case). `get_settings()` builds
them once; tests build their own `Settings(...)` and pass it explicitly instead.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.scoring import MatchingWeights

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_ALLOWED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


class SettingsError(Exception):
    """A setting has a wrong value; the message says which and what to set."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="", case_sensitive=False, extra="ignore", validate_by_name=True, validate_by_alias=True
    )

    environment: Literal["development", "test", "production"] = Field(
        "development", validation_alias="TEC_ENV", description="development, test or production."
    )
    neo4j_uri: str | None = Field(
        None,
        description="Bolt URI of an existing Neo4j (neo4j:// for a cluster). Unset: the local Neo4j.",
    )
    neo4j_user: str = Field("neo4j", description="Neo4j user name.")
    neo4j_password: str = Field("neo4j", description="Neo4j password (ignored by the local Neo4j).")
    neo4j_database: str | None = Field(None, description="Database name; unset means the server default.")
    neo4j_connect_timeout: float = Field(3.0, gt=0, le=120, description="Seconds to wait for a connection to Neo4j.")
    neo4j_retry_seconds: float = Field(
        2.0, ge=0, le=120, description="Seconds a failing transaction is retried before giving up."
    )
    neo4j_startup_wait: float = Field(
        30.0, ge=0, le=600, description="Seconds the service waits for Neo4j at start-up."
    )
    neo4j_tx_timeout: float = Field(
        10.0, gt=0, le=600, description="Server-side timeout of one Neo4j transaction, in seconds."
    )
    neo4j_local_data: Path = Field(
        PROJECT_ROOT / "var" / "neo4j",
        validation_alias="TEC_NEO4J_DATA",
        description="Data folder of the local Neo4j started by `tec neo4j start`.",
    )
    neo4j_local_bolt_port: int = Field(
        7687,
        ge=1,
        le=65535,
        validation_alias="TEC_NEO4J_BOLT_PORT",
        description="Bolt port of the local Neo4j.",
    )
    neo4j_local_heap: str = Field(
        "1g",
        pattern=r"^\d+[kmg]$",
        validation_alias="TEC_NEO4J_HEAP",
        description="JVM heap of the local Neo4j.",
    )
    neo4j_local_pagecache: str = Field(
        "512m",
        pattern=r"^\d+[kmg]$",
        validation_alias="TEC_NEO4J_PAGECACHE",
        description="Page cache of the local Neo4j.",
    )
    host: str = Field("127.0.0.1", validation_alias="TEC_HOST", description="Address the service listens on.")
    port: int = Field(8000, ge=1, le=65535, validation_alias="TEC_PORT", description="Port the service listens on.")
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", validation_alias="TEC_LOG_LEVEL", description="Log level."
    )
    max_page_size: int = Field(
        100,
        ge=1,
        le=1000,
        validation_alias="TEC_MAX_PAGE_SIZE",
        description="Largest `first` a list accepts.",
    )
    max_depth: int = Field(
        10, ge=2, le=50, validation_alias="TEC_MAX_DEPTH", description="Deepest GraphQL query accepted."
    )
    max_aliases: int = Field(
        30, ge=1, le=1000, validation_alias="TEC_MAX_ALIASES", description="Most aliases in one query."
    )
    max_cost: int = Field(
        50_000, ge=10, validation_alias="TEC_MAX_COST", description="Query cost budget (see docs/api.md)."
    )
    max_body_bytes: int = Field(
        100_000,
        ge=1_000,
        validation_alias="TEC_MAX_BODY_BYTES",
        description="Largest request body, in bytes.",
    )
    graphiql: bool = Field(True, validation_alias="TEC_GRAPHIQL", description="Serve GraphiQL at /graphql.")
    response_cache: bool = Field(
        True,
        validation_alias="TEC_RESPONSE_CACHE",
        description="Answer repeated read-only queries from a cache kept exact by the graph revision.",
    )
    response_cache_entries: int = Field(
        2000,
        ge=1,
        le=1_000_000,
        validation_alias="TEC_RESPONSE_CACHE_ENTRIES",
        description="Most responses the cache keeps (least recently used dropped first).",
    )
    idempotency_ttl_hours: float = Field(
        24.0,
        gt=0,
        le=24 * 30,
        validation_alias="TEC_IDEMPOTENCY_TTL_HOURS",
        description="How long an Idempotency-Key keeps its first answer (hours); expired records are purged.",
    )
    matching_radius_km: float = Field(
        50.0, gt=0, le=1000, validation_alias="TEC_MATCHING_RADIUS_KM", description="Default matching radius (km)."
    )
    matching_max_radius_km: float = Field(
        300.0,
        gt=0,
        le=1000,
        validation_alias="TEC_MATCHING_MAX_RADIUS_KM",
        description="Largest matching radius accepted, and the limit of the widened search (km).",
    )
    matching_widen_factor: float = Field(
        4.0,
        ge=1,
        le=20,
        validation_alias="TEC_MATCHING_WIDEN_FACTOR",
        description="When a page is not full within the radius, look up to radius × this factor.",
    )
    matching_weights: MatchingWeights = Field(
        default_factory=MatchingWeights,
        validation_alias="TEC_MATCHING_WEIGHTS",
        description='Score weights as JSON, e.g. {"half_life_years": 5} (docs/matching.md).',
    )
    task_force_radius_km: float = Field(
        150.0,
        gt=0,
        le=1000,
        validation_alias="TEC_TASK_FORCE_RADIUS_KM",
        description="Travelling distance for task-force members (km).",
    )

    @field_validator("neo4j_uri")
    @classmethod
    def _uri_scheme(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        scheme = value.split("://", 1)[0] if "://" in value else ""
        if scheme not in _ALLOWED_SCHEMES:
            raise ValueError(
                f"must start with one of {', '.join(s + '://' for s in _ALLOWED_SCHEMES)} "
                "(e.g. bolt://localhost:7687 or neo4j+s://xxxx.databases.neo4j.io)"
            )
        return value

    @model_validator(mode="after")
    def _no_default_password_in_production(self) -> Settings:
        if self.environment == "production" and self.neo4j_uri and self.neo4j_password in ("", "neo4j", "changeme"):
            raise ValueError("NEO4J_PASSWORD must be set to the real password in production")
        return self

    @property
    def uses_local_neo4j(self) -> bool:
        return self.neo4j_uri is None

    @property
    def effective_neo4j_uri(self) -> str:
        return self.neo4j_uri or f"bolt://127.0.0.1:{self.neo4j_local_bolt_port}"


def describe_error(error: ValidationError) -> str:
    """One sentence per wrong setting, naming the environment variable to fix."""
    fields = Settings.model_fields
    parts = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        field = fields.get(name)
        alias = field.validation_alias if field is not None and isinstance(field.validation_alias, str) else None
        env = (alias or name).upper() or "a setting"
        parts.append(f"{env} is wrong: {item['msg']}. Fix it in the environment (see README, Configuration).")
    return " ".join(parts)


def load_settings() -> Settings:
    """Build settings from the environment, turning validation errors into one readable sentence."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError(describe_error(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
