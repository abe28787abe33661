"""What the service changes in its process while it serves, and gives back when it stops (a test run or an
application embedding the app keeps its own settings)."""

from __future__ import annotations

import gc
import sys

import httpx

from graph.store import Store
from tec.app.main import GC_THRESHOLDS, GIL_SWITCH_SECONDS
from tec.settings import Settings
from tests.tec.events_client import running_service


async def test_the_collector_and_the_switch_interval_are_tuned_while_serving_and_given_back(
    store: Store, settings: Settings
) -> None:
    before = (gc.get_threshold(), sys.getswitchinterval())
    assert before[0] != GC_THRESHOLDS  # else the test could not see the change
    assert before[1] != GIL_SWITCH_SECONDS
    async with running_service(store, settings) as url:
        assert gc.get_threshold() == GC_THRESHOLDS
        assert sys.getswitchinterval() == GIL_SWITCH_SECONDS
        base = url.replace("ws://", "http://").removesuffix("/graphql")
        async with httpx.AsyncClient(base_url=base) as http:
            answer = await http.post("/graphql", json={"query": "{ __typename }"})
        assert answer.json() == {"data": {"__typename": "Query"}}
    assert (gc.get_threshold(), sys.getswitchinterval()) == before
