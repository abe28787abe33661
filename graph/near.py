"""`Near`: where a list, a territory search or a match is centred, and how far it reaches."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Near:
    """A centre, a territory (an INSEE code, an EPCI SIREN or an id; the most local level wins) or a WGS84
    point, and the radius around it (None where the caller gives its radius apart, as matching does)."""

    territory: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
