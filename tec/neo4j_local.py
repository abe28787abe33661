"""A local Neo4j 5.26 Community, started by the project itself (no Docker needed).

The jars come from Maven Central through Maven (`neo4j-launcher/pom.xml`); a few lines of the
project's own Java (`Launcher.java`) open the embedded DBMS with Bolt on 127.0.0.1. The process
runs detached; its pid and port are written to `<data>/launcher.json`, where `stop` and `status`
find them. Once it answers, `warm_up` runs the import's queries once (`graph.warmup`: the writes
rolled back), so that the JVM's cold start is paid there rather than by the first import.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from pathlib import Path

from graph import warmup
from graph.store import Store
from tec.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

LAUNCHER_DIR = PROJECT_ROOT / "neo4j-launcher"
MAIN_CLASS = "fr.territoires.launcher.Launcher"
STATE_FILE = "launcher.json"
LOG_FILE = "neo4j.log"

NO_JAVA = (
    "A local Neo4j needs Java 17+ and Maven ({missing} not found); install them, or point the service "
    "at an existing Neo4j with NEO4J_URI, or run `docker compose up`."
)


# Neo4j processes started by this Python process: kept so they are reaped, not warned about, on exit.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class LauncherError(Exception):
    """The local Neo4j could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class LocalNeo4j:
    pid: int
    bolt_port: int
    data: str
    log: str
    started_at: float

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"


def _classpath() -> str:
    return f"{LAUNCHER_DIR / 'target' / 'classes'}{os.pathsep}{LAUNCHER_DIR / 'target' / 'lib' / '*'}"


def _tools_missing() -> list[str]:
    return [tool for tool in ("java", "mvn") if shutil.which(tool) is None]


def ensure_built(quiet: bool = True) -> None:
    """Build the launcher (and fetch the Neo4j jars) unless it is already built from the current pom."""
    missing = _tools_missing()
    if missing:
        raise LauncherError(NO_JAVA.format(missing=" and ".join(missing)))
    marker = LAUNCHER_DIR / "target" / "classes" / "fr" / "territoires" / "launcher" / "Launcher.class"
    lib = LAUNCHER_DIR / "target" / "lib"
    sources = [LAUNCHER_DIR / "pom.xml", *LAUNCHER_DIR.glob("src/**/*.java")]
    if marker.exists() and lib.is_dir() and any(lib.iterdir()):
        built = marker.stat().st_mtime
        if all(source.stat().st_mtime <= built for source in sources):
            return
    command = ["mvn", "-B", "-q", "package"] if quiet else ["mvn", "-B", "package"]
    result = subprocess.run(command, cwd=LAUNCHER_DIR, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise LauncherError(f"Building the Neo4j launcher with Maven failed:\n{tail}")


def _alive(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped by its parent) is not alive
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _bolt_answers(port: int) -> bool:
    """A Bolt handshake succeeds (the port is open *and* Neo4j speaks Bolt on it)."""
    handshake = b"\x60\x60\xb0\x17" + b"\x00\x08\x08\x05" + b"\x00\x00\x00\x04" + b"\x00" * 8
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0) as sock:
            sock.sendall(handshake)
            reply = sock.recv(4)
            return len(reply) == 4 and reply != b"\x00\x00\x00\x00"
    except OSError:
        return False


def _log_tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return "(no log)"
    with path.open(errors="replace") as handle:
        return "".join(deque(handle, maxlen=lines)).rstrip()


def status(data: Path) -> LocalNeo4j | None:
    """The local Neo4j recorded in `data`, if its process is still alive."""
    state = data / STATE_FILE
    if not state.exists():
        return None
    try:
        running = LocalNeo4j(**json.loads(state.read_text()))
    except (ValueError, TypeError):
        state.unlink(missing_ok=True)
        return None
    if not _alive(running.pid):
        state.unlink(missing_ok=True)
        return None
    return running


