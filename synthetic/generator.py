"""A deterministic generator of the demo and scale networks, on the real territories.

The same size and seed give the same rows, ids included (uuid5 of the network's name, the label and
an index), so loading a network twice converges. Places come from the territory snapshot (or any
subset of it), conflict types and themes from the taxonomy. docs/demo-data.md says what it holds.
"""

from __future__ import annotations

import heapq
import math
import random
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from typing import Any

from neo4j.spatial import WGS84Point

from graph.model import RESOURCE_KINDS, TASK_FORCE_ROLES, RelationshipKey
from graph.text import fold
from importers.reference import ConflictTypeRecord, Taxonomy, TerritoryRecord
from synthetic import names
from synthetic.geography import Geography, Grid, km

ID_NAMESPACE = uuid.UUID("0d6b7f0e-8a51-4d8e-b6a2-3f1c9c2e7a41")
NEAR_CELL = 0.1  # degrees: the cells of the actor grids and of the "nearest actors" cache
RESOURCE_SITE = "https://ressources.territoires-en-commun.example.fr"
TODAY = date(2026, 6, 30)  # the generated world's "today": cases start 2005–2026 and end by then
Row = dict[str, Any]


@dataclass(frozen=True)
class NetworkSize:
    """How much to generate; `involvements` is the per-conflict range (the total is its mean × conflicts)."""

    name: str
    actors: int
    conflicts: int
    involvements: tuple[int, int]
    projects: int
    resources: int
    cooperations: int
    applications: int
    sponsorships: int
    task_forces: int
    hotspots: int
    anchor_cases: int
    focus: tuple[tuple[str, float], ...] = ()  # région code → weight multiplier for places


DEMO = NetworkSize(
    "demo", 3_000, 1_200, (3, 6), 800, 600, 6_000, 40, 12, 2, 30, 4, focus=(("53", 4.0), ("75", 3.0), ("52", 1.5))
)
SCALE = NetworkSize("scale", 50_000, 20_000, (2, 4), 10_000, 10_000, 100_000, 400, 200, 20, 300, 10)
SIZES = {size.name: size for size in (DEMO, SCALE)}
# The sizes `tec bench --growth` measures (actors of the scale network).
GROWTH_ACTORS: tuple[int, ...] = (3_000, 50_000, 200_000)
MIN_SCALED_ACTORS = 1_000
MAX_SCALED_ACTORS = 1_000_000


def scaled(actors: int, base: NetworkSize = SCALE) -> NetworkSize:
    """The scale network with `actors` actors, every other count in proportion (at least 1 of each).

    The anchor cases (the benchmark's known places) stay as they are; the name stays `scale`, so a seed
    of another size replaces the previous one with `--reset`.
    """
    if not MIN_SCALED_ACTORS <= actors <= MAX_SCALED_ACTORS:
        raise ValueError(f"the network takes {MIN_SCALED_ACTORS:,} to {MAX_SCALED_ACTORS:,} actors, not {actors:,}")
    if actors == base.actors:
        return base
    ratio = actors / base.actors

    def part(count: int) -> int:
        return max(1, round(count * ratio))

    return replace(
        base,
        actors=actors,
        conflicts=part(base.conflicts),
        projects=part(base.projects),
        resources=part(base.resources),
        cooperations=part(base.cooperations),
        applications=part(base.applications),
        sponsorships=part(base.sponsorships),
        task_forces=part(base.task_forces),
        hotspots=part(base.hotspots),
    )


