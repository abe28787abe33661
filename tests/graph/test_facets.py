"""Every writer keeps each record's facets, `facetCodes` (graph.facets: its kind and themes as tokens),
so that a search with a kind or theme filter, answered by the full-text index, finds exactly the
records the old per-hit test found — same records, same order, same scores, same totals.

Places (the shipped 2026 snapshot): Bruz (35047) in Ille-et-Vilaine (35), Brest (29019) in Finistère (29).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, LiteralString

import pytest
from typer.testing import CliRunner

from graph import facets
from graph.actors import ActorFilter, actor_page
from graph.bulk import BulkWriter
from graph.imports import ensure_source, upsert_batch
from graph.listing import ListRequest
from graph.migrations import MIGRATIONS
from graph.pagination import Page
from graph.projects import ProjectFilter, project_page
from graph.resources import ResourceFilter, resource_page
from graph.store import Store
from synthetic.seeding import seed_network
from tec.cli.main import app
from tests.api_writes import mutate
from tests.conftest import GraphQL
from tests.services import bretagne_territories, small_demo

pytestmark = pytest.mark.usefixtures("reference_data")
ApiKey = Callable[..., Awaitable[str]]

THEMES = [t["code"] for t in json.loads(Path("data/taxonomy.json").read_text(encoding="utf-8"))["themes"]]
ACTOR_KINDS = [
    "COLLECTIVITE",
    "ASSOCIATION",
    "ENTREPRISE",
    "BUREAU_ETUDES",
    "RESEAU",
    "SERVICE_ETAT",
    "COLLECTIF_CITOYEN",
    "CHERCHEUR",
    "AUTRE",
]
PROJECT_KINDS = ["DEVELOPMENT", "PARTICIPATORY_PROCESS", "COMMONS"]
RESOURCE_KINDS = ["GUIDE", "METHOD", "TOOL", "CASE_STUDY", "ARTICLE"]


def raw_id(record_id: str) -> str:
    """The store id of a GraphQL id ("Actor:<id>" in base 64), or the id itself."""
    if not record_id.isascii() or len(record_id) < 20 or "-" in record_id:
        return record_id
    return base64.b64decode(record_id).decode().split(":", 1)[1]


async def tokens(store: Store, record_id: str) -> list[str] | None:
    rows = await store.read("t", "MATCH (n {id: $id}) RETURN n.facetCodes AS codes", {"id": raw_id(record_id)})
    value: list[str] | None = rows[0]["codes"]
    return value


async def all_kept(store: Store) -> None:
    """The check `tec db check` makes finds nothing to fix."""
    assert [(c.label, c.stale, c.examples) for c in await facets.check(store) if c.stale] == []


async def search(gql: GraphQL, field: str, text: str, where: dict[str, Any]) -> list[str]:
    """Names (or titles) a list returns for words and filters, with its total equal to them."""
    title = "name" if field == "actors" else "title"
    query = (
        f"query($s: String!, $w: {field[:-1].capitalize()}Where) {{ {field}(search: $s, where: $w, first: 50) "
        f"{{ totalCount edges {{ node {{ {title} }} }} }} }}"
    )
    body = (await gql(query, {"s": text, "w": where})).json()
    assert "errors" not in body, body
    found = [edge["node"][title] for edge in body["data"][field]["edges"]]
    assert body["data"][field]["totalCount"] == len(found)
    return sorted(found)


async def test_the_api_writes_keep_the_facets_through_kind_and_theme_changes_and_tags(
    gql: GraphQL, store: Store, api_key: ApiKey
) -> None:
    token = await api_key("admin")
    created = await mutate(
        gql,
        token,
        "createActor",
        "CreateActorInput",
        {"name": "Médiation de Bruz", "kind": "ASSOCIATION", "basedIn": "35047", "themes": ["CONCERTATION"]},
        "... on ActorCreated { actor { id } }",
    )
    actor = created["actor"]["id"]
    assert await tokens(store, actor) == ["kassociation0", "tconcertation0"]
    assert await search(gql, "actors", "mediation", {"kinds": ["ASSOCIATION"]}) == ["Médiation de Bruz"]
    assert await search(gql, "actors", "mediation", {"kinds": ["RESEAU"]}) == []
    assert await search(gql, "actors", "mediation", {"themes": ["WATER", "CONCERTATION"]}) == ["Médiation de Bruz"]
    assert await search(gql, "actors", "mediation", {"themes": ["WATER"]}) == []

    update = {"id": actor, "kind": "BUREAU_ETUDES", "themes": ["WATER", "MEDIATION"]}
    await mutate(gql, token, "updateActor", "UpdateActorInput", update, "")
    assert await tokens(store, actor) == ["kbureau_etudes0", "tmediation0", "twater0"]
    assert await search(gql, "actors", "mediation", {"kinds": ["BUREAU_ETUDES"], "themes": ["WATER"]}) == [
        "Médiation de Bruz"
    ]
    assert await search(gql, "actors", "mediation", {"kinds": ["ASSOCIATION"]}) == []
    assert await search(gql, "actors", "mediation", {"themes": ["CONCERTATION"]}) == []

    project = (
        await mutate(
            gql,
            token,
            "createProject",
            "CreateProjectInput",
            {"title": "Parc éolien de Bruz", "kind": "DEVELOPMENT", "territory": "35047", "themes": ["ENERGY"]},
            "... on ProjectCreated { project { id } }",
        )
    )["project"]["id"]
    assert await tokens(store, project) == ["kdevelopment0", "tenergy0"]
    assert await search(gql, "projects", "parc", {"kinds": ["DEVELOPMENT"], "themes": ["ENERGY"]}) == [
        "Parc éolien de Bruz"
    ]
    assert await search(gql, "projects", "parc", {"kinds": ["COMMONS"]}) == []

    resource = (
        await mutate(
            gql,
            token,
            "createResource",
            "CreateResourceInput",
            {"title": "Guide de la concertation", "kind": "GUIDE"},
            "... on ResourceCreated { resource { id } }",
        )
    )["resource"]["id"]
    assert await tokens(store, resource) == ["kguide0"]
    assert await search(gql, "resources", "guide", {"themes": ["CONCERTATION"]}) == []
    topic = {"resourceId": resource, "theme": "CONCERTATION"}
    await mutate(gql, token, "tagResource", "ResourceTopicInput", topic, "")
    assert await tokens(store, resource) == ["kguide0", "tconcertation0"]
    assert await search(gql, "resources", "guide", {"themes": ["CONCERTATION"], "kinds": ["GUIDE"]}) == [
        "Guide de la concertation"
    ]
    await mutate(gql, token, "untagResource", "ResourceTopicInput", topic, "")
    assert await tokens(store, resource) == ["kguide0"]
    assert await search(gql, "resources", "guide", {"themes": ["CONCERTATION"]}) == []
    await all_kept(store)


async def test_partner_imports_keep_the_facets_of_new_and_changed_actors(gql: GraphQL, store: Store) -> None:
    props = {"name": "Médiation de Bruz", "kind": "ASSOCIATION", "searchText": "mediation de bruz"}
    actor: dict[str, Any] = {
        "externalId": "A-1",
        "hash": "h1",
        "props": props,
        "territory": "COMMUNE-35047",
        "themes": ["MEDIATION"],
    }
    await ensure_source(store, "partner", "NETWORK", None)
    await upsert_batch(store, "partner", actors=[actor])
    rows = await store.read("t", "MATCH (n:Actor) RETURN n.id AS id")
    actor_id = rows[0]["id"]
    assert await tokens(store, actor_id) == ["kassociation0", "tmediation0"]

    changed = {**actor, "hash": "h2", "props": {**props, "kind": "RESEAU"}, "themes": ["WATER", "ENERGY"]}
    await upsert_batch(store, "partner", actors=[changed])
    assert await tokens(store, actor_id) == ["kreseau0", "tenergy0", "twater0"]
    assert await search(gql, "actors", "mediation", {"kinds": ["RESEAU"], "themes": ["WATER"]}) == ["Médiation de Bruz"]
    assert await search(gql, "actors", "mediation", {"themes": ["MEDIATION"]}) == []
    await all_kept(store)


async def test_bulk_loads_keep_the_facets_whichever_comes_first(gql: GraphQL, store: Store) -> None:
    writer = BulkWriter(store, source="bulk-test", by="tests")
    await writer.nodes("Actor", [{"id": "a1", "name": "Médiation de Bruz", "kind": "ASSOCIATION"}])
    assert await tokens(store, "a1") == ["kassociation0"]
    await writer.relationships("Actor", "WORKS_ON", "Theme", [{"from": "a1", "to": "WATER"}])
    assert await tokens(store, "a1") == ["kassociation0", "twater0"]
    # the same actor again, with another kind: its themes stay
    await writer.nodes("Actor", [{"id": "a1", "name": "Médiation de Bruz", "kind": "RESEAU"}])
    assert await tokens(store, "a1") == ["kreseau0", "twater0"]
    await writer.nodes("Project", [{"id": "p1", "title": "Parc de Bruz", "kind": "COMMONS", "status": "PLANNED"}])
    await writer.relationships("Project", "ABOUT", "Theme", [{"from": "p1", "to": "COMMUNS"}])
    assert await tokens(store, "p1") == ["kcommons0", "tcommuns0"]
    await writer.nodes("Resource", [{"id": "r1", "title": "Guide de l'eau", "kind": "GUIDE"}])
    await writer.relationships(
        "Resource", "ABOUT", "Theme", [{"from": "r1", "to": "WATER"}, {"from": "r1", "to": "DIGITAL_DEMOCRACY"}]
    )
    assert await tokens(store, "r1") == ["kguide0", "tdigital_democracy0", "twater0"]
    assert await search(gql, "actors", "mediation", {"kinds": ["RESEAU"], "themes": ["WATER"]}) == ["Médiation de Bruz"]
    assert await search(gql, "projects", "parc", {"themes": ["COMMUNS"]}) == ["Parc de Bruz"]
    assert await search(gql, "resources", "guide", {"themes": ["DIGITAL_DEMOCRACY"]}) == ["Guide de l'eau"]
    assert await search(gql, "resources", "guide", {"themes": ["DEBAT_PUBLIC"]}) == []
    await all_kept(store)


async def test_every_kind_and_every_theme_finds_its_own_records_only(gql: GraphQL, store: Store) -> None:
    """Each token survives the index's French analyzer as a term of its own: no stop word, no shared stem."""
    writer = BulkWriter(store, source="bulk-test", by="tests")
    await writer.nodes(
        "Actor", [{"id": f"a{i}", "name": f"Acteur {kind}", "kind": kind} for i, kind in enumerate(ACTOR_KINDS)]
    )
    await writer.nodes(
        "Resource", [{"id": f"r{i}", "title": f"Fiche {theme}", "kind": "GUIDE"} for i, theme in enumerate(THEMES)]
    )
    await writer.relationships(
        "Resource", "ABOUT", "Theme", [{"from": f"r{i}", "to": theme} for i, theme in enumerate(THEMES)]
    )
    await writer.nodes(
        "Project",
        [
            {"id": f"p{i}", "title": f"Projet {kind}", "kind": kind, "status": "PLANNED"}
            for i, kind in enumerate(PROJECT_KINDS)
        ],
    )
    await writer.nodes(
        "Resource", [{"id": f"n{i}", "title": f"Note {kind}", "kind": kind} for i, kind in enumerate(RESOURCE_KINDS)]
    )
    for kind in ACTOR_KINDS:
        assert await search(gql, "actors", "acteur", {"kinds": [kind]}) == [f"Acteur {kind}"]
    for kind in PROJECT_KINDS:
        assert await search(gql, "projects", "projet", {"kinds": [kind]}) == [f"Projet {kind}"]
    for kind in RESOURCE_KINDS:
        assert await search(gql, "resources", "note", {"kinds": [kind]}) == [f"Note {kind}"]
    for theme in THEMES:
        assert await search(gql, "resources", "fiche", {"themes": [theme]}) == [f"Fiche {theme}"]


