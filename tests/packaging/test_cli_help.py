"""`kbridge --version`, `kbridge --help` and the help of every command, found by walking the live
command tree (so commands added later are checked too)."""

from __future__ import annotations

import subprocess

import click
import pytest
from click.testing import CliRunner

from kbridge import __version__
from kbridge.cli.main import cli
from tests.packaging.conftest import BIN


def command_tree(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group, info_name="kbridge")
    found: list[tuple[tuple[str, ...], click.Command]] = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, f"kbridge {' '.join(path)} lists {name} but cannot load it"
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found.extend(command_tree(command, (*path, name)))
    return found


COMMANDS = [((), cli), *command_tree(cli)]
IDS = ["kbridge", *(" ".join(path) for path, _command in COMMANDS[1:])]


def test_version_option() -> None:
    for flag in ("--version", "-V"):
        result = CliRunner().invoke(cli, [flag])
        assert result.exit_code == 0
        assert result.output == f"kbridge, version {__version__}\n"


def test_installed_kbridge_command_reports_its_version() -> None:
    done = subprocess.run([str(BIN / "kbridge"), "--version"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, f"kbridge, version {__version__}\n"), done.stderr


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_describes_the_command(path: tuple[str, ...], command: click.Command) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="kbridge")
    assert result.exit_code == 0, result.output
    description = (command.help or "").strip()
    assert description, f"`kbridge {' '.join(path)}` has no help text (its docstring)"
    assert len(description.split()) >= 4, f"`kbridge {' '.join(path)}` help says too little: {description!r}"
    first_line = description.splitlines()[0].strip()
    assert first_line.split()[0] in result.output
    assert result.output.startswith("Usage: kbridge")


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_every_option_is_explained(path: tuple[str, ...], command: click.Command) -> None:
    unexplained = [
        param.opts[0]
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
    ]
    assert not unexplained, f"`kbridge {' '.join(path)}` options without help: {', '.join(unexplained)}"


def test_top_level_help_lists_every_command_with_a_summary() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:", 1)[1].splitlines()
    for path, _command in COMMANDS[1:]:
        if len(path) == 1:
            line = next((line for line in listed if line.split()[:1] == [path[0]]), None)
            assert line is not None, f"{path[0]} missing from kbridge --help"
            assert len(line.split()) > 1, f"{path[0]} has no summary in kbridge --help"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
