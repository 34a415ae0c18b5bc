"""`kbridge [--kb PATH] COMMAND`: the command-line contract of DESIGN.md.

Exit 0 on success, 1 on a user error (message on stderr, nothing changed), 2 on a usage error.
No traceback reaches a user: one handler (`KbridgeGroup.invoke`, and `main` around everything)
turns any error into one line on stderr and exit 1; what was not a user's mistake is written to
the log file (kbridge.diagnostics) with its traceback, which `--verbose` also prints."""

from __future__ import annotations

import errno
import sqlite3
import sys
import traceback
from pathlib import Path
from typing import Any, NoReturn

import click

from kbridge import __version__, paths
from kbridge.core import KnowledgeBase
from kbridge.core.backups import NoRoomForBackupError, auto_backup
from kbridge.diagnostics import log_exception
from kbridge.escaping import terminal_text
from kbridge.model import Initiator, KbridgeError, NotFoundError


class AppContext:
    """What every command shares: which knowledge base, opened once, closed at exit."""

    def __init__(self, kb_path: Path | None, verbose: bool = False) -> None:
        self.explicit_path = kb_path  # from --kb or $KBRIDGE_KB
        self.verbose = verbose
        self._kb: KnowledgeBase | None = None

    @property
    def kb_path(self) -> Path:
        return self.explicit_path or paths.default_kb_path()

    def kb(self, *, write: bool = False) -> KnowledgeBase:
        """The knowledge base. A command that writes creates it when missing (and says so); one
        that only reads fails instead, so a mistyped path never yields an empty answer."""
        if self._kb is None:
            path = self.kb_path
            if path.exists() and not (path.is_file() or path.is_dir()):  # a FIFO would block the open
                raise KbridgeError(f"{path} is not a regular file; a knowledge base is one")
            if not path.exists():
                if not write and self.explicit_path is not None:
                    raise NotFoundError(
                        f"no knowledge base at {path} (create one with: kbridge init {path})"
                    )
                click.echo(f"kbridge: created a new knowledge base at {path}", err=True)
            elif path.is_file() and _upgrade_pending(path):
                click.echo(f"kbridge: upgrading {path} to the new format (once; minutes for a large "
                           "knowledge base)…", err=True)
            self._kb = KnowledgeBase.open(path, create=True, initiator=Initiator.CLI)
        if write:
            # At most hourly (see core.backups): a rotating safety copy before the first change.
            try:
                auto_backup(self._kb)
            except NoRoomForBackupError as error:  # the change goes on; the person is told
                click.echo(f"kbridge: {terminal_text(error)}", err=True)
        return self._kb

    def close(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None


def _upgrade_pending(path: Path) -> bool:
    """Whether opening `path` upgrades it first (what it is not, the open itself says)."""
    from kbridge.core.opening import pending_upgrade

    try:
        return pending_upgrade(path) is not None
    except KbridgeError:
        return False


class KbridgeGroup(click.Group):
    """Turns every error into one line on stderr and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own: usage errors (exit 2), --help, Ctrl+C
        except BrokenPipeError:
            raise  # `kbridge list | head`: click ends quietly
        except Exception as error:
            app = ctx.obj if isinstance(ctx.obj, AppContext) else None
            fail(error, verbose=bool(app and app.verbose), kb_path=app.kb_path if app else None)


def fail(error: BaseException, *, verbose: bool = False, kb_path: Path | None = None) -> NoReturn:
    """The one line a person reads for `error` (logged first unless it is a user error), exit 1."""
    if isinstance(error, KbridgeError):
        _say(str(error))
    else:
        logged = log_exception(error, "kbridge " + " ".join(sys.argv[1:]))
        where = f"details in {logged}" if logged else "the log file could not be written"
        _say(f"{_explain(error, kb_path)} ({where})")
        if verbose:
            lines = traceback.format_exception(type(error), error, error.__traceback__)
            click.echo(terminal_text("".join(lines).rstrip(), multiline=True), err=True)
    sys.exit(1)


def _explain(error: BaseException, kb_path: Path | None) -> str:
    if isinstance(error, sqlite3.DatabaseError):
        where = f" at {kb_path}" if kb_path else ""
        return (f"the knowledge base{where} could not be used ({error}); if it is damaged, "
                "`kbridge backups` lists copies that `kbridge restore-backup` can bring back")
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return "the disk is full; nothing more was written (free some space and try again)"
        about = f": {error.filename}" if error.filename else ""
        return f"{error.strerror or error}{about}"
    if isinstance(error, RecursionError):
        return "the input is nested too deeply to process"
    if isinstance(error, MemoryError):
        return "out of memory: the input is too large to process"
    return f"unexpected error: {type(error).__name__}: {error}"


def _say(message: str) -> None:
    click.echo(f"kbridge: {terminal_text(message)}", err=True)


@click.group(cls=KbridgeGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--kb",
    "kb_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="KBRIDGE_KB",
    help="Knowledge base file (default: $KBRIDGE_KB, else default.kbridge in the user data folder).",
)
@click.option("--verbose", is_flag=True, help="On an unexpected error, print its traceback too (it is always logged).")
@click.version_option(__version__, "-V", "--version", prog_name="kbridge")
@click.pass_context
def cli(ctx: click.Context, kb_path: Path | None, verbose: bool) -> None:
    """kbridge: architecture decisions, systems and security controls as linked, searchable,
    offline records. With no command, opens the desktop app."""
    app = AppContext(kb_path, verbose)
    ctx.obj = app
    ctx.call_on_close(app.close)
    if ctx.invoked_subcommand is None:
        from kbridge.cli.cmd_gui import gui

        ctx.invoke(gui)


def main() -> None:
    try:
        cli(prog_name="kbridge")
    except Exception as error:  # what escaped the commands' handler: closing, a broken pipe
        fail(error, verbose="--verbose" in sys.argv[1:])


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
        cmd_sync,
        cmd_trails,
    )

    modules = (cmd_records, cmd_lifecycle, cmd_history, cmd_maintenance, cmd_trails, cmd_search, cmd_gui,
               cmd_formats, cmd_sync, cmd_share, cmd_resilience)
    for module in modules:
        for command in module.COMMANDS:
            cli.add_command(command)
    from kbridge.cli.cmd_completion import completion_command

    cli.add_command(completion_command)


_register()