# --- the same answers as the old per-hit test, on a seeded network (bulk writes of the seed) ----------

_PLAIN: dict[str, LiteralString] = {
    # the old filters, after a full-text query on the words alone
    "Actor": "CALL db.index.fulltext.queryNodes('actor_search', $lucene) YIELD node AS n, score WHERE n:Actor "
    "AND (size($kinds) = 0 OR n.kind IN $kinds) "
    "AND (size($themes) = 0 OR EXISTS { MATCH (n)-[:WORKS_ON]->(th:Theme) WHERE th.code IN $themes }) "
    "AND ($area IS NULL OR EXISTS { MATCH (n)-[:BASED_IN]->(:Territory)-[:PART_OF*0..3]->(:Territory {code: $area}) })"
    " RETURN n.id AS id, score ORDER BY score DESC, id",
    "Project": "CALL db.index.fulltext.queryNodes('project_search', $lucene) YIELD node AS n, score WHERE n:Project "
    "AND (size($kinds) = 0 OR n.kind IN $kinds) "
    "AND (size($themes) = 0 OR EXISTS { MATCH (n)-[:ABOUT]->(th:Theme) WHERE th.code IN $themes }) "
    "AND ($area IS NULL OR EXISTS { MATCH (n)-[:LOCATED_IN]->(:Territory)-[:PART_OF*0..3]->"
    "(:Territory {code: $area}) }) RETURN n.id AS id, score ORDER BY score DESC, id",
    "Resource": "CALL db.index.fulltext.queryNodes('resource_search', $lucene) YIELD node AS n, score WHERE n:Resource "
    "AND (size($kinds) = 0 OR n.kind IN $kinds) "
    "AND (size($themes) = 0 OR EXISTS { MATCH (n)-[:ABOUT]->(th:Theme) WHERE th.code IN $themes }) "
    "AND ($area IS NULL OR EXISTS { MATCH (n)-[:DOCUMENTS]->(:Conflict|Project)-[:LOCATED_IN]->(:Territory)"
    "-[:PART_OF*0..3]->(:Territory {code: $area}) }) "
    "RETURN n.id AS id, score ORDER BY score DESC, id",
}

