"""What a neighbourhood shows of a node (graph/exploration.py), decided in Python after the query: internal
keys never, contact fields only with a role, a sponsorship's party-only fields never; values as JSON."""

from __future__ import annotations

import datetime as dt

from neo4j.spatial import WGS84Point
from neo4j.time import Date, DateTime

from graph.exploration import display_label, plain, public_properties

ACTOR = {
    "id": "a1",
    "name": "Collectif Vilaine",
    "email": "contact@vilaine.example.fr",
    "phone": "02 99 00 00 00",
    "contactName": "Inès",
    "searchText": "collectif vilaine",
    "nameKey": "collectif vilaine",
    "caseTypes": ["EOLIEN"],
    "createdBy": "apikey:k1",
    "kind": "ASSOCIATION",
}


def test_an_anonymous_caller_sees_neither_internal_keys_nor_contact_fields() -> None:
    assert public_properties(ACTOR, include_private=False) == {
        "id": "a1",
        "name": "Collectif Vilaine",
        "kind": "ASSOCIATION",
    }


def test_a_caller_with_a_role_also_sees_the_contact_fields() -> None:
    assert public_properties(ACTOR, include_private=True) == {
        "id": "a1",
        "name": "Collectif Vilaine",
        "email": "contact@vilaine.example.fr",
        "phone": "02 99 00 00 00",
        "contactName": "Inès",
        "kind": "ASSOCIATION",
    }


def test_a_sponsorships_party_only_fields_never_appear_in_a_subgraph() -> None:
    sponsorship = {"id": "s1", "status": "PROPOSED", "need": "Un médiateur", "feedback": "ok", "declineReason": "x"}
    shown = public_properties(sponsorship, include_private=True, labels=["Sponsorship"])
    assert shown == {"id": "s1", "status": "PROPOSED"}
    # the same keys on another label are ordinary properties
    assert public_properties({"need": "n"}, include_private=False, labels=["Conflict"]) == {"need": "n"}


def test_values_become_json_text_points_and_lists() -> None:
    assert plain(Date(2026, 2, 28)) == "2026-02-28"
    assert plain(DateTime(2026, 12, 6, 7, 38, 1, 0, tzinfo=dt.UTC)) == "2026-12-06T07:38:01.000000000+00:00"
    assert plain(dt.date(2020, 1, 2)) == "2020-01-02"
    assert plain(WGS84Point((-1.6778001, 48.1173004))) == {"lat": 48.1173, "lon": -1.6778}
    assert plain({"when": [Date(2020, 1, 1)], "n": 3, "ok": True, "none": None}) == {
        "when": ["2020-01-01"],
        "n": 3,
        "ok": True,
        "none": None,
    }


def test_a_node_is_labelled_by_its_name_title_label_code_or_need_then_its_id() -> None:
    assert display_label({"id": "a1", "name": "Collectif", "title": "t"}) == "Collectif"
    assert display_label({"id": "c1", "title": "Parc éolien"}) == "Parc éolien"
    assert display_label({"id": "t1", "code": "35238"}) == "35238"
    assert display_label({"id": "s1", "need": "Un médiateur"}) == "Un médiateur"
    assert display_label({"id": "x1", "name": ""}) == "x1"
