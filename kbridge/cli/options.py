"""Options and decorators the command modules share."""

from __future__ import annotations

import click

from kbridge.cli.main import AppContext

pass_app = click.make_pass_decorator(AppContext)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
reason_option = click.option("--reason", default="", help="Why: kept with the revision.")
