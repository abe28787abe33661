"""Logs an operator can use: one line per record, control characters escaped, optionally JSON,
and one access-log line per request (request id, operation, client, cost, Neo4j time, duration, status).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any, TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tec.settings import Settings

ACCESS_LOGGER = "tec.access"
QUIET_BELOW_INFO = ("neo4j", "httpx", "httpcore", "uvicorn.error", "strawberry")
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}


def escape_controls(text: str) -> str:
    """`text` on one line: every control character written as an escape (\\n, \\x1b, \\u2028…)."""

    def escaped(match: re.Match[str]) -> str:
        char = match.group()
        return _NAMED.get(char) or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")

    return _CONTROL.sub(escaped, text)


def safe_request_id(sent: bytes | None) -> str:
    """The client's X-Request-Id when it is short and plain; otherwise a fresh one."""
    value = (sent or b"").decode("latin-1")
    return value if _SAFE_REQUEST_ID.fullmatch(value) else uuid.uuid4().hex[:16]


class TextFormatter(logging.Formatter):
    """The usual text format, each record (traceback included) on one line."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return escape_controls(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line; an access-log record's fields are top-level keys."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in record.__dict__.items() if key not in _RECORD_FIELDS})
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)  # ensure_ascii: control characters come out escaped


# The driver's DEBUG records are its Bolt messages, query parameters included (contact details, webhook
# secrets): that logger stays at INFO or above whatever TEC_LOG_LEVEL says.
DRIVER_LOGGER = "neo4j"


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """The root logger writes one line per record, as text or JSON (TEC_LOG_FORMAT), at TEC_LOG_LEVEL
    (the Neo4j driver's wire records and the HTTP clients' excepted: see QUIET_BELOW_INFO)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    # The driver's and HTTP clients' DEBUG lines quote query parameters and headers (personal fields, API
    # keys): they never go below INFO, whatever TEC_LOG_LEVEL says (docs/privacy.md).
    for name in QUIET_BELOW_INFO:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))


class AccessLog:
    """One INFO record per HTTP request on the `tec.access` logger (off below INFO)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log = logging.getLogger(ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        db_ms: float | None = None

        async def observe(message: Message) -> None:
            nonlocal status, db_ms
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for name, value in message.get("headers", []):
                    if name == b"server-timing":
                        db_ms = _db_ms(value.decode("latin-1"))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            state = scope.get("state", {})
            fields = {
                "request_id": state.get("request_id"),
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "neo4j_ms": db_ms,
                "operation": state.get("operation_name"),
                "client": _client(state),
                "cost": state.get("cost"),
            }
            self.log.info(
                "%s %s %s %.1f ms (neo4j %s ms) request=%s operation=%s client=%s cost=%s",
                fields["method"],
                fields["path"],
                status,
                fields["duration_ms"],
                db_ms,
                fields["request_id"],
                fields["operation"],
                fields["client"],
                fields["cost"],
                extra=fields,
            )


def _client(state: dict[str, Any]) -> str | None:
    """The API key's id (never the key, never an address), or anonymous."""
    principal = state.get("principal")
    label = getattr(principal, "label", None)
    if isinstance(label, str):
        return label
    bucket = state.get("rate_limit_client")
    if isinstance(bucket, str):
        return bucket if bucket.startswith("apikey:") else "anonymous"
    return None


def _db_ms(server_timing: str) -> float | None:
    for part in server_timing.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        if name == "db":
            for param in params:
                if param.startswith("dur="):
                    try:
                        return float(param[4:])
                    except ValueError:
                        return None
    return None
