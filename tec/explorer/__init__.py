"""The explorer: the French web front end served at `/` from the files in `static/` (docs/explorer.md)."""
