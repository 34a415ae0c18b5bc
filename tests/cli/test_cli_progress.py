"""`sync` and `check` show a progress bar on stderr when they take over a second, on a terminal
only: a pipe, a file or a quick run gets no bar."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from kbridge.cli.progress import DELAY_SECONDS, TerminalProgress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_bar_before_a_second_then_a_bar_on_a_terminal() -> None:
    clock, terminal = Clock(), FakeTerminal()
    progress = TerminalProgress("checking", stream=terminal, clock=clock)
    progress(1, 4, "integrity")
    assert terminal.getvalue() == ""  # a quick step draws nothing
    clock.now += DELAY_SECONDS + 0.1
    progress(2, 4, "links")
    progress(4, 4, "")
    progress.close()
    assert "checking" in terminal.getvalue() and "100%" in terminal.getvalue()


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    clock, stream = Clock(), io.StringIO()
    progress = TerminalProgress("syncing", stream=stream, clock=clock)
    clock.now += 10
    progress(1, 2, "ADR-0001")
    progress.close()
    assert stream.getvalue() == ""


def run_on_a_terminal(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """`kbridge ARGS` with stderr on a pseudo-terminal (stdout a pipe), every run treated as slow
    (DELAY_SECONDS 0): returns the exit status, stdout and what the terminal showed."""
    code = ("import sys; import kbridge.cli.progress as p; p.DELAY_SECONDS = -1.0; "
            "from kbridge.cli.main import cli; sys.argv[0] = 'kbridge'; cli(prog_name='kbridge')")
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=follower,
                               stdin=subprocess.DEVNULL, env=env, cwd=cwd)
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    stdout, _ = process.communicate(timeout=60)
    os.close(leader)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


@pytest.mark.parametrize(("command", "label"), [(["check"], "checking"), (["sync", "team"], "syncing")])
def test_check_and_sync_draw_their_bar_on_a_terminal(command: list[str], label: str, sample_path: Path,
                                                     tmp_path: Path) -> None:
    env = {**os.environ, "KBRIDGE_KB": str(sample_path)}
    status, stdout, terminal = run_on_a_terminal(command, env, tmp_path)
    assert status in (0, 1), terminal  # check exits 1 with its findings
    assert label in terminal and "100%" in terminal, terminal
    assert label not in stdout  # the bar never mixes with the report
    done = subprocess.run([sys.executable, "-m", "kbridge", *command], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert label not in done.stderr  # piped: no bar at all
