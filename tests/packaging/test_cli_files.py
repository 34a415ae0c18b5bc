"""The man page and the shell-completion files are generated from the command line and current:
the man page names every command and option `--help` shows and renders without a warning; each
completion file is what `kbridge completion SHELL` prints, and bash completes from the file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from tests.packaging.conftest import BIN, PACKAGING

sys.path.insert(0, str(PACKAGING))
try:
    import make_cli_files
finally:
    sys.path.remove(str(PACKAGING))

ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_the_generated_files_are_current() -> None:
    done = subprocess.run([sys.executable, str(PACKAGING / "make_cli_files.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_check_notices_a_stale_file(tmp_path, monkeypatch) -> None:
    stale = tmp_path / "kbridge.1"
    stale.write_text(make_cli_files.man_page().replace("Ranked records", "Records"), encoding="utf-8")
    monkeypatch.setattr(make_cli_files, "MAN_PAGE", stale)
    monkeypatch.setattr(make_cli_files, "COMPLETIONS", {})
    monkeypatch.setattr(sys, "argv", ["make_cli_files.py", "--check"])
    assert make_cli_files.main() == 1


def test_the_man_page_names_every_command_and_option() -> None:
    page = make_cli_files.MAN_PAGE.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f'.SS "kbridge {make_cli_files.roff(name)} ' in page, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert all(opt.replace("-", "\\-") in page for opt in param.opts), (name, param.opts)
    for variable in ("KBRIDGE_KB", "KBRIDGE_DATA_DIR", "KBRIDGE_STATE_DIR"):
        assert variable in page


def test_the_man_page_renders_without_a_warning() -> None:
    groff = shutil.which("groff")
    assert groff, "groff is missing: sudo apt-get install -y groff-base (.ci/run installs it)"
    done = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", str(make_cli_files.MAN_PAGE)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    shown = subprocess.run([groff, "-man", "-Tutf8", "-P-cbou", str(make_cli_files.MAN_PAGE)],
                           capture_output=True, text=True, timeout=60).stdout
    assert "kbridge search [OPTIONS] [QUERY]..." in shown and "EXIT STATUS" in shown


@pytest.mark.parametrize("shell", sorted(make_cli_files.COMPLETIONS))
def test_each_completion_file_is_what_kbridge_completion_prints(shell: str) -> None:
    printed = CliRunner().invoke(cli, ["completion", shell], prog_name="kbridge").stdout
    assert make_cli_files.COMPLETIONS[shell].read_text(encoding="utf-8") == printed


def test_bash_completes_from_the_installed_file() -> None:
    script = (
        f"source {make_cli_files.COMPLETIONS['bash']}\n"
        "COMP_WORDS=(kbridge list --st); COMP_CWORD=2\n"
        "_kbridge_completion kbridge\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run(["bash", "--norc", "-c", script], capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["--status"]


@pytest.mark.parametrize(("shell", "check"), [("zsh", ["zsh", "-n"]), ("fish", ["fish", "--no-execute"])])
def test_zsh_and_fish_read_their_files(shell: str, check: list[str]) -> None:
    assert shutil.which(check[0]), f"{check[0]} is missing: sudo apt-get install -y {check[0]} (.ci/run installs it)"
    done = subprocess.run([*check, str(make_cli_files.COMPLETIONS[shell])], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
