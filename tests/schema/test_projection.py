"""A page leaves out the properties no field of its document can show (`schema.projection`): every field of
the types concerned, asked alone of a page's nodes, answers what it answers when the record is asked alone
(`node(id:)`, whose fields read whole records through their loaders)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from graph.actors import ActorFilter, actor_page
from graph.listing import ListRequest
from graph.neighbours import RelatedAsk
from graph.store import Store
from schema.projection import UNSHOWN
from tests.conftest import GraphQL
from tests.domain import RENNES, make_actor

pytestmark = pytest.mark.usefixtures("reference_data")

WORD = "projectionpage"


async def _fields(gql: GraphQL, type_name: str) -> list[str]:
    """A selection of each field of `type_name` that takes no required argument and gives a scalar, an enum,
    or an object of scalars (a point: `location { lat lon }`)."""
    query = (
        "query($t: String!) { __type(name: $t) { fields { name args { type { kind } } "
        "type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } }"
    )

    async def leaves(name: str) -> list[tuple[str, str, str | None]]:
        found = []
        for field in (await gql(query, {"t": name})).json()["data"]["__type"]["fields"]:
            kind = field["type"]
            while kind["kind"] in ("NON_NULL", "LIST"):
                kind = kind["ofType"]
            if all(arg["type"]["kind"] != "NON_NULL" for arg in field["args"]):
                found.append((field["name"], kind["kind"], kind["name"]))
        return found

    selections = []
    for name, kind, of in await leaves(type_name):
        if kind in ("SCALAR", "ENUM"):
            selections.append(name)
        elif kind == "OBJECT" and of is not None:
            inner = await leaves(of)
            if inner and all(k in ("SCALAR", "ENUM") for _, k, _ in inner):
                selections.append(name + " { " + " ".join(n for n, _, _ in inner) + " }")
    return selections


async def _actors(store: Store) -> list[str]:
    ids = [
        await make_actor(
            store,
            f"Collectif {WORD} {n}",
            based_in=code,
            description=f"Association {WORD} numéro {n}",
            website=f"https://example.org/{n}",
            siren="123456789",
            siret="12345678900011",
            rna=f"W35100000{n}",
            email=f"contact{n}@example.org",
            phone="02 99 00 00 00",
            contactName="Camille Martin",
            openToSponsorship=True,
            sponsorshipCapacity=3,
        )
        for n, code in enumerate((RENNES, "29019", "44109"))
    ]
    await store.write(
        "tests.projectionThemes",
        "UNWIND $ids AS id MATCH (a:Actor {id: id}) UNWIND ['WATER', 'ENERGY'] AS code "
        "MATCH (t:Theme {code: code}) CREATE (a)-[:WORKS_ON]->(t)",
        {"ids": ids},
    )
    return ids


@pytest.mark.parametrize(
    ("type_name", "around"),
    [("Actor", "{}"), ("Territory", "basedIn {{ code {} }}"), ("Theme", "themes {{ code {} }}")],
)
async def test_every_field_asked_alone_of_a_page_answers_as_the_record_alone(
    gql: GraphQL, store: Store, api_key: Callable[..., Awaitable[str]], type_name: str, around: str
) -> None:
    await _actors(store)
    token = await api_key("admin")  # the contact fields and alert preferences are private
    fields = await _fields(gql, type_name)
    names = {field.split(" ")[0]: field for field in fields}
    assert set(UNSHOWN[type_name]) - {"nameKey"} <= set(names), "every property left out has a field showing it"
    shown: dict[str, Any] = {}
    for field in fields:
        selection = around.format(field)
        page = await gql(
            f'{{ actors(first: 10, search: "{WORD}") {{ edges {{ node {{ id {selection} }} }} }} }}', token=token
        )
        body = page.json()
        assert "errors" not in body, (field, body)
        nodes = [edge["node"] for edge in body["data"]["actors"]["edges"]]
        assert len(nodes) == 3, (field, nodes)
        for node in nodes:
            alone = await gql(
                f"query($id: ID!) {{ node(id: $id) {{ ... on Actor {{ id {selection} }} }} }}",
                {"id": node["id"]},
                token=token,
            )
            assert alone.json()["data"]["node"] == node, (type_name, field)
        shown[field] = nodes
    # the data gives each property left out a value, so that a field losing it would show
    for prop, readers in UNSHOWN[type_name].items():
        for reader in readers:
            assert any(_values(node) for node in shown[names[reader]]), (type_name, prop, reader)


def _values(node: dict[str, Any]) -> list[Any]:
    """The non-null leaf values of a node's answer, but its id."""
    found: list[Any] = []
    for key, value in node.items():
        if key == "id":
            continue
        if isinstance(value, dict):
            found.extend(_values(value))
        elif isinstance(value, list):
            for item in value:
                found.extend(_values(item) if isinstance(item, dict) else [item] if item is not None else [])
        elif value is not None:
            found.append(value)
    return found


async def test_a_page_comes_without_the_properties_it_was_told_to_leave_out(store: Store) -> None:
    """The graph's side: `drop` removes those properties from the page's nodes and from the nodes fetched
    along with them, and nothing else (the hidden search and ancestry properties never come)."""
    await _actors(store)
    request = ListRequest(
        first=10,
        search=WORD,
        drop=("description", "website"),
        related=(RelatedAsk("actor.basedIn", 1, None, True, ("population",)),),
    )
    page = await actor_page(store, ActorFilter(), request)
    assert len(page.items) == 3
    for item in page.items:
        assert "description" not in item
        assert "website" not in item
        assert item["siren"] == "123456789"
        assert item["name"].startswith("Collectif")
        assert not {"searchText", "areaCodes", "facetCodes", "caseTypes"} & set(item)
        (base,) = page.related[0][item["id"]]
        assert "population" not in base["node"]
        assert base["node"]["code"] in (RENNES, "29019", "44109")
        assert isinstance(base["node"]["zone"], str)
    whole = await actor_page(store, ActorFilter(), ListRequest(first=10, search=WORD))
    assert all(item["description"].startswith("Association") for item in whole.items)
