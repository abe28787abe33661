"""Settings from the environment, validated once at start-up.

Every setting has an environment variable (the field name in upper case). `get_settings()` builds
them once; tests build their own `Settings(...)` and pass it explicitly instead.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.scoring import MatchingWeights

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_ALLOWED_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_RATE_LIMIT_SCHEMES = ("memory", "redis", "rediss", "redis+cluster", "redis+sentinel", "memcached", "mongodb")
_PLACEHOLDERS = ("", "neo4j", "changeme", "change-me", "password", "secret")


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


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
    neo4j_local_warm_up: bool = Field(
        True,
        validation_alias="TEC_NEO4J_WARM_UP",
        description="Run the import's queries once (writes rolled back) when `tec neo4j start` has started Neo4j.",
    )
    host: str = Field("127.0.0.1", validation_alias="TEC_HOST", description="Address the service listens on.")
    port: int = Field(8000, ge=1, le=65535, validation_alias="TEC_PORT", description="Port the service listens on.")
    workers: int = Field(
        1,
        ge=1,
        le=64,
        validation_alias="TEC_WORKERS",
        description="Service processes `tec serve` starts (uvicorn workers sharing the port).",
    )
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
    max_tokens: int = Field(
        5_000,
        ge=100,
        validation_alias="TEC_MAX_TOKENS",
        description="Most tokens (names, punctuation, values) in one GraphQL document.",
    )
    max_body_bytes: int = Field(
        100_000,
        ge=1_000,
        validation_alias="TEC_MAX_BODY_BYTES",
        description="Largest request body, in bytes.",
    )
    max_response_bytes: int = Field(
        5_000_000,
        ge=10_000,
        validation_alias="TEC_MAX_RESPONSE_BYTES",
        description="Largest GraphQL answer, in bytes (RESPONSE_TOO_LARGE beyond).",
    )
    request_timeout: float = Field(
        10.0,
        gt=0,
        le=600,
        validation_alias="TEC_REQUEST_TIMEOUT",
        description="Deadline of one GraphQL request, in seconds (QUERY_TIMEOUT beyond).",
    )
    graphiql: bool | None = Field(
        None,
        validation_alias="TEC_GRAPHIQL",
        description="Serve GraphiQL at /graphql (unset: on in development and test, off in production).",
    )
    map_tiles: str | None = Field(
        None,
        validation_alias="TEC_MAP_TILES",
        description="A raster tile URL with {z}, {x} and {y} drawn under the explorer's map (unset: none).",
    )
    introspection: bool | None = Field(
        None,
        validation_alias="TEC_INTROSPECTION",
        description="Answer introspection queries (unset: on in development and test, off in production).",
    )
    metrics_token: SecretStr | None = Field(
        None,
        validation_alias="TEC_METRICS_TOKEN",
        description="Bearer token /metrics asks for (unset: open, except in production where it is refused).",
    )
    rate_limit: int = Field(
        600,
        ge=0,
        validation_alias="TEC_RATE_LIMIT",
        description="Requests per minute of an anonymous client (and of a key without its own limit); 0: off.",
    )
    rate_limit_storage: str = Field(
        "memory://",
        validation_alias="TEC_RATE_LIMIT_STORAGE",
        description="Where rate-limit counters live: memory:// (per process) or a shared store of the "
        "`limits` library, e.g. redis://redis:6379.",
    )
    trusted_proxies: str = Field(
        "",
        validation_alias="TEC_TRUSTED_PROXIES",
        description="Comma-separated addresses/CIDRs of reverse proxies whose X-Forwarded-For is believed.",
    )
    cors_origins: str = Field(
        "",
        validation_alias="TEC_CORS_ORIGINS",
        description="Comma-separated origins (https://app.example.org) whose browsers may call the API.",
    )
    log_format: Literal["text", "json"] = Field(
        "text", validation_alias="TEC_LOG_FORMAT", description="text, or json: one JSON object per line."
    )
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
    audit_retention_days: int = Field(
        365,
        ge=1,
        le=36_500,
        validation_alias="TEC_AUDIT_RETENTION_DAYS",
        description="How long audit entries are kept (days); older ones are pruned by writes and `tec audit prune`.",
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

    alert_top_n: int = Field(
        3,
        ge=0,
        le=50,
        validation_alias="TEC_ALERT_TOP_N",
        description="How many of the matching's first actors a new need or conflict alerts (0: no alerts).",
    )
    alert_radius_km: float = Field(
        50.0,
        gt=0,
        le=1000,
        validation_alias="TEC_ALERT_RADIUS_KM",
        description="Radius of the matching that picks the actors a new need or conflict alerts (km).",
    )
    events_poll_ms: int = Field(
        150,
        ge=10,
        le=10_000,
        validation_alias="TEC_EVENTS_POLL_MS",
        description="How often (ms) each process reads new events from the outbox for its subscribers and webhooks.",
    )
    max_subscriptions: int = Field(
        1000,
        ge=1,
        le=100_000,
        validation_alias="TEC_MAX_SUBSCRIPTIONS",
        description="Most event subscriptions one process serves at once (a new one over it is refused).",
    )
    public_events: bool = Field(
        True,
        validation_alias="TEC_PUBLIC_EVENTS",
        description="Whether callers without an API key may follow the public kinds of events (live alerts).",
    )
    max_subscriptions_per_connection: int = Field(
        5,
        ge=1,
        le=100,
        validation_alias="TEC_MAX_SUBSCRIPTIONS_PER_CONNECTION",
        description="Most operations one WebSocket connection runs at once.",
    )
    webhooks: bool = Field(
        True,
        validation_alias="TEC_WEBHOOKS",
        description="Run the webhook delivery worker in this process (off: this instance delivers none).",
    )
    webhook_lease_seconds: float = Field(
        30.0,
        ge=0.5,
        le=3600,
        validation_alias="TEC_WEBHOOK_LEASE_SECONDS",
        description="How long an instance holds a delivery it claimed; another takes it over after that.",
    )
    webhook_timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=300,
        validation_alias="TEC_WEBHOOK_TIMEOUT_SECONDS",
        description="How long a receiver has to answer one POST (kept below the lease).",
    )
    webhook_retry_seconds: float = Field(
        5.0,
        gt=0,
        le=3600,
        validation_alias="TEC_WEBHOOK_RETRY_SECONDS",
        description="Wait before the first retry; each next retry waits twice as long (at most an hour).",
    )
    webhook_give_up_hours: float = Field(
        24.0,
        gt=0,
        le=24 * 30,
        validation_alias="TEC_WEBHOOK_GIVE_UP_HOURS",
        description="A delivery not acknowledged this long after its event is given up (status failed).",
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

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in _items(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR (e.g. 10.0.0.5 or 10.0.0.0/8)") from None
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for item in _items(value):
            scheme, _, rest = item.partition("://")
            if scheme not in ("http", "https") or not rest or "/" in rest:
                raise ValueError(f"{item!r} is not an origin: write scheme://host[:port], e.g. https://app.example.org")
        return value

    @field_validator("map_tiles")
    @classmethod
    def _tiles(cls, value: str | None) -> str | None:
        if not value:
            return None
        scheme, _, rest = value.partition("://")
        host = rest.split("/", 1)[0]
        if scheme not in ("http", "https") or not host or any(c in host for c in "{}") or "/" not in rest:
            raise ValueError(f"{value!r} is not a tile URL: write https://host/path/{{z}}/{{x}}/{{y}}.png")
        if not all(part in value for part in ("{z}", "{x}", "{y}")):
            raise ValueError(f"{value!r} must contain {{z}}, {{x}} and {{y}}")
        return value

    @property
    def map_tiles_origin(self) -> str | None:
        """The tile server's origin (scheme://host[:port]), which the explorer's CSP allows images from."""
        if self.map_tiles is None:
            return None
        scheme, _, rest = self.map_tiles.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}"

    @field_validator("rate_limit_storage")
    @classmethod
    def _storage(cls, value: str) -> str:
        scheme = value.split("://", 1)[0].removeprefix("async+") if "://" in value else ""
        if scheme not in _RATE_LIMIT_SCHEMES:
            raise ValueError(f"must start with one of {', '.join(s + '://' for s in _RATE_LIMIT_SCHEMES)}")
        return value

    @model_validator(mode="after")
    def _no_default_password_in_production(self) -> Settings:
        if self.environment == "production" and self.neo4j_uri and self.neo4j_password in _PLACEHOLDERS:
            raise ValueError("NEO4J_PASSWORD must be set to the real password in production")
        return self

    @model_validator(mode="after")
    def _no_weak_metrics_token_in_production(self) -> Settings:
        token = self.metrics_token.get_secret_value() if self.metrics_token else None
        if self.environment == "production" and token is not None and (token in _PLACEHOLDERS or len(token) < 16):
            raise ValueError("TEC_METRICS_TOKEN must be a real secret of 16 characters or more in production")
        return self

    @model_validator(mode="after")
    def _timeout_within_lease(self) -> Settings:
        if self.webhook_timeout_seconds >= self.webhook_lease_seconds:
            raise ValueError(
                "TEC_WEBHOOK_TIMEOUT_SECONDS must be below TEC_WEBHOOK_LEASE_SECONDS, or another instance could "
                "take a delivery over while it is still being sent."
            )
        return self

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def serves_graphiql(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def allows_introspection(self) -> bool:
        return self.introspection if self.introspection is not None else not self.production

    @property
    def field_suggestions(self) -> bool:
        return not self.production

    @property
    def trusted_proxy_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(item, strict=False) for item in _items(self.trusted_proxies)]

    @property
    def cors_origin_list(self) -> list[str]:
        return _items(self.cors_origins)

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
