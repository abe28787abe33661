"""The `tec` command line: `tec.cli.main` assembles the command groups (one module each), `tec.cli.common`
holds what they share."""
