"""Logical backups of the whole graph: a consistent export, and a restore that refuses what it cannot do.

A backup is gzipped JSON Lines: a header (format, the schema version — the highest migration applied
— and the list of migrations), one line per node (labels, properties), one per relationship (its
two nodes, type, properties) and a trailer with the counts, so a truncated file is refused. Every
property keeps its exact Neo4j type (integers, floats, strings, booleans, bytes, lists, dates, times,
local and zoned date-times, durations, 2D/3D WGS84 and Cartesian points): values that JSON has no
type for are written as `{"$": type, ...}`. Everything is read in one read transaction, so the file
is one instant of the graph while writes carry on.

A restore checks the whole file first (header, every line, trailer), refuses a backup whose schema
is newer than this code knows, and refuses a database that holds anything unless forced (then it
empties it). It applies the backup's migrations, loads nodes and relationships in batches, then
applies the migrations the backup lacked; erasures of personal data recorded in the audit trail of the
graph it replaces are applied again (a backup older than an erasure must not bring the data back).
A `(:RestoreInProgress)` node stands for the whole time and goes last: a restore that stopped half-way
is reported as such by the next one. The graph revision starts a new epoch (cached answers of the
graph before are never served).
"""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone, tzinfo
from datetime import datetime as py_datetime
from pathlib import Path
from typing import IO, Any, LiteralString

import neo4j
import pytz
from neo4j import AsyncManagedTransaction
from neo4j.spatial import CartesianPoint, Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from graph import audit, privacy
from graph.errors import GraphError, NotFoundError
from graph.migrations import MIGRATIONS, SCHEMA_VERSION, applied_versions, migrate
from graph.store import Store, translate

FORMAT = "territoires-graph-backup"
FORMAT_VERSION = 1
# Rows per restore transaction: 36,000 nodes and 174,000 relationships of reference data are 26 round trips
# instead of 124 with 1,000 and 2,000 (each one a commit, and on a busy machine a wait for a core).
NODE_BATCH = 5000
RELATIONSHIP_BATCH = 10000
WIPE_BATCH = 5000
# zlib's default level, not gzip.open's 9: on the reference data (25 MB of JSON) level 9 took 2.3 times as
# long to compress for a file 5 % smaller (6.9 s against 3.0 s on a loaded machine; 1.99 MB against 2.11 MB).
COMPRESS_LEVEL = 6
SKIPPED_LABELS = frozenset({"Revision", "RestoreInProgress"})  # recreated, never restored


class BackupError(GraphError):
    """A backup cannot be written or restored as asked; the message says why and what to do."""

    code = "BACKUP_REFUSED"


# Values ------------------------------------------------------------------------------------------


def _zone(value: DateTime | Time) -> dict[str, Any] | None:
    tz = value.tzinfo
    if tz is None:
        return None
    name = getattr(tz, "zone", None) or getattr(tz, "key", None)
    if name and name not in ("UTC",):
        return {"zone": str(name)}
    offset = value.utcoffset()
    return {"offset": int(offset.total_seconds()) if offset is not None else 0}


class FixedOffset(tzinfo):
    """A fixed UTC offset that a time of day can carry too (`datetime.timezone` only answers datetimes)."""

    def __init__(self, seconds: int) -> None:
        self.offset = timedelta(seconds=seconds)

    def utcoffset(self, _: Any) -> timedelta:
        return self.offset

    def dst(self, _: Any) -> timedelta:
        return timedelta(0)

    def tzname(self, _: Any) -> str:
        return str(timezone(self.offset))

    def __repr__(self) -> str:
        return f"FixedOffset({int(self.offset.total_seconds())})"


def _tzinfo(zone: dict[str, Any] | None) -> tzinfo | None:
    """An offset; a named zone is localised by `_zoned` instead."""
    if zone is None or "zone" in zone:
        return None
    return FixedOffset(int(zone["offset"]))


