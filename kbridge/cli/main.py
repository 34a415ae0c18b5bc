"""`kbridge [--kb PATH] COMMAND`: the command-line contract of DESIGN.md.

Exit 0 on success, 1 on a user error (message on stderr, nothing changed), 2 on a usage error."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from kbridge import __version__, paths
from kbridge.core import KnowledgeBase
from kbridge.core.backups import auto_backup
from kbridge.model import KbridgeError, NotFoundError


class AppContext:
    """What every command shares: which knowledge base, opened once, closed at exit."""

    def __init__(self, kb_path: Path | None) -> None:
        self.explicit_path = kb_path  # from --kb or $KBRIDGE_KB
        self._kb: KnowledgeBase | None = None

    @property
    def kb_path(self) -> Path:
        return self.explicit_path or paths.default_kb_path()

    def kb(self, *, write: bool = False) -> KnowledgeBase:
        """The knowledge base. A command that writes creates it when missing (and says so); one
        that only reads fails instead, so a mistyped path never yields an empty answer."""
        if self._kb is None:
            path = self.kb_path
            if not path.exists():
                if not write and self.explicit_path is not None:
                    raise NotFoundError(
                        f"no knowledge base at {path} (create one with: kbridge init {path})"
                    )
                click.echo(f"kbridge: created a new knowledge base at {path}", err=True)
            self._kb = KnowledgeBase.open(path, create=True)
        if write:
            # At most hourly (see core.backups): a rotating safety copy before the first change.
            auto_backup(self._kb)
        return self._kb

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None


class KbridgeGroup(click.Group):
    """Turns user errors into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KbridgeError as error:
            _fail(str(error))
        except sqlite3.OperationalError as error:
            _fail(f"the knowledge base could not be used: {error}")
        except OSError as error:
            if error.filename is None:
                raise
            _fail(f"{error.strerror}: {error.filename}")


def _fail(message: str) -> None:
    click.echo(f"kbridge: {message}", err=True)
    sys.exit(1)


@click.group(cls=KbridgeGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--kb",
    "kb_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="KBRIDGE_KB",
    help="Knowledge base file (default: $KBRIDGE_KB, else default.kbridge in the user data folder).",
)
@click.version_option(__version__, "-V", "--version", prog_name="kbridge")
@click.pass_context
def cli(ctx: click.Context, kb_path: Path | None) -> None:
    """kbridge: architecture decisions, systems and security controls as linked, searchable,
    offline records. With no command, opens the desktop app."""
    app = AppContext(kb_path)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        from kbridge.cli.cmd_gui import gui

        ctx.invoke(gui)


def main() -> None:
    cli(prog_name="kbridge")


def _register() -> None:
    from kbridge.cli import (
        cmd_formats,
        cmd_gui,
        cmd_history,
        cmd_lifecycle,
        cmd_maintenance,
        cmd_records,
        cmd_resilience,
        cmd_search,
        cmd_share,
        cmd_trails,
    )

    modules = (cmd_records, cmd_lifecycle, cmd_history, cmd_maintenance, cmd_trails, cmd_search, cmd_gui,
               cmd_formats, cmd_share, cmd_resilience)
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)
    from kbridge.cli.cmd_completion import completion_command

    cli.add_command(completion_command)


_register()