_WORDS: LiteralString = (
    "MATCH (n) WHERE n:Actor OR n:Project OR n:Resource UNWIND split(n.searchText, ' ') AS word "
    "WITH labels(n)[0] AS label, word WHERE size(word) >= 6 "
    "WITH label, word, count(*) AS uses ORDER BY uses DESC, word "
    "RETURN label, collect(word)[..2] AS words"
)


async def test_kind_and_theme_searches_answer_as_the_old_per_hit_filter_on_a_seeded_network(store: Store) -> None:
    await seed_network(store, small_demo("facets"), territories=bretagne_territories())
    await all_kept(store)
    words = {row["label"]: row["words"] for row in await store.read("t", _WORDS)}
    kinds = {
        "Actor": (("ASSOCIATION",), ("COLLECTIVITE", "BUREAU_ETUDES")),
        "Project": (("DEVELOPMENT",), ("COMMONS", "PARTICIPATORY_PROCESS")),
        "Resource": (("GUIDE",), ("ARTICLE", "CASE_STUDY")),
    }
    pages: dict[str, Callable[[Store, Any, ListRequest], Awaitable[Page]]] = {
        "Actor": actor_page,
        "Project": project_page,
        "Resource": resource_page,
    }
    compared = filtered_out = 0
    for label, page in pages.items():
        for word in words[label]:
            for kind, themes, area in (
                (kinds[label][0], (), None),
                (kinds[label][1], (), None),
                ((), ("CONCERTATION",), None),
                ((), ("WATER", "ENERGY", "MEDIATION"), None),
                (kinds[label][1], ("PARTICIPATION", "CONCERTATION"), None),
                (kinds[label][0], (), "35"),
            ):
                lucene = f"+searchText:(+({word} OR {word}*))"
                expected = await store.read(
                    "t", _PLAIN[label], {"lucene": lucene, "kinds": list(kind), "themes": list(themes), "area": area}
                )
                everything = await store.read(
                    "t", _PLAIN[label], {"lucene": lucene, "kinds": [], "themes": [], "area": None}
                )
                filters: Any
                if label == "Actor":
                    filters = ActorFilter(kinds=kind, themes=themes)
                elif label == "Project":
                    filters = ProjectFilter(kinds=kind, themes=themes)
                else:
                    filters = ResourceFilter(kinds=kind, themes=themes)
                got = await page(store, filters, ListRequest(first=1000, search=word, area=area))
                assert got.total == len(expected), (label, word, kind, themes, area)
                assert [(item["id"], item["_score"]) for item in got.items] == [
                    (row["id"], row["score"]) for row in expected
                ], (label, word, kind, themes, area)
                # a short page is the head of the same order, and counts the same total
                head = await page(store, filters, ListRequest(first=3, search=word, area=area))
                assert [item["id"] for item in head.items] == [row["id"] for row in expected[:3]]
                assert head.total == len(expected)
                compared += len(expected)
                filtered_out += len(everything) - len(expected)
    assert compared > 50  # the searches found records…
    assert filtered_out > 50  # … and the filters left others out


