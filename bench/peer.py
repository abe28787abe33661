"""`tec bench --peer`: the project side by side with @neo4j/graphql on the same graph (issue 17).

The peer (`bench/peer/`: type definitions and a small @apollo/server, installed with `npm ci`) runs
on the benchmark's Neo4j. Before anything is timed, both sides answer the same sample questions and
must return the same rows, ids, totals and scores; otherwise nothing is measured (`PeerMismatch`).
Then, in interleaved rounds (project, peer, project… so that both see the same moments of a machine
whose speed drifts), with the project's response cache off:

- the directory search × territory (varied words and territories) at 1 and 8 clients;
- the conflict and resource searches with a territory filter, at one client;
- `experiencedActors` at one client, each question asked of the project over HTTP, of the peer over
  HTTP and of the raw Python driver running the project's matching Cypher (the floor).

The peer's matching field is the project's own Cypher (`graph.matching.EXPERTS_QUERY`), ported into an
`@cypher` field at each run by `port_matching_statement`, as a peer user would copy it: the question's
inputs stay parameters, what the benchmark's question fixes becomes literals, and the last RETURN
becomes one map in the field's shape. Both sides always run the same query.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString

import httpx
import neo4j

from bench.runner import Figures, KeepAliveClient, Service, concurrent_load, latency_summary
from graph import benchmarks
from graph.matching import EXPERTS_QUERY, MatchingWeights, MatchRequest, match_params
from graph.near import Near
from graph.search import lucene_query
from graph.store import Store
from tec import neo4j_local
from tec.settings import PROJECT_ROOT

PEER_DIR = PROJECT_ROOT / "bench" / "peer"
PLACEHOLDER = "__MATCHING_STATEMENT__"

# --- the questions -----------------------------------------------------------------------------------
# Words a directory visitor types (each finds tens to thousands of records in the scale network) and
# the territories they search in: départements (INSEE codes; the project takes the most local level
# that has the code, the peer is given that territory's id) and two régions.
SEARCH_WORDS: tuple[str, ...] = (
    "concertation",
    "association",
    "eolien",
    "eau",
    "carriere",
    "mediation",
    "riverains",
    "environnement",
    "energie",
    "foret",
    "littoral",
    "projet",
    "parc",
    "quartier",
    "solaire",
    "agricole",
)
SEARCH_TERRITORIES: tuple[str, ...] = (
    "35",
    "44",
    "33",
    "69",
    "13",
    "59",
    "75",
    "31",
    "53",
    "29",
    "REGION-53",
    "REGION-84",
)

PROJECT_DIRECTORY = """
query Directory($search: String!, $territory: String!) {
  actors(first: 20, search: $search, where: {territory: $territory}) {
    totalCount
    edges { node { id name kind basedIn { code name } themes { code label } } }
  }
}
"""

# Territory containment as @neo4j/graphql users write it: nested relationship filters. The territory
# graph is two levels deep (commune → EPCI and département, département → région), so a record is in
# the territory when its own territory is it, or a parent of it, or a parent's parent.
IN_TERRITORY = """{OR: [
  {id: {eq: $territory}}
  {partOf: {some: {id: {eq: $territory}}}}
  {partOf: {some: {partOf: {some: {id: {eq: $territory}}}}}}
]}"""


def _with_territory(query: str) -> str:
    """A peer query in which the word IN_TERRITORY stands for the containment filter above."""
    return query.replace("IN_TERRITORY", IN_TERRITORY)


PEER_DIRECTORY = _with_territory(
    """
query Directory($phrase: String!, $territory: ID!) {
  actorSearch(
    phrase: $phrase
    where: {node: {basedIn: {some: IN_TERRITORY}}}
    sort: [{score: DESC}, {node: {id: ASC}}]
    first: 20
  ) {
    totalCount
    edges { score node { id name kind basedIn { code name } themes { code label } } }
  }
}
"""
)

PROJECT_CONFLICTS = """
query Conflicts($search: String!, $territory: String!) {
  conflicts(first: 20, search: $search, where: {territory: $territory}) {
    totalCount
    edges { node { id title status year } }
  }
}
"""

PEER_CONFLICTS = _with_territory(
    """
