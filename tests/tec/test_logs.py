"""Logs an operator can use: one line per record whatever a client sends, client errors at INFO, JSON."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterator

import pytest

from graph import taxonomy as taxonomy_store
from graph.apikeys import create_api_key
from graph.store import Store
from tec.app.logs import configure_logging, escape_controls, safe_request_id
from tec.settings import Settings
from tests.tec.apps import query, serve

Install = Callable[[str], io.StringIO]
LINE_START = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")


@pytest.fixture
def log_to(settings: Settings) -> Iterator[Install]:
    """Send the root logger's records, formatted as the service formats them, to a buffer."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level

    def install(log_format: str) -> io.StringIO:
        buffer = io.StringIO()
        configure_logging(settings.model_copy(update={"log_format": log_format, "log_level": "info"}), buffer)
        return buffer

    yield install
    root.handlers[:] = handlers
    root.setLevel(level)


def test_control_characters_are_escaped() -> None:
    assert escape_controls("a\nb\r\tc\x1b[31md\x00e\x7f\x85\u2028") == "a\\nb\\r\\tc\\x1b[31md\\x00e\\x7f\\x85\\u2028"
    assert escape_controls("Saint-Étienne, « Gard »") == "Saint-Étienne, « Gard »"


def test_only_a_plain_request_id_is_kept() -> None:
    assert safe_request_id(b"front-42.retry_1") == "front-42.retry_1"
    for hostile in (b"abc\nforged", b"a\x1b[2Jb", b"x" * 65, b"<script>", b"", None):
        kept = safe_request_id(hostile)
        assert re.fullmatch(r"[0-9a-f]{16}", kept), hostile


async def test_hostile_input_cannot_forge_log_lines(store: Store, settings: Settings, log_to: Install) -> None:
    output = log_to("text")
    hostile = "x\n2026-12-06 00:00:00,000 ERROR tec.app: forged\x1b[2J"
    async with serve(store, settings) as client:
        echoed = await client.post(
            "/graphql", json=query("{ __typename }"), headers={"X-Request-Id": hostile.replace("\n", "\r\n")}
        )
        await client.post("/graphql", json=query("{ actors { totalCont } }", operation="Evil\nFAKE\x1b[2J"))
        await client.post("/graphql", json=query("{ territory(code: $x) { name } }", x="a\nb"))
        await client.get("/export/" + hostile.replace("\n", "%0A").replace("\x1b", "%1B") + ".csv")
    text = output.getvalue()
    assert "forged" in text  # the path was logged…
    assert "\x1b" not in text
    for line in text.splitlines():  # …but every record is one line of its own
        assert LINE_START.match(line), line
    assert "\\n2026-12-06 00:00:00,000 ERROR" in text
    assert echoed.headers["x-request-id"] != hostile
    assert re.fullmatch(r"[0-9a-f]{16}", echoed.headers["x-request-id"])


async def test_a_plain_request_id_is_echoed_and_logged(store: Store, settings: Settings, log_to: Install) -> None:
    output = log_to("text")
    async with serve(store, settings) as client:
        answer = await client.post("/graphql", json=query("{ __typename }"), headers={"X-Request-Id": "front-42"})
    assert answer.headers["x-request-id"] == "front-42"
    assert "request=front-42" in output.getvalue()


async def test_client_errors_are_logged_at_info_without_a_traceback(
    store: Store, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with serve(store, settings) as client:
        answers = [
            await client.post("/graphql", json=query("{ actors { totalCont } }")),
            await client.post("/graphql", json=query("{ actors(first: 5000) { totalCount } }")),
            await client.post(
                "/graphql",
                json=query("query Q($k: [ActorKind!]) { actors(where: {kinds: $k}) { totalCount } }", k=["NOPE"]),
            ),
            await client.post("/graphql", json=query("{ actors { ")),
        ]
    # application/json: GraphQL over HTTP answers request errors with 200 and the errors
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert all(answer.json()["errors"] for answer in answers)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records if record.exc_info]
    assert not [record for record in caplog.records if record.name.startswith("strawberry")]
    logged = [record.getMessage() for record in caplog.records if record.name == "schema.errors"]
    codes = ["GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "BAD_USER_INPUT", "GRAPHQL_PARSE_FAILED"]
    assert [next(code for code in codes if code in message) for message in logged] == codes
    assert all(record.levelno == logging.INFO for record in caplog.records if record.name == "schema.errors")
    assert "NOPE" not in " ".join(logged)  # values a caller sent are not logged


async def test_json_logs_are_one_object_per_line_with_an_access_line_per_request(
    store: Store, settings: Settings, log_to: Install
) -> None:
    output = log_to("json")
    token, key = await create_api_key(store, role="reader", label="json log")
    async with serve(store, settings) as client:
        answer = await client.post(
            "/graphql",
            json=query("query Directory { actors(first: 2) { totalCount } }"),
            headers={"Authorization": f"Bearer {token}"},
        )
        await client.post("/graphql", json=query("{ actors { totalCont } }", operation="Evil\nFAKE"))
    lines = output.getvalue().splitlines()
    entries = [json.loads(line) for line in lines]
    assert all(isinstance(entry, dict) and entry["level"] and entry["time"] for entry in entries)
    access = [entry for entry in entries if entry["logger"] == "tec.access"]
    assert len(access) == 2
    first = access[0]
    assert first["request_id"] == answer.headers["x-request-id"]
    assert first["operation"] == "Directory"
    assert first["client"] == f"apikey:{key.id}"
    assert first["status"] == 200
    assert first["duration_ms"] > 0
    assert first["neo4j_ms"] > 0
    assert "cost" in first
    assert access[1]["client"] == "anonymous"
    assert access[1]["status"] == 400
    assert token not in output.getvalue()


async def test_an_unexpected_error_is_logged_once_at_error_with_its_traceback(
    store: Store, settings: Settings, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(_: Store) -> list[dict[str, str]]:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(taxonomy_store, "themes", broken)
    caplog.set_level(logging.INFO)
    async with serve(store, settings) as client:
        answer = await client.post("/graphql", json=query("{ themes { code } }"))
    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "a bug of ours" not in error["message"]
    failures = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(failures) == 1
    assert failures[0].exc_info is not None
    assert error["extensions"]["requestId"] in failures[0].getMessage()
