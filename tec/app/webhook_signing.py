"""Webhook signatures: how a delivery is signed, and how a receiver checks it (this module is the reference
a receiver can copy: it needs only the standard library).

A delivery is a POST whose body is the event's JSON, with the headers
- `X-Tec-Event-Id`: the event's id (the same on every attempt: de-duplicate on it);
- `X-Tec-Timestamp`: when this attempt was signed, in whole seconds since the Unix epoch;
- `X-Tec-Signature`: `sha256=` + the hex HMAC-SHA256, keyed with the webhook's secret, of
  `"<timestamp>." + body` (the body's exact bytes).

A receiver recomputes the HMAC over the bytes it received, compares it in constant time, and refuses
a timestamp older (or further in the future) than its tolerance — five minutes by default — so a
captured request cannot be replayed later: the timestamp is signed, so changing it breaks the signature.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGNATURE_HEADER = "X-Tec-Signature"
TIMESTAMP_HEADER = "X-Tec-Timestamp"
EVENT_ID_HEADER = "X-Tec-Event-Id"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignature(Exception):
    """The request was not signed with this secret, or was signed too long ago (a replay)."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return "sha256=" + digest


def signed_headers(secret: str, event_id: str, body: bytes, now: float | None = None) -> dict[str, str]:
    """The headers of one delivery attempt."""
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        EVENT_ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Raise `InvalidSignature` unless `body` was signed with `secret` within `tolerance_seconds` of `now`.
    `headers` is looked up case-insensitively."""
    lowered = {name.lower(): value for name, value in headers.items()}
    stamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    sent = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not stamp.isdigit():
        raise InvalidSignature(f"{TIMESTAMP_HEADER} is missing or not a number of seconds")
    if not hmac.compare_digest(signature(secret, int(stamp), body), sent):
        raise InvalidSignature(f"{SIGNATURE_HEADER} does not match the body and timestamp")
    age = (now if now is not None else time.time()) - int(stamp)
    if abs(age) > tolerance_seconds:
        raise InvalidSignature(f"the timestamp is {age:.0f} s old, over the {tolerance_seconds:.0f} s tolerated")