def _zoned(value: DateTime, zone: dict[str, Any] | None) -> DateTime:
    """A wall-clock time in a named zone, localised with pytz, as the driver hydrates such values (the
    driver requires pytz; a `zoneinfo` zone sent back for a time in a DST gap crashes its encoder)."""
    if zone is None or "zone" not in zone:
        return value
    localized = pytz.timezone(str(zone["zone"])).localize(value)  # typed for datetime; keeps a DateTime
    assert isinstance(localized, DateTime)
    return localized


def encode_value(value: Any) -> Any:
    """A property value as JSON, tagged when JSON has no type for it (the inverse of `decode_value`)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, bytes | bytearray):
        return {"$": "bytes", "v": bytes(value).hex()}
    if isinstance(value, DateTime):
        parts = [value.year, value.month, value.day, value.hour, value.minute, value.second, value.nanosecond]
        return {"$": "datetime", "v": parts, "tz": _zone(value)}
    if isinstance(value, Date):
        return {"$": "date", "v": [value.year, value.month, value.day]}
    if isinstance(value, Time):
        return {"$": "time", "v": [value.hour, value.minute, value.second, value.nanosecond], "tz": _zone(value)}
    if isinstance(value, Duration):
        return {"$": "duration", "v": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, Point):
        return {"$": "point", "srid": value.srid, "v": list(value)}
    raise BackupError(f"a property holds a {type(value).__name__}, which a backup cannot keep")


def decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_value(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("$")
    payload: Any = value.get("v")
    if kind == "float":
        return float(payload)
    if kind == "bytes":
        return bytes.fromhex(payload)
    if kind == "datetime":
        year, month, day, hour, minute, second, nanosecond = payload
        zone = value.get("tz")
        return _zoned(DateTime(year, month, day, hour, minute, second, nanosecond, tzinfo=_tzinfo(zone)), zone)
    if kind == "date":
        year, month, day = payload
        return Date(year, month, day)
    if kind == "time":
        hour, minute, second, nanosecond = payload
        return Time(hour, minute, second, nanosecond, tzinfo=_tzinfo(value.get("tz")))
    if kind == "duration":
        months, days, seconds, nanoseconds = payload
        return Duration(months=months, days=days, seconds=seconds, nanoseconds=nanoseconds)
    if kind == "point":
        srid = int(value["srid"])
        cls = WGS84Point if srid in (4326, 4979) else CartesianPoint
        return cls(tuple(payload))
    raise ValueError(f"unknown value type {kind!r}")


def _encode_props(props: dict[str, Any]) -> dict[str, Any]:
    return {key: encode_value(item) for key, item in props.items()}


def _decode_props(props: dict[str, Any]) -> dict[str, Any]:
    return {key: decode_value(item) for key, item in props.items()}


def _moment_text(value: Any) -> str | None:
    """A date-time without a zone name as the ISO text Neo4j parses back to the same value, else None.

    The driver turns a `DateTime` into Bolt's form in Python, about 0.2 ms each: the reference data's 73,000
    `createdAt`/`updatedAt` were most of a restore's time. Neo4j parses the text for much less."""
    if not isinstance(value, dict) or value.get("$") != "datetime":
        return None
    year, month, day, hour, minute, second, nanosecond = value["v"]
    if not 1 <= year <= 9999:
        return None  # what the driver's `DateTime` holds; `inspect` has refused anything else
    zone = value.get("tz")
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{nanosecond:09d}"
    if zone is None:
        return text
    offset = zone.get("offset")
    if not isinstance(offset, int) or offset % 60:
        return None  # a named zone (its rules are pytz's, as when the driver sends it) or a rare offset
    sign, minutes = ("-" if offset < 0 else "+"), abs(offset) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _restore_props(props: dict[str, Any]) -> dict[str, Any]:
    """A row's properties for `_CREATE_NODES`/`_CREATE_RELATIONSHIPS`: the values the driver sends (`props`)
    and the date-times Neo4j parses from text (`moments`: key, whether local, text)."""
    plain: dict[str, Any] = {}
    moments: list[list[Any]] = []
    for key, item in props.items():
        text = _moment_text(item)
        if text is None:
            plain[key] = decode_value(item)
        else:
            moments.append([key, item.get("tz") is None, text])
    return {"props": plain, "moments": moments}


