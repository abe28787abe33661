"""`tec db backup` / `tec db restore`: a wiped graph comes back equal, every property with its exact type;
a newer schema, a damaged file or a non-empty database are refused before anything is written."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, LiteralString

import pytest
import pytz
from neo4j.spatial import CartesianPoint, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time
from typer.testing import CliRunner, Result

from graph.backups import FixedOffset
from graph.migrations import SCHEMA_VERSION
from graph.store import Store
from tec.cli.main import app
from tests.domain import involve, make_actor, make_conflict, make_resource

pytestmark = pytest.mark.usefixtures("reference_data")

# Every kind of value Neo4j stores, on a node and on a relationship.
EVERY_KIND: dict[str, Any] = {
    "text": 'Saint-Étienne « quotes » "double" \\ back\nline\u2028sep 😀',
    "integer": 2**62,
    "negative": -7,
    "real": 0.1 + 0.2,
    "whole_real": 3.0,
    "flag": False,
    "raw": b"\x00\xffbytes",
    "day": Date(2026, 2, 29 - 1),
    "local_datetime": DateTime(2026, 12, 6, 7, 38, 1, 123456789),
    "utc_datetime": DateTime(2026, 12, 6, 7, 38, 1, 5, tzinfo=dt.UTC),
    "offset_datetime": DateTime(2026, 6, 1, 12, 0, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30))),
    "zoned_datetime": pytz.timezone("Europe/Paris").localize(DateTime(2026, 7, 14, 10, 30, 0, 0)),
    "local_time": Time(23, 59, 59, 999999999),
    "offset_time": Time(8, 15, 0, 0, tzinfo=FixedOffset(3600)),
    "duration": Duration(months=14, days=3, seconds=3661, nanoseconds=7),
    "place": WGS84Point((-1.6778, 48.1173)),
    "place_3d": WGS84Point((2.35, 48.85, 35.0)),
    "plan": CartesianPoint((1.5, -2.5)),
    "plan_3d": CartesianPoint((1.0, 2.0, 3.0)),
    "words": ["a", "é", ""],
    "numbers": [1, 2, 3],
    "reals": [0.5, -1.25],
    "flags": [True, False],
    "days": [Date(2020, 1, 1), Date(1900, 12, 31)],
    "moments": [DateTime(2021, 1, 1, 0, 0, 0, 0, tzinfo=dt.UTC)],
    "places": [WGS84Point((5.0, 45.0))],
    "empty": [],
}


async def build_graph(store: Store) -> None:
    """Domain records through the test builders, plus a node and a relationship holding every kind of value."""
    actor = await make_actor(store, "Collectif Vilaine", email="contact@vilaine.example.fr", phone="02 99 00 00 00")
    peer = await make_actor(store, "Mairie de Saint-Malo", kind="COLLECTIVITE", based_in="35288")
    conflict = await make_conflict(store, "Parc éolien de la Vilaine", summary="Concertation en cours")
    await involve(store, actor, conflict, "MEDIATOR", 2021, 2023)
    await make_resource(store, "Guide de la concertation", summary="Méthode")
    await store.write(
        "tests.everyKind",
        "MATCH (a:Actor {id: $a}), (b:Actor {id: $b}) "
        "CREATE (x:Everything:Second $props) CREATE (a)-[:COOPERATES_WITH $props]->(b) "
        "CREATE (x)-[:POINTS_AT]->(x) CREATE (:Unlabelled_Test_Node)",
        {"a": actor, "b": peer, "props": EVERY_KIND},
    )


def _fingerprint(parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass
class Snapshot:
    """Nodes by label, relationships by type, and a fingerprint of each node and relationship (labels or
    type, every property's repr and Neo4j type, and for a relationship its two ends), computed here from
    the driver's values (not by the code under test). The revision node and the restore's own audit entry
    are left out: a restore creates them anew."""

    labels: Counter[str]
    types: Counter[str]
    nodes: Counter[str]
    relationships: Counter[str]
    described: dict[str, Any]  # fingerprint: what it was computed from (shown only for differences)

    def differences(self, other: Snapshot) -> list[str]:
        missing = (self.nodes - other.nodes) + (self.relationships - other.relationships)
        extra = (other.nodes - self.nodes) + (other.relationships - self.relationships)
        shown = [f"- {repr(self.described[p])[:2000]}" for p in list(missing)[:5]]
        return shown + [f"+ {repr(other.described[p])[:2000]}" for p in list(extra)[:5]]


async def _chunks(store: Store, name: str, query: LiteralString) -> list[dict[str, Any]]:
    """The rows of `query` (`WITH collect(...) AS items`), read 2,000 a record: the driver's cost is per record."""
    chunked: LiteralString = (
        "UNWIND range(0, size(items) - 1, 2000) AS first RETURN items[first..first + 2000] AS chunk"
    )
    records = await store.read(name, query + " " + chunked)
    return [row for record in records for row in record["chunk"]]


def _properties(var: LiteralString) -> LiteralString:
    """Every property of `var`, `createdAt` and `updatedAt` as Neo4j's ISO text when they are date-times
    (nanoseconds, offset and zone name included; their exact type is in `_types`): hydrating the reference
    data's 73,000 into the driver's DateTime took 6 s a snapshot. Every other value is the driver's."""
    stamps: list[LiteralString] = []
    for key in ("createdAt", "updatedAt"):
        value: LiteralString = var + "." + key
        stamps.append(
            key + ": CASE WHEN " + value + " IS :: ZONED DATETIME OR " + value + " IS :: LOCAL DATETIME "
            "THEN toString(" + value + ") ELSE " + value + " END"
        )
    return var + " {.*, " + ", ".join(stamps) + "}"


def _types(var: LiteralString) -> LiteralString:
    """Each property's key and Neo4j type, sorted by key, as one text (a list of pairs took 2 s a snapshot)."""
    return (
        "reduce(s = '', t IN COLLECT { UNWIND keys(" + var + ") AS k WITH k ORDER BY k "
        "RETURN k + ' ' + valueType(" + var + "[k]) } | s + t + '; ')"
    )


async def snapshot(store: Store) -> Snapshot:
    rows = await _chunks(
        store,
        "tests.nodes",
        "MATCH (n) WHERE NOT n:Revision AND NOT (n:AuditEntry AND n.operation = 'db.restore') "
        "WITH collect({element: elementId(n), labels: labels(n), props: " + _properties("n") + ", "
        "types: " + _types("n") + "}) AS items",
    )
    prints: dict[str, str] = {}
    described: dict[str, Any] = {}
    labels: Counter[str] = Counter()
    for row in rows:
        labels.update(row["labels"])
        props = sorted((key, repr(value), type(value).__name__) for key, value in row["props"].items())
        parts = (sorted(row["labels"]), props, row["types"])
        prints[row["element"]] = printed = _fingerprint(parts)
        described[printed] = parts
    rels = await _chunks(
        store,
        "tests.relationships",
        "MATCH (a)-[r]->(b) WITH collect({a: elementId(a), b: elementId(b), type: type(r), "
        "props: " + _properties("r") + ", types: " + _types("r") + "}) AS items",
    )
    types: Counter[str] = Counter()
    rel_prints: Counter[str] = Counter()
    for row in rels:
        types[row["type"]] += 1
        props = sorted((key, repr(value), type(value).__name__) for key, value in row["props"].items())
        ends = (prints.get(row["a"]), row["type"], props, row["types"], prints.get(row["b"]))
        printed = _fingerprint(ends)
        rel_prints[printed] += 1
        described[printed] = ends
    return Snapshot(labels, types, Counter(prints.values()), rel_prints, described)


async def wipe(store: Store) -> None:
    async with store.driver.session(database=store.database) as session:
        await (await session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS")).consume()


async def tec(neo4j_uri: str, *args: str) -> Result:
    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)


async def node_count(store: Store) -> int:
    return int((await store.read("tests.count", "MATCH (n) RETURN count(n) AS n"))[0]["n"])


async def test_a_wiped_graph_is_restored_equal(store: Store, neo4j_uri: str, tmp_path: Path) -> None:
    await build_graph(store)
    before = await snapshot(store)
    labels, types = before.labels, before.types
    assert labels["Everything"] == 1
    assert labels["Territory"] > 30_000
    assert types["NEIGHBOUR_OF"] > 50_000
    file = tmp_path / "tec.jsonl.gz"

    made = await tec(neo4j_uri, "db", "backup", "--out", str(file))
    assert made.exit_code == 0, made.output
    assert f"schema version {SCHEMA_VERSION}" in made.output

    refused = await tec(neo4j_uri, "db", "restore", str(file))
    assert refused.exit_code == 1
    assert "not empty" in refused.output
    assert "--force" in refused.output

    await wipe(store)
    assert await node_count(store) == 0
    restored = await tec(neo4j_uri, "db", "restore", str(file))
    assert restored.exit_code == 0, restored.output

    after = await snapshot(store)
    assert (after.labels, after.types) == (labels, types)
    assert before.differences(after) == []
    assert (after.nodes, after.relationships) == (before.nodes, before.relationships)
    everything = (await store.read("tests.every", "MATCH (x:Everything) RETURN properties(x) AS p"))[0]["p"]
    assert everything == EVERY_KIND
    assert everything["zoned_datetime"].tzinfo is not None
    entries = await store.read(
        "tests.restoreEntry", "MATCH (e:AuditEntry {operation: 'db.restore'}) RETURN e.actor AS actor"
    )
    assert [row["actor"] for row in entries] == ["cli"]
    # the service writes again afterwards, on a new revision epoch
    assert (await store.revision()) is not None
    # `restore --force` over a graph that is not empty: tests/docs/test_operations_docs.py runs it


def _rewrite(source: Path, target: Path, change: Any) -> None:
    """A changed copy of a backup, compressed at level 1 (gzip.open's default, 9, takes seconds on 25 MB)."""
    with gzip.open(source, "rt", encoding="utf-8") as read:
        lines = read.read().splitlines()
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=1) as write:
        write.write("".join(line + "\n" for line in change(lines)))


