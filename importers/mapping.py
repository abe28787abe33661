"""Mapping files: which column or JSON path of a partner file feeds which field of the graph.

A mapping is a TOML file (`docs/importers.md` is the data steward's guide); presets for common public
formats ship in `importers/presets/`. `load_mapping` / `load_preset` read and check one: every mistake
found here (an unknown key, a value map that sends a label to a code the graph does not know, a
missing required field) raises `BadMapping` with a sentence naming the key, before any row is read.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from graph.model import SourceKind
from importers.errors import BadMapping
from importers.record_rules import ENUMS, LIST_FIELDS, OPTIONAL_CODES
from importers.reference import Taxonomy, read_taxonomy

PRESETS_DIR = Path(__file__).resolve().parent / "presets"
BUILTIN_CONFLICT_TYPES = "conflict_types"
BUILTIN_THEMES = "themes"
Scalar = str | int | float | bool


def _shorthand(value: Any) -> Any:
    """`name = "titre"` means `name = { from = "titre" }`; with braces, a template."""
    if isinstance(value, str):
        return {"template": value} if "{" in value else {"from": value}
    return value


class FieldSpec(BaseModel):
    """Where one field's value comes from: a column or path, a constant, a template or a hash."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    from_: str | None = Field(None, alias="from", min_length=1)
    value: Scalar | None = None
    template: str | None = Field(None, min_length=1)
    hash: list[str] | None = Field(None, min_length=1)
    map: str | None = None
    split: str | None = Field(None, min_length=1)
    format: str | None = Field(None, min_length=2)
    default: Scalar | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> FieldSpec:
        given = [key for key in ("from_", "value", "template", "hash") if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of `from`, `value`, `template` or `hash`")
        return self

    def sources(self) -> list[str]:
        """The columns or paths this field reads."""
        if self.from_ is not None:
            return [self.from_]
        if self.hash is not None:
            return list(self.hash)
        if self.template is not None:
            return template_fields(self.template)
        return []


Spec = Annotated[FieldSpec, BeforeValidator(_shorthand)]


def template_fields(template: str) -> list[str]:
    """The `{placeholders}` of a template, in order (`{#}` is the item number, not a column)."""
    fields: list[str] = []
    rest = template
    while "{" in rest:
        start = rest.index("{")
        end = rest.find("}", start)
        if end < 0:
            raise ValueError(f"unclosed '{{' in template {template!r}")
        name = rest[start + 1 : end].strip()
        if not name:
            raise ValueError(f"empty '{{}}' in template {template!r}")
        if name != "#":
            fields.append(name)
        rest = rest[end + 1 :]
    return fields


class PlaceSpec(BaseModel):
    """How a row's commune is found: INSEE code, else postal code + name, else latitude/longitude."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    insee: Spec | None = None
    postal_code: Spec | None = None
    commune: Spec | None = None
    lat: Spec | None = None
    lon: Spec | None = None
    max_distance_km: float = Field(30.0, gt=0, le=200)

    @model_validator(mode="after")
    def _complete(self) -> PlaceSpec:
        if (self.postal_code is None) != (self.commune is None):
            raise ValueError("`postal_code` and `commune` go together")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("`lat` and `lon` go together")
        if self.insee is None and self.postal_code is None and self.lat is None:
            raise ValueError("give `insee`, or `postal_code` and `commune`, or `lat` and `lon`")
        return self


class ActorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Spec
    name: Spec
    kind: Spec
    description: Spec | None = None
    website: Spec | None = None
    siren: Spec | None = None
    siret: Spec | None = None
    rna: Spec | None = None
    email: Spec | None = None
    phone: Spec | None = None
    contact_name: Spec | None = None
    open_to_sponsorship: Spec | None = None
    sponsorship_capacity: Spec | None = None
    founded_on: Spec | None = None
    themes: Spec | None = None
    place: PlaceSpec | None = None
    governs: bool = False

    @model_validator(mode="after")
    def _governs_needs_place(self) -> ActorSpec:
        if self.governs and self.place is None:
            raise ValueError("`governs = true` needs an [actor.place] section")
        return self


class ConflictSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    each: str = Field(min_length=1)
    id: Spec
    title: Spec
    type: Spec
    role: Spec
    place: PlaceSpec
    summary: Spec | None = None
    status: Spec | None = None
    intensity: Spec | None = None
    started_on: Spec | None = None
    ended_on: Spec | None = None
    year: Spec | None = None
    outcome: Spec | None = None
    mobilisations: Spec | None = None
    role_from: Spec | None = None
    role_to: Spec | None = None
    expertise: Spec | None = None  # the kind of expertise the partner named (LEGAL, TECHNICAL…)
    role_label: Spec | None = None  # the partner's own words for the role, kept as given


class NetworkSpec(BaseModel):
    """The network every record of the file is a member of (an Actor of kind RESEAU)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str | None = Field(None, min_length=1)
    name: str = Field(min_length=1)
    description: str | None = None
    website: str | None = None
    since: Spec | None = None

    @property
    def external_id(self) -> str:
        return self.id or f"network:{self.name}"


class SourceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")
    kind: SourceKind = "PARTNER"
    licence: str | None = None


class FileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["csv", "json", "jsonl"] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    empty: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _delimiter(self) -> FileSpec:
        if self.delimiter is not None and self.delimiter != "tab" and len(self.delimiter) != 1:
            raise ValueError('`delimiter` is one character (or "tab")')
        return self

    @property
    def csv_delimiter(self) -> str | None:
        return "\t" if self.delimiter == "tab" else self.delimiter


class SkipRule(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)

    from_: str = Field(alias="from", min_length=1)
    in_: list[str] = Field(alias="in", min_length=1)
    reason: str | None = None


class Mapping(BaseModel):
    """A checked mapping file. `name` is where it came from (a preset name or a file name)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    source: SourceSpec
    file: FileSpec = FileSpec()
    skip: list[SkipRule] = Field(default_factory=list)
    actor: ActorSpec
    conflicts: ConflictSpec | None = None
    network: NetworkSpec | None = None
    maps: dict[str, dict[str, str]] = Field(default_factory=dict)

    def field_specs(self) -> list[tuple[str, FieldSpec]]:
        """Every (dotted target name, spec) of the mapping."""
        specs: list[tuple[str, FieldSpec]] = []
        for section, model in (("actor", self.actor), ("conflicts", self.conflicts)):
            if model is None:
                continue
            for key in type(model).model_fields:
                value = getattr(model, key)
                if isinstance(value, FieldSpec):
                    specs.append((f"{section}.{key}", value))
                elif isinstance(value, PlaceSpec):
                    specs.extend(
                        (f"{section}.place.{k}", getattr(value, k))
                        for k in ("insee", "postal_code", "commune", "lat", "lon")
                        if getattr(value, k) is not None
                    )
        if self.network is not None and self.network.since is not None:
            specs.append(("network.since", self.network.since))
        return specs


def _check(mapping: Mapping, taxonomy: Taxonomy) -> None:
    """Cross-field checks pydantic cannot do alone: map names, codes the maps and constants lead to."""
    conflict_codes = frozenset(record.code for record in taxonomy.conflict_types)
    theme_codes = frozenset(theme.code for theme in taxonomy.themes)
    for target, spec in mapping.field_specs():
        field = target.split(".")[-1]
        allowed = ENUMS.get(field)
        if field == "type":
            allowed = conflict_codes
        elif field == "themes":
            allowed = theme_codes
        if spec.map is not None:
            builtin = spec.map in (BUILTIN_CONFLICT_TYPES, BUILTIN_THEMES)
            if spec.map not in mapping.maps and not builtin:
                known = ", ".join(sorted({*mapping.maps, BUILTIN_CONFLICT_TYPES, BUILTIN_THEMES}))
                raise BadMapping(f"{target}: no value map named {spec.map!r} (known: {known}).")
            if allowed is not None:
                for label, code in mapping.maps.get(spec.map, {}).items():
                    if code == "" and (field in LIST_FIELDS or field in OPTIONAL_CODES):
                        continue
                    if code not in allowed:
                        raise BadMapping(
                            f"[maps.{spec.map}] sends {label!r} to {code!r}, which is not a valid {target} "
                            f"(one of {', '.join(sorted(allowed))})."
                        )
        if spec.value is not None and allowed is not None and spec.value not in allowed:
            raise BadMapping(f"{target} = {spec.value!r} is not one of {', '.join(sorted(allowed))}.")
        if spec.hash is not None and field != "id":
            raise BadMapping(f"{target}: `hash` only builds external ids (the `id` fields).")
        if spec.split is not None and field not in LIST_FIELDS:
            raise BadMapping(f"{target}: `split` is for list fields ({', '.join(sorted(LIST_FIELDS))}).")
        if spec.template is not None:
            template_fields(spec.template)


def _sentence(where: str, error: ValidationError) -> str:
    problems = []
    for item in error.errors()[:5]:
        location = ".".join(str(part) for part in item["loc"] if not str(part).startswith("function-"))
        location = location.replace("from_", "from").replace("in_", "in")
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key (see docs/importers.md for the keys a mapping may use)"
        elif item["type"] == "missing":
            message = "required, but missing"
        problems.append(f"{location}: {message}" if location else message)
    return f"{where}: " + "; ".join(problems) + "."


def parse_mapping(document: dict[str, Any], name: str, taxonomy: Taxonomy | None = None) -> Mapping:
    """Check a mapping already read from TOML; `BadMapping` names the first problems found."""
    try:
        mapping = Mapping.model_validate({**document, "name": name})
    except ValidationError as error:
        raise BadMapping(_sentence(f"mapping {name}", error)) from None
    try:
        _check(mapping, taxonomy or read_taxonomy())
    except BadMapping as error:
        raise BadMapping(f"mapping {name}: {error}") from None
    except ValueError as error:
        raise BadMapping(f"mapping {name}: {error}.") from None
    return mapping


def load_mapping(path: Path, taxonomy: Taxonomy | None = None) -> Mapping:
    """Read and check a TOML mapping file."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        raise BadMapping(f"mapping file {path} does not exist.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BadMapping(f"mapping file {path} cannot be read: {error}.") from None
    except tomllib.TOMLDecodeError as error:
        raise BadMapping(f"mapping file {path.name} is not valid TOML: {error}.") from None
    return parse_mapping(document, path.name, taxonomy)


def preset_names() -> list[str]:
    return sorted(path.stem for path in PRESETS_DIR.glob("*.toml"))


def load_preset(name: str, taxonomy: Taxonomy | None = None) -> Mapping:
    """Read one of the shipped presets by name (`rna-waldec`, `france-services`…)."""
    if name not in preset_names():
        raise BadMapping(f"no preset named {name!r}; presets: {', '.join(preset_names())}.")
    return load_mapping(PRESETS_DIR / f"{name}.toml", taxonomy)