# Backup ------------------------------------------------------------------------------------------

# Many nodes or relationships per record: the driver's cost is per record (a message read from the socket, a
# task per read) far more than per value. The server holds one reference per node or relationship meanwhile.
# The properties of `x` as [key, value] pairs; a date-time without a zone name comes as [key, its parts, its
# offset in seconds (null when local)]: the driver builds a `DateTime` in Python, about 0.2 ms each, and the
# reference data has 73,000 of them.
_PROPERTIES: LiteralString = (
    "[k IN keys(x) | CASE valueType(x[k]) "
    "WHEN 'LOCAL DATETIME NOT NULL' THEN [k, "
    "[x[k].year, x[k].month, x[k].day, x[k].hour, x[k].minute, x[k].second, x[k].nanosecond], null] "
    "WHEN 'ZONED DATETIME NOT NULL' THEN CASE WHEN x[k].timezone =~ '(Z|[+-].*)' THEN [k, "
    "[x[k].year, x[k].month, x[k].day, x[k].hour, x[k].minute, x[k].second, x[k].nanosecond], x[k].offsetSeconds] "
    "ELSE [k, x[k]] END "
    "ELSE [k, x[k]] END]"
)
_NODES: LiteralString = (
    "MATCH (n) WITH collect(n) AS nodes UNWIND range(0, size(nodes) - 1, $chunk) AS first "
    "RETURN [x IN nodes[first..first + $chunk] | [elementId(x), labels(x), " + _PROPERTIES + "]] AS chunk"
)
_RELATIONSHIPS: LiteralString = (
    "MATCH ()-[r]->() WITH collect(r) AS relationships UNWIND range(0, size(relationships) - 1, $chunk) AS first "
    "RETURN [x IN relationships[first..first + $chunk] | "
    "[elementId(startNode(x)), elementId(endNode(x)), type(x), " + _PROPERTIES + "]] AS chunk"
)
NODE_CHUNK = 1000  # nodes per record of the backup's read (about 150 kB of reference data)
RELATIONSHIP_CHUNK = 5000
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_MIGRATIONS: LiteralString = "MATCH (m:SchemaMigration) RETURN m.version AS version"


@dataclass
class BackupSummary:
    path: Path
    schema_version: int
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0


async def backup(store: Store, path: Path) -> BackupSummary:
    """Write the whole graph to `path` (gzipped JSON Lines), read in one transaction."""
    temporary = path.with_name(path.name + ".partial")
    try:
        async with (
            store.driver.session(database=store.database, default_access_mode=neo4j.READ_ACCESS) as session,
            await session.begin_transaction() as tx,
        ):
            versions = sorted({int(row["version"]) async for row in await tx.run(_MIGRATIONS)})
            summary = BackupSummary(path, max(versions, default=0))
            with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=COMPRESS_LEVEL) as out:
                header = {
                    "format": FORMAT,
                    "formatVersion": FORMAT_VERSION,
                    "schemaVersion": summary.schema_version,
                    "migrations": versions,
                    "createdAt": py_datetime.now(UTC).isoformat(timespec="seconds"),
                }
                _write(out, [header])
                keys: dict[str, int] = {}
                async for record in await tx.run(_NODES, {"chunk": NODE_CHUNK}):
                    nodes = [
                        {"n": keys.setdefault(element, len(keys)), "l": labels, "p": _backup_props(props)}
                        for element, labels, props in record["chunk"]
                    ]
                    _write(out, nodes)
                summary.nodes = len(keys)
                async for record in await tx.run(_RELATIONSHIPS, {"chunk": RELATIONSHIP_CHUNK}):
                    relationships = [
                        {"r": [keys[start], keys[end]], "t": kind, "p": _backup_props(props)}
                        for start, end, kind, props in record["chunk"]
                    ]
                    _write(out, relationships)
                    summary.relationships += len(relationships)
                _write(out, [{"end": {"nodes": summary.nodes, "relationships": summary.relationships}}])
    except GraphError:
        temporary.unlink(missing_ok=True)
        raise
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise BackupError(f"cannot write {path}: {error.strerror or error}") from None
    except Exception as error:
        temporary.unlink(missing_ok=True)
        raise translate(error) from error
    temporary.replace(path)
    return summary


