"""Great-circle distances for the tests' expectations about places."""

from __future__ import annotations

import math

MEAN_EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius
NEO4J_EARTH_RADIUS_KM = 6378.14  # the sphere Neo4j's point.distance uses for WGS84 points


def haversine_km(
    lat1: float, lon1: float, lat2: float, lon2: float, *, radius_km: float = MEAN_EARTH_RADIUS_KM
) -> float:
    """The great-circle distance between two points given in degrees, on a sphere of `radius_km`."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius_km * math.asin(math.sqrt(h))