# Shares of the non-collectivité kinds; collectivités (régions, départements, EPCI, communes) take the rest.
KIND_SHARES = (
    ("ASSOCIATION", 0.30),
    ("COLLECTIF_CITOYEN", 0.12),
    ("ENTREPRISE", 0.11),
    ("BUREAU_ETUDES", 0.10),
    ("SERVICE_ETAT", 0.07),
    ("CHERCHEUR", 0.06),
    ("RESEAU", 0.02),
    ("AUTRE", 0.02),
)
ROLE_KINDS = {
    "MEDIATOR": ("BUREAU_ETUDES", "ASSOCIATION", "SERVICE_ETAT", "RESEAU"),
    "FACILITATOR": ("BUREAU_ETUDES", "ASSOCIATION", "AUTRE"),
    "EXPERT": ("CHERCHEUR", "BUREAU_ETUDES", "SERVICE_ETAT"),
    "OPPONENT": ("COLLECTIF_CITOYEN", "ASSOCIATION"),
    "SUPPORTER": ("ASSOCIATION", "ENTREPRISE", "COLLECTIVITE", "AUTRE"),
    "PROJECT_OWNER": ("ENTREPRISE",),
}
KNOW_HOW_ROLES = ("MEDIATOR", "FACILITATOR", "PUBLIC_AUTHORITY", "EXPERT")
KIND_THEMES = {
    "COLLECTIVITE": (("PARTICIPATION", "CONCERTATION"), 2),
    "ASSOCIATION": (("WATER", "BIODIVERSITY", "ENERGY", "AGRICULTURE_FOOD", "CONCERTATION", "COMMUNS"), 2),
    "COLLECTIF_CITOYEN": (("WATER", "BIODIVERSITY", "URBANISM", "MOBILITY", "AGRICULTURE_FOOD"), 1),
    "ENTREPRISE": (("ENERGY", "URBANISM", "WASTE_CIRCULAR", "AGRICULTURE_FOOD"), 1),
    "BUREAU_ETUDES": (("CONCERTATION", "MEDIATION", "PARTICIPATION", "DEBAT_PUBLIC"), 2),
    "RESEAU": (("PARTICIPATION", "MEDIATION", "COMMUNS", "DIGITAL_DEMOCRACY"), 2),
    "SERVICE_ETAT": (("WATER", "BIODIVERSITY", "URBANISM", "ENERGY", "DEBAT_PUBLIC"), 1),
    "CHERCHEUR": (("MEDIATION", "CONCERTATION", "CLIMATE_ADAPTATION"), 1),
    "AUTRE": (("COMMUNS", "TOURISM", "CLIMATE_ADAPTATION", "BIODIVERSITY"), 1),
}
CATEGORY_THEME = {
    "ENERGY": "ENERGY", "TRANSPORT": "MOBILITY", "WATER_WORKS": "WATER", "EXTRACTION": "BIODIVERSITY",
    "WASTE": "WASTE_CIRCULAR", "URBAN": "URBANISM", "INDUSTRY": "URBANISM", "TOURISM_LEISURE": "TOURISM",
    "FARMING_FACILITY": "AGRICULTURE_FOOD", "WATER_SHARING": "WATER", "FARMLAND": "AGRICULTURE_FOOD",
    "AGRI_NEIGHBOURHOOD": "AGRICULTURE_FOOD", "NOISE": "URBANISM", "TOURISM_PRESSURE": "TOURISM",
    "NATURE_ACCESS": "BIODIVERSITY", "PUBLIC_SPACE": "URBANISM", "MOBILITY_SHARING": "MOBILITY",
    "FOREST_USE": "BIODIVERSITY",
}  # fmt: skip
TYPE_WEIGHTS = {
    "ONSHORE_WIND": 6, "IRRIGATION_RESERVOIR": 4, "HOUSING_ESTATE": 4, "GROUND_SOLAR": 3, "BIOGAS_PLANT": 3,
    "QUARRY": 3, "LOGISTICS_WAREHOUSE": 3, "PESTICIDE_SPRAYING": 3, "SHORT_TERM_RENTALS": 2, "ROAD": 2,
    "FARMLAND_VS_BUILDING": 2, "IRRIGATION_VS_DRINKING": 2, "COMMERCIAL_ZONE": 2, "INTENSIVE_LIVESTOCK": 2,
    "ROAD_SPACE_SHARING": 2,
}  # fmt: skip
COASTAL_TYPES = frozenset({"OFFSHORE_WIND", "PORT", "COASTAL_ACCESS"})
MOUNTAIN_TYPES = frozenset({"SKI_RESORT", "HYDRO_DAM", "DAM"})
URBAN_TYPES = frozenset({
    "URBAN_RENEWAL", "NIGHT_LIFE", "TRAFFIC_NOISE", "SHORT_TERM_RENTALS", "PUBLIC_SPACE_OCCUPATION", "MARKETS",
    "PARKING", "ROAD_SPACE_SHARING", "TRAFFIC_RESTRICTION", "DATA_CENTRE", "INCINERATOR", "EVENTS",
})  # fmt: skip
RURAL_TYPES = frozenset({
    "ONSHORE_WIND", "GROUND_SOLAR", "AGRIVOLTAICS", "BIOGAS_PLANT", "IRRIGATION_RESERVOIR", "QUARRY", "SAND_GRAVEL",
    "INTENSIVE_LIVESTOCK", "PESTICIDE_SPRAYING", "ODOURS", "RURAL_SOUNDS", "HUNTING_VS_WALKERS",
    "LOGGING_VS_RECREATION", "FOREST_ACCESS", "FARMLAND_ACCESS", "LANDFILL", "MINE", "IRRIGATION_VS_DRINKING",
})  # fmt: skip
COASTAL_DEPTS = frozenset({
    "06", "11", "13", "14", "17", "22", "29", "2A", "2B", "30", "33", "34", "35", "40", "44", "50", "56", "59", "62",
    "64", "66", "76", "80", "83", "85", "971", "972", "973", "974", "976",
})  # fmt: skip
MOUNTAIN_DEPTS = frozenset({
    "01", "04", "05", "06", "09", "15", "25", "2A", "2B", "31", "38", "39", "63", "64", "65", "66", "68", "73", "74",
    "88",
})  # fmt: skip
# Places known for some conflict types: every network has `anchor_cases` cases of each near them.
ANCHORS = (
    ("35238", ("ONSHORE_WIND", "IRRIGATION_RESERVOIR", "HOUSING_ESTATE", "ROAD_SPACE_SHARING")),  # Rennes
    ("22222", ("ONSHORE_WIND", "COASTAL_ACCESS", "PESTICIDE_SPRAYING")),  # Plouha
    ("79297", ("IRRIGATION_RESERVOIR", "IRRIGATION_VS_DRINKING")),  # Sainte-Soline
    ("79170", ("IRRIGATION_RESERVOIR", "RIVER_USES")),  # Mauzé-sur-le-Mignon
    ("86194", ("ONSHORE_WIND", "GROUND_SOLAR")),  # Poitiers
    ("16015", ("ONSHORE_WIND", "QUARRY")),  # Angoulême
    ("33063", ("URBAN_RENEWAL", "LOGISTICS_WAREHOUSE", "SHORT_TERM_RENTALS")),  # Bordeaux
)
PHONE_PREFIX = {"11": "01", "24": "02", "28": "02", "52": "02", "53": "02", "32": "03", "44": "03", "27": "03"}
PHONE_PREFIX.update({"75": "05", "76": "05", "01": "0590", "02": "0596", "03": "0594", "04": "0262", "06": "0269"})


@dataclass
class Network:
    """Rows ready for `graph.bulk.BulkWriter`: nodes by label, relationships by (start, type, end)."""

    name: str
    nodes: dict[str, list[Row]] = field(default_factory=dict)
    links: dict[RelationshipKey, list[Row]] = field(default_factory=dict)

    def node_counts(self) -> dict[str, int]:
        return {label: len(rows) for label, rows in self.nodes.items()}

    def link_counts(self) -> dict[str, int]:
        """Relationships by type (ABOUT, LOCATED_IN… summed over their endpoint labels)."""
        counts: Counter[str] = Counter()
        for (_, rel_type, _), rows in self.links.items():
            counts[rel_type] += len(rows)
        return dict(counts)

    def territory_ids(self) -> list[str]:
        """Every territory id the network links to, sorted (to check they exist before loading)."""
        return sorted({row["to"] for key, rows in self.links.items() if key[2] == "Territory" for row in rows})


def _point(commune: TerritoryRecord) -> WGS84Point:
    return WGS84Point((commune.lon, commune.lat))


def _tid(record: TerritoryRecord) -> str:
    return f"{record.level}-{record.code}"


def _luhn_complete(digits: str) -> str:
    """`digits` plus the check digit that makes the whole number Luhn-valid (SIREN, SIRET)."""
    total = 0
    for position, char in enumerate(reversed(digits + "0")):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return digits + str((10 - total % 10) % 10)


def _slug(text: str, words: int = 5) -> str:
    return "-".join(fold(text).split()[:words])[:40].strip("-") or "contact"


def _themes_phrase(codes: Sequence[str]) -> str:
    words = [names.THEME_WORDS.get(code, code.lower()) for code in codes]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


# --- the generator ---------------------------------------------------------------------------------


@dataclass
class _Actor:
    index: int
    id: str
    kind: str
    name: str
    commune: TerritoryRecord
    themes: list[str]
    governs: TerritoryRecord | None = None
    open: bool = False
    capacity: int = 2


@dataclass
class _Conflict:
    index: int
    id: str
    type: ConflictTypeRecord
    category: str
    commune: TerritoryRecord
    title: str
    status: str
    outcome: str
    start: date
    end: date | None
    actors: list[tuple[int, str]] = field(default_factory=list)


def generate(size: NetworkSize, geography: Geography, taxonomy: Taxonomy, *, seed: int = 2026) -> Network:
    """Build the whole network in memory (the scale one takes a few seconds)."""
    return _Builder(size, geography, taxonomy, seed).network()


