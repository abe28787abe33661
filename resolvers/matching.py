"""`experiencedActors`: who has already dealt with this type of conflict near here (one round trip)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graph import matching as matching_store
from graph.matching import MatchRequest, MatchResult
from graph.near import Near
from schema.actor import ActorKind
from schema.context import Info
from schema.errors import ApiError, bad_input
from schema.matching import ExperiencedActor, MatchingRole, Ranking, ranking, record_fields
from schema.pagination import page_size
from schema.selection import asked_field_names, asks_timestamps

T = TypeVar("T")


@strawberry.input(description="A place: a territory (INSEE code, EPCI SIREN or territory id) or a latitude/longitude.")
class PlaceInput:
    territory: str | None = strawberry.field(
        default=None, description="35238 (Rennes), 79 (Deux-Sèvres)…; the most local level with that code wins."
    )
    lat: float | None = None
    lon: float | None = None


class MatchArgs(BaseModel):
    """Validation of the arguments every matching query shares."""

    model_config = ConfigDict(extra="forbid")

    conflict_type: str | None = None
    theme: str | None = None
    territory: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    radius_km: float = Field(gt=0)
    since: int | None = Field(None, ge=1900, le=2100)
    place_required: bool = True

    @field_validator("conflict_type", "theme")
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is not None and not value.replace("_", "").isalnum():
            raise ValueError("must be an upper-case code such as ONSHORE_WIND or WATER")
        return value.upper() if value else None

    @field_validator("territory")
    @classmethod
    def _territory(cls, value: str | None) -> str | None:
        if value is not None and not (2 <= len(value) <= 24 and value.replace("-", "").isalnum()):
            raise ValueError("must be a territory code: an INSEE code (35238, 79), an EPCI SIREN or a territory id")
        return value

    @model_validator(mode="after")
    def _one_place(self) -> MatchArgs:
        if (self.conflict_type is None) == (self.theme is None):
            raise ValueError("the need is either a `conflictType` or a `theme`, not both")
        if not self.place_required:
            return self
        has_point = self.lat is not None or self.lon is not None
        if (self.territory is None) == (not has_point) or (has_point and (self.lat is None or self.lon is None)):
            raise ValueError("`near` needs either a `territory` or both `lat` and `lon`, not both")
        return self


def match_request(
    info: Info,
    *,
    near: PlaceInput | None,
    radius_km: float | None,
    first: int | None,
    after: str | None,
    conflict_type: str | None = None,
    theme: str | None = None,
    include_related: bool = True,
    since: int | None = None,
    kinds: list[ActorKind] | None = None,
    roles: list[MatchingRole] | None = None,
    beneficiary: str | None = None,
) -> MatchRequest:
    """Validate the shared arguments and build the graph request (BAD_USER_INPUT when wrong)."""
    settings = info.context.settings
    radius = settings.matching_radius_km if radius_km is None else radius_km
    if radius > settings.matching_max_radius_km:
        raise bad_input(f"`radiusKm` must be at most {settings.matching_max_radius_km:g} km.")
    try:
        args = MatchArgs(
            conflict_type=conflict_type,
            theme=theme,
            territory=near.territory if near else None,
            lat=near.lat if near else None,
            lon=near.lon if near else None,
            radius_km=radius,
            since=since,
            place_required=beneficiary is None,
        )
    except ValidationError as error:
        parts = [
            f"{'.'.join(str(p) for p in e['loc']) or 'near'}: {str(e['msg']).removeprefix('Value error, ')}"
            for e in error.errors()
        ]
        raise bad_input("Invalid matching arguments: " + "; ".join(parts) + ".") from None
    asked = asked_field_names(info)
    actor_fields, case_fields = record_fields(asked)
    return MatchRequest(
        near=Near(territory=args.territory, lat=args.lat, lon=args.lon),
        radius_km=args.radius_km,
        conflict_type=args.conflict_type,
        theme=args.theme,
        include_related=include_related,
        since=args.since,
        kinds=tuple(kind.value for kind in kinds) if kinds else None,
        roles=tuple(role.value for role in roles) if roles else None,
        first=page_size(info, first, default=10),
        after=after,
        widen_to_km=min(radius * settings.matching_widen_factor, max(settings.matching_max_radius_km, radius)),
        beneficiary=beneficiary,
        timestamps=asks_timestamps(info),
        places="place" in asked,
        bases="basedIn" in asked,
        actor_fields=actor_fields,
        case_fields=case_fields,
        case_types="conflictType" in asked,
    )


async def run_match(info: Info, request: MatchRequest) -> MatchResult:
    """Run the one matching query, then turn unknown codes into clear errors."""
    result = await matching_store.experienced_actors(
        info.context.store, request, info.context.settings.matching_weights
    )
    if request.conflict_type is not None and result.conflict_type is None:
        raise bad_input(
            f"No conflict type has the code {request.conflict_type!r}; the `conflictTypes` query lists them."
        )
    if request.theme is not None and result.theme is None:
        raise bad_input(f"No theme has the code {request.theme!r}; the `themes` query lists them.")
    if request.beneficiary is not None:
        if result.beneficiary is None:
            raise ApiError(f"No actor has the id {request.beneficiary!r}.", "NOT_FOUND")
        if not result.origin_found:
            raise bad_input("The beneficiary has no base commune (basedIn): matching needs a place to start from.")
    elif not result.origin_found:
        raise bad_input(
            f"No territory has the code {request.near.territory!r} (an INSEE code, an EPCI SIREN or an id)."
        )
    return result


def scales(info: Info, request: MatchRequest) -> dict[str, Any]:
    weights = info.context.settings.matching_weights
    return {"tau_km": request.radius_km * weights.distance_scale, "half_life": weights.half_life_years}


async def ranked_match(
    info: Info, request: MatchRequest, build: Callable[..., T], *, after: str | None, what: str
) -> Ranking[T]:
    """Run the matching query and rank its items, built by `build` (a `from_record`); `what` names them in the
    note about the radius."""
    result = await run_match(info, request)
    items = [build(item, **scales(info, request)) for item in result.items]
    return ranking(
        result,
        items,
        radius_km=request.radius_km,
        outer_km=request.widen_to_km or request.radius_km,
        first=request.first,
        after=after,
        what=what,
    )


async def experienced_actors(
    info: Info,
    conflict_type: str,
    near: PlaceInput,
    radius_km: float | None = None,
    include_related: bool = True,
    since: int | None = None,
    kinds: list[ActorKind] | None = None,
    roles: list[MatchingRole] | None = None,
    first: int | None = 10,
    after: str | None = None,
) -> Ranking[ExperiencedActor]:
    request = match_request(
        info,
        near=near,
        radius_km=radius_km,
        first=first,
        after=after,
        conflict_type=conflict_type,
        include_related=include_related,
        since=since,
        kinds=kinds,
        roles=roles,
    )
    return await ranked_match(info, request, ExperiencedActor.from_record, after=after, what="actors")
