"""Where the generated networks happen: the territories they use, and "what is near here" without scanning.

`Geography` wraps the snapshot's records (or any subset of them); `Grid` buckets points in cells of a
few kilometres so the generator finds the communes or actors near a place in a few dictionary reads.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from importers.reference import TerritoryRecord
from synthetic import names

# Seaside communes by département: where offshore wind farms, ports and coastal paths are contested.
COASTAL_COMMUNES: dict[str, tuple[str, ...]] = {
    "22": ("Plouha", "Paimpol", "Perros-Guirec", "Saint-Quay-Portrieux", "Erquy", "Pléneuf-Val-André", "Trébeurden",
           "Binic-Étables-sur-Mer", "Saint-Cast-le-Guildo", "Lancieux"),
    "29": ("Roscoff", "Brest", "Douarnenez", "Concarneau", "Crozon", "Le Conquet", "Plougasnou", "Bénodet",
           "Penmarch", "Audierne"),
    "35": ("Saint-Malo", "Cancale", "Dinard", "Saint-Briac-sur-Mer", "Saint-Lunaire"),
    "56": ("Quiberon", "Lorient", "Carnac", "Larmor-Plage", "Arzon", "Étel"),
    "44": ("La Baule-Escoublac", "Le Croisic", "Pornic", "Saint-Nazaire", "Pornichet", "Saint-Brevin-les-Pins"),
    "85": ("Les Sables-d'Olonne", "Saint-Gilles-Croix-de-Vie", "Noirmoutier-en-l'Île", "Saint-Jean-de-Monts",
           "La Tranche-sur-Mer"),
    "17": ("La Rochelle", "Royan", "Saint-Martin-de-Ré", "Châtelaillon-Plage", "Fouras", "Saint-Pierre-d'Oléron"),
    "33": ("Arcachon", "Lacanau", "La Teste-de-Buch", "Soulac-sur-Mer"),
    "40": ("Capbreton", "Mimizan", "Biscarrosse", "Soorts-Hossegor"),
    "64": ("Biarritz", "Saint-Jean-de-Luz", "Anglet", "Hendaye"),
    "66": ("Collioure", "Argelès-sur-Mer", "Canet-en-Roussillon", "Port-Vendres"),
    "11": ("Gruissan", "Leucate"),
    "34": ("Sète", "Agde", "La Grande-Motte", "Palavas-les-Flots"),
    "30": ("Le Grau-du-Roi",),
    "13": ("Marseille", "La Ciotat", "Cassis", "Saintes-Maries-de-la-Mer", "Fos-sur-Mer"),
    "83": ("Toulon", "Hyères", "Saint-Tropez", "Fréjus", "Bandol"),
    "06": ("Nice", "Antibes", "Cannes", "Menton"),
    "2A": ("Ajaccio", "Porto-Vecchio", "Bonifacio"),
    "2B": ("Bastia", "Calvi", "L'Île-Rousse"),
    "14": ("Honfleur", "Deauville", "Cabourg", "Ouistreham", "Trouville-sur-Mer"),
    "50": ("Cherbourg-en-Cotentin", "Granville", "Barneville-Carteret", "Agon-Coutainville"),
    "76": ("Le Havre", "Dieppe", "Étretat", "Fécamp", "Le Tréport"),
    "80": ("Cayeux-sur-Mer", "Le Crotoy", "Saint-Valery-sur-Somme"),
    "62": ("Calais", "Boulogne-sur-Mer", "Le Touquet-Paris-Plage", "Berck", "Wimereux"),
    "59": ("Dunkerque", "Gravelines"),
    "974": ("Saint-Paul", "Saint-Pierre"),
    "971": ("Le Gosier", "Sainte-Anne"),
    "972": ("Le Diamant", "Sainte-Luce"),
}  # fmt: skip


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance in km, equirectangular: plenty for the few hundred km the generator looks at."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


class Grid:
    """Items bucketed by cells of `cell` degrees, for "what is near here" without scanning everything."""

    def __init__(self, cell: float = 0.1) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[int]] = {}

    def add(self, item: int, lat: float, lon: float) -> None:
        self.cells.setdefault((math.floor(lat / self.cell), math.floor(lon / self.cell)), []).append(item)

    def around(self, lat: float, lon: float, radius_km: float) -> list[int]:
        """Items in the cells that a circle of `radius_km` around the point touches (a superset of it)."""
        reach_lat = math.ceil(radius_km / (111.0 * self.cell))
        reach_lon = math.ceil(radius_km / (111.0 * max(0.2, math.cos(math.radians(lat))) * self.cell))
        row, col = math.floor(lat / self.cell), math.floor(lon / self.cell)
        found: list[int] = []
        for i in range(row - reach_lat, row + reach_lat + 1):
            for j in range(col - reach_lon, col + reach_lon + 1):
                found.extend(self.cells.get((i, j), ()))
        return found

    def nearby(self, lat: float, lon: float, enough: int, max_ring: int = 30) -> list[int]:
        """Items in rings of cells around the point, until `enough` are found (plus one ring for the corners)."""
        row, col = math.floor(lat / self.cell), math.floor(lon / self.cell)
        found: list[int] = list(self.cells.get((row, col), ()))
        stop = 1 if len(found) >= enough else None
        for ring in range(1, max_ring + 1):
            for j in range(col - ring, col + ring + 1):
                found.extend(self.cells.get((row - ring, j), ()))
                found.extend(self.cells.get((row + ring, j), ()))
            for i in range(row - ring + 1, row + ring):
                found.extend(self.cells.get((i, col - ring), ()))
                found.extend(self.cells.get((i, col + ring), ()))
            if stop is None and len(found) >= enough:
                stop = ring + 1
            if stop is not None and ring >= stop:
                break
        return found


class Geography:
    """The territories the generator places things in: the snapshot's, or any subset of them."""

    def __init__(self, territories: Sequence[TerritoryRecord]) -> None:
        by_level: dict[str, list[TerritoryRecord]] = {"COMMUNE": [], "EPCI": [], "DEPARTEMENT": [], "REGION": []}
        for record in territories:
            by_level[record.level].append(record)
        self.communes = [
            c for c in by_level["COMMUNE"] if c.zone != "com" and c.population and c.departement and c.region
        ]
        self.departements = {d.code: d for d in by_level["DEPARTEMENT"]}
        self.regions = {r.code: r for r in by_level["REGION"]}
        self.epcis = {e.code: e for e in by_level["EPCI"]}
        self.commune_by_code = {c.code: c for c in self.communes}
        self.coastal = sorted(
            c.code for c in self.communes if c.name in COASTAL_COMMUNES.get(c.departement or "", ())
        )  # codes of the seaside communes present
        self.grid = Grid(0.25)
        self._near: dict[tuple[str, float], list[TerritoryRecord]] = {}
        for index, commune in enumerate(self.communes):
            self.grid.add(index, commune.lat, commune.lon)
        self.seat: dict[str, TerritoryRecord] = {}  # territory id → its most populous commune
        for commune in self.communes:
            for level, code in (
                ("DEPARTEMENT", commune.departement),
                ("REGION", commune.region),
                ("EPCI", commune.epci),
            ):
                key = f"{level}-{code}"
                if code and (key not in self.seat or (commune.population or 0) > (self.seat[key].population or 0)):
                    self.seat[key] = commune
        if not self.communes:
            raise ValueError("the generator needs at least one commune with a population")

    def near(self, commune: TerritoryRecord, radius_km: float) -> list[TerritoryRecord]:
        """The communes within `radius_km` of a commune (itself included), cached."""
        key = (commune.code, radius_km)
        if key not in self._near:
            found = [self.communes[i] for i in self.grid.around(commune.lat, commune.lon, radius_km)]
            self._near[key] = [c for c in found if km(commune.lat, commune.lon, c.lat, c.lon) <= radius_km]
        return self._near[key]

    def dept_name(self, commune: TerritoryRecord) -> str:
        dept = self.departements.get(commune.departement or "")
        return dept.name if dept else commune.name

    def de_area(self, commune: TerritoryRecord, rng: random.Random) -> str:
        """A local area around a commune in its "de …" form: a pays if we know one, else the département."""
        local = names.PAYS.get(commune.departement or "")
        if local and rng.random() < 0.7:
            return rng.choice(local)
        dept = self.departements.get(commune.departement or "")
        return names.de_departement(dept.code, dept.name) if dept else names.de_commune(commune.name)