query Conflicts($phrase: String!, $territory: ID!) {
  conflictSearch(
    phrase: $phrase
    where: {node: {locatedIn: {some: IN_TERRITORY}}}
    sort: [{score: DESC}, {node: {id: ASC}}]
    first: 20
  ) {
    totalCount
    edges { score node { id title status year } }
  }
}
"""
)

PROJECT_RESOURCES = """
query Resources($search: String!, $territory: String!) {
  resources(first: 20, search: $search, where: {territory: $territory}) {
    totalCount
    edges { node { id title kind } }
  }
}
"""

# A resource is in a territory when a conflict or project it documents is located there.
PEER_RESOURCES = _with_territory(
    """
query Resources($phrase: String!, $territory: ID!) {
  resourceSearch(
    phrase: $phrase
    where: {node: {documents: {some: {
      Conflict: {locatedIn: {some: IN_TERRITORY}}
      Project: {locatedIn: {some: IN_TERRITORY}}
    }}}}
    sort: [{score: DESC}, {node: {id: ASC}}]
    first: 20
  ) {
    totalCount
    edges { score node { id title kind } }
  }
}
"""
)

PROJECT_MATCHING = """
query Match($type: String!, $lat: Float!, $lon: Float!) {
  experiencedActors(conflictType: $type, near: {lat: $lat, lon: $lon}, radiusKm: 50, first: 10) {
    withinRadius
    edges { node { score distanceKm actor { id name kind } evidence { conflict { id title } role year distanceKm } } }
  }
}
"""

PEER_MATCHING = """
query Match($type: String!, $lat: Float!, $lon: Float!) {
  experiencedActors(conflictType: $type, lat: $lat, lon: $lon) {
    withinRadius
    edges { node { score distanceKm actor { id name kind } evidence { conflict { id title } role year distanceKm } } }
  }
}
"""


@dataclass(frozen=True)
class Question:
    """One benchmark question: its documents and its variables on each side, by input index."""

    name: str
    project_query: str
    peer_query: str
    field: str  # the project's root field
    peer_field: str
    inputs: Callable[[int], tuple[dict[str, Any], dict[str, Any]]]  # index -> (project vars, peer vars)
    count: int  # how many distinct inputs


class PeerMismatch(RuntimeError):
    """The two sides answered a sample question differently: measuring them would compare different work."""


class PeerUnavailable(RuntimeError):
    """The peer could not be installed or started (node, npm, its dependencies)."""


# --- porting the matching Cypher ---------------------------------------------------------------------
PEER_ARGUMENTS = ("conflictType", "lat", "lon")  # the peer field's arguments; the rest are the question's constants

_MATCHING_RESULT: LiteralString = """WITH withinCount, items
RETURN {
  withinRadius: withinCount,
  edges: [p IN range(0, $first - 1) WHERE p < size(items) | head([x IN items WHERE x.position = p | {node: {
    score: x.score,
    distanceKm: x.distanceKm,
    actor: {id: x.actor.id, name: x.actor.name, kind: x.actor.kind},
    evidence: [r IN range(0, size(x.evidence) - 1) | head([e IN x.evidence WHERE e.rank = r | {
      conflict: CASE WHEN e.case.kind = 'CONFLICT' THEN {id: e.case.node.id, title: e.case.node.title} END,
      role: e.case.role, year: e.case.year, distanceKm: e.case.distanceKm}])]
  }}])]
} AS result"""


def cypher_literal(value: Any) -> str:
    """A parameter value written as Cypher text (what a user copying the query hard-codes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cypher_literal(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{key}`: {cypher_literal(item)}" for key, item in value.items()) + "}"
    raise TypeError(f"no Cypher literal for {type(value).__name__}")


def bench_match_request(lat: float, lon: float, conflict_type: str) -> MatchRequest:
    """What PROJECT_MATCHING asks, as the graph layer takes it (the service's defaults for the rest)."""
    return MatchRequest(
        near=Near(lat=lat, lon=lon),
        radius_km=50.0,
        conflict_type=conflict_type,
        first=10,
        widen_to_km=200.0,
        timestamps=False,
        places=False,
        bases=False,
    )


def port_matching_statement(query: str = EXPERTS_QUERY, weights: MatchingWeights | None = None) -> str:
    """The project's matching Cypher as the peer's `@cypher` statement.

    The field's arguments (`conflictType`, `lat`, `lon`) stay parameters; every other parameter takes
    the value the benchmark's question gives it (50 km, first 10, widened to 200 km, the default
    weights), written as a literal; `$first` is the page size; the final RETURN becomes one map
    shaped like the field's type, the page in rank order and each actor's evidence in rank order.
    """
    params = match_params(bench_match_request(0.0, 0.0, "X"), weights or MatchingWeights())
    text = query.removeprefix("CYPHER replan=skip\n")
    tail = text.rfind("RETURN asked {.*} AS askedType")
    if tail < 0:
        raise PeerMismatch("the matching query's final RETURN has changed; update bench/peer.py's port")
    text = text[:tail] + _MATCHING_RESULT
    first = params["limit"] - 1
    constants = {name: value for name, value in params.items() if name not in PEER_ARGUMENTS}
    for name in sorted(constants, key=len, reverse=True):
        literal = cypher_literal(constants[name]).replace("\\", "\\\\")  # a replacement string: escape backslashes
        text = re.sub(r"\$" + name + r"\b", literal, text)
    return text.replace("$first", str(first))


def peer_typedefs(statement: str) -> str:
    template = (PEER_DIR / "typedefs.graphql").read_text(encoding="utf-8")
    if '"""' in statement:
        raise PeerMismatch('the matching statement holds """, which a GraphQL block string cannot')
    if template.count(PLACEHOLDER) != 1:
        raise PeerUnavailable(f"bench/peer/typedefs.graphql must hold {PLACEHOLDER} once, where the statement goes")
    return template.replace(PLACEHOLDER, statement)


# --- comparing answers --------------------------------------------------------------------------------
def raw_id(global_id: str) -> str:
    """The record id inside one of the project's global ids (`Actor:<id>` in base64)."""
    decoded = base64.b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return decoded.split(":", 1)[1]


def _territory(value: Any) -> Any:
    if isinstance(value, list):  # the peer's relationship fields are lists
        value = value[0] if value else None
    return value


def project_page(field: dict[str, Any]) -> dict[str, Any]:
    """A project list page as comparable values: total, then each row in order (raw ids)."""
    return {
        "total": field["totalCount"],
        "rows": [_row(edge["node"], raw_id(edge["node"]["id"])) for edge in field["edges"]],
    }


def peer_page(field: dict[str, Any]) -> dict[str, Any]:
    return {"total": field["totalCount"], "rows": [_row(edge["node"], edge["node"]["id"]) for edge in field["edges"]]}


def _row(node: dict[str, Any], record_id: str) -> dict[str, Any]:
    row = {key: value for key, value in node.items() if key not in ("id", "basedIn", "themes")}
    row["id"] = record_id
    if "basedIn" in node:
        row["basedIn"] = _territory(node["basedIn"])
    if "themes" in node:
        row["themes"] = sorted(theme["code"] for theme in node["themes"])
    return row


def matching_page(field: dict[str, Any], *, project: bool) -> dict[str, Any]:
    """A matching page as comparable values; the project's ids are global ids."""

    def ident(value: str) -> str:
        return raw_id(value) if project else value

    rows = []
    for edge in field["edges"]:
        node = edge["node"]
        rows.append(
            {
                "id": ident(node["actor"]["id"]),
                "name": node["actor"]["name"],
                "kind": node["actor"]["kind"],
                "score": round(float(node["score"]), 6),
                "distanceKm": round(float(node["distanceKm"]), 2),
                "evidence": [
                    {
                        "conflict": ident(ev["conflict"]["id"]) if ev["conflict"] else None,
                        "role": ev["role"],
                        "year": ev["year"],
                        "distanceKm": round(float(ev["distanceKm"]), 2),
                    }
                    for ev in node["evidence"]
                ],
            }
        )
    return {"withinRadius": field["withinRadius"], "rows": rows}


def differences(project: dict[str, Any], peer: dict[str, Any], limit: int = 3) -> list[str]:
    """What differs between two comparable answers, in a few sentences (empty: the same)."""
    found: list[str] = []
    for key in sorted(set(project) | set(peer)):
        if key == "rows":
            continue
        if project.get(key) != peer.get(key):
            found.append(f"{key}: project {project.get(key)!r}, peer {peer.get(key)!r}")
    ours, theirs = project.get("rows", []), peer.get("rows", [])
    if len(ours) != len(theirs):
        found.append(f"rows: project {len(ours)}, peer {len(theirs)}")
    for position, (mine, other) in enumerate(zip(ours, theirs, strict=False)):
        if mine != other:
            keys = sorted(k for k in set(mine) | set(other) if mine.get(k) != other.get(k))
            detail = ", ".join(f"{k} {mine.get(k)!r} ≠ {other.get(k)!r}" for k in keys)
            found.append(f"row {position + 1}: {detail}")
        if len(found) >= limit:
            break
    return found[:limit]


def check_same(answers: list[tuple[str, dict[str, Any], dict[str, Any]]], other: str = "peer") -> int:
    """Raise `PeerMismatch` unless every (question, project answer, other answer) agrees; returns the count."""
    problems = []
    for question, mine, theirs in answers:
        found = differences(mine, theirs)
        if found:
            problems.append(f"- {question}: " + "; ".join(found))
    if problems:
        shown = "\n".join(problems[:5])
        more = f"\n(and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise PeerMismatch(
            f"The project and the {other} answered {len(problems)} of {len(answers)} sample questions differently, "
            f"so nothing was measured (the figures would compare different work):\n{shown}{more}"
        )
    return len(answers)


# --- the peer process ---------------------------------------------------------------------------------
def npm_ci(directory: Path = PEER_DIR) -> float:
    """Install the peer's locked dependencies; returns the seconds it took."""
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise PeerUnavailable("`tec bench --peer` needs Node.js 20+ and npm on the PATH (the peer is a Node server).")
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 (a fixed command in the project's own directory)
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise PeerUnavailable(f"`npm ci` in {directory} failed:\n{done.stderr.strip()[-2000:]}")
    return time.perf_counter() - started


class PeerServer:
    """The peer in its own process group (stopped with everything it started)."""

    def __init__(self, neo4j_uri: str, port: int, typedefs: str, workers: int = 1) -> None:
        node = shutil.which("node")
        if node is None:
            raise PeerUnavailable("`tec bench --peer` needs Node.js 20+ on the PATH.")
        self._folder = Path(tempfile.mkdtemp(prefix="tec-peer-"))
        typedefs_path = self._folder / "typedefs.graphql"
        typedefs_path.write_text(typedefs, encoding="utf-8")
        self.url = f"http://127.0.0.1:{port}"
        self._log = (self._folder / "peer.log").open("wb")
        env = {
            **os.environ,
            "NEO4J_URI": neo4j_uri,
            "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": "neo4j",
            "PEER_PORT": str(port),
            "PEER_TYPEDEFS": str(typedefs_path),
            "PEER_WORKERS": str(workers),
            "NODE_ENV": "production",
        }
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(PEER_DIR / "server.mjs")],
            cwd=PEER_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_ready(120)
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PeerUnavailable(f"the peer exited at start-up:\n{self.log_tail()}")
            try:
                response = httpx.post(self.url + "/graphql", json={"query": "{ __typename }"}, timeout=2)
                # with several processes, one may answer before the others listen: the log says when all do
                if response.status_code == 200 and "peer ready" in self.log_tail():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise PeerUnavailable(f"the peer did not answer within {seconds:.0f} s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        self._log.flush()
        return (self._folder / "peer.log").read_text(encoding="utf-8", errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self._log.close()
        shutil.rmtree(self._folder, ignore_errors=True)


@contextmanager
def running_peer(neo4j_uri: str, typedefs: str, workers: int = 1) -> Iterator[PeerServer]:
    peer = PeerServer(neo4j_uri, neo4j_local.free_port(), typedefs, workers)
    try:
        yield peer
    finally:
        peer.stop()


# --- the questions' inputs ----------------------------------------------------------------------------
async def territory_ids(store: Store, codes: tuple[str, ...]) -> dict[str, str]:
    """{code or id: the id of the territory the project means by it (the most local level with it)}."""
    found = await benchmarks.territory_ids(store, list(codes))
    missing = sorted(set(codes) - set(found))
    if missing:
        raise PeerMismatch(f"no territory has the code(s) {', '.join(missing)}: load the reference data first")
    return found


def search_inputs(ids: dict[str, str]) -> Callable[[int], tuple[dict[str, Any], dict[str, Any]]]:
    """Input `i`: a word and a territory (every pair once over len(words) × len(territories) inputs)."""

    def make(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
        word = SEARCH_WORDS[index % len(SEARCH_WORDS)]
        code = SEARCH_TERRITORIES[(index // len(SEARCH_WORDS) + index) % len(SEARCH_TERRITORIES)]
        return {"search": word, "territory": code}, {"phrase": lucene_query(word), "territory": ids[code]}

    return make


def matching_inputs(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    from bench.suite import match_variables

    variables = match_variables(index)
    return variables, variables


def questions(ids: dict[str, str]) -> dict[str, Question]:
    inputs = search_inputs(ids)
    count = len(SEARCH_WORDS) * len(SEARCH_TERRITORIES)
    return {
        "directory": Question("directory", PROJECT_DIRECTORY, PEER_DIRECTORY, "actors", "actorSearch", inputs, count),
        "conflicts": Question(
            "conflicts", PROJECT_CONFLICTS, PEER_CONFLICTS, "conflicts", "conflictSearch", inputs, count
        ),
        "resources": Question(
            "resources", PROJECT_RESOURCES, PEER_RESOURCES, "resources", "resourceSearch", inputs, count
        ),
    }


# --- asking -------------------------------------------------------------------------------------------
def ask(url: str, query: str, variables: dict[str, Any], timeout: float = 600) -> dict[str, Any]:
    try:
        response = httpx.post(url + "/graphql", json={"query": query, "variables": variables}, timeout=timeout)
    except httpx.HTTPError as error:
        raise PeerUnavailable(f"{url} gave no answer to {variables} within {timeout:.0f} s ({error!r})") from error
    body = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise PeerMismatch(f"{url} could not answer {variables}: {response.status_code} {json.dumps(body)[:800]}")
    return dict(body["data"])


async def driver_matching(driver: neo4j.AsyncDriver, database: str | None, variables: dict[str, Any]) -> dict[str, Any]:
    """The project's matching Cypher through the raw driver, as a comparable answer."""
    params = match_params(bench_match_request(variables["lat"], variables["lon"], variables["type"]), MatchingWeights())
    records, _, _ = await driver.execute_query(
        EXPERTS_QUERY, params, database_=database, routing_=neo4j.RoutingControl.READ
    )
    return driver_page(records[0].data())


def driver_page(row: dict[str, Any], first: int = 10) -> dict[str, Any]:
    items = sorted(row["items"], key=lambda item: item["position"])[:first]
    rows = []
    for item in items:
        evidence = sorted(item["evidence"], key=lambda entry: entry["rank"])
        rows.append(
            {
                "id": item["actor"]["id"],
                "name": item["actor"]["name"],
                "kind": item["actor"]["kind"],
                "score": round(float(item["score"]), 6),
                "distanceKm": round(float(item["distanceKm"]), 2),
                "evidence": [
                    {
                        "conflict": entry["case"]["node"]["id"] if entry["case"]["kind"] == "CONFLICT" else None,
                        "role": entry["case"]["role"],
                        "year": entry["case"]["year"],
                        "distanceKm": round(float(entry["case"]["distanceKm"]), 2),
                    }
                    for entry in evidence
                ],
            }
        )
    return {"withinRadius": int(row["withinCount"]), "rows": rows}


SAMPLE_SEARCHES = 24  # sample inputs compared per search question before measuring
SAMPLE_MATCHES = 10


async def check_peer_answers(
    project_url: str, peer_url: str, driver: neo4j.AsyncDriver, database: str | None, asked: dict[str, Question]
) -> dict[str, int]:
    """Compare both sides (and the driver, for matching) on sample inputs; raise PeerMismatch if any differ."""
    checked: dict[str, int] = {}
    for name, question in asked.items():
        answers = []
        step = max(1, question.count // SAMPLE_SEARCHES)
        for index in range(0, question.count, step):
            mine, theirs = question.inputs(index)
            project = project_page(ask(project_url, question.project_query, mine)[question.field])
            peer = peer_page(ask(peer_url, question.peer_query, theirs)[question.peer_field])
            answers.append((f"{name} {mine}", project, peer))
        checked[name] = check_same(answers)
    answers, floor = [], []
    for index in range(SAMPLE_MATCHES):
        mine, theirs = matching_inputs(index)
        project = matching_page(ask(project_url, PROJECT_MATCHING, mine)["experiencedActors"], project=True)
        peer = matching_page(ask(peer_url, PEER_MATCHING, theirs)["experiencedActors"], project=False)
        answers.append((f"matching {mine}", project, peer))
        floor.append((f"matching {mine}", project, await driver_matching(driver, database, mine)))
    checked["matching"] = check_same(answers)
    check_same(floor, other="raw driver")
    return checked


# --- measuring ----------------------------------------------------------------------------------------
def _indexed(question: Question, side: int) -> Callable[[int], dict[str, Any]]:
    return lambda index: question.inputs(index % question.count)[side]


def _side_summary(runs: list[dict[str, float]]) -> dict[str, Any]:
    """Median over rounds of each round's figures."""
    return {
        "requests_per_s": round(statistics.median(run["requests_per_s"] for run in runs), 3),
        "p50_ms": round(statistics.median(run["p50_ms"] for run in runs), 2),
        "p95_ms": round(statistics.median(run["p95_ms"] for run in runs), 2),
        "n": int(sum(run["n"] for run in runs)),
    }


async def measure_search(
    project_url: str, peer_url: str, question: Question, clients: int, rounds: int, seconds: float
) -> dict[str, Any]:
    """`rounds` paired rounds (which side goes first alternates). In each round each side answers every
    input of the question once, its clients drawing them from one shared sequence: both sides answer
    the same questions. Rounds of a fixed time did not: each client kept to its own inputs (k, k + 8, …),
    so a client whose inputs were slow answered few of them while the others went on with cheap ones.
    In a 20 s run at 8 clients the peer's clients answered 15 to 293 requests each, and the questions
    answered cost 41.4 ms on average at one client, against 112.7 ms for the 192 directory inputs each
    asked once (docs/performance.md). `seconds`: each side's warm-up."""
    sides = {"project": (project_url, question.project_query, 0), "peer": (peer_url, question.peer_query, 1)}
    for url, query, side in sides.values():  # warm-up: plans and JIT on both sides
        await concurrent_load(url, query, _indexed(question, side), clients, min(seconds, 2.0))
    runs: dict[str, list[dict[str, float]]] = {"project": [], "peer": []}
    for number in range(rounds):
        order = ("project", "peer") if number % 2 == 0 else ("peer", "project")
        for name in order:
            url, query, side = sides[name]
            started = time.perf_counter()
            run = await concurrent_load(url, query, _indexed(question, side), clients, 0, requests=question.count)
            # unrounded: on a slow machine a round may hold a single request (0.04 req/s)
            run["requests_per_s"] = run["n"] / (time.perf_counter() - started)
            runs[name].append(run)
    project, peer = _side_summary(runs["project"]), _side_summary(runs["peer"])
    per_round = [
        round(ours["requests_per_s"] / theirs["requests_per_s"], 2)
        for ours, theirs in zip(runs["project"], runs["peer"], strict=True)
    ]
    return {
        "clients": clients,
        "rounds": rounds,
        "inputs_per_round": question.count,
        "project": project,
        "peer": peer,
        "ratio_requests_per_s": round(project["requests_per_s"] / peer["requests_per_s"], 2),
        "ratio_p50": round(project["p50_ms"] / peer["p50_ms"], 2),
        "ratio_requests_per_s_rounds": per_round,
    }


async def measure_matching(
    project_url: str, peer_url: str, driver: neo4j.AsyncDriver, database: str | None, count: int, warmup: int
) -> dict[str, Any]:
    """Each question asked of the three, one right after the other (the order rotates)."""
    clients = {"project": KeepAliveClient(project_url), "peer": KeepAliveClient(peer_url)}
    samples: dict[str, list[float]] = {"project": [], "peer": [], "driver": []}
    steps = ("project", "peer", "driver")
    try:
        for index in range(warmup + count):
            mine, theirs = matching_inputs(index)
            for step in steps[index % 3 :] + steps[: index % 3]:
                started = time.perf_counter()
                if step == "driver":
                    params = match_params(
                        bench_match_request(mine["lat"], mine["lon"], mine["type"]), MatchingWeights()
                    )
                    await driver.execute_query(
                        EXPERTS_QUERY, params, database_=database, routing_=neo4j.RoutingControl.READ
                    )
                elif step == "project":
                    clients["project"].post(PROJECT_MATCHING, mine)
                else:
                    clients["peer"].post(PEER_MATCHING, theirs)
                if index >= warmup:
                    samples[step].append((time.perf_counter() - started) * 1000)
    finally:
        for client in clients.values():
            client.close()
    summary = {step: latency_summary(values) for step, values in samples.items()}
    return {
        "clients": 1,
        **summary,
        "ratio_p50": round(summary["project"]["p50_ms"] / summary["peer"]["p50_ms"], 2),
        "ratio_p50_driver": round(summary["project"]["p50_ms"] / summary["driver"]["p50_ms"], 2),
        "ratio_p50_peer_driver": round(summary["peer"]["p50_ms"] / summary["driver"]["p50_ms"], 2),
        "ratio_requests_per_s": round((1000 / summary["project"]["mean_ms"]) / (1000 / summary["peer"]["mean_ms"]), 2),
    }


async def bench_peer(
    store: Store,
    neo4j_uri: str,
    figures: Figures,
    *,
    seconds: float,
    rounds: int,
    matching_requests: int,
    matching_warmup: int | None = None,
    workers: int = 1,
) -> None:
    """The `peer` section: install and start the peer, check the answers, then measure in rounds.

    `workers`: processes on each side (the service's `TEC_WORKERS`, the peer's Node processes)."""
    installed = npm_ci()
    print(f"  peer installed (npm ci, {installed:.0f} s)", flush=True)
    ids = await territory_ids(store, SEARCH_TERRITORIES)
    asked = questions(ids)
    # cache off: every answer computed, as the peer computes every answer; long timeouts (the peer has
    # none) because planning the matching queries at start-up, or a search's first run, can take over a
    # minute on a loaded machine
    project = Service(
        neo4j_uri,
        neo4j_local.free_port(),
        {
            "TEC_RESPONSE_CACHE": "false",
            "NEO4J_TX_TIMEOUT": "600",
            "TEC_REQUEST_TIMEOUT": "300",
            "TEC_WORKERS": str(workers),
        },
        ready_seconds=900,
    )
    # the floor: a plain driver configured like the service's (`Store.connect`: no notifications)
    driver = neo4j.AsyncGraphDatabase.driver(
        neo4j_uri, auth=("neo4j", "neo4j"), max_connection_pool_size=50, notifications_min_severity="OFF"
    )
    try:
        with running_peer(neo4j_uri, peer_typedefs(port_matching_statement()), workers) as peer:
            checked = await check_peer_answers(project.url, peer.url, driver, store.database, asked)
            print(f"  same answers on both sides: {checked}", flush=True)
            section: dict[str, Any] = {
                "checked_inputs": checked,
                "warm_up_seconds": min(seconds, 2.0),
                "workers": workers,
            }
            for clients in (1, 8):
                section[f"directory_{clients}_clients"] = await measure_search(
                    project.url, peer.url, asked["directory"], clients, rounds, seconds
                )
                print(
                    f"  peer directory, {clients} clients: {_brief(section[f'directory_{clients}_clients'])}",
                    flush=True,
                )
            for name in ("conflicts", "resources"):
                section[f"{name}_1_client"] = await measure_search(
                    project.url, peer.url, asked[name], 1, rounds, seconds
                )
                print(f"  peer {name}, 1 client: {_brief(section[f'{name}_1_client'])}", flush=True)
            section["matching"] = await measure_matching(
                project.url,
                peer.url,
                driver,
                store.database,
                matching_requests,
                min(100, matching_requests) if matching_warmup is None else matching_warmup,
            )
            print(f"  peer matching: {section['matching']}", flush=True)
    finally:
        await driver.close()
        project.stop()
    figures.add("peer", section)


def _brief(run: dict[str, Any]) -> str:
    return (
        f"project {run['project']['requests_per_s']} req/s p50 {run['project']['p50_ms']} ms, "
        f"peer {run['peer']['requests_per_s']} req/s p50 {run['peer']['p50_ms']} ms, "
        f"ratio {run['ratio_requests_per_s']} ({min(run['ratio_requests_per_s_rounds'])}–"
        f"{max(run['ratio_requests_per_s_rounds'])})"
    )


def peer_table(section: dict[str, Any]) -> list[tuple[str, Any, str]]:
    """Lines of `tec bench`'s table for the `peer` section."""
    lines: list[tuple[str, Any, str]] = [("peer comparison: processes on each side", section.get("workers", 1), "")]
    labels = {
        "directory_1_clients": ("directory search × territory, 1 client", "p50 ≤ 15 ms"),
        "directory_8_clients": ("directory search × territory, 8 clients", "≥ 5× the peer's req/s"),
        "conflicts_1_client": ("conflict search × territory, 1 client", "p50 ≤ 15 ms"),
        "resources_1_client": ("resource search × territory, 1 client", "p50 ≤ 15 ms"),
    }
    for key, (label, target) in labels.items():
        run = section.get(key)
        if run:
            lines.append(
                (
                    f"{label}: req/s project / peer (p50 ms)",
                    f"{run['project']['requests_per_s']} ({run['project']['p50_ms']}) / "
                    f"{run['peer']['requests_per_s']} ({run['peer']['p50_ms']})",
                    target,
                )
            )
            lines.append(
                ("  ratio req/s, p50 (project ÷ peer)", f"{run['ratio_requests_per_s']}, {run['ratio_p50']}", "")
            )
    matching = section.get("matching")
    if matching:
        lines.append(
            (
                "experiencedActors p50 project / peer / driver (ms)",
                f"{matching['project']['p50_ms']} / {matching['peer']['p50_ms']} / {matching['driver']['p50_ms']}",
                "",
            )
        )
        lines.append(
            (
                "  ratio p50: ÷ peer, ÷ driver",
                f"{matching['ratio_p50']}, {matching['ratio_p50_driver']}",
                "≤ 1.0, ≤ 1.2",
            )
        )
    return lines


if __name__ == "__main__":  # python -m bench.peer: print the peer's matching statement
    print(port_matching_statement())
