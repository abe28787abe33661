"""The service's own time on `experiencedActors`, in process, with Neo4j's answers replayed.

    python -m bench.matching_replay record bolt://127.0.0.1:<port> FILE [questions]
    python -m bench.matching_replay replay FILE [requests] [--http] [--profile] [--answers OUT.json]

`record` asks Neo4j the benchmark's matching questions (`bench.suite.match_request`: the Cypher and
parameters the service sends for `MATCHING_QUERY`) and keeps its rows in FILE (pickle). `replay` runs
`MATCHING_QUERY` through this checkout's GraphQL schema (`resolvers.root.schema.build_schema`, as the
service builds it), its store answering from FILE: what remains is the service's own work per request
(validation of the arguments, the matching types, graphql-core completing the answer), without Neo4j,
the network or HTTP, so the figure does not depend on the machine's load as much as a latency does.
With `--http` each request goes through the whole ASGI application instead (`tec.app.main.create_app`:
its middleware, authentication, the response cache's bookkeeping, JSON in and out), called directly
without a server or client. Prints the median and mean per request (wall clock) and the process's
CPU time per request (less sensitive to other processes on a busy machine), the cProfile top with
`--profile`, and writes the answers with `--answers` (to check that two checkouts answer the same:
run it in each, compare the files).
Run from a checkout's root, it measures that checkout (`cd <checkout> && python -m bench.matching_replay
…`, with this file copied there for an older commit).
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import json
import pickle
import pstats
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.runner import MATCHING_QUERY, connect
from bench.suite import match_request, match_variables
from graph.matching import EXPERTS_QUERY, MatchingWeights, match_params
from resolvers.root.schema import build_schema
from schema.context import Context
from tec.app.main import create_app
from tec.settings import Settings


async def record(uri: str, questions: int) -> list[list[dict[str, Any]]]:
    store = connect(uri)
    weights = MatchingWeights()
    try:
        answers = [
            await store.read_once("matching.experiencedActors", EXPERTS_QUERY, match_params(match_request(i), weights))
            for i in range(questions)
        ]
    finally:
        await store.close()
    return answers


class ReplayedStore:
    """Answers `read_once` with the next of the prepared copies of the recorded rows."""

    def __init__(self, copies: list[list[dict[str, Any]]]) -> None:
        self.copies = copies

    async def read_once(
        self, name: str, query: str, params: Mapping[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[dict[str, Any]]:
        return self.copies.pop()


class AsgiCall:
    """One POST /graphql through an ASGI application, as uvicorn would make it (no network)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def post(self, body: bytes) -> dict[str, Any]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/graphql",
            "raw_path": b"/graphql",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"bench"),
                (b"content-type", b"application/json"),
                (b"accept", b"application/graphql-response+json, application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
        sent = False
        chunks: list[bytes] = []
        status = 0

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.sleep(3600)
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, send)
        answer: dict[str, Any] = json.loads(b"".join(chunks))
        if status != 200:
            raise SystemExit(f"HTTP {status}: {answer}")
        return answer


async def replay(recorded: list[bytes], requests: int, profile: bool, http: bool = False) -> list[Any]:
    """Replay the recorded answers (one pickle each); returns the first answer to each question."""
    questions = len(recorded)
    settings = Settings()
    schema = build_schema(settings)
    warmup = 50
    total = warmup + requests
    # every request mutates its rows (sorting, maps): one fresh copy each, made before the clock runs
    copies = [pickle.loads(recorded[i % questions]) for i in reversed(range(total))]  # noqa: S301
    store = ReplayedStore(copies)
    app = AsgiCall(create_app(settings, store, run_migrations=False)) if http else None  # type: ignore[arg-type]
    profiler = cProfile.Profile()
    samples: list[float] = []
    cpu: list[float] = []
    answers: list[Any] = []
    for index in range(total):
        context = Context(store=store, settings=settings)  # type: ignore[arg-type]
        variables = match_variables(index % questions)
        if profile and index == warmup:
            profiler.enable()
        started, started_cpu = time.perf_counter(), time.process_time()
        if app is not None:
            answer = await app.post(json.dumps({"query": MATCHING_QUERY, "variables": variables}).encode())
            data, errors = answer.get("data"), answer.get("errors")
        else:
            result = await schema.execute(MATCHING_QUERY, variable_values=variables, context_value=context)
            data, errors = result.data, result.errors
        elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - started_cpu
        if errors:
            raise SystemExit(f"question {index}: {errors[0]}")
        if index >= warmup:
            samples.append(elapsed * 1000)
            cpu.append(elapsed_cpu * 1000)
        if index < questions:
            answers.append(data)
    profiler.disable()
    print(
        f"{requests} requests replayed: median {statistics.median(samples):.3f} ms, "
        f"mean {statistics.fmean(samples):.3f} ms per request; CPU median {statistics.median(cpu):.3f} ms, "
        f"total {sum(cpu):.0f} ms{' (under cProfile)' if profile else ''}"
    )
    if profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(30)
        print(out.getvalue())
    return answers


if __name__ == "__main__":
    arguments = sys.argv[1:]
    answers_file: Path | None = None
    if "--answers" in arguments:
        at = arguments.index("--answers")
        answers_file = Path(arguments[at + 1])
        del arguments[at : at + 2]
    if arguments[0] == "record":
        kept = asyncio.run(record(arguments[1], int(arguments[3]) if len(arguments) > 3 else 10))
        Path(arguments[2]).write_bytes(pickle.dumps(kept))
        print(f"{len(kept)} answers kept in {arguments[2]}")
    else:
        rows = [pickle.dumps(answer) for answer in pickle.loads(Path(arguments[1]).read_bytes())]  # noqa: S301
        count = int(arguments[2]) if len(arguments) > 2 and arguments[2].isdigit() else 500
        data = asyncio.run(replay(rows, count, "--profile" in arguments, "--http" in arguments))
        if answers_file is not None:
            answers_file.write_text(json.dumps(data, indent=1, sort_keys=True))
