"""A cache of whole GraphQL responses for read-only queries, exact under writes.

The key is the normalised document, the operation name, the variables, the caller's role (what a
caller may see depends on it: private fields need the reader role or above) and the day; the value is the
response body as sent. An entry is tagged with the graph revision it was built at (`graph.store`
moves the revision in the same transaction as every write, from any process), and each request reads
the revision once: an entry of another revision is never served. Only successful queries are kept:
no mutation, subscription or response with errors. Entries are bounded (least recently used first out).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse, print_ast

# Larger bodies are answered but not kept (a few such entries would crowd out the directory's pages).
MAX_ENTRY_BYTES = 1_000_000


@dataclass(frozen=True)
class CachedResponse:
    revision: str | None
    body: bytes


@lru_cache(maxsize=256)
def _normalised_query(document: str, operation_name: str | None) -> str | None:
    """The document printed in canonical form, when the chosen operation is a query; else None."""
    try:
        parsed = parse(document)
    except GraphQLError:
        return None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        chosen = operations[0] if len(operations) == 1 else None
    else:
        chosen = next((op for op in operations if op.name is not None and op.name.value == operation_name), None)
    if chosen is None or chosen.operation is not OperationType.QUERY:
        return None
    return print_ast(parsed)


def cache_key(payload: Any, role: str | None, today: date) -> str | None:
    """The entry of a GraphQL POST body for a caller of `role` on `today`, or None when it may not be
    cached. The day is part of the key: some answers depend on it (whether a call for commons is open
    today, recency counted in years), so they change at midnight without any write."""
    if not isinstance(payload, dict):
        return None
    document = payload.get("query")
    operation_name = payload.get("operationName")
    variables = payload.get("variables") or {}
    if not isinstance(document, str) or not isinstance(variables, dict):
        return None
    if operation_name is not None and not isinstance(operation_name, str):
        return None
    normalised = _normalised_query(document, operation_name)
    if normalised is None:
        return None
    variables_text = json.dumps(variables, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return json.dumps(
        [normalised, operation_name, variables_text, role or "anonymous", today.isoformat()], ensure_ascii=False
    )


class ResponseCache:
    """Bounded LRU of response bodies, each tagged with the graph revision it was built at.

    A question is kept from the second time it is asked (`seen_before`): the first time, nothing is
    stored and the request does not read the revision, so a question asked once (a matching request
    around one address, a search nobody repeats) costs nothing extra and crowds out no entry. The
    keys seen once are remembered in a bounded LRU of their own.
    """

    def __init__(self, max_entries: int) -> None:
        if max_entries < 1:
            raise ValueError("a response cache needs room for at least one entry")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._seen: OrderedDict[str, None] = OrderedDict()

    def seen_before(self, key: str) -> bool:
        """Whether `key` was asked before (and is not kept yet); remembers it when it was not."""
        if key in self._seen:
            del self._seen[key]
            return True
        self._seen[key] = None
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return False

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        """Forget every entry (an erasure of personal data must not leave copies in memory)."""
        self._entries.clear()
        self._seen.clear()

    def get(self, key: str, revision: str | None) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry.revision != revision:
            return None
        self._entries.move_to_end(key)
        return entry.body

    def has(self, key: str) -> bool:
        return key in self._entries

    def put(self, key: str, revision: str | None, body: bytes) -> int:
        """Keep `body`; returns how many entries were evicted to make room."""
        if len(body) > MAX_ENTRY_BYTES:
            return 0
        self._entries[key] = CachedResponse(revision, body)
        self._entries.move_to_end(key)
        evicted = 0
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
            evicted += 1
        return evicted


class SharedRevision:
    """Reads of the graph revision shared by the requests that arrive while one is under way.

    A request never takes the answer of a read already sent (a write may have committed between that
    read and the request's arrival): it waits for the next read, which starts when the one under way
    ends and serves every request that arrived meanwhile. So each answer is at least as recent as its
    request, and under load the database sees one revision read per read's duration, not per request.
    """

    def __init__(self, read: Callable[[], Awaitable[str | None]]) -> None:
        self._read = read
        self._next: asyncio.Future[str | None] | None = None  # the read the next arrivals share, not sent yet
        self._busy = False

    async def current(self) -> str | None:
        """The revision as read after this call began."""
        future = self._next
        if future is None:
            future = self._next = asyncio.get_running_loop().create_future()
            if not self._busy:
                self._start()
        return await asyncio.shield(future)

    def _start(self) -> None:
        future, self._next = self._next, None
        if future is None:
            return
        self._busy = True
        # its own context: the read belongs to no single request's round-trip count
        asyncio.get_running_loop().create_task(self._run(future), context=contextvars.Context())

    async def _run(self, future: asyncio.Future[str | None]) -> None:
        try:
            future.set_result(await self._read())
        except Exception as error:  # every waiter gets it (e.g. Neo4j unavailable)
            future.set_exception(error)
        finally:
            if not future.done():  # cancelled (the service is stopping)
                future.cancel()
            self._busy = False
            self._start()
