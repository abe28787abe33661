"""Find the commune a row is about: by INSEE code, by postal code and name, or by coordinates.

The communes come from the graph (the loaded reference territories), once per import. There is no
postal-code table in the reference snapshot, so a postal code only gives the département (its first
two digits; three in the overseas départements; 2A or 2B for 20xxx) and the commune is the one of that
département whose name matches once folded (`graph.text.fold`: case, accents, hyphens, "St"/"Saint"
do not matter; "CEDEX" suffixes, arrondissement numbers of Paris, Lyon and Marseille and the old
"NAME (LA)" article order are understood). Coordinates give the commune whose centroid is nearest,
through the graph's point index. A place that cannot be found is never guessed: the row is rejected
with the reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from graph.text import fold

_INSEE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
_POSTAL = re.compile(r"^\d{5}$")
_TRAILING_ARTICLE = re.compile(r"^(?P<name>.+?)\s*\((?P<article>l'|l’|le|la|les)\)\s*$", re.IGNORECASE)
_CEDEX = re.compile(r"\s+cedex(\s+\d+)?$")
_ARRONDISSEMENT = re.compile(r"^(paris|lyon|marseille)\s+\d+(\s*(e|er|eme))?(\s+arrondissement)?$")


@dataclass(frozen=True, slots=True)
class Unresolved:
    """Why a place could not be found: the field at fault, its value and a sentence."""

    field: str
    value: str
    reason: str


def commune_departement(code: str) -> str:
    """The département of an INSEE commune code (`35238` → `35`, `97411` → `974`, `2A004` → `2A`)."""
    return code[:3] if code.startswith(("97", "98")) else code[:2]


def postal_departements(postal: str) -> tuple[str, ...]:
    """The départements a postal code may belong to (from its leading digits)."""
    if postal.startswith(("97", "98")):
        return (postal[:3],)
    if postal.startswith("20"):
        return ("2A", "2B")
    return (postal[:2],)


def commune_key(name: str) -> str:
    """The folded name a commune is looked up by (`BOISSIERE (LA)` → `la boissiere`)."""
    match = _TRAILING_ARTICLE.match(name.strip())
    if match:
        article = match["article"].lower()
        separator = "" if article in ("l'", "l’") else " "
        name = f"{article}{separator}{match['name']}"
    key = _CEDEX.sub("", fold(name))
    arrondissement = _ARRONDISSEMENT.match(key)
    return arrondissement.group(1) if arrondissement else key


def normalize_insee(value: str) -> str:
    """Codes that lost their leading zero in a spreadsheet (`1004`) get it back; `2a004` → `2A004`."""
    code = value.strip().upper()
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


Commune = tuple[str, str, str | None]  # (INSEE code, name, folded name key or None)


class PlaceIndex:
    """The communes of the graph, by code and (built on first use) by (département, folded name).

    Built from (code, name, key) triples, or (`of_codes`) from the codes alone, the names being read
    the first time a row gives a postal code and a name (`load_names`): an import of a file whose rows
    all carry an INSEE code never reads the 35,000 names."""

    def __init__(self, communes: Iterable[Commune]) -> None:
        listed = list(communes)
        self.codes = {code for code, _, _ in listed}
        self._communes: list[Commune] | None = listed
        self.load_names: Callable[[], Iterable[Commune]] | None = None
        self._index: dict[tuple[str, str], list[str]] | None = None

    @classmethod
    def of_codes(cls, codes: Iterable[str]) -> PlaceIndex:
        """An index of the codes alone; set `load_names` before a name is looked up."""
        index = cls(())
        index.codes = set(codes)
        index._communes = None
        return index

    def __len__(self) -> int:
        return len(self.codes)

    def _by_name(self) -> dict[tuple[str, str], list[str]]:
        if self._index is None:
            communes = self._communes
            if communes is None:
                if self.load_names is None:
                    raise RuntimeError("PlaceIndex.load_names is not set: the commune names cannot be read")
                communes = list(self.load_names())
            by_code = {code: (name, key) for code, name, key in communes}  # a code listed twice counts once
            index: dict[tuple[str, str], list[str]] = defaultdict(list)
            for code, (name, key) in by_code.items():
                index[(commune_departement(code), key or commune_key(name))].append(code)
            self._index = index
        return self._index

    def by_insee(self, field: str, value: str) -> str | Unresolved:
        code = normalize_insee(value)
        if not _INSEE.match(code):
            return Unresolved(field, value, "not an INSEE commune code (5 characters, e.g. 35238 or 2A004)")
        if code not in self.codes:
            return Unresolved(
                field, value, f"no commune has the INSEE code {code} (a merged or former commune? use the current code)"
            )
        return code

    def by_postal_name(self, fields: tuple[str, str], postal_value: str, name: str) -> str | Unresolved:
        postal = postal_value.strip()
        postal = postal.zfill(5) if postal.isdigit() and len(postal) == 4 else postal
        if not _POSTAL.match(postal):
            return Unresolved(fields[0], postal_value, "not a postal code (5 digits)")
        key = commune_key(name)
        departements = postal_departements(postal)
        by_name = self._by_name()
        codes = [code for dep in departements for code in by_name.get((dep, key), [])]
        if not codes:
            where = " or ".join(departements)
            return Unresolved(
                fields[1], name, f"no commune named {name!r} in département {where} (from postal code {postal})"
            )
        if len(codes) > 1:
            return Unresolved(
                fields[1],
                name,
                f"several communes are named {name!r} near {postal} ({', '.join(codes)}): give the INSEE code",
            )
        return codes[0]


def parse_coordinate(value: object, low: float, high: float) -> float | None:
    """A float in [low, high] from a number or a text with a decimal point or comma; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    else:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            return None
    return number if low <= number <= high else None
