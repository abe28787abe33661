"""What a list page may leave out of its nodes: the properties no field of the request's document can show.

A directory page asking `id name basedIn { code name }` does not need each actor's description, contact
details or location, nor each commune's population and centroid: Neo4j reads and sends them, the driver
decodes them, for nothing. `UNSHOWN` lists, per label, the properties that only some fields read, with
those fields' names; a property is left out when none of them is asked anywhere in the document
(`schema.selection.asked_field_names`: a field name counts on whatever type it is asked, so the answer
errs on keeping). A property not listed is always returned: the table can only be incomplete towards
sending too much. `tests/schema/test_projection.py` asks each field of these types alone through a
page and through its record asked alone, and compares.
"""

from __future__ import annotations

from schema.context import Info
from schema.selection import asked_field_names

UNSHOWN: dict[str, dict[str, frozenset[str]]] = {
    "Actor": {
        "description": frozenset({"description"}),
        "website": frozenset({"website"}),
        "email": frozenset({"email"}),
        "phone": frozenset({"phone"}),
        "contactName": frozenset({"contactName"}),
        "location": frozenset({"location"}),
        "siren": frozenset({"siren"}),
        "siret": frozenset({"siret"}),
        "rna": frozenset({"rna"}),
        "nameKey": frozenset(),  # the folded name the graph sorts by; no field shows it
    },
    "Territory": {
        "population": frozenset({"population"}),
        "zone": frozenset({"zone"}),
        "location": frozenset({"location"}),
        "centroidSource": frozenset({"centroidSource"}),
        "epciNature": frozenset({"epciNature"}),
        "nameKey": frozenset(),
    },
    "Theme": {
        "description": frozenset({"description"}),
    },
}


def unshown(info: Info, label: str | None) -> tuple[str, ...]:
    """The properties of `label` nodes that no field of this request's document can show."""
    table = UNSHOWN.get(label or "")
    if not table:
        return ()
    asked = asked_field_names(info)
    return tuple(sorted(name for name, readers in table.items() if readers.isdisjoint(asked)))
