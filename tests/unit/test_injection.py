"""Identifiers that cannot be Cypher parameters (labels, relationship types, variables, relation kinds,
sort names) are refused by an allow-list before any query is built or sent; the queries built from the
allow-lists hold only allow-listed labels and relationship types. (As graphiti's node-label security tests.)

The async builders are given a `Store` whose driver points at a port nothing listens on: a refusal that
came after the query was sent would surface as a store error (or a connection refused), not as the
refusal asserted here.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import pytest_asyncio

from graph import bulk, case_types, editing, exploration, model, nodes, relations, search, sources
from graph.actors import ACTOR_LIST
from graph.commons import CALL_LIST
from graph.conflicts import CONFLICT_LIST
from graph.editing import Editor
from graph.errors import ListRefused, StoreUnavailable
from graph.listing import ListRequest, ListSpec, page_query
from graph.migrations import LABELS_WITH_ID
from graph.near import Near
from graph.needs import NEED_LIST
from graph.projects import PROJECT_LIST
from graph.resources import RESOURCE_LIST
from graph.store import Store
from schema.errors import list_refusal
from tec.neo4j_local import free_port


@contextmanager
def refused_with(match: str) -> Iterator[None]:
    """The store refuses the list, and the API words the refusal so that it matches `match`."""
    with pytest.raises(ListRefused) as refusal:
        yield
    assert re.search(match, list_refusal(refusal.value)), list_refusal(refusal.value)


HOSTILE: list[str] = [
    "",
    " ",
    "Actor`) DETACH DELETE n //",
    "`Actor`",
    "Actor}) DETACH DELETE (n",
    "Actor) MATCH (m) DETACH DELETE m //",
    "Actor:ApiKey",
    "Actor|ApiKey",
    "actor",  # the case matters
    "ACTOR",
    "Actor ",  # trailing space
    "Actor\u200b",  # zero-width space
    "Actor\x00",
    "\u0410ctor",  # Cyrillic А
    "\uff21ctor",  # fullwidth Ａ
    "Act\u043er",  # Cyrillic о
    "Actor\u0301",  # a combining accent
    "*",
    "$label",
    "Actor' OR 1=1 --",
]
HOSTILE_IDS = [f"{i}:{text!r}" for i, text in enumerate(HOSTILE)]
ANYWAY = pytest.mark.parametrize("name", HOSTILE, ids=HOSTILE_IDS)

DOMAIN_LABELS = frozenset(exploration.EXPLORABLE_LABELS) | frozenset(LABELS_WITH_ID)
DOMAIN_TYPES = frozenset(exploration.RELATIONSHIP_TYPES)
LIST_SPECS: list[ListSpec] = [ACTOR_LIST, CALL_LIST, CONFLICT_LIST, NEED_LIST, PROJECT_LIST, RESOURCE_LIST]

_NODE_LABEL = re.compile(r"\(\s*\w*\s*:\s*([^\s{)]+)|\bWHERE\s+\w+:(\w+)")
_REL_TYPE = re.compile(r"\[\s*\w*\s*:\s*([^\s{\]*]+)")


def identifiers(query: str) -> tuple[set[str], set[str]]:
    """The labels of the node patterns and the relationship types of the relationship patterns of `query`."""
    labels = {
        label for found in _NODE_LABEL.findall(query) for part in found if part for label in re.split(r"[:|&]", part)
    }
    types = {rel for found in _REL_TYPE.findall(query) for rel in found.split("|")}
    return labels, types


def assert_only_allow_listed(queries: Iterable[str]) -> None:
    seen_labels: set[str] = set()
    for query in queries:
        labels, types = identifiers(query)
        assert labels <= DOMAIN_LABELS, (labels - DOMAIN_LABELS, query)
        assert types <= DOMAIN_TYPES, (types - DOMAIN_TYPES, query)
        seen_labels |= labels
    assert seen_labels, "the extractor found no label at all: it no longer reads these queries"


@pytest_asyncio.fixture
async def unreachable_store() -> AsyncIterator[Store]:
    store = Store.connect(f"bolt://127.0.0.1:{free_port()}", "neo4j", "unused", connect_timeout=1.0, retry_seconds=0)
    try:
        yield store
    finally:
        await store.close()


EDITOR = Editor(by="test", admin=True)


# --- pure allow-lists -------------------------------------------------------------------------------


@ANYWAY
def test_node_lookups_refuse_a_label_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown node label {name!r}")):
        nodes.check_label(name)


@ANYWAY
def test_exploration_refuses_a_start_label_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(exploration.ExplorationInputError, match=re.escape(f"not {name!r}.")) as refused:
        exploration.check_label(name)
    assert refused.value.code == "BAD_USER_INPUT"


@ANYWAY
def test_exploration_refuses_a_relationship_type_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(exploration.ExplorationInputError, match="Unknown relationship type"):
        exploration.check_types(("PART_OF", name))


def test_exploration_never_starts_from_or_shows_a_hidden_label() -> None:
    for hidden in exploration.HIDDEN_LABELS:
        with pytest.raises(exploration.ExplorationInputError):
            exploration.check_label(hidden)


@ANYWAY
def test_full_text_indexes_exist_only_for_allow_listed_labels(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"no full-text index for label {name!r}")):
        search._label(name)


@ANYWAY
def test_case_type_fragments_refuse_a_variable_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown variable {name!r}")):
        case_types.refresh(name)
    with pytest.raises(ValueError, match=re.escape(f"unknown variable {name!r}")):
        case_types.refresh_involved(name)


@ANYWAY
def test_ownership_checks_refuse_a_variable_or_label_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown variable {name!r}")):
        editing.owns(name)
    with pytest.raises(ValueError, match=re.escape(f"no owned records have the label {name!r}")):
        editing.owned_label(name)


@ANYWAY
def test_batched_writers_refuse_a_label_or_relationship_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"no batched writer for the label {name!r}")):
        bulk.node_label(name)
    with pytest.raises(ValueError, match="no batched writer for"):
        bulk.rel_key("Actor", name, "Conflict")
    with pytest.raises(ValueError, match="no batched writer for"):
        bulk.rel_key(name, "INVOLVED_IN", "Conflict")


@ANYWAY
def test_source_lookups_refuse_a_label_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"not a traceable record type: {name!r}")):
        sources._label(name)


@ANYWAY
def test_relations_refuse_a_kind_not_in_the_allow_list(name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"unknown relation {name!r}")):
        relations.relation(name)


@ANYWAY
@pytest.mark.parametrize("spec", LIST_SPECS, ids=lambda spec: spec.label)
def test_lists_refuse_an_order_not_in_the_allow_list(spec: ListSpec, name: str) -> None:
    with refused_with(re.escape(f"orderBy {name} is not available here")):
        page_query(spec, ListRequest(first=5, sort=name))


def test_the_allow_lists_return_their_own_constant_not_the_callers_text() -> None:
    # equal text is not enough for `LiteralString`: the returned object is the allow-list's own
    caller = "".join(["Act", "or"])
    assert nodes.check_label(caller) is next(label for label in LABELS_WITH_ID if label == "Actor")
    assert exploration.check_label(caller) is next(label for label in exploration.EXPLORABLE_LABELS if label == "Actor")


# --- refused before anything is sent ----------------------------------------------------------------


async def _refused(call: Callable[[], Awaitable[Any]], error: type[Exception], text: str) -> None:
    with pytest.raises(error) as refused:
        await call()
    assert text in str(refused.value)


@ANYWAY
async def test_fetching_nodes_refuses_the_label_before_the_database(unreachable_store: Store, name: str) -> None:
    await _refused(lambda: nodes.nodes_by_ids(unreachable_store, name, ["a1"]), ValueError, "unknown node label")


@ANYWAY
async def test_a_neighbourhood_refuses_the_label_before_the_database(unreachable_store: Store, name: str) -> None:
    await _refused(
        lambda: exploration.neighbourhood(unreachable_store, name, "a1"),
        exploration.ExplorationInputError,
        "A neighbourhood can start from",
    )
    await _refused(
        lambda: exploration.neighbourhood(unreachable_store, "Actor", "a1", types=(name,)),
        exploration.ExplorationInputError,
        "Unknown relationship type",
    )


@ANYWAY
async def test_source_records_refuse_the_label_before_the_database(unreachable_store: Store, name: str) -> None:
    await _refused(lambda: sources.source_records(unreachable_store, name, ["a1"]), ValueError, "not a traceable")
    await _refused(
        lambda: sources.id_by_external_id(unreachable_store, name, "partner", "x1"), ValueError, "not a traceable"
    )


@ANYWAY
async def test_deletes_and_links_refuse_the_name_before_the_database(unreachable_store: Store, name: str) -> None:
    await _refused(lambda: editing.delete_owned(unreachable_store, name, "a1", EDITOR), ValueError, "no owned records")
    await _refused(
        lambda: relations.link(unreachable_store, name, EDITOR, from_id="a1", to_key="c1"),
        ValueError,
        "unknown relation",
    )
    await _refused(
        lambda: relations.unlink(unreachable_store, name, EDITOR, from_id="a1", to_key="c1"),
        ValueError,
        "unknown relation",
    )


async def test_the_unreachable_store_does_fail_when_a_query_is_sent(unreachable_store: Store) -> None:
    # the control: with an allow-listed label the query is sent, and fails for want of a server
    with pytest.raises(StoreUnavailable):
        await nodes.nodes_by_ids(unreachable_store, "Actor", ["a1"])


# --- what the allow-lists build -----------------------------------------------------------------------


def test_queries_built_from_the_allow_lists_hold_only_allow_listed_identifiers() -> None:
    built: list[str] = []
    built += nodes._BY_IDS.values()
    built += [query for by_label in exploration._NEIGHBOURHOOD.values() for query in by_label.values()]
    built += exploration._PATHS.values()
    built += search.fulltext_index_statements()
    built += sources._SOURCE_RECORDS.values()
    built += sources._BY_EXTERNAL_ID.values()
    built += editing._CHECK.values()
    built += editing._DELETE.values()
    built += [bulk._node_query(label, spec) for label, spec in model.NODE_RULES.items()]
    built += [bulk._rel_query(key) for key in model.RELATIONSHIP_RULES]
    for relation in relations.RELATIONS.values():
        built += [relations._check_query(relation), relations._link_query(relation), relations._unlink_query(relation)]
    built += [case_types.refresh("a"), case_types.refresh_involved("c"), case_types.RECOMPUTE_ALL, case_types.STALE]
    for spec in LIST_SPECS:
        for sort in spec.sorts:
            request = ListRequest(first=5, sort=sort, search="parc éolien" if sort == "RELEVANCE" else None)
            if spec.located:
                request.near = Near(radius_km=10, territory="35238")
            built.append(page_query(spec, request)[0])
            if spec.area_filter is not None:
                request.area = "35"
                built.append(page_query(spec, request)[0])
    assert_only_allow_listed(built)


def test_the_identifier_check_itself_catches_an_injected_label_and_type() -> None:
    labels, types = identifiers("MATCH (n:Actor)-[:PART_OF]->(t:Territory) MATCH (m:`X`)-[r:DROP_ALL|PART_OF]->(x)")
    assert labels == {"Actor", "Territory", "`X`"}
    assert identifiers("MATCH (n:Conflict|Project) WHERE n:Actor")[0] == {"Conflict", "Project", "Actor"}
    assert types == {"PART_OF", "DROP_ALL"}
    with pytest.raises(AssertionError):
        assert_only_allow_listed(["MATCH (n:Actor) DETACH DELETE n MATCH (m:Evil) RETURN m"])
