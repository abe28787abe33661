"""What one imported record must look like before it reaches the graph: pydantic models at the edge.

Values arrive as text (CSV) or JSON scalars and are checked and normalised here: French dates and
booleans, SIREN/SIRET/RNA numbers, web sites, e-mail addresses, and every enum of the graph model
(`graph.model`, docs/graph-model.md). A failed check becomes a report line naming the field and the reason.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from graph import model
from graph.text import clean_name, clean_text

# The codes a value map or a constant may lead to, by target field name.
ENUMS: dict[str, frozenset[str]] = {
    "kind": frozenset(model.ACTOR_KINDS),
    "role": frozenset(model.INVOLVEMENT_ROLES),
    "outcome": frozenset(model.CONFLICT_OUTCOMES),
    "status": frozenset(model.CONFLICT_STATUSES),
    "intensity": frozenset(model.INTENSITIES),
    "mobilisations": frozenset(model.MOBILISATIONS),
    "expertise": frozenset(model.EXPERTISE_KINDS),
    "open_to_sponsorship": frozenset({"true", "false"}),
}
LIST_FIELDS = frozenset({"themes", "mobilisations"})
OPTIONAL_CODES = frozenset({"expertise"})  # a value map may send a label to "": no code (the role alone)

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d", "%d.%m.%Y")
_TRUE = frozenset({"true", "oui", "o", "vrai", "yes", "y", "1", "x"})
_FALSE = frozenset({"false", "non", "n", "faux", "no", "0"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SITE = re.compile(r"^(https?://)?[^\s/]+\.[^\s/]+(/\S*)?$", re.IGNORECASE)


def parse_date(value: Any) -> Any:
    """A `date` from a date, an ISO date (or date-time) or a French DD/MM/YYYY; else a clear error."""
    if value is None or isinstance(value, date | datetime):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text:
        return None
    head = text[:10] if len(text) > 10 and text[10] in "T " else text
    if _ISO_DATE.match(head):  # the common case, without strptime
        try:
            parsed = date.fromisoformat(head)
        except ValueError:
            raise ValueError("not a date (expected YYYY-MM-DD or DD/MM/YYYY)") from None
        if not 1800 <= parsed.year <= 2100:
            raise ValueError(f"the year {parsed.year} is out of range")
        return parsed
    for pattern in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(head, pattern).date()
        except ValueError:
            continue
        if not 1800 <= parsed.year <= 2100:
            raise ValueError(f"the year {parsed.year} is out of range")
        return parsed
    raise ValueError("not a date (expected YYYY-MM-DD or DD/MM/YYYY)")


def _year(value: Any) -> Any:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d{4}(\.0)?", text):
        return int(text[:4])
    raise ValueError("not a year (expected four digits, e.g. 2019)")


def _boolean(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("not a yes/no value (expected oui/non, true/false, 1/0)")


def _digits(count: int, what: str) -> Any:
    def check(value: Any) -> Any:
        if value is None:
            return None
        text = re.sub(r"[\s.]", "", str(value))
        if not re.fullmatch(rf"\d{{{count}}}", text):
            raise ValueError(f"not a {what} ({count} digits)")
        return text

    return check


def _rna(value: Any) -> Any:
    if value is None:
        return None
    text = str(value).strip().upper()
    if not re.fullmatch(r"W[0-9A-Z]{9}", text):
        raise ValueError("not an RNA number (W followed by 9 characters)")
    return text


def _website(value: Any) -> Any:
    if value is None:
        return None
    text = str(value).strip()
    if not _SITE.match(text):
        raise ValueError("not a web address")
    return text if text.lower().startswith(("http://", "https://")) else f"https://{text}"


def _email(value: Any) -> Any:
    if value is None:
        return None
    text = str(value).strip()
    if not _EMAIL.match(text):
        raise ValueError("not an e-mail address")
    return text


def _text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError("not a text value")


TEXT_MAX = 20_000  # characters of a description or summary (docs/importers.md, "Limits")
NAME_MAX = 500  # characters of a name, title, phone number or contact name
Text = Annotated[str, BeforeValidator(_text), AfterValidator(clean_text), Field(min_length=1, max_length=TEXT_MAX)]
Name = Annotated[str, BeforeValidator(_text), AfterValidator(clean_name), Field(min_length=1, max_length=NAME_MAX)]
Day = Annotated[date, BeforeValidator(parse_date)]
Year = Annotated[int, BeforeValidator(_year), Field(ge=1800, le=2100)]
Bool = Annotated[bool, BeforeValidator(_boolean)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    def props(self, names: dict[str, str]) -> dict[str, Any]:
        """The graph properties (camelCase) of the fields the mapping sets; None removes a property."""
        return {names.get(key, key): value for key, value in self.model_dump(exclude_unset=True).items()}


class ActorRecord(_Record):
    name: Name
    kind: model.ActorKind
    description: Text | None = None
    website: Annotated[str | None, BeforeValidator(_website)] = None
    siren: Annotated[str | None, BeforeValidator(_digits(9, "SIREN number"))] = None
    siret: Annotated[str | None, BeforeValidator(_digits(14, "SIRET number"))] = None
    rna: Annotated[str | None, BeforeValidator(_rna)] = None
    email: Annotated[str | None, BeforeValidator(_email)] = None
    phone: Name | None = None
    contact_name: Name | None = None
    open_to_sponsorship: Bool | None = None
    sponsorship_capacity: Annotated[int | None, Field(ge=0, le=100)] = None
    founded_on: Day | None = None


ACTOR_PROPS = {
    "contact_name": "contactName",
    "open_to_sponsorship": "openToSponsorship",
    "sponsorship_capacity": "sponsorshipCapacity",
    "founded_on": "foundedOn",
}


class ConflictRecord(_Record):
    title: Name
    summary: Text | None = None
    status: model.ConflictStatus | None = None
    intensity: model.Intensity | None = None
    started_on: Day | None = None
    ended_on: Day | None = None
    year: Year | None = None
    outcome: model.ConflictOutcome | None = None
    mobilisations: list[model.Mobilisation] | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> ConflictRecord:
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            raise ValueError("ends before it starts")
        return self

    def derived_status(self) -> str:
        """The status given, else ACTIVE while the outcome is unknown or ongoing, SETTLED after."""
        if self.status is not None:
            return self.status
        return "ACTIVE" if self.outcome in (None, "ONGOING") else "SETTLED"

    def derived_year(self) -> int | None:
        return self.year if self.year is not None else (self.started_on.year if self.started_on else None)


CONFLICT_PROPS = {"started_on": "startedOn", "ended_on": "endedOn"}


def _no_code(value: Any) -> Any:
    return None if value == "" else value


class InvolvementRecord(_Record):
    role: model.InvolvementRole
    role_from: Year | None = None
    role_to: Year | None = None
    expertise: Annotated[model.ExpertiseKind | None, BeforeValidator(_no_code)] = None
    role_label: Name | None = None


class MembershipRecord(_Record):
    since: Day | None = None


_FRIENDLY = {
    "missing": "is required but empty",
    "string_too_short": "is required but empty",
    "string_too_long": "is too long",
    "int_parsing": "not a whole number",
    "int_from_float": "not a whole number",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
}


def problems(error: ValidationError) -> list[tuple[str, str]]:
    """(field, reason) for each failed check, in words a data steward reads."""
    found: list[tuple[str, str]] = []
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        kind = item["type"]
        if item.get("input", "") is None:
            reason = _FRIENDLY["missing"]
        elif kind == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            reason = f"not one of the allowed codes ({expected})"
        elif kind in ("string_too_long", "too_long") and isinstance(item.get("input"), str):
            limit = item.get("ctx", {}).get("max_length")
            size = len(item["input"])
            reason = f"is too long: {size:,} characters, the limit is {limit:,} characters" if limit else "is too long"
        elif kind in _FRIENDLY:
            reason = _FRIENDLY[kind]
            if kind in ("greater_than_equal", "less_than_equal"):
                bound = item.get("ctx", {}).get("ge", item.get("ctx", {}).get("le"))
                reason = f"{reason} (limit {bound})"
        else:
            reason = str(item["msg"]).removeprefix("Value error, ")
        found.append((field, reason))
    return found
