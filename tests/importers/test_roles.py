"""Roles as partners give them: the network-members preset keeps legal and technical expertise apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.store import Store
from importers.partners import import_file
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("reference_data")

ROLES = """
query($id: String!) {
  actor(source: "network-members", externalId: $id) { conflicts { role expertise roleLabel } }
}
"""


def member(identifier: str, name: str, role: str) -> dict[str, object]:
    reference = {"titre": f"Lotissement ({name})", "code_insee": "41046", "annee": 2017, "type_conflit": "lotissement",
                 "famille": "AMENAGEMENT", "role": role, "issue": "en cours"}  # fmt: skip
    return {"identifiant": identifier, "nom": name, "type": "bureau d'études", "siege": {"code_insee": "42012"},
            "competences": [], "accepte_mecenat": False, "references": [reference]}  # fmt: skip


async def test_legal_and_technical_expertise_are_kept_beside_the_expert_role(
    gql: GraphQL, store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "members.jsonl"
    members = [
        member("NET-1", "Cabinet Droit et Territoires", "expertise juridique"),
        member("NET-2", "Ingénierie des Sols", "expertise technique"),
        member("NET-3", "Médiations du Loir", "médiation"),
    ]
    path.write_text("\n".join(json.dumps(m, ensure_ascii=False) for m in members) + "\n", encoding="utf-8")

    summary = await import_file(store, path, "network-members")

    assert summary.rejected == 0
    seen = {}
    for identifier in ("NET-1", "NET-2", "NET-3"):
        body = (await gql(ROLES, {"id": identifier})).json()
        (seen[identifier],) = body["data"]["actor"]["conflicts"]
    assert seen == {
        "NET-1": {"role": "EXPERT", "expertise": "LEGAL", "roleLabel": "expertise juridique"},
        "NET-2": {"role": "EXPERT", "expertise": "TECHNICAL", "roleLabel": "expertise technique"},
        "NET-3": {"role": "MEDIATOR", "expertise": None, "roleLabel": "médiation"},
    }
