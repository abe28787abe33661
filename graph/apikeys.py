"""API keys: stored as SHA-256 hashes of high-entropy tokens, shown once at creation."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.model import API_KEY_ROLES
from graph.store import Store

TOKEN_PREFIX = "tec_"  # noqa: S105 (a prefix, not a secret)


@dataclass(frozen=True)
class ApiKey:
    id: str
    role: str
    label: str
    source: str | None
    actor_id: str | None
    revoked: bool
    created_at: str
    rate_limit: int | None = None  # requests per minute; None: the service's default, 0: unlimited

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> ApiKey:
        return cls(
            id=record["id"],
            role=record["role"],
            label=record.get("label") or "",
            source=record.get("source"),
            actor_id=record.get("actorId"),
            revoked=bool(record.get("revoked")),
            created_at=str(record.get("createdAt")),
            rate_limit=record.get("rateLimit"),
        )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_CREATE: LiteralString = """
CREATE (k:ApiKey {id: $id, hash: $hash, role: $role, label: $label, source: $source, actorId: $actorId,
                  rateLimit: $rateLimit, revoked: false, createdAt: datetime()})
RETURN k {.*, hash: null} AS key
"""


async def create_api_key(
    store: Store,
    *,
    role: str,
    label: str = "",
    source: str | None = None,
    actor_id: str | None = None,
    rate_limit: int | None = None,
) -> tuple[str, ApiKey]:
    """Create a key; return the clear token (never stored) and the key's record.

    `rate_limit` is the key's own budget in requests per minute (0: unlimited; None: TEC_RATE_LIMIT).
    """
    if role not in API_KEY_ROLES:
        raise ValueError(f"role must be one of {', '.join(API_KEY_ROLES)}")
    if rate_limit is not None and rate_limit < 0:
        raise ValueError("rate limit must be 0 (unlimited) or a number of requests per minute")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    params = {
        "id": str(uuid.uuid4()),
        "hash": hash_token(token),
        "role": role,
        "label": label,
        "source": source,
        "actorId": actor_id,
        "rateLimit": rate_limit,
    }
    rows = await store.write("apikeys.create", _CREATE, params)
    return token, ApiKey.from_record(rows[0]["key"])


_BY_HASH: LiteralString = "MATCH (k:ApiKey {hash: $hash}) WHERE NOT k.revoked RETURN k {.*, hash: null} AS key"


async def find_api_key(store: Store, token: str) -> ApiKey | None:
    rows = await store.read("apikeys.find", _BY_HASH, {"hash": hash_token(token)})
    return ApiKey.from_record(rows[0]["key"]) if rows else None


async def list_api_keys(store: Store) -> list[ApiKey]:
    rows = await store.read(
        "apikeys.list", "MATCH (k:ApiKey) RETURN k {.*, hash: null} AS key ORDER BY k.createdAt, k.id"
    )
    return [ApiKey.from_record(row["key"]) for row in rows]


async def revoke_api_key(store: Store, key_id: str) -> bool:
    rows = await store.write(
        "apikeys.revoke",
        "MATCH (k:ApiKey {id: $id}) SET k.revoked = true, k.revokedAt = datetime() RETURN k.id AS id",
        {"id": key_id},
    )
    return bool(rows)