def _backup_props(pairs: list[list[Any]]) -> dict[str, Any]:
    """Properties as `_PROPERTIES` reads them, encoded as `encode_value` does."""
    props: dict[str, Any] = {}
    for pair in pairs:
        if len(pair) == 2:
            props[pair[0]] = encode_value(pair[1])
        else:
            key, parts, offset = pair
            props[key] = {"$": "datetime", "v": parts, "tz": None if offset is None else {"offset": offset}}
    return props


def _write(out: IO[str], items: list[dict[str, Any]]) -> None:
    """Lines of JSON, one write for all of them."""
    out.write("".join([_JSON.encode(item) + "\n" for item in items]))


# Restore -----------------------------------------------------------------------------------------


@dataclass
class BackupFile:
    path: Path
    schema_version: int
    migrations: list[int]
    created_at: str
    nodes: int
    relationships: int


def _lines(path: Path) -> Generator[dict[str, Any]]:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for number, text in enumerate(stream, start=1):
                try:
                    item = json.loads(text)
                except ValueError:
                    raise BackupError(f"{path}: line {number} is not JSON; the file is damaged.") from None
                if not isinstance(item, dict):
                    raise BackupError(f"{path}: line {number} is not an object; the file is damaged.")
                yield item
    except FileNotFoundError:
        raise BackupError(f"{path}: no such file.") from None
    except (OSError, EOFError) as error:
        raise BackupError(f"{path} is not a complete gzip file ({error}); was the backup interrupted?") from None


def _header(path: Path, lines: Iterator[dict[str, Any]]) -> dict[str, Any]:
    """The first line of a backup, checked: the format, and a schema version this code knows."""
    header = next(lines, None)
    if header is None or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a territoires-graph backup (`tec db backup` writes them).")
    if int(header.get("formatVersion", 0)) > FORMAT_VERSION:
        raise BackupError(f"{path} has backup format {header['formatVersion']}; this version reads up to 1.")
    version = int(header["schemaVersion"])
    if version > SCHEMA_VERSION:
        raise BackupError(
            f"This backup has schema version {version}, newer than this code knows ({SCHEMA_VERSION}): it was "
            f"written by a later version of territoires-graph. Restore it with that version (or a later one)."
        )
    return header


def check_header(path: Path) -> None:
    """Refuse, from its first line alone, a file that is not a backup or whose schema is newer than this code."""
    lines = _lines(path)
    try:
        _header(path, lines)
    finally:
        lines.close()


def inspect(path: Path) -> BackupFile:
    """Read the whole file and check it (header, every line and value, trailer) without touching a database."""
    lines = _lines(path)
    header = _header(path, lines)
    version = int(header["schemaVersion"])
    nodes = relationships = 0
    trailer: dict[str, Any] | None = None
    for item in lines:
        if trailer is not None:
            raise BackupError(f"{path}: lines after the end marker; the file is damaged.")
        try:
            if "n" in item:
                _decode_props(item["p"])
                nodes += 1
            elif "r" in item:
                _decode_props(item["p"])
                relationships += 1
            elif "end" in item:
                trailer = item["end"]
            else:
                raise ValueError("neither a node nor a relationship")
        except (KeyError, TypeError, ValueError) as error:
            raise BackupError(f"{path}: a line cannot be read ({error}); the file is damaged.") from None
    if trailer is None:
        raise BackupError(f"{path} has no end marker: the backup was cut short. Use another one.")
    if (trailer.get("nodes"), trailer.get("relationships")) != (nodes, relationships):
        raise BackupError(f"{path}: the counts in the end marker do not match its lines; the file is damaged.")
    return BackupFile(
        path,
        version,
        [int(v) for v in header.get("migrations", [])],
        str(header.get("createdAt")),
        nodes,
        relationships,
    )


