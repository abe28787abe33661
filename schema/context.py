"""The per-request context: the store, who is calling, and fresh DataLoaders."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import strawberry
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader

from graph.store import Store
from tec.settings import Settings

Record = dict[str, Any]


@dataclass(frozen=True)
class Principal:
    """Who is calling: anonymous, or the holder of an API key with a role."""

    role: str | None = None
    key_id: str | None = None
    source: str | None = None
    actor_id: str | None = None

    @property
    def label(self) -> str:
        return f"apikey:{self.key_id}" if self.key_id else "anonymous"

    @property
    def can_read_private(self) -> bool:
        return self.role in ("reader", "editor", "admin")

    @property
    def can_write(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


ANONYMOUS = Principal()


class Loaders:
    """DataLoaders created lazily, one set per request, so batching never leaks across requests."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._loaders: dict[str, DataLoader[Any, Any]] = {}

    def get(self, name: str, batch: Callable[[Store, list[Any]], Awaitable[Sequence[Any]]]) -> DataLoader[Any, Any]:
        loader = self._loaders.get(name)
        if loader is None:

            async def load_fn(keys: list[Any]) -> Sequence[Any]:
                return await batch(self.store, keys)

            loader = DataLoader(load_fn=load_fn)
            self._loaders[name] = loader
        return loader

    def release(self) -> None:
        """Drop what the request's DataLoaders hold (their futures and the records in them)."""
        for loader in self._loaders.values():
            loader.clear_all()
        self._loaders.clear()


@dataclass
class Context:
    store: Store
    settings: Settings
    principal: Principal = ANONYMOUS
    request_id: str = "-"
    request: Request | None = None
    response: Response | None = None
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload
    loaders: Loaders = field(init=False)
    asked_fields: frozenset[str] | None = field(default=None, init=False)  # see schema.selection
    _on_release: list[Callable[[], None]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)

    def release(self) -> None:
        """Let go of what the request loaded once its response has been sent. A request's objects hold one
        another in cycles (the context, its DataLoaders and their futures, strawberry's `Info`), which
        only the garbage collector can free; emptied here, a page's records are freed at once instead
        of waiting for the collector's next pass (memory under load, and less for that pass to walk)."""
        self.loaders.release()
        self.asked_fields = None
        for forget in self._on_release:
            forget()
        self._on_release.clear()

    def release_with(self, forget: Callable[[], None]) -> None:
        """Have `release` call `forget` too (the request's execution, see `schema.execution`)."""
        self._on_release.append(forget)


Info = strawberry.Info[Context, None]