def start(
    data: Path,
    bolt_port: int = 7687,
    *,
    heap: str = "1g",
    pagecache: str = "512m",
    wait_seconds: float = 180.0,
) -> tuple[LocalNeo4j, bool]:
    """Start (or find) the local Neo4j for `data`; return it and whether it was already running."""
    data = data.resolve()
    existing = status(data)
    if existing is not None:
        return existing, True
    if port_open(bolt_port):
        raise LauncherError(
            f"Port {bolt_port} is already in use by another program; choose another with --bolt-port "
            "(or TEC_NEO4J_BOLT_PORT), or stop that program."
        )
    ensure_built()
    data.mkdir(parents=True, exist_ok=True)
    log_path = data / LOG_FILE
    java = shutil.which("java") or "java"
    command = [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-Dfile.encoding=UTF-8",
        "-cp",
        _classpath(),
        MAIN_CLASS,
        "--data",
        str(data / "db"),
        "--bolt-port",
        str(bolt_port),
        "--pagecache",
        pagecache,
    ]
    with log_path.open("ab") as log_handle:
        process = subprocess.Popen(  # noqa: S603
            command,
            stdout=log_handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _CHILDREN[process.pid] = process
    running = LocalNeo4j(
        pid=process.pid, bolt_port=bolt_port, data=str(data), log=str(log_path), started_at=time.time()
    )
    (data / STATE_FILE).write_text(json.dumps(asdict(running)))
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            (data / STATE_FILE).unlink(missing_ok=True)
            raise LauncherError(
                f"Neo4j exited during start-up (code {process.returncode}). Last lines of {log_path}:\n"
                + _log_tail(log_path)
            )
        if _bolt_answers(bolt_port):
            lower_jit_priority(process.pid)
            return running, False
        time.sleep(0.25)
    _terminate(process.pid, grace=10)
    (data / STATE_FILE).unlink(missing_ok=True)
    raise LauncherError(
        f"Neo4j did not answer on Bolt port {bolt_port} within {wait_seconds:.0f} s. "
        f"Last lines of {log_path}:\n" + _log_tail(log_path)
    )


# The JVM's optimising compiler (C2) threads run at this niceness (Linux; 0 is the default, 19 the lowest
# priority). On a machine of few cores C2 competes with the thread running a query: the first import
# into a freshly started Neo4j compiled ~1.7 CPU-s of Neo4j's code while it ran, on two cores shared
# with the query thread and the import's own processes. At the lowest priority C2 compiles on the CPU
# nothing else wants, and the query thread goes first: docs/decisions.md, "The JIT's compiler at
# the lowest priority".
JIT_COMPILER_NICENESS = 19
_C2_THREAD = "C2 CompilerThre"  # "C2 CompilerThread<n>", cut to the 15 characters Linux keeps of a thread's name


def lower_jit_priority(pid: int) -> int:
    """Give the C2 compiler threads of the JVM `pid` the niceness `JIT_COMPILER_NICENESS`; how many
    threads were changed. Where threads cannot be listed or changed (not Linux, the process gone), none
    are, and Neo4j runs as the JVM starts it."""
    changed = 0
    for comm in Path(f"/proc/{pid}/task").glob("*/comm"):
        try:
            if not comm.read_text().startswith(_C2_THREAD):
                continue
            os.setpriority(os.PRIO_PROCESS, int(comm.parent.name), JIT_COMPILER_NICENESS)
        except (OSError, ValueError):
            continue
        changed += 1
    return changed


def _terminate(pid: int, grace: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.2)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)


def stop(data: Path, grace: float = 60.0) -> LocalNeo4j | None:
    """Stop the local Neo4j of `data` (clean shutdown, killed after `grace` s); None if none ran."""
    data = data.resolve()
    running = status(data)
    if running is None:
        return None
    _terminate(running.pid, grace)
    (data / STATE_FILE).unlink(missing_ok=True)
    deadline = time.monotonic() + 10
    while port_open(running.bolt_port) and time.monotonic() < deadline:
        time.sleep(0.1)
    return running


WARM_UP_SECONDS = 300.0


@dataclass(frozen=True)
class Warmed:
    """How a warm-up went: its seconds, and why it stopped if it failed (None when it ran through)."""

    seconds: float
    error: str | None = None
    report: warmup.WarmUp | None = None


def warm_up(uri: str, user: str, password: str, *, timeout: float = WARM_UP_SECONDS) -> Warmed:
    """Run the import's query shapes once on the Neo4j at `uri` (`graph.warmup`); never raises.

    A failure (Neo4j gone, a query refused, `timeout` passed) is logged and returned, never raised:
    a cold Neo4j is slower, not broken. Runs in a thread of its own with its own event loop, so it can
    be called with or without a running loop (which it then blocks until done). The launcher's Neo4j
    has no authentication: any `user` and `password` do."""
    outcome: list[Warmed] = []
    started = time.perf_counter()

    async def run() -> warmup.WarmUp:
        store = Store.connect(uri, user, password, tx_timeout=None, connect_timeout=5.0, retry_seconds=0.0)
        try:
            return await asyncio.wait_for(warmup.warm_up(store), timeout)
        finally:
            await store.close()

    def thread() -> None:
        try:
            report = asyncio.run(run())
        except Exception as error:  # a warm-up never stops a start: logged and reported, not raised
            reason = "timed out" if isinstance(error, TimeoutError) else f"{type(error).__name__}: {error}"
            outcome.append(Warmed(time.perf_counter() - started, reason))
            return
        outcome.append(Warmed(time.perf_counter() - started, None, report))

    worker = threading.Thread(target=thread, name="tec-neo4j-warm-up", daemon=True)
    worker.start()
    worker.join()
    warmed = (
        outcome[0] if outcome else Warmed(time.perf_counter() - started, "the warm-up thread ended without a result")
    )
    if warmed.error is None:
        log.info("Neo4j warmed up in %.1f s", warmed.seconds)
    else:
        log.warning(
            "Neo4j warm-up failed after %.1f s (%s): the first queries will be slower", warmed.seconds, warmed.error
        )
    return warmed