_STATE: LiteralString = (
    "CALL () { MATCH (n) RETURN count(n) AS nodes } "
    "OPTIONAL MATCH (m:RestoreInProgress) RETURN nodes, m.startedAt AS unfinished LIMIT 1"
)
_ERASURES: LiteralString = (
    "MATCH (e:AuditEntry {operation: 'privacy.erase'}) UNWIND e.records[0..1] AS id RETURN DISTINCT id"
)
_WIPE: LiteralString = "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
_MARK: LiteralString = "CREATE (:RestoreInProgress {id: 'restore', startedAt: datetime(), file: $file})"
_UNMARK: LiteralString = "MATCH (m:RestoreInProgress) DELETE m"
_SET_MOMENTS: LiteralString = (
    "UNWIND row.moments AS moment "
    "SET x[moment[0]] = CASE WHEN moment[1] THEN localdatetime(moment[2]) ELSE datetime(moment[2]) END"
)
_CREATE_NODES: LiteralString = (
    "UNWIND $rows AS row CREATE (x:$(row.labels)) SET x = row.props WITH x, row CALL (x, row) { "
    + _SET_MOMENTS
    + " } RETURN collect([row.key, elementId(x)]) AS created"
)
_CREATE_RELATIONSHIPS: LiteralString = (
    "UNWIND $rows AS row MATCH (a) WHERE elementId(a) = row.start MATCH (b) WHERE elementId(b) = row.end "
    "CREATE (a)-[x:$(row.type)]->(b) SET x = row.props WITH x, row CALL (x, row) { "
    + _SET_MOMENTS
    + " } RETURN count(x) AS created"
)


@dataclass
class RestoreSummary:
    backup: BackupFile
    replaced_nodes: int = 0
    nodes: int = 0
    relationships: int = 0
    migrations_applied: list[int] = field(default_factory=list)
    erasures_reapplied: int = 0


Progress = Callable[[str, int, int], None]


