"""Webhook signatures (tec/webhook_signing.py), the reference a receiver copies: the expected HMAC was
computed outside Python (`printf '1700000000.{"id":"e1"}' | openssl dgst -sha256 -hmac s3cret`)."""

from __future__ import annotations

import pytest

from tec.app.webhook_signing import InvalidSignature, signed_headers, verify

BODY = b'{"id":"e1"}'
SIGNED_AT = 1_700_000_000
OPENSSL_SIGNATURE = "sha256=e584ea1bae10bbbc105c193bee45ee128f39b60803189b2673b3e878b94997c8"


def test_a_delivery_carries_the_event_id_the_timestamp_and_the_hmac_of_timestamp_dot_body() -> None:
    headers = signed_headers("s3cret", "e1", BODY, now=SIGNED_AT + 0.9)
    assert headers == {
        "Content-Type": "application/json",
        "X-Tec-Event-Id": "e1",
        "X-Tec-Timestamp": "1700000000",
        "X-Tec-Signature": OPENSSL_SIGNATURE,
    }


def test_a_receiver_accepts_a_fresh_delivery_whatever_the_case_of_the_header_names() -> None:
    headers = {"x-tec-timestamp": "1700000000", "X-TEC-SIGNATURE": OPENSSL_SIGNATURE}
    verify("s3cret", headers, BODY, now=SIGNED_AT + 299)  # raises InvalidSignature when refused


@pytest.mark.parametrize(
    ("secret", "body", "timestamp", "reason"),
    [
        ("other", BODY, "1700000000", "does not match"),  # another webhook's secret
        ("s3cret", b'{"id":"e2"}', "1700000000", "does not match"),  # a changed body
        ("s3cret", BODY, "1700000001", "does not match"),  # a changed timestamp
        ("s3cret", BODY, "", "missing or not a number"),
        ("s3cret", BODY, "-1700000000", "missing or not a number"),
    ],
)
def test_a_receiver_refuses_what_this_secret_did_not_sign(
    secret: str, body: bytes, timestamp: str, reason: str
) -> None:
    headers = {"X-Tec-Timestamp": timestamp, "X-Tec-Signature": OPENSSL_SIGNATURE}
    with pytest.raises(InvalidSignature, match=reason):
        verify(secret, headers, body, now=SIGNED_AT)


@pytest.mark.parametrize("now", [SIGNED_AT + 301, SIGNED_AT - 301])
def test_a_replay_older_or_further_ahead_than_five_minutes_is_refused(now: int) -> None:
    headers = {"X-Tec-Timestamp": "1700000000", "X-Tec-Signature": OPENSSL_SIGNATURE}
    with pytest.raises(InvalidSignature, match="301 s old, over the 300 s tolerated"):
        verify("s3cret", headers, BODY, now=now)
