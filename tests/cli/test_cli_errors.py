"""Every error path: a message on stderr, exit 1 (user error) or 2 (usage), nothing changed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import Run, as_json


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "ADR-0042"), "no record 'ADR-0042'"),
        (("set", "ADR-0042", "--status", "accepted"), "no record 'ADR-0042'"),
        (("set", "ADR-0001", "--status", "done"), "unknown status 'done'"),
        (("set", "ADR-0001", "--review-by", "next week"), "invalid review date"),
        (("link", "ADR-0001", "supersedes", "ADR-0042"), "no record 'ADR-0042' to link to"),
        (("unlink", "ADR-0001", "supersedes", "ADR-0002"), "has no link"),
        (("new", "decision", "--title", "Dup", "--key", "ADR-0001"), "ADR-0001 is already taken"),
        (("new", "control", "--title", "X", "--status", "accepted"), "unknown status 'accepted'"),
        (("new", "decision", "--title", "X", "--supersedes", "ADR-0042"), "no record 'ADR-0042'"),
        (("restore", "ADR-0001", "7"), "ADR-0001 has no revision 7"),
        (("undelete", "ADR-0001"), "not in the trash"),
        (("new", "decision", "--title", "X", "--field", "novalue"), "--field takes name=value"),
    ],
)
def test_user_errors_exit_1_with_a_message_and_change_nothing(run: Run, args: tuple[str, ...], message: str) -> None:
    run("new", "decision", "--title", "Existing")
    run("new", "decision", "--title", "Other")
    before = as_json(run("list", "--json")), as_json(run("history", "ADR-0001", "--json"))
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    assert result.stdout == ""
    assert (as_json(run("list", "--json")), as_json(run("history", "ADR-0001", "--json"))) == before


@pytest.mark.parametrize(
    "args",
    [
        ("new", "widget", "--title", "X"),
        ("link", "ADR-0001", "causes", "ADR-0002"),
        ("new", "decision"),
        ("restore", "ADR-0001", "latest"),
        ("frobnicate",),
        ("set", "ADR-0001"),
    ],
)
def test_usage_errors_exit_2(run: Run, args: tuple[str, ...]) -> None:
    run("new", "decision", "--title", "Existing")
    run("new", "decision", "--title", "Other")
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Usage:" in result.stderr or "Error" in result.stderr


def test_reading_a_missing_knowledge_base_is_an_error_not_a_new_file(run: Run, tmp_path: Path) -> None:
    missing = tmp_path / "typo.kbridge"
    result = run("list", kb=missing)
    assert result.exit_code == 1 and "no knowledge base at" in result.stderr
    assert not missing.exists()


def test_a_file_that_is_not_a_knowledge_base_is_refused(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("not sqlite")
    result = run("list", kb=other)
    assert result.exit_code == 1 and "not a kbridge knowledge base" in result.stderr
    assert other.read_text() == "not sqlite"


def test_init_refuses_to_overwrite(run: Run, kb_path: Path) -> None:
    result = run("init", str(kb_path))
    assert result.exit_code == 1 and "will not overwrite" in result.stderr


def test_installed_entry_point_exit_codes(tmp_path: Path) -> None:
    """The real `kbridge` executable: 0, 1 and 2 as the contract says, and the default $KBRIDGE_KB."""
    exe = Path(sys.executable).with_name("kbridge")
    env = dict(os.environ, KBRIDGE_KB=str(tmp_path / "env.kbridge"))

    def kbridge(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(exe), *args], capture_output=True, text=True, env=env, timeout=60)

    created = kbridge("new", "decision", "--title", "From the environment")
    assert (created.returncode, created.stdout) == (0, "ADR-0001\n")
    assert (tmp_path / "env.kbridge").exists()
    missing = kbridge("show", "ADR-0099")
    assert missing.returncode == 1 and "no record 'ADR-0099'" in missing.stderr
    assert "Traceback" not in missing.stderr
    usage = kbridge("show")
    assert usage.returncode == 2
    version = kbridge("--version")
    assert version.returncode == 0 and version.stdout.startswith("kbridge, version ")
