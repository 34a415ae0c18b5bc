"""`kbridge completion SHELL` prints click's own completion script, and the script works: a real
bash completes commands, options and choices by asking the installed `kbridge`."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from click.shell_completion import get_completion_class
from click.testing import CliRunner

from kbridge.cli.main import cli
from tests.packaging.conftest import BIN

ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_script_is_what_click_generates(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell], prog_name="kbridge")
    assert result.exit_code == 0, result.output
    expected = get_completion_class(shell)(cli, {}, "kbridge", "_KBRIDGE_COMPLETE").source()
    assert result.stdout == expected + "\n"
    assert f"_KBRIDGE_COMPLETE={shell}_complete" in result.stdout


def test_unsupported_shell_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["completion", "tcsh"])
    assert result.exit_code == 2
    assert "bash" in result.output and "zsh" in result.output


def bash_complete(words: str) -> list[str]:
    """What <Tab> offers after `words` in a bash that sourced `kbridge completion bash`."""
    bash = shutil.which("bash")
    assert bash, "bash is needed to test bash completion"
    typed = words.split(" ")
    script = (
        'source <(kbridge completion bash)\n'
        f'COMP_WORDS=({" ".join(repr(word) for word in typed)}); COMP_CWORD={len(typed) - 1}\n'
        '_kbridge_completion kbridge\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run([bash, "--norc", "-c", script], capture_output=True, text=True, env=ENV, timeout=120)
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if line]


def test_bash_completes_command_names() -> None:
    expected = sorted(name for name in cli.commands if name.startswith("s"))
    assert expected  # set, show, stats ...
    assert sorted(bash_complete("kbridge s")) == expected


def test_bash_completes_options_and_choices() -> None:
    assert "--kind" in bash_complete("kbridge list --k")
    assert bash_complete("kbridge completion ") == ["bash", "zsh", "fish"]


@pytest.mark.parametrize(("shell", "cword"), [("zsh", "2"), ("fish", "")])
def test_zsh_and_fish_get_answers_from_kbridge(shell: str, cword: str) -> None:
    # What the sourced zsh or fish script runs at each <Tab> (neither shell is installed here):
    # zsh passes the index of the word being completed, fish the word itself (empty here).
    env = {**ENV, "_KBRIDGE_COMPLETE": f"{shell}_complete", "COMP_WORDS": "kbridge completion ", "COMP_CWORD": cword}
    done = subprocess.run([str(BIN / "kbridge")], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    offered = lines[1::3] if shell == "zsh" else [line.split(",", 1)[1] for line in lines]  # zsh: type, value, help
    assert offered == ["bash", "zsh", "fish"]
