"""`tec seed demo` and `tec seed scale`: the generated networks, loaded through the batched writers.

Both need the reference data in the graph (territories and taxonomy) and refuse to run without it.
Ids come from the seeded generator, so running a seed again converges instead of duplicating;
`--reset` first deletes every node of the previous seed of that network (its `Source`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Annotated

import typer

from graph import audit, bulk, needs
from graph.alerts import AlertSubject, alert_targets, base_of
from graph.editing import Editor
from graph.matching import Near
from graph.migrations import migrate
from graph.store import Store
from importers.generator import (
    DEMO,
    MAX_SCALED_ACTORS,
    MIN_SCALED_ACTORS,
    SCALE,
    Network,
    NetworkSize,
    generate,
    scaled,
)
from importers.geography import Geography
from importers.reference import Taxonomy, TerritoryRecord, read_taxonomy, read_territory_snapshot
from tec.settings import Settings

LICENCE = "Données fictives générées, sur le Code officiel géographique 2026 (Licence Ouverte 2.0)"


class SeedRefused(Exception):
    """The graph is not ready for a seed (reference data missing); the message says what to run."""


@dataclass
class SeedReport:
    """What a seed wrote, and how fast."""

    network: str
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    steps: list[bulk.WriteReport] = field(default_factory=list)
    deleted: int = 0
    generate_seconds: float = 0.0
    write_seconds: float = 0.0
    needs: int = 0  # open needs posted (the demo network only)
    alerts: int = 0

    @property
    def rows(self) -> int:
        return sum(step.rows for step in self.steps)

    @property
    def skipped(self) -> int:
        return sum(step.missing for step in self.steps)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.write_seconds if self.write_seconds else 0.0

    def summary(self) -> str:
        nodes = ", ".join(f"{count:,} {label}" for label, count in self.nodes.items())
        links = sum(self.relationships.values())
        return (
            f"{self.network} network: {nodes}; {links:,} relationships. {self.rows:,} rows written in "
            f"{self.write_seconds:.1f} s ({self.rows_per_second:,.0f} rows/s); generated in "
            f"{self.generate_seconds:.1f} s."
            + (f" {self.needs} open needs posted, {self.alerts} alerts." if self.needs else "")
        )


async def seed_network(
    store: Store,
    size: NetworkSize,
    *,
    reset: bool = False,
    territories: Sequence[TerritoryRecord] | None = None,
    taxonomy: Taxonomy | None = None,
    progress: bulk.Progress | None = None,
) -> SeedReport:
    """Generate a network and write it; `SeedRefused` (nothing written) when reference data is missing.

    `territories` and `taxonomy` default to the shipped snapshot and taxonomy; tests pass a subset.
    """
    await migrate(store)
    places = list(territories) if territories is not None else read_territory_snapshot().territories
    kinds = taxonomy or read_taxonomy()
    top = [f"{t.level}-{t.code}" for t in places if t.level in ("REGION", "DEPARTEMENT")]
    if top and len(await bulk.missing_keys(store, "Territory", top)) == len(top):
        raise SeedRefused("The territories are not loaded: run `tec import territories` first.")
    report = SeedReport(size.name)
    started = time.perf_counter()
    network = generate(size, Geography(places), kinds)
    report.generate_seconds = time.perf_counter() - started
    await _check_references(store, network, kinds)
    if reset:
        report.deleted = await bulk.delete_source(store, size.name)
    writer = bulk.BulkWriter(
        store, source=size.name, by=f"seed:{size.name}", source_kind="DEMO", licence=LICENCE, progress=progress
    )
    started = time.perf_counter()
    with audit.acting_as(f"seed:{size.name}"):
        await writer.ensure_source()
        for label, rows in network.nodes.items():
            report.steps.append(await writer.nodes(label, rows))
        for (start, rel_type, end), rows in network.links.items():
            report.steps.append(await writer.relationships(start, rel_type, end, rows))
    report.write_seconds = time.perf_counter() - started
    if size.name == DEMO.name:
        report.needs, report.alerts = await seed_needs(store, size.name)
    report.nodes = network.node_counts()
    report.relationships = network.link_counts()
    return report


DEMO_NEEDS = 5
NEED_HELP = (("SPONSOR",), ("SPONSOR", "TASK_FORCE"), ("TASK_FORCE",), ("SPONSOR", "RESOURCES"), ("RESOURCES",))


async def seed_needs(store: Store, source: str, count: int = DEMO_NEEDS) -> tuple[int, int]:
    """Open needs for a few of the network's authorities, each about an open conflict of theirs, posted the way
    `postNeed` posts them (alerts computed by the matching, events in the same transaction). A seed posted
    again replaces its previous needs. Returns (needs, alerts)."""
    by = f"seed:{source}:needs"
    await needs.delete_created_by(store, by)
    settings = Settings()
    editor = Editor(by=by, admin=True)
    alerts = 0
    subjects = await needs.demo_subjects(store, source, count)
    for index, subject in enumerate(subjects):
        help_kinds = NEED_HELP[index % len(NEED_HELP)]
        need = needs.NewNeed(
            actor=subject["actor"],
            description=(
                f"{subject['name']} cherche un acteur qui a déjà vécu un conflit « {subject['label']} » "
                f"pour l'aider sur « {subject['title']} »."
            ),
            help=help_kinds,
            conflict_type=subject["type"],
            conflict=subject["conflict"],
        )
        if "SPONSOR" in help_kinds:
            about = AlertSubject(conflict_type=subject["type"], beneficiary=subject["actor"])
        else:
            about = AlertSubject(conflict_type=subject["type"], near=Near(territory=await base_of(store, need.actor)))
        targets = await alert_targets(
            store,
            about,
            top_n=settings.alert_top_n,
            radius_km=settings.alert_radius_km,
            weights=settings.matching_weights,
        )
        targets = [target for target in targets if target[0] != need.actor]
        await needs.post_need(store, need, editor, targets)
        alerts += len(targets)
    return len(subjects), alerts


async def _check_references(store: Store, network: Network, taxonomy: Taxonomy) -> None:
    missing = await bulk.missing_keys(store, "Territory", network.territory_ids())
    if missing:
        raise SeedRefused(
            f"{len(missing)} territories the {network.name} network uses are not in the graph "
            f"(e.g. {', '.join(missing[:3])}): run `tec import territories` first."
        )
    codes = [t.code for t in taxonomy.conflict_types] + [t.code for t in taxonomy.themes]
    missing = await bulk.missing_keys(store, "ConflictType", [t.code for t in taxonomy.conflict_types])
    missing += await bulk.missing_keys(store, "Theme", [t.code for t in taxonomy.themes])
    if missing:
        raise SeedRefused(
            f"{len(missing)} of {len(codes)} conflict types and themes are not in the graph "
            f"(e.g. {', '.join(missing[:3])}): run `tec import taxonomy` first."
        )


def _run(size: NetworkSize, reset: bool) -> None:
    from tec.cli import fail, with_store
    from tec.reference_cli import progress_reporter

    async def work(store: Store) -> SeedReport:
        with progress_reporter() as progress:
            return await seed_network(store, size, reset=reset, progress=progress)

    try:
        report = with_store(work)
    except SeedRefused as error:
        raise fail(str(error)) from None
    except bulk.BulkRowError as error:
        raise fail(f"The generator produced a row the graph model refuses: {error}") from None
    if report.deleted:
        typer.echo(f"Deleted the previous {size.name} seed: {report.deleted:,} nodes.")
    typer.echo(report.summary())
    if report.skipped:
        typer.echo(f"{report.skipped:,} relationships skipped: an endpoint was missing.")


ResetOption = Annotated[bool, typer.Option("--reset", help="Delete the previous seed of this network first.")]


def seed_demo(reset: ResetOption = False) -> None:
    """Load the demo network (3,000 actors, 1,200 conflicts…) on the real territories; see docs/demo-data.md.

    Deterministic: running it again converges to the same graph.
    """
    _run(DEMO, reset)


def seed_scale(
    reset: ResetOption = False,
    actors: Annotated[
        int,
        typer.Option(
            "--actors",
            help=f"Actors to generate ({MIN_SCALED_ACTORS:,} to {MAX_SCALED_ACTORS:,}); every other count follows "
            "in proportion. Seeding another size over a previous one needs --reset.",
        ),
    ] = SCALE.actors,
) -> None:
    """Load the scale network of the benchmark (50,000 actors, 20,000 conflicts, 100,000 cooperation links)."""
    try:
        size = scaled(actors)
    except ValueError as error:
        from tec.cli import fail

        raise fail(f"--actors: {error}.") from None
    _run(size, reset)
