"""`kbridge gui`: open the desktop application. The command line's one door to the window layer
(an import contract allows it here only): the commands that print with Qt go through it too."""

from __future__ import annotations

from types import ModuleType

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import pass_app
from kbridge.formats.sample import ensure_sample_kb
from kbridge.model import KbridgeError
from kbridge.ui.display import display_missing


@click.command("gui")
@click.option("--sample", is_flag=True, help="Open the bundled sample knowledge base.")
@pass_app
def gui(app: AppContext, sample: bool) -> None:
    """Open the desktop app (the default when no command is given)."""
    missing = display_missing()
    if missing is not None:
        raise KbridgeError(f"no display to open the desktop app on ({missing}); every command works "
                           "without one: kbridge --help")
    # Imported here: Qt takes a moment to load and no other command needs it.
    from kbridge.ui.app import run

    path = ensure_sample_kb() if sample else app.kb_path
    raise SystemExit(run(path))


def qt_printing() -> ModuleType:
    """kbridge.ui.printing, loaded only for the commands that print (Qt takes a moment to load)."""
    from kbridge.ui import printing

    return printing


COMMANDS = [gui]
