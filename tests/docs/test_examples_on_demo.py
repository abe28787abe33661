"""The examples of docs/api.md and docs/matching.md, run against the demo network a newcomer gets."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from graph import case_types
from graph.store import Store
from synthetic.generator import DEMO
from synthetic.seeding import seed_network
from tests.conftest import GraphQL
from tests.docs.test_api_examples import examples

pytestmark = [pytest.mark.usefixtures("reference_data"), pytest.mark.slow]

DOCS = Path(__file__).resolve().parents[2] / "docs"
_BLOCK = re.compile(r"```graphql\n(.*?)```", re.S)


def first_id(data: Any) -> str | None:
    """The first `id` met in an answer, depth first (what a reader copies into the next example)."""
    if isinstance(data, dict):
        if isinstance(data.get("id"), str):
            return str(data["id"])
        values = list(data.values())
    elif isinstance(data, list):
        values = data
    else:
        return None
    for value in values:
        found = first_id(value)
        if found:
            return found
    return None


def non_empty(data: Any) -> bool:
    if isinstance(data, dict):
        return any(non_empty(value) for value in data.values())
    if isinstance(data, list):
        return bool(data)
    return data not in (None, "", 0)


async def test_the_api_and_matching_examples_answer_on_the_demo_network(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    await seed_network(store, DEMO)
    # every actor's case types are its cases' types (what matching trusts: graph.case_types)
    assert await store.read("tests.staleCaseTypes", case_types.STALE) == []
    editor = await api_key("admin")

    answers: dict[str, dict[str, Any]] = {}
    for example in examples():
        if example.kind == "mutation":
            continue  # the mutations are run by test_api_examples on data they may change
        variables = dict(example.variables)
        if "id" in variables:
            source = "DirectorySearch" if example.name == "ActorProfile" else "ConflictSearch"
            variables["id"] = first_id(answers[source])
        body = (await gql(example.query, variables)).json()
        assert "errors" not in body, (example.name, body)
        assert non_empty(body["data"]), f"{example.name} found nothing in the demo network"
        answers[example.name] = body["data"]
    assert {"DirectorySearch", "ActorProfile", "ConflictPage", "ResourceCentre", "CallForCommons"} <= set(answers)

    last_id: str | None = None  # the doc says "take an id from the query above"
    ran = 0
    for query in _BLOCK.findall((DOCS / "matching.md").read_text(encoding="utf-8")):
        variables = {"id": last_id} if "$id" in query else {}
        token = editor if query.lstrip().startswith("mutation") else None
        body = (await gql(query, variables, token=token)).json()
        assert "errors" not in body, (query[:80], body)
        assert non_empty(body["data"]), f"no answer on the demo network for: {query[:80]}"
        text = json.dumps(body["data"])
        if "experiencedActors" in query:
            assert '"evidence"' in text
        last_id = first_id(body["data"]) or last_id
        ran += 1
    assert ran >= 6
