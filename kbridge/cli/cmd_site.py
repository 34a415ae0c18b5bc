"""`kbridge export-site OUT`: the static HTML site, until `kbridge export --format html` calls
kbridge.formats.site.export_site itself (the export command belongs with the other formats)."""

from __future__ import annotations

from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json
from kbridge.formats.site import export_site


@click.command("export-site")
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
@json_option
@pass_app
def export_site_command(app: AppContext, out: Path, as_json: bool) -> None:
    """Write the knowledge base as a self-contained, offline HTML site into the folder OUT."""
    report = export_site(app.kb(), out)
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(f"wrote {report.pages} pages ({report.records} records) to {out}; open {out / 'index.html'}", err=True)


COMMANDS = [export_site_command]