async def test_a_record_written_around_the_writers_is_found_and_fixed_by_tec_db_check(
    gql: GraphQL, store: Store, neo4j_uri: str
) -> None:
    # As a Neo4j console would write them: one actor without facets, one whose theme was added around the service.
    await store.write(
        "t",
        "MATCH (bruz:Territory {id: 'COMMUNE-35047'}), (water:Theme {code: 'WATER'}) "
        "CREATE (a:Actor {id: 'a1', name: 'Médiation sans facettes', kind: 'ASSOCIATION', caseTypes: [], "
        "  areaCodes: ['c35047', 'd35', 'e243500139', 'r53'], nameKey: 'mediation sans facettes', "
        "  searchText: 'mediation sans facettes'}), "
        "(b:Actor {id: 'a2', name: 'Médiation au thème oublié', kind: 'ASSOCIATION', caseTypes: [], "
        "  areaCodes: ['c35047', 'd35', 'e243500139', 'r53'], facetCodes: ['kassociation0'], "
        "  nameKey: 'mediation au theme oublie', searchText: 'mediation au theme oublie'}), "
        "(a)-[:BASED_IN]->(bruz), (b)-[:BASED_IN]->(bruz), (b)-[:WORKS_ON]->(water)",
    )
    assert await search(gql, "actors", "mediation", {"kinds": ["ASSOCIATION"]}) == ["Médiation au thème oublié"]
    assert await search(gql, "actors", "mediation", {"themes": ["WATER"]}) == []  # the index trusts the list

    env = {"NEO4J_URI": neo4j_uri, "TEC_ENV": "test"}
    checked = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check"], env=env)
    assert checked.exit_code == 1, checked.output
    assert "Actor facets: 2 of 2 differ from the graph: a1, a2" in checked.output
    assert "Actor territory ancestry: all 2 match the graph." in checked.output
    assert "territory, kind or theme filter may miss records: run `tec db check --fix`" in checked.output
    assert await tokens(store, "a1") is None  # a check changes nothing

    fixed = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check", "--fix"], env=env)
    assert fixed.exit_code == 0, fixed.output
    assert "Recomputed: every checked property matches the graph." in fixed.output
    assert await tokens(store, "a1") == ["kassociation0"]
    assert await tokens(store, "a2") == ["kassociation0", "twater0"]
    assert await search(gql, "actors", "mediation", {"kinds": ["ASSOCIATION"]}) == [
        "Médiation au thème oublié",
        "Médiation sans facettes",
    ]
    assert await search(gql, "actors", "mediation", {"themes": ["WATER"]}) == ["Médiation au thème oublié"]
    again = await asyncio.to_thread(CliRunner().invoke, app, ["db", "check"], env=env)
    assert again.exit_code == 0, again.output
    assert "Actor facets: all 2 match the graph." in again.output


async def test_migration_33_indexes_the_facets_and_fills_them_in_for_existing_records(store: Store) -> None:
    await store.write(
        "t",
        "CREATE (:Actor {id: 'old', name: 'Réseau ancien', kind: 'RESEAU', searchText: 'reseau ancien', "
        "  areaCodes: []})",
    )
    migration = next(m for m in MIGRATIONS if m.version == 33)
    for statement in migration.statements:
        await store.run_schema(statement)
    await store.run_schema("CALL db.awaitIndexes(300)")
    assert await tokens(store, "old") == ["kreseau0"]
    indexes = await store.read(
        "t",
        "SHOW FULLTEXT INDEXES YIELD name, properties WHERE name IN ['actor_search', 'project_search', "
        "'resource_search', 'conflict_search'] RETURN name, properties ORDER BY name",
    )
    assert {row["name"]: row["properties"] for row in indexes} == {
        "actor_search": ["searchText", "areaCodes", "facetCodes"],
        "conflict_search": ["searchText", "areaCodes"],
        "project_search": ["searchText", "areaCodes", "facetCodes"],
        "resource_search": ["searchText", "areaCodes", "facetCodes"],
    }
