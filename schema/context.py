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

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)


Info = strawberry.Info[Context, None]