class _Builder:
    def __init__(self, size: NetworkSize, geo: Geography, taxonomy: Taxonomy, seed: int) -> None:
        self.size = size
        self.geo = geo
        self.rng = random.Random(f"{size.name}:{seed}")
        self.net = Network(size.name)
        self.themes = [theme.code for theme in taxonomy.themes]
        by_code = {t.code: t for t in taxonomy.conflict_types}
        self.leaf_types = [t for t in taxonomy.conflict_types if t.level == 3 and t.code in names.CONFLICT_TEXTS]
        if not self.leaf_types:
            raise ValueError("the taxonomy has no conflict type the generator knows how to describe")
        self.category = {t.code: (t.parent or t.code) for t in self.leaf_types}
        self.type_by_code = {t.code: t for t in self.leaf_types}
        self.label = {code: t.label for code, t in by_code.items()}
        focus = dict(size.focus)
        self.weight = [
            (c.population or 1) ** 0.8 * focus.get(c.region or "", 1.0) for c in geo.communes
        ]  # people attract actors
        self.cum_weight = list(accumulate(self.weight))
        self.place_pools: dict[str, tuple[list[TerritoryRecord], list[float]]] = {}
        self.actors: list[_Actor] = []
        self.conflicts: list[_Conflict] = []
        self.governor: dict[str, int] = {}  # territory id → the collectivité actor governing it
        self.pools: dict[str, Grid] = {}
        self.pool_members: dict[str, list[int]] = {}
        self.actor_lat: list[float] = []
        self.actor_lon: list[float] = []
        self.nearest_cache: dict[tuple[str, int, int], list[tuple[float, int]]] = {}
        self.experience: dict[int, Counter[str]] = {}
        self.used_names: set[str] = set()
        self.pairs: set[tuple[int, int]] = set()
        self.members: dict[int, list[int]] = {}  # network actor → member actors

    # helpers -------------------------------------------------------------------------------------

    def uid(self, label: str, index: int) -> str:
        return str(uuid.uuid5(ID_NAMESPACE, f"{self.size.name}/{label}/{index}"))

    def rows(self, label: str) -> list[Row]:
        return self.net.nodes.setdefault(label, [])

    def link(self, start: str, rel_type: str, end: str, source: str, target: str, **props: Any) -> None:
        row: Row = {"from": source, "to": target}
        if props:
            row["props"] = {key: value for key, value in props.items() if value is not None}
        self.net.links.setdefault((start, rel_type, end), []).append(row)

    def pick_communes(self, count: int, weights: Sequence[float], pool: Sequence[TerritoryRecord]) -> list[int]:
        """`count` distinct indexes of `pool`, weighted (Efraimidis–Spirakis), in a stable order."""
        keyed = [(self.rng.random() ** (1.0 / w), i) for i, w in enumerate(weights) if w > 0]
        keyed.sort(reverse=True)
        return [i for _, i in keyed[: min(count, len(pool))]]

    def unique_name(self, name: str, commune: TerritoryRecord) -> str:
        """`name`, or `name` told apart by its commune (or, when it names it already, its département)."""
        candidate = name
        if candidate in self.used_names:
            place = self.geo.dept_name(commune) if commune.name in name else commune.name
            candidate = f"{name} ({place})" if commune.name in name else f"{name} – {place}"
        suffix = 2
        while candidate in self.used_names:
            candidate = f"{name} – {commune.name} ({suffix})"
            suffix += 1
        self.used_names.add(candidate)
        return candidate

    def fill(self, template: str, commune: TerritoryRecord, **extra: str) -> str:
        region = self.geo.regions.get(commune.region or "")
        dept = self.geo.departements.get(commune.departement or "")
        slots = {
            "de_pays": self.geo.de_area(commune, self.rng),
            "de_commune": names.de_commune(commune.name),
            "a_commune": names.a_commune(commune.name),
            "commune": commune.name,
            "de_dept": names.de_departement(dept.code, dept.name) if dept else names.de_commune(commune.name),
            "dept_code": commune.departement or "",
            "region": region.name if region else commune.name,
            "de_region": names.de_region(region.code, region.name) if region else names.de_commune(commune.name),
            "de_lieu": names.de_lieu(self.rng.choice(names.LIEU_HEADS), self.rng.choice(names.LIEU_TAILS)),
            "quartier": self.rng.choice(names.QUARTIERS),
            "Root": self.rng.choice(names.ROOTS),
            "Nature": self.rng.choice(names.NATURES),
            "last": self.rng.choice(names.LAST_NAMES),
            "n": str(self.rng.randint(2, 9)),
        }
        slots.update(extra)
        return template.format(**slots)

    def nearest(self, pool: str, commune: TerritoryRecord, k: int = 40) -> list[tuple[float, int]]:
        """About the `k` actors of `pool` nearest to a commune, as (km, actor index).

        Measured from the centre of the commune's 0.1° cell and cached per cell: neighbouring communes
        share one answer, which is close enough for a generator and several times faster.
        """
        row, col = math.floor(commune.lat / NEAR_CELL), math.floor(commune.lon / NEAR_CELL)
        key = (pool, row, col)
        cached = self.nearest_cache.get(key)
        if cached is not None:
            return cached
        lat, lon = (row + 0.5) * NEAR_CELL, (col + 0.5) * NEAR_CELL
        found = self.pools[pool].nearby(lat, lon, k) or self.pool_members.get(pool, [])
        x_km = math.cos(math.radians(lat)) * 111.32
        alat, alon = self.actor_lat, self.actor_lon
        scored = [(math.hypot((alon[i] - lon) * x_km, (alat[i] - lat) * 110.57), i) for i in found]
        self.nearest_cache[key] = heapq.nsmallest(k, scored)
        return self.nearest_cache[key]

    # build ---------------------------------------------------------------------------------------

    def network(self) -> Network:
        self.collectivites()
        self.other_actors()
        self.index_actors()
        self.actor_rows()
        self.conflict_cases()
        self.involvements()
        self.conflict_rows()
        projects = self.projects()
        self.resources()
        self.networks()
        self.cooperations()
        self.commons_call(projects)
        self.sponsorships()
        self.task_forces()
        return self.net

    def add_actor(self, kind: str, name: str, commune: TerritoryRecord, governs: TerritoryRecord | None = None) -> int:
        index = len(self.actors)
        choices, count = KIND_THEMES[kind]
        available = [code for code in choices if code in self.themes] or self.themes[:1]
        themes = self.rng.sample(available, min(len(available), self.rng.randint(1, count)))
        if self.rng.random() < 0.5:
            extra = self.rng.choice(self.themes)
            if extra not in themes:
                themes.append(extra)
        actor = _Actor(index, self.uid("Actor", index), kind, self.unique_name(name, commune), commune, themes, governs)
        actor.open = self.rng.random() < 0.3
        actor.capacity = self.rng.randint(1, 3)
        self.actors.append(actor)
        if governs is not None:
            self.governor[_tid(governs)] = index
        return index

    def collectivites(self) -> None:
        geo, size = self.geo, self.size
        others = sum(round(size.actors * share) for _, share in KIND_SHARES)
        budget = max(0, size.actors - others)
        for region in sorted(geo.regions.values(), key=lambda r: r.code):
            seat = geo.seat.get(_tid(region))
            if seat is not None and budget > 0:
                self.add_actor("COLLECTIVITE", f"Région {region.name}", seat, region)
                budget -= 1
        for dept in sorted(geo.departements.values(), key=lambda d: d.code):
            seat = geo.seat.get(_tid(dept))
            if seat is not None and budget > 0:
                self.add_actor("COLLECTIVITE", "Département " + names.de_departement(dept.code, dept.name), seat, dept)
                budget -= 1
        epcis = sorted((e for e in geo.epcis.values() if _tid(e) in geo.seat), key=lambda e: e.code)
        focus = dict(size.focus)
        epci_weights = [(e.population or 1) ** 0.5 * focus.get(geo.seat[_tid(e)].region or "", 1.0) for e in epcis]
        anchors = [geo.commune_by_code[code] for code, _ in ANCHORS if code in geo.commune_by_code]
        anchor_epcis = {c.epci for c in anchors}
        picked = [i for i, e in enumerate(epcis) if e.code in anchor_epcis]
        for i in self.pick_communes(min(budget // 4, len(epcis)), epci_weights, epcis):
            if len(picked) < budget // 4 and i not in picked:
                picked.append(i)
        for i in sorted(picked):
            epci = epcis[i]
            self.add_actor("COLLECTIVITE", names.epci_actor_name(epci.name), geo.seat[_tid(epci)], epci)
            budget -= 1
        chosen = [geo.communes.index(c) for c in anchors]
        for i in self.pick_communes(budget, self.weight, geo.communes):
            if len(chosen) >= budget:
                break
            if i not in chosen:
                chosen.append(i)
        for i in chosen:
            commune = geo.communes[i]
            prefix = "Ville " if (commune.population or 0) >= 20_000 else "Commune "
            self.add_actor("COLLECTIVITE", prefix + names.de_commune(commune.name), commune, commune)

    def other_actors(self) -> None:
        geo, rng = self.geo, self.rng
        counts = [(kind, round(self.size.actors * share)) for kind, share in KIND_SHARES]
        national = list(names.NATIONAL_NETWORKS)
        seats = [geo.seat[_tid(r)] for r in sorted(geo.regions.values(), key=lambda r: r.code) if _tid(r) in geo.seat]
        for kind, count in counts:
            for _ in range(count):
                commune = rng.choices(geo.communes, cum_weights=self.cum_weight)[0]
                if kind == "RESEAU":
                    if national:
                        name = national.pop(0)
                        commune = geo.seat.get("REGION-11", seats[0] if seats else commune)
                    else:
                        commune = rng.choice(seats) if seats else commune
                        name = self.fill(rng.choice(names.RESEAU_PATTERNS), commune)
                elif kind == "SERVICE_ETAT":
                    if rng.random() < 0.7:
                        commune = geo.seat.get(f"DEPARTEMENT-{commune.departement}", commune)
                        name = self.fill(rng.choice(names.SERVICE_DEPT_PATTERNS), commune)
                    else:
                        commune = geo.seat.get(f"REGION-{commune.region}", commune)
                        name = self.fill(rng.choice(names.SERVICE_REGION_PATTERNS), commune)
                elif kind == "CHERCHEUR":
                    city = geo.seat.get(f"REGION-{commune.region}", commune)
                    name = (
                        f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}, "
                        f"{rng.choice(names.RESEARCHER_TITLES)} en {rng.choice(names.DISCIPLINES)} "
                        f"(Université {names.de_commune(city.name)})"
                    )
                    commune = city
                else:
                    patterns = {
                        "ASSOCIATION": names.ASSOCIATION_PATTERNS,
                        "COLLECTIF_CITOYEN": names.COLLECTIF_PATTERNS,
                        "ENTREPRISE": names.ENTREPRISE_PATTERNS,
                        "BUREAU_ETUDES": names.BUREAU_PATTERNS,
                        "AUTRE": names.AUTRE_PATTERNS,
                    }[kind]
                    # A fixed name ("Agence Parlons-en") is used once; then the patterns that name a place.
                    fresh = [p for p in patterns if "{" in p or p not in self.used_names]
                    for _ in range(6):
                        name = self.fill(rng.choice(fresh), commune)
                        if name not in self.used_names:
                            break
                self.add_actor(kind, name, commune)

    def index_actors(self) -> None:
        self.actor_lat = [a.commune.lat for a in self.actors]
        self.actor_lon = [a.commune.lon for a in self.actors]
        pools: dict[str, tuple[str, ...]] = {"ALL": (*(kind for kind, _ in KIND_SHARES), "COLLECTIVITE")}
        pools.update(ROLE_KINDS)
        pools["LEGAL"] = ("ENTREPRISE",)
        pools["COLLECTIVITE"] = ("COLLECTIVITE",)
        for pool, kinds in pools.items():
            grid = Grid(NEAR_CELL)
            members = []
            for actor in self.actors:
                if actor.kind in kinds and (pool != "LEGAL" or "droit de l'environnement" in actor.name):
                    grid.add(actor.index, actor.commune.lat, actor.commune.lon)
                    members.append(actor.index)
            self.pools[pool] = grid
            self.pool_members[pool] = members

    def actor_rows(self) -> None:
        rng, geo = self.rng, self.geo
        for actor in self.actors:
            commune = actor.commune
            slug = _slug(actor.name)
            person = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
            description = self.fill(
                rng.choice(names.DESCRIPTIONS[actor.kind]),
                commune,
                themes=_themes_phrase(actor.themes),
                on_themes="sur " + _themes_phrase(actor.themes),
                population=f"{(actor.governs.population if actor.governs else commune.population) or 0:,}".replace(
                    ",", " "
                ),
                dept=geo.dept_name(commune),
                year=str(rng.randint(1975, 2022)),
                de_area=geo.de_area(commune, rng),
            )
            prefix = PHONE_PREFIX.get(commune.region or "", "04")
            digits = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(prefix)))
            phone = " ".join([prefix] + [digits[i : i + 2] for i in range(0, len(digits), 2)])
            row: Row = {
                "id": actor.id,
                "name": actor.name,
                "kind": actor.kind,
                "description": description,
                "openToSponsorship": actor.open,
                "sponsorshipCapacity": actor.capacity,
                "location": _point(commune),
                "phone": phone,
                "contactName": person,
            }
            if actor.kind == "CHERCHEUR":
                row["email"] = f"{_slug(person, 3).replace('-', '.')}@univ-{_slug(commune.name, 2)}.example.fr"
            else:
                mailbox = "accueil" if actor.kind in ("COLLECTIVITE", "SERVICE_ETAT") else "contact"
                row["email"] = f"{mailbox}@{slug}.example.fr"
                row["website"] = f"https://www.{slug}.example.fr"
            if actor.governs is not None and actor.governs.level == "EPCI":
                row["siren"] = actor.governs.code
            elif actor.kind in ("ENTREPRISE", "BUREAU_ETUDES"):
                siren = _luhn_complete("".join(str(rng.randint(0, 9)) for _ in range(8)))
                row["siren"] = siren
                row["siret"] = _luhn_complete(siren + "0001")
            elif actor.kind == "ASSOCIATION" or (actor.kind == "COLLECTIF_CITOYEN" and rng.random() < 0.4):
                row["rna"] = "W" + (commune.departement or "00")[:2] + "".join(str(rng.randint(0, 9)) for _ in range(7))
            self.rows("Actor").append(row)
            self.link("Actor", "BASED_IN", "Territory", actor.id, _tid(commune))
            for theme in actor.themes:
                self.link("Actor", "WORKS_ON", "Theme", actor.id, theme)
            for area in self.areas(actor):
                self.link("Actor", "ACTS_IN", "Territory", actor.id, area)
            if actor.governs is not None:
                self.link("Actor", "GOVERNS", "Territory", actor.id, _tid(actor.governs))

    def areas(self, actor: _Actor) -> list[str]:
        commune = actor.commune
        dept, region = f"DEPARTEMENT-{commune.departement}", f"REGION-{commune.region}"
        epci = f"EPCI-{commune.epci}" if commune.epci in self.geo.epcis else dept
        if actor.governs is not None:
            return [_tid(actor.governs)]
        if actor.kind in ("ASSOCIATION", "COLLECTIF_CITOYEN"):
            return [epci] if self.rng.random() < 0.6 else [dept]
        if actor.kind in ("BUREAU_ETUDES", "RESEAU"):
            return [dept, region]
        if actor.kind in ("SERVICE_ETAT", "CHERCHEUR"):
            return [region]
        return [dept]

    def place(self, type_code: str, hotspots: list[TerritoryRecord]) -> TerritoryRecord:
        rng = self.rng
        if type_code in COASTAL_TYPES and self.geo.coastal:
            return self.geo.commune_by_code[rng.choice(self.geo.coastal)]
        constrained = type_code in COASTAL_TYPES or type_code in MOUNTAIN_TYPES
        if hotspots and not constrained and rng.random() < 0.4:
            return rng.choice(self.geo.near(rng.choice(hotspots), 30.0))
        setting = (
            "coastal"
            if type_code in COASTAL_TYPES
            else "mountain"
            if constrained
            else "rural"
            if type_code in RURAL_TYPES
            else "urban"
            if type_code in URBAN_TYPES
            else "any"
        )
        pool, cum_weights = self.place_pool(setting)
        return rng.choices(pool, cum_weights=cum_weights)[0]

    def place_pool(self, setting: str) -> tuple[list[TerritoryRecord], list[float]]:
        """Communes where cases of a setting happen, with cumulative weights (computed once)."""
        if setting not in self.place_pools:
            depts = {"coastal": COASTAL_DEPTS, "mountain": MOUNTAIN_DEPTS}.get(setting)
            pool, weights = [], []
            for commune, weight in zip(self.geo.communes, self.weight, strict=True):
                population = commune.population or 1
                if depts is not None and commune.departement not in depts:
                    continue
                if setting == "rural":
                    weight = weight / population**0.8 if population < 5_000 else 0.0
                elif setting == "urban":
                    weight = weight * population**0.2 if population >= 10_000 else 0.0
                if weight > 0:
                    pool.append(commune)
                    weights.append(weight)
            self.place_pools[setting] = (
                (pool, list(accumulate(weights))) if pool else (self.geo.communes, self.cum_weight)
            )
        return self.place_pools[setting]

    def conflict_cases(self) -> None:
        rng, geo = self.rng, self.geo
        plan: list[tuple[str, TerritoryRecord | None]] = []
        for code, types in ANCHORS:
            anchor = geo.commune_by_code.get(code)
            if anchor is None:
                continue
            for type_code in types:
                if type_code in self.type_by_code:
                    around = geo.near(anchor, 30.0)
                    if type_code in COASTAL_TYPES:
                        around = [c for c in around if c.code in geo.coastal] or [anchor]
                    plan.extend((type_code, rng.choice(around)) for _ in range(self.size.anchor_cases))
        plan.extend((t.code, None) for t in self.leaf_types)  # every type at least once
        codes = [t.code for t in self.leaf_types]
        weights = [TYPE_WEIGHTS.get(code, 1) for code in codes]
        missing = max(0, self.size.conflicts - len(plan))
        plan.extend((code, None) for code in rng.choices(codes, weights=weights, k=missing))
        plan = plan[: self.size.conflicts]
        hotspots = [geo.communes[i] for i in self.pick_communes(self.size.hotspots, self.weight, geo.communes)]
        for index, (type_code, commune) in enumerate(plan):
            place = commune or self.place(type_code, hotspots)
            start, status, outcome, end = self.story()
            titles, _ = names.CONFLICT_TEXTS[type_code]
            conflict = _Conflict(
                index,
                self.uid("Conflict", index),
                self.type_by_code[type_code],
                self.category[type_code],
                place,
                self.fill(rng.choice(titles), place),
                status,
                outcome,
                start,
                end,
            )
            self.conflicts.append(conflict)

    def story(self) -> tuple[date, str, str, date | None]:
        """(start, status, outcome, end) of one case: recent cases are more often still open."""
        rng = self.rng
        year = min(2026, 2005 + int(22 * rng.random() ** 0.7))
        start = date(year, 1, 1) + timedelta(days=rng.randint(0, 364))
        if start > TODAY - timedelta(days=30):
            start = TODAY - timedelta(days=rng.randint(30, 170))
        age = TODAY.year - start.year
        weights = (50, 20, 20, 10) if age <= 3 else (25, 5, 55, 15) if age <= 8 else (8, 2, 70, 20)
        status = rng.choices(("ACTIVE", "LATENT", "SETTLED", "ABANDONED"), weights=weights)[0]
        if status in ("ACTIVE", "LATENT"):
            return start, status, "ONGOING", None
        end = start + timedelta(days=rng.randint(120, 1500))
        if end > TODAY:
            return start, "ACTIVE", "ONGOING", None
        if status == "ABANDONED":
            return start, status, rng.choices(("PROJECT_CANCELLED", "MORATORIUM"), weights=(3, 1))[0], end
        outcomes = (
            "NEGOTIATED",
            "PROJECT_MODIFIED",
            "COMPENSATION",
            "COURT_DECISION",
            "MORATORIUM",
            "PROJECT_CANCELLED",
        )
        return start, status, rng.choices(outcomes, weights=(30, 25, 10, 15, 5, 15))[0], end

    def involvement_counts(self) -> list[int]:
        """Per-conflict counts in the size's range, paired so the total is exactly the mean × conflicts."""
        low, high = self.size.involvements
        counts: list[int] = []
        for _ in range(len(self.conflicts) // 2):
            k = self.rng.randint(low, high)
            counts.extend((k, low + high - k))
        if len(counts) < len(self.conflicts):
            counts.append((low + high) // 2)
        self.rng.shuffle(counts)
        return counts

    def involvements(self) -> None:
        rng = self.rng
        for conflict, count in zip(self.conflicts, self.involvement_counts(), strict=True):
            taken: set[int] = set()
            commune = conflict.commune
            for tid in (_tid(commune), f"EPCI-{commune.epci}", f"DEPARTEMENT-{commune.departement}"):
                if tid in self.governor:
                    conflict.actors.append((self.governor[tid], "PUBLIC_AUTHORITY"))
                    taken.add(self.governor[tid])
                    break
            rest = ["OPPONENT", "MEDIATOR", "FACILITATOR", "EXPERT", "SUPPORTER"]
            if conflict.type.family == "AMENAGEMENT":
                rest.append("PROJECT_OWNER")
            rng.shuffle(rest)
            if conflict.outcome in ("NEGOTIATED", "PROJECT_MODIFIED", "COMPENSATION"):
                rest.remove("MEDIATOR")
                rest.insert(0, "MEDIATOR")
            for role in rest:
                if len(conflict.actors) >= count:
                    break
                chosen = self.pick_actor(role, conflict, taken)
                if chosen is not None:
                    conflict.actors.append((chosen, role))
                    taken.add(chosen)
            for actor, role in conflict.actors:
                experience = self.experience.setdefault(actor, Counter())
                experience[conflict.type.code] += 1
                if role in KNOW_HOW_ROLES:
                    experience["_know_how"] += 1

    def pick_actor(self, role: str, conflict: _Conflict, taken: set[int]) -> int | None:
        candidates = [(d, i) for d, i in self.nearest(role, conflict.commune) if i not in taken]
        if not candidates:
            return None
        weights = []
        for distance, i in candidates:
            experience = self.experience.get(i)
            same = experience[conflict.type.code] if experience else 0
            weights.append((1.0 + 2.0 * min(same, 5)) / (1.0 + distance / 15.0))
        return self.rng.choices(candidates, weights=weights)[0][1]

    def conflict_rows(self) -> None:
        rng = self.rng
        for conflict in self.conflicts:
            start, ended = conflict.start, conflict.end
            intensity = (
                rng.choice(("LATENT", "LOW")) if conflict.status == "LATENT" else rng.choice(("LOW", "MEDIUM", "HIGH"))
            )
            count = {"LATENT": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}[intensity] + rng.randint(0, 1)
            mobilisations = sorted(
                rng.sample(list(names.MOBILISATION_WORDS), count), key=list(names.MOBILISATION_WORDS).index
            )
            _, issue = names.CONFLICT_TEXTS[conflict.type.code]
            commune = conflict.commune
            where = names.a_commune(commune.name)
            summary = f"{where[0].upper()}{where[1:]} ({self.geo.dept_name(commune)}), {self.fill(issue, commune)}."
            if mobilisations:
                summary += " Mobilisation : " + ", ".join(names.MOBILISATION_WORDS[m] for m in mobilisations) + "."
            summary += " " + names.OUTCOME_SENTENCES[conflict.outcome].format(end=ended.year if ended else "")
            self.rows("Conflict").append(
                {
                    "id": conflict.id,
                    "title": conflict.title,
                    "summary": summary,
                    "status": conflict.status,
                    "intensity": intensity,
                    "startedOn": start,
                    "endedOn": ended,
                    "year": start.year,
                    "outcome": conflict.outcome,
                    "mobilisations": mobilisations,
                    "location": _point(commune),
                }
            )
            self.link("Conflict", "OF_TYPE", "ConflictType", conflict.id, conflict.type.code)
            self.link("Conflict", "LOCATED_IN", "Territory", conflict.id, _tid(commune))
            for actor, role in conflict.actors:
                to = ended.year if ended else None
                self.link(
                    "Actor",
                    "INVOLVED_IN",
                    "Conflict",
                    self.actors[actor].id,
                    conflict.id,
                    role=role,
                    to=to,
                    **{"from": start.year},
                )

    def projects(self) -> list[tuple[str, str]]:
        """Projects of the three kinds; returns (id, kind) for the commons call."""
        rng, total = self.rng, self.size.projects
        development = [c for c in self.conflicts if c.type.family == "AMENAGEMENT"]
        rng.shuffle(development)
        development = development[: round(total * 0.45)]
        participatory = round(total * 0.35)
        made: list[tuple[str, str]] = []
        for index in range(total):
            pid = self.uid("Project", index)
            themes: list[str] = []
            if index < len(development):
                conflict = development[index]
                kind, commune, title = "DEVELOPMENT", conflict.commune, conflict.title
                status = {
                    "ABANDONED": "ABANDONED",
                    "LATENT": "PLANNED",
                    "ACTIVE": rng.choice(("PLANNED", "ONGOING")),
                }.get(conflict.status, "ABANDONED" if conflict.outcome == "PROJECT_CANCELLED" else "COMPLETED")
                year = conflict.start.year - rng.randint(0, 2)
                owners = [a for a, role in conflict.actors if role == "PROJECT_OWNER"]
                owners = owners or [a for a, _ in conflict.actors[:1]] or [rng.randrange(len(self.actors))]
                runner, helpers = owners[0], [a for a, role in conflict.actors if role in ("FACILITATOR", "SUPPORTER")]
                summary = f"Projet porté par {self.actors[runner].name} {names.a_commune(commune.name)}."
                self.link("Conflict", "ABOUT", "Project", conflict.id, pid)
                themes.append(CATEGORY_THEME.get(conflict.category, "CONCERTATION"))
            else:
                kind = "PARTICIPATORY_PROCESS" if index < len(development) + participatory else "COMMONS"
                pool = "COLLECTIVITE" if kind == "PARTICIPATORY_PROCESS" else "OPPONENT"
                members = self.pool_members[pool]
                runner = rng.choice(members) if members else rng.randrange(len(self.actors))
                commune = self.actors[runner].commune
                year = rng.randint(2012, 2026)
                titles = names.PARTICIPATORY_TITLES if kind == "PARTICIPATORY_PROCESS" else names.COMMONS_TITLES
                title = self.fill(rng.choice(titles), commune, year=str(year))
                status = (
                    rng.choice(("PLANNED", "ONGOING", "COMPLETED"))
                    if year >= 2024
                    else rng.choice(("COMPLETED", "ONGOING"))
                )
                helper_pool = "FACILITATOR" if kind == "PARTICIPATORY_PROCESS" else "SUPPORTER"
                near = [i for _, i in self.nearest(helper_pool, commune)[:10] if i != runner]
                helpers = rng.sample(near, min(len(near), rng.randint(0, 2)))
                summary = f"{title} : démarche menée par {self.actors[runner].name}."
                themes.extend(
                    ["PARTICIPATION" if kind == "PARTICIPATORY_PROCESS" else "COMMUNS", rng.choice(self.themes)]
                )
            started = date(min(year, 2026), rng.randint(1, 6), rng.randint(1, 28))
            ended = min(started + timedelta(days=rng.randint(180, 1500)), TODAY) if status == "COMPLETED" else None
            self.rows("Project").append(
                {
                    "id": pid,
                    "title": title,
                    "kind": kind,
                    "status": status,
                    "summary": summary,
                    "startedOn": started,
                    "endedOn": ended,
                }
            )
            self.link("Project", "LOCATED_IN", "Territory", pid, _tid(commune))
            self.link("Actor", "RUNS", "Project", self.actors[runner].id, pid)
            for helper in dict.fromkeys(helpers):
                if helper != runner:
                    self.link("Actor", "TAKES_PART_IN", "Project", self.actors[helper].id, pid)
            for theme in dict.fromkeys(t for t in themes if t in self.themes):
                self.link("Project", "ABOUT", "Theme", pid, theme)
            made.append((pid, kind))
        return made

    def resources(self) -> None:
        rng = self.rng
        kinds = tuple(sorted(RESOURCE_KINDS))  # in a fixed order: the same seed draws the same network
        settled = [c for c in self.conflicts if c.status == "SETTLED"] or self.conflicts
        authors_pool = self.pool_members["MEDIATOR"] + self.pool_members["EXPERT"]
        for index in range(self.size.resources):
            rid = self.uid("Resource", index)
            kind = rng.choices(kinds, weights=(35, 25, 15, 15, 10))[0]
            conflict = rng.choice(settled)
            category = conflict.category
            about_case = kind == "CASE_STUDY" or (kind == "ARTICLE" and rng.random() < 0.5)
            templates = [t for t in names.RESOURCE_TITLES[kind] if ("{conflict}" in t) == about_case]
            template = rng.choice(templates or names.RESOURCE_TITLES[kind])
            published = date(rng.randint(max(2012, conflict.start.year), 2026), rng.randint(1, 12), rng.randint(1, 28))
            published = min(published, TODAY)
            title = template.format(
                conflict=conflict.title,
                topic=names.CATEGORY_TOPICS.get(category, "la concertation"),
                label=self.label[conflict.type.code],
            )
            if "{" not in template:
                title = f"{title} ({published.year})"
            topic = (
                f"le cas « {conflict.title} »" if about_case else names.CATEGORY_TOPICS.get(category, "la concertation")
            )
            slug = _slug(title, 8)
            self.rows("Resource").append(
                {
                    "id": rid,
                    "title": title,
                    "kind": kind,
                    "url": f"{RESOURCE_SITE}/{kind.lower().replace('_', '-')}/{slug}-{index}",
                    "summary": rng.choice(names.RESOURCE_SUMMARIES).format(topic=topic),
                    "publishedOn": published,
                    "language": "fr",
                }
            )
            know_how = [a for a, role in conflict.actors if role in ("MEDIATOR", "FACILITATOR", "EXPERT")]
            authors = know_how[:1] if about_case and know_how else [rng.choice(authors_pool)] if authors_pool else [0]
            if rng.random() < 0.2 and authors_pool:
                authors.append(rng.choice(authors_pool))
            for author in dict.fromkeys(authors):
                self.link("Actor", "AUTHORED", "Resource", self.actors[author].id, rid)
            if about_case:
                self.link("Resource", "DOCUMENTS", "Conflict", rid, conflict.id)
            if about_case or "{label}" in template or rng.random() < 0.5:
                self.link("Resource", "ABOUT", "ConflictType", rid, conflict.type.code)
            for theme in dict.fromkeys(
                (CATEGORY_THEME.get(category, "CONCERTATION"), rng.choice(("CONCERTATION", "MEDIATION")))
            ):
                if theme in self.themes:
                    self.link("Resource", "ABOUT", "Theme", rid, theme)

    def networks(self) -> None:
        rng = self.rng
        networks = [a for a in self.actors if a.kind == "RESEAU"]
        national = [a for a in networks if a.name in names.NATIONAL_NETWORKS]
        regional: dict[str, list[_Actor]] = {}
        for actor in networks:
            if actor not in national:
                regional.setdefault(actor.commune.region or "", []).append(actor)
        for actor in self.actors:
            if actor.kind == "RESEAU" or not networks or rng.random() >= 0.3:
                continue
            joined: list[_Actor] = []
            for _ in range(2 if rng.random() < 0.25 else 1):
                local = regional.get(actor.commune.region or "")
                options = local if local and rng.random() < 0.7 else (national or networks)
                choice = rng.choice(options)
                if choice not in joined:
                    joined.append(choice)
            for network in joined:
                self.link("Actor", "MEMBER_OF", "Actor", actor.id, network.id)
                self.members.setdefault(network.index, []).append(actor.index)

    def cooperate(self, a: int, b: int, kind: str) -> bool:
        if a == b or (min(a, b), max(a, b)) in self.pairs:
            return False
        self.pairs.add((min(a, b), max(a, b)))
        since = self.rng.randint(2005, 2025)
        until = min(2026, since + self.rng.randint(1, 6)) if self.rng.random() < 0.3 else None
        self.link(
            "Actor",
            "COOPERATES_WITH",
            "Actor",
            self.actors[a].id,
            self.actors[b].id,
            kind=kind,
            since=since,
            until=until,
        )
        return True

    def cooperations(self) -> None:
        rng, n = self.rng, len(self.actors)
        target = min(self.size.cooperations, n * (n - 1) // 2)
        groups = [members for members in self.members.values() if len(members) > 1]
        made, attempts = 0, 0
        while made < target and attempts < target * 20:
            attempts += 1
            draw = rng.random()
            if draw < 0.25 and self.conflicts:
                conflict = rng.choice(self.conflicts)
                if len(conflict.actors) < 2:
                    continue
                (a, _), (b, _) = rng.sample(conflict.actors, 2)
                kind = rng.choice(("CONTRACT", "PARTNERSHIP"))
            elif draw < 0.35 and groups:
                a, b = rng.sample(rng.choice(groups), 2)
                kind = "NETWORK"
            elif draw < 0.85:
                a = rng.randrange(n)
                near = self.nearest("ALL", self.actors[a].commune)
                b = rng.choice(near)[1]
                funder = self.actors[a].kind in ("COLLECTIVITE", "AUTRE", "RESEAU")
                kind = rng.choice(("PARTNERSHIP", "CONTRACT", "FUNDING" if funder else "PARTNERSHIP"))
            else:
                a, b = rng.randrange(n), rng.randrange(n)
                kind = "PARTNERSHIP"
            made += self.cooperate(a, b, kind)

    def commons_call(self, projects: list[tuple[str, str]]) -> None:
        rng = self.rng
        call_id = self.uid("CommonsCall", 0)
        opens, closes = date(2026, 1, 12), date(2026, 4, 30)
        self.rows("CommonsCall").append(
            {
                "id": call_id,
                "title": "Appel à communs 2026",
                "description": "Un appel à projets pour des communs territoriaux : ressources partagées, outils "
                "ouverts, lieux et services gérés collectivement par leurs usagers. Les projets retenus sont "
                "accompagnés pendant dix-huit mois.",
                "opensOn": opens,
                "closesOn": closes,
            }
        )
        candidates = [pid for pid, kind in projects if kind == "COMMONS"]
        candidates += [pid for pid, kind in projects if kind == "PARTICIPATORY_PROCESS"]
        window = (closes - opens).days * 86_400
        for pid in candidates[: self.size.applications]:
            status = rng.choices(("SUBMITTED", "SHORTLISTED", "SELECTED", "REJECTED"), weights=(40, 25, 15, 20))[0]
            submitted = datetime(2026, 1, 12, 9, tzinfo=UTC) + timedelta(seconds=rng.randrange(window))
            self.link("Project", "APPLIED_TO", "CommonsCall", pid, call_id, status=status, submittedAt=submitted)

    def sponsorships(self) -> None:
        rng = self.rng
        statuses = ("COMPLETED", "ACTIVE", "PROPOSED", "ACCEPTED", "DECLINED")
        busy: Counter[int] = Counter()
        open_cases = [c for c in self.conflicts if c.status in ("ACTIVE", "LATENT") and c.actors]
        rng.shuffle(open_cases)
        experienced: dict[str, list[int]] = {}
        for conflict in self.conflicts:
            for actor, role in conflict.actors:
                if role in KNOW_HOW_ROLES and self.actors[actor].open:
                    experienced.setdefault(conflict.type.code, []).append(actor)
        made = 0
        for conflict in open_cases:
            if made >= self.size.sponsorships:
                break
            beneficiary, role = conflict.actors[0]
            status = statuses[made % len(statuses)]
            candidates = [
                a
                for a in dict.fromkeys(experienced.get(conflict.type.code, []))
                if a != beneficiary
                and (status not in ("ACTIVE", "ACCEPTED") or busy[a] < self.actors[a].capacity)
                and a not in {x for x, _ in conflict.actors}
            ]
            if role != "PUBLIC_AUTHORITY" or not candidates:
                continue
            here = conflict.commune
            sponsor = min(
                candidates,
                key=lambda a: (km(here.lat, here.lon, self.actors[a].commune.lat, self.actors[a].commune.lon), a),
            )
            if status in ("ACTIVE", "ACCEPTED"):
                busy[sponsor] += 1
            sid = self.uid("Sponsorship", made)
            label = self.label[conflict.type.code].lower()
            proposed = datetime(2025, 1, 6, 10, tzinfo=UTC) + timedelta(days=rng.randint(0, 420))
            responded = proposed + timedelta(days=rng.randint(3, 30)) if status != "PROPOSED" else None
            started = (
                (responded + timedelta(days=rng.randint(7, 40))).date()
                if responded and status in ("ACTIVE", "COMPLETED")
                else None
            )
            row: Row = {
                "id": sid,
                "status": status,
                "need": f"Besoin exprimé par {self.actors[beneficiary].name} : un conflit en cours ({label}). "
                "Nous cherchons l'expérience d'un acteur qui a déjà accompagné ce type de situation.",
                "proposedAt": proposed,
                "respondedAt": responded,
                "startedOn": started,
            }
            if status == "DECLINED":
                row["declineReason"] = rng.choice(
                    ("Pas de disponibilité avant l'automne.", "Contexte trop différent du nôtre.")
                )
            if status == "COMPLETED" and started is not None:
                row["completedOn"] = min(started + timedelta(days=rng.randint(60, 200)), TODAY)
                row["outcome"] = "Une charte de concertation a été adoptée et une réunion publique apaisée a eu lieu."
                row["feedback"] = "Des échanges très concrets : calendrier, erreurs à éviter, contacts utiles."
                self.cooperate(sponsor, beneficiary, "SPONSORSHIP")
            self.rows("Sponsorship").append(row)
            self.link("Actor", "SPONSORS", "Sponsorship", self.actors[sponsor].id, sid)
            self.link("Sponsorship", "BENEFITS", "Actor", sid, self.actors[beneficiary].id)
            self.link("Sponsorship", "ON", "ConflictType", sid, conflict.type.code)
            made += 1

    def task_forces(self) -> None:
        rng = self.rng
        rennes = self.geo.commune_by_code.get("35238")
        active = [c for c in self.conflicts if c.status == "ACTIVE"]
        if rennes is not None:  # the first one: wind farms around Rennes
            active.sort(
                key=lambda c: (c.type.code != "ONSHORE_WIND", km(rennes.lat, rennes.lon, c.commune.lat, c.commune.lon))
            )
        for number in range(min(self.size.task_forces, len(active))):
            conflict = active[0] if number == 0 else rng.choice(active)
            here = conflict.commune
            handled = [
                conflict,
                *[
                    c
                    for c in active
                    if c.type.code == conflict.type.code
                    and c is not conflict
                    and km(here.lat, here.lon, c.commune.lat, c.commune.lon) < 80
                ][:2],
            ]
            tid = self.uid("TaskForce", number)
            status = ("ACTIVE", "PROPOSED", "CLOSED")[number % 3]
            started = date(2025, 9, 1) + timedelta(days=rng.randint(0, 200))
            dept = self.geo.dept_name(here)
            self.rows("TaskForce").append(
                {
                    "id": tid,
                    "name": f"Task force « {self.label[conflict.type.code]} » – {dept}",
                    "status": status,
                    "startedOn": started,
                    "endedOn": min(started + timedelta(days=120), TODAY) if status == "CLOSED" else None,
                }
            )
            self.link("TaskForce", "FOCUSES_ON", "ConflictType", tid, conflict.type.code)
            for case in handled:
                self.link("TaskForce", "HANDLES", "Conflict", tid, case.id)
            taken = {a for case in handled for a, _ in case.actors}
            for role, pool in zip(
                TASK_FORCE_ROLES, ("MEDIATOR", "EXPERT", "LEGAL", "COLLECTIVITE", "OPPONENT"), strict=True
            ):
                member = self.task_force_member(pool, conflict, taken)
                if member is None:
                    continue
                taken.add(member)
                actor = self.actors[member]
                distance = km(here.lat, here.lon, actor.commune.lat, actor.commune.lon)
                cases = self.experience.get(member, Counter())[conflict.type.code]
                reason = (
                    f"{cases} cas de ce type, à {distance:.0f} km"
                    if cases
                    else f"À {distance:.0f} km ({actor.kind.lower()})"
                )
                self.link("Actor", "MEMBER_OF_TASK_FORCE", "TaskForce", actor.id, tid, role=role, reason=reason)

    def task_force_member(self, pool: str, conflict: _Conflict, taken: set[int]) -> int | None:
        if pool == "COLLECTIVITE":
            peers = [
                a
                for c in self.conflicts
                if c.type.code == conflict.type.code and c.status == "SETTLED"
                for a, role in c.actors
                if role == "PUBLIC_AUTHORITY" and a not in taken
            ]
            here = conflict.commune
            return (
                min(
                    peers,
                    key=lambda a: (km(here.lat, here.lon, self.actors[a].commune.lat, self.actors[a].commune.lon), a),
                )
                if peers
                else None
            )
        candidates = [i for _, i in self.nearest(pool, conflict.commune) if i not in taken]
        if not candidates:
            return None
        return max(
            candidates[:15], key=lambda i: (self.experience.get(i, Counter())[conflict.type.code], -candidates.index(i))
        )
