"""The `tec` command line: local Neo4j, migrations, imports, seeds, API keys, and the service itself.

Each command group is a module of this package; this one only assembles them.
"""

from __future__ import annotations

import typer

from tec.cli import (
    apikeys,
    audit,
    bench,
    db,
    exports,
    imports,
    neo4j,
    privacy,
    reference,
    schema,
    seeds,
    serve,
    webhooks,
)

app = typer.Typer(help="territoires-graph: the knowledge graph of « Territoires en commun ».", no_args_is_help=True)
import_app = typer.Typer(help="Bring data in: reference data and partner files.", no_args_is_help=True)
import_app.command("territories")(reference.import_territories)
import_app.command("taxonomy")(reference.import_taxonomy)
import_app.command("partners")(imports.import_partners)
seed_app = typer.Typer(help="Generated networks: demo and scale.", no_args_is_help=True)
seed_app.command("demo")(seeds.seed_demo)
seed_app.command("scale")(seeds.seed_scale)

app.add_typer(neo4j.app, name="neo4j")
app.add_typer(import_app, name="import")
app.add_typer(seed_app, name="seed")
app.add_typer(db.app, name="db")
app.add_typer(privacy.app, name="privacy")
app.add_typer(audit.app, name="audit")
app.add_typer(apikeys.app, name="apikey")
app.command("export")(exports.export)
app.add_typer(schema.app, name="schema")
app.add_typer(webhooks.app, name="webhook")
app.command()(serve.serve)
app.command()(serve.up)
app.command()(bench.bench)


def main() -> None:
    app()