async def test_a_backup_of_a_newer_schema_or_a_damaged_file_is_refused(
    store: Store, neo4j_uri: str, tmp_path: Path
) -> None:
    await make_actor(store, "Association témoin")
    file = tmp_path / "tec.jsonl.gz"
    assert (await tec(neo4j_uri, "db", "backup", "--out", str(file))).exit_code == 0
    before = await node_count(store)

    def newer(lines: list[str]) -> list[str]:
        header = json.loads(lines[0])
        header["schemaVersion"] = SCHEMA_VERSION + 1
        header["migrations"].append(SCHEMA_VERSION + 1)
        return [json.dumps(header), *lines[1:]]

    future = tmp_path / "future.jsonl.gz"
    _rewrite(file, future, newer)
    refused = await tec(neo4j_uri, "db", "restore", "--force", str(future))
    assert refused.exit_code == 1
    assert f"schema version {SCHEMA_VERSION + 1}, newer than this code knows ({SCHEMA_VERSION})" in refused.output

    cut = tmp_path / "cut.jsonl.gz"
    _rewrite(file, cut, lambda lines: lines[: len(lines) // 2])
    damaged = await tec(neo4j_uri, "db", "restore", "--force", str(cut))
    assert damaged.exit_code == 1
    assert "cut short" in damaged.output

    not_ours = tmp_path / "other.jsonl.gz"
    _rewrite(file, not_ours, lambda lines: ['{"hello": 1}', *lines[1:]])
    assert "not a territoires-graph backup" in (await tec(neo4j_uri, "db", "restore", "--force", str(not_ours))).output

    assert await node_count(store) == before  # nothing was touched by any refusal
