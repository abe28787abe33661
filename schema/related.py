"""Relationship fields through per-request DataLoaders: one Cypher per hop and batch, never one per item."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeAlias, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from graph.neighbours import HOPS, RELATED_NAMES, RelatedAsk, neighbours
from graph.pagination import Page
from graph.store import Store
from schema.context import Info
from schema.errors import ApiError
from schema.pagination import page_size
from schema.projection import unshown
from schema.selection import asks_timestamps

NESTED_DEFAULT = 20

T = TypeVar("T")

# What a relationship field's resolver returns: its value when the request already holds it (a list page
# fetched it along, `prime_along`), else an awaitable that loads it. graphql-core awaits the latter and
# takes the former as it is, so a page whose relationship fields were all fetched along is completed
# without one coroutine, task or future per field and node (`docs/decisions.md`). Such resolvers are
# plain functions declaring their GraphQL type with `graphql_type=`.
Resolved: TypeAlias = T | Awaitable[T]


def _loader(info: Info, hop: str, limit: int, wanted: tuple[str, ...] | None) -> DataLoader[str, Any]:
    """The request's DataLoader of `hop` with this limit and filter (one per combination)."""
    timestamps = asks_timestamps(info)
    name = f"{hop}|{limit}|{','.join(wanted) if wanted is not None else '*'}"

    async def batch(store: Store, keys: list[str]) -> Sequence[list[dict[str, Any]]]:
        found = await neighbours(store, hop, keys, limit=limit, only=wanted, timestamps=timestamps)
        return [found.get(k, []) for k in keys]

    return info.context.loaders.get(name, batch)


async def related(
    info: Info, hop: str, key: str, *, first: int | None = None, only: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """The neighbours of one node through `hop` ({node, rel, labels} each), batched with its siblings."""
    limit = page_size(info, first, NESTED_DEFAULT, nested=True)
    wanted = tuple(only) if only is not None else None
    items: list[dict[str, Any]] = await _loader(info, hop, limit, wanted).load(key)
    return items


@dataclass(frozen=True)
class Along:
    """A relationship field that a list page can fetch with its nodes, in its own query (`graph.listing`):
    the field's hop, its fixed size (1 for a single neighbour) or else its `first` argument, and the
    argument that filters it (a filtered field is left to its DataLoader)."""

    hop: str
    first: int | None = None
    filter_argument: str | None = None


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields of a selection, fragments spread."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def _node_fields(connection: SelectedField) -> Iterable[SelectedField]:
    """The fields asked of each node of a connection (`edges { node { … } }` and `nodes { … }`)."""
    for field in _fields(connection.selections):
        if field.name == "nodes":
            yield from _fields(field.selections)
        elif field.name == "edges":
            for inner in _fields(field.selections):
                if inner.name == "node":
                    yield from _fields(inner.selections)


def asked_along(info: Info, along: Mapping[str, Along]) -> tuple[RelatedAsk, ...]:
    """What the list field being resolved will ask of its nodes' relationship fields in `along`, as the
    fields' DataLoaders would ask it (same hop, size and timestamps): the page fetches it along."""
    timestamps = asks_timestamps(info)
    asks: dict[RelatedAsk, None] = {}
    for connection in _fields(info.selected_fields):
        for field in _node_fields(connection):
            fetch = along.get(field.name)
            if fetch is None or (fetch.filter_argument and field.arguments.get(fetch.filter_argument)):
                continue
            first = fetch.first if fetch.first is not None else field.arguments.get("first")
            try:
                limit = page_size(info, None if first is None else int(first), NESTED_DEFAULT, nested=True)
            except (ApiError, TypeError, ValueError):
                continue  # the field itself reports what is wrong with its argument
            asks[RelatedAsk(fetch.hop, limit, None, timestamps, unshown(info, HOPS[fetch.hop].end))] = None
    return tuple(asks)[: len(RELATED_NAMES)]


def prime_along(info: Info, asks: Sequence[RelatedAsk], page: Page) -> None:
    """Hand what the page fetched along to the DataLoaders its nodes' fields will call."""
    for ask, found in zip(asks, page.related, strict=True):
        loader = _loader(info, ask.hop, ask.limit, ask.only)
        for key, items in found.items():
            loader.prime(key, items)


_NOT_HELD: Any = object()


def _held(info: Info, hop: str, key: str, first: int | None, only: Sequence[str] | None) -> Any:
    """The neighbours of `key` the request's DataLoader already holds (a page fetched them along, or an
    earlier batch loaded them), else `_NOT_HELD`."""
    limit = page_size(info, first, NESTED_DEFAULT, nested=True)
    future = _loader(info, hop, limit, tuple(only) if only is not None else None).cache_map.get(key)
    if future is None or not future.done() or future.cancelled() or future.exception() is not None:
        return _NOT_HELD
    return future.result()


def one_along(info: Info, hop: str, key: str, build: Callable[[dict[str, Any]], T]) -> Resolved[T | None]:
    """`related_one` built with `build`, at once when the request holds it."""
    items = _held(info, hop, key, 1, None)
    if items is _NOT_HELD:

        async def load() -> T | None:
            record = await related_one(info, hop, key)
            return build(record) if record else None

        return load()
    return build(items[0]["node"]) if items else None


def nodes_along(
    info: Info, hop: str, key: str, build: Callable[[dict[str, Any]], T], *, first: int | None = None
) -> Resolved[list[T]]:
    """`related_nodes`, at once when the request holds them."""
    items = _held(info, hop, key, first, None)
    if items is _NOT_HELD:
        return related_nodes(info, hop, key, build, first=first)
    return [build(item["node"]) for item in items]


def links_along(
    info: Info,
    hop: str,
    key: str,
    build: Callable[[dict[str, Any]], T],
    *,
    first: int | None = None,
    kinds: Sequence[Enum] | None = None,
) -> Resolved[list[T]]:
    """`related_links`, at once when the request holds them."""
    items = _held(info, hop, key, first, [kind.value for kind in kinds] if kinds else None)
    if items is _NOT_HELD:
        return related_links(info, hop, key, build, first=first, kinds=kinds)
    return [build(item) for item in items]


async def related_one(info: Info, hop: str, key: str) -> dict[str, Any] | None:
    """The single neighbour through `hop` (a base commune, a conflict's type…), or None."""
    items = await related(info, hop, key, first=1)
    return items[0]["node"] if items else None


async def related_nodes(
    info: Info, hop: str, key: str, build: Callable[[dict[str, Any]], T], *, first: int | None = None
) -> list[T]:
    """The neighbours through `hop`, each built from its node record (`Theme.from_record`…)."""
    return [build(item["node"]) for item in await related(info, hop, key, first=first)]


async def related_links(
    info: Info,
    hop: str,
    key: str,
    build: Callable[[dict[str, Any]], T],
    *,
    first: int | None = None,
    kinds: Sequence[Enum] | None = None,
) -> list[T]:
    """The links through `hop`, each built from its {node, rel} item; `kinds` (roles…) keeps only those."""
    only = [kind.value for kind in kinds] if kinds else None
    return [build(item) for item in await related(info, hop, key, first=first, only=only)]
