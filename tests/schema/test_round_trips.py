"""No N+1: database round trips per request depend on the query's shape, never on the page size;
and a transaction past the server-side timeout is answered with QUERY_TIMEOUT."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest

from graph.store import Store
from tec.app.main import create_app
from tec.settings import Settings
from tests.conftest import GraphQL
from tests.domain import gid, make_actor

pytestmark = pytest.mark.usefixtures("reference_data")

SEED = """
MATCH (ct:ConflictType {code: 'ONSHORE_WIND'})
MATCH (d:Territory {level: 'DEPARTEMENT', code: '35'})<-[:PART_OF]-(t:Territory {level: 'COMMUNE'})
WITH ct, t ORDER BY t.code LIMIT 120
WITH ct, collect(t) AS communes
UNWIND range(0, 119) AS i
WITH ct, communes[i] AS t, i
CREATE (a:Actor {id: 'rt-actor-' + i, name: 'Acteur ' + i, nameKey: 'acteur ' + i, kind: 'ASSOCIATION',
                 location: t.location, createdAt: datetime()})
CREATE (c:Conflict {id: 'rt-conflict-' + i, title: 'Conflit ' + i, status: 'ACTIVE', location: t.location,
                    year: 2020 + i % 5, startedOn: date({year: 2020 + i % 5, month: 1, day: 1}), createdAt: datetime()})
CREATE (a)-[:BASED_IN]->(t), (c)-[:LOCATED_IN]->(t), (c)-[:OF_TYPE]->(ct),
       (a)-[:INVOLVED_IN {role: 'MEDIATOR', from: 2020}]->(c)
"""

ACTORS = """
query($first: Int!) {
  actors(first: $first, where: {territory: "35"}) {
    totalCount
    nodes { name basedIn { name } conflicts { role conflict { title type { code label } territory { name } } } }
  }
}"""
CONFLICTS = """
query($first: Int!) {
  conflicts(first: $first) {
    nodes { title type { code parent { code } } actors { role actor { name basedIn { code } } } }
  }
}"""


async def _trips(gql: GraphQL, query: str, first: int) -> tuple[int, int]:
    response = await gql(query, {"first": first})
    body = response.json()
    assert "errors" not in body, body
    items = next(iter(body["data"].values()))["nodes"]
    return int(response.headers["x-db-round-trips"]), len(items)


async def test_round_trips_do_not_grow_with_the_page_size(gql: GraphQL, store: Store) -> None:
    await store.write("tests.seed", SEED)
    small, small_count = await _trips(gql, ACTORS, 5)
    large, large_count = await _trips(gql, ACTORS, 100)
    assert (small_count, large_count) == (5, 100)
    assert small == large == 3  # the page with basedIn and conflicts (fetched along), their type, their territory
    small, _ = await _trips(gql, CONFLICTS, 5)
    large, large_count = await _trips(gql, CONFLICTS, 100)
    assert large_count == 100
    assert small == large == 3  # the page with type and actors (fetched along), type's parent, actors' base


async def test_a_transaction_past_the_timeout_is_answered_with_query_timeout(
    settings: Settings, store: Store, api_key: Callable[..., Awaitable[str]]
) -> None:
    actor = await make_actor(store, "Association verrouillée")
    token = await api_key("admin")
    impatient = Store.connect(settings.effective_neo4j_uri, "neo4j", "neo4j", tx_timeout=1.0, retry_seconds=0.0)
    app = create_app(settings.model_copy(update={"neo4j_tx_timeout": 1.0}), impatient, run_migrations=False)
    mutation = 'mutation($id: ID!) { updateActor(input: {id: $id, name: "Renommée"}) { __typename } }'
    try:
        async with store.driver.session() as session:
            holder = await session.begin_transaction()
            await holder.run("MATCH (a:Actor {id: $id}) SET a.lockedBy = 'test'", id=actor)
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
                response = await http.post(
                    "/graphql",
                    json={"query": mutation, "variables": {"id": gid("Actor", actor)}},
                    headers={"Authorization": f"Bearer {token}"},
                )
            await holder.rollback()
    finally:
        await impatient.close()
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TIMEOUT"
    assert "time limit" in body["errors"][0]["message"]
    assert response.status_code == 504
    rows = await store.read("t", "MATCH (a:Actor {id: $id}) RETURN a.name AS name", {"id": actor})
    assert rows == [{"name": "Association verrouillée"}]


async def test_nested_lists_count_their_default_page_in_the_cost(store: Store, settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_cost": 2000}), store)
    flat = "{ actors(first: 100) { nodes { name kind } } }"
    nested = "{ actors(first: 100) { nodes { name conflicts { role conflict { title } } } } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
        allowed = await http.post("/graphql", json={"query": flat})
        refused = await http.post("/graphql", json={"query": nested})
    assert allowed.status_code == 200
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert error["extensions"]["cost"] > 100 * 20  # each actor's conflicts count as a page of 20


PAGED = """
query($first: Int!, $after: String) {
  actors(first: $first, after: $after, where: {territory: "35"}, orderBy: NAME) {
    edges { cursor node { id name basedIn { code } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_a_page_of_many_records_answers_as_the_small_pages_chained_by_cursor(gql: GraphQL, store: Store) -> None:
    # A page travels in records of 25 items: pages around and across that size, and a whole page of 100,
    # give the same actors, bases and cursors as pages of 7 followed by their cursors.
    await store.write("tests.seed", SEED)

    async def page(first: int, after: str | None = None) -> dict[str, object]:
        body = (await gql(PAGED, {"first": first, "after": after})).json()
        assert "errors" not in body, body
        result: dict[str, object] = body["data"]["actors"]
        return result

    chained: list[dict[str, object]] = []
    after = None
    while True:
        small = await page(7, after)
        chained += small["edges"]  # type: ignore[arg-type]
        info = small["pageInfo"]
        assert isinstance(info, dict)
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert len(chained) == 120
    assert len({edge["node"]["id"] for edge in chained}) == 120  # type: ignore[index]
    assert all(edge["node"]["basedIn"] for edge in chained)  # type: ignore[index]
    for first in (24, 25, 26, 49, 50, 51, 100):
        whole = await page(first)
        assert whole["edges"] == chained[:first], first
        assert whole["pageInfo"] == {"hasNextPage": True, "endCursor": chained[first - 1]["cursor"]}
    rest = await page(100, chained[19]["cursor"])  # type: ignore[arg-type]
    assert rest["edges"] == chained[20:]
    assert rest["pageInfo"] == {"hasNextPage": False, "endCursor": chained[-1]["cursor"]}