async def restore(store: Store, path: Path, *, force: bool = False, progress: Progress | None = None) -> RestoreSummary:
    """Replace the graph with a backup (see the module docstring); BackupError before any write when refused."""
    check_header(path)  # a file that is not a backup, or too new, is refused before the database is asked
    state = (await store.read("backups.state", _STATE))[0]
    if state["unfinished"] is not None and not force:
        raise BackupError(
            f"A restore started at {state['unfinished'].iso_format()[:19]} did not finish: the graph is incomplete. "
            "Run the restore again with --force."
        )
    if state["nodes"] and not force:
        raise BackupError(
            f"The database is not empty ({state['nodes']:,} nodes). A restore replaces everything in it: "
            "run it again with --force (take a backup of it first if you may need it)."
        )
    checked = inspect(path)  # every line, before anything is written
    summary = RestoreSummary(checked)
    erased = [row["id"] for row in await store.read("backups.erasures", _ERASURES)] if state["nodes"] else []
    summary.replaced_nodes = await _wipe(store) if state["nodes"] else 0
    await _quiet(store, "backups.mark", _MARK, {"file": path.name})
    known = {m.version: m for m in MIGRATIONS}
    for version in checked.migrations:
        if version in known:
            for statement in known[version].statements:
                await store.run_schema(statement)
    elements: dict[int, str] = {}
    node_rows: list[dict[str, Any]] = []
    relationship_rows: list[dict[str, Any]] = []
    for item in _lines(path):
        if "n" in item:
            labels = [label for label in item["l"] if label not in SKIPPED_LABELS]
            if labels or not item["l"]:
                node_rows.append({"key": item["n"], "labels": labels, **_restore_props(item["p"])})
            if len(node_rows) >= NODE_BATCH:
                summary.nodes += await _create_nodes(store, node_rows, elements)
                node_rows = []
                _report(progress, "nodes", summary.nodes, checked.nodes)
        elif "r" in item:
            if node_rows:
                summary.nodes += await _create_nodes(store, node_rows, elements)
                node_rows = []
            start, end = (elements.get(key) for key in item["r"])
            if start is None or end is None:
                continue  # a relationship of a node that is never restored (the revision)
            relationship_rows.append({"start": start, "end": end, "type": item["t"], **_restore_props(item["p"])})
            if len(relationship_rows) >= RELATIONSHIP_BATCH:
                summary.relationships += await _create_relationships(store, relationship_rows)
                relationship_rows = []
                _report(progress, "relationships", summary.relationships, checked.relationships)
    if node_rows:
        summary.nodes += await _create_nodes(store, node_rows, elements)
    if relationship_rows:
        summary.relationships += await _create_relationships(store, relationship_rows)
    summary.migrations_applied = await migrate(store)
    for actor_id in erased:  # an erasure made after the backup was taken must not be undone by it
        try:
            await privacy.erase_actor(store, actor_id)
            summary.erasures_reapplied += 1
        except NotFoundError:
            continue

    async def finish(tx: AsyncManagedTransaction) -> None:
        await (await tx.run(_UNMARK)).consume()
        audit.note(None, operation="db.restore")

    with audit.acting_as(audit.current_actor() or "system"):
        await store.transaction("db.restore", finish)  # moves the revision: a new epoch, as the node is new
    return summary


def _report(progress: Progress | None, what: str, done: int, total: int) -> None:
    if progress is not None:
        progress(what, done, total)


async def _quiet(store: Store, name: str, query: LiteralString, params: dict[str, Any]) -> int:
    """A write that moves neither the revision nor the audit trail (the restore's own bookkeeping)."""

    async def work(tx: AsyncManagedTransaction) -> int:
        result = await tx.run(query, params)
        rows = [record.data() async for record in result]
        return int(rows[0].get("deleted", 0)) if rows else 0

    return await store.transaction(name, work, changed=lambda _: False)


async def _wipe(store: Store) -> int:
    deleted = 0
    while True:
        batch = await _quiet(store, "backups.wipe", _WIPE, {"limit": WIPE_BATCH})
        deleted += batch
        if batch < WIPE_BATCH:
            return deleted


async def _create_nodes(store: Store, rows: list[dict[str, Any]], elements: dict[int, str]) -> int:
    async def work(tx: AsyncManagedTransaction) -> list[tuple[int, str]]:
        record = await (await tx.run(_CREATE_NODES, {"rows": rows})).single(strict=True)
        return [(int(key), str(element)) for key, element in record["created"]]

    created = await store.transaction("backups.nodes", work, changed=lambda _: False)
    elements.update(created)
    return len(created)


async def _create_relationships(store: Store, rows: list[dict[str, Any]]) -> int:
    async def work(tx: AsyncManagedTransaction) -> int:
        record = await (await tx.run(_CREATE_RELATIONSHIPS, {"rows": rows})).single(strict=True)
        return int(record["created"])

    created = await store.transaction("backups.relationships", work, changed=lambda _: False)
    if created != len(rows):
        raise BackupError(f"only {created} of {len(rows)} relationships of a batch could be linked; restore again.")
    return created


async def schema_state(store: Store) -> tuple[int, list[int]]:
    """The database's schema version and the versions it has (for the CLI's messages)."""
    versions = sorted(await applied_versions(store))
    return max(versions, default=0), versions
