"""Bad input never reaches a user as a traceback: every bad command line, damaged knowledge base
and unexpected failure ends in one line on stderr and exit 1 (2 for a usage error); what was not
the user's mistake is written, with its traceback, to the log file the line names."""

from __future__ import annotations

import errno
import os
import random
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.diagnostics import log_path


def run(kb_path: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--kb", str(kb_path), *args], input=stdin)


def assert_clean(result: Result, codes: tuple[int, ...] = (1, 2)) -> None:
    """A clean error: the expected exit status, no traceback, and (for exit 1) one line."""
    assert result.exit_code in codes, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 1:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("kbridge: "), result.stderr


@pytest.fixture
def kb_path(tmp_path: Path) -> Path:
    path = tmp_path / "errors.kbridge"
    with KnowledgeBase.init(path) as kb:
        for number in range(30):
            kb.create("decision", f"Decision {number}", body="words " * 200, tags=["t"])
    return path


# One bad command line a line (shell words; {LONG} is a 300-character key).
BAD_COMMAND_LINES: list[tuple[str, ...]] = [tuple(shlex.split(line.format(LONG="a" * 300))) for line in """
    frobnicate
    show
    show ADR-9999
    show ../../etc/passwd
    show ''
    new
    new widget --title x
    new decision
    new decision --title ''
    new decision --title x --key ../escape
    new decision --title x --key -rf
    new decision --title x --key {LONG}
    new decision --title x --date 2023-13-45
    new decision --title x --review-by tomorrow
    new decision --title x --owner PER-404
    new decision --title x --status exploded
    new decision --title x --field =v
    new decision --title x --template none
    new decision --title x --supersedes ADR-0404
    new control --title x --status accepted
    set ADR-0001
    set ADR-0001 --status x
    set ADR-0001 --new-key ADR-0002
    set ADR-0001 --new-key 'bad key'
    set ADR-0001 --date x
    set ADR-0404 --title x
    edit ADR-0001
    edit ADR-0001 --body-file /nonexistent/x.md
    link ADR-0001 causes ADR-0002
    link ADR-0001 supersedes ADR-0404
    link ADR-0001 supersedes ADR-0001
    unlink ADR-0001 supersedes ADR-0002
    list --kind x
    list --status x
    list --owner PER-404
    delete ADR-0404
    undelete ADR-0001
    history ADR-0404
    diff ADR-0001 1 99
    diff ADR-0001 a b
    restore ADR-0001 99
    restore ADR-0001 -1
    why ADR-0404
    why ADR-0001 --depth 0
    why ADR-0001 --depth 999
    impact ADR-0404
    timeline ADR-0001 --kind nope
    timeline SYS-404
    restore-order SYS-404
    reassign PER-1 PER-2
    search x --limit 0
    search x --engine lucene
    reindex --engine lucene
    import /nonexistent/folder
    import /etc/passwd
    import . --format docx
    export out
    export --format pdf out
    export --format madr /etc/passwd
    export --format html /etc
    sync /etc/passwd
    sync . --keep both
    backup /proc/b.kbridge
    restore-backup /nonexistent.kbridge
    init
    check --repair --extra
    stats --json --json extra
    completion tcsh
    --kb
    gui --unknown
""".strip().splitlines()]


@pytest.mark.parametrize("args", BAD_COMMAND_LINES, ids=lambda args: " ".join(args)[:60] or "empty")
def test_a_bad_command_line_gets_a_clean_error(kb_path: Path, tmp_path: Path, args: tuple[str, ...]) -> None:
    os.chdir(tmp_path)
    assert_clean(run(kb_path, *args))


@pytest.mark.parametrize("seed", range(6))
def test_a_bit_flipped_knowledge_base_gives_one_line_on_every_command(kb_path: Path, tmp_path: Path,
                                                                      seed: int) -> None:
    data = bytearray(kb_path.read_bytes())
    chance = random.Random(seed)
    for _ in range(40 * (seed + 1)):
        position = chance.randrange(100, len(data))  # past the header: it still looks like SQLite
        data[position] ^= 1 << chance.randrange(8)
    damaged = tmp_path / f"damaged-{seed}.kbridge"
    damaged.write_bytes(bytes(data))
    for args in (("list",), ("show", "ADR-0001"), ("search", "words"), ("stats",), ("check",), ("history", "ADR-0002"),
                 ("export", "--format", "json", str(tmp_path / f"out-{seed}.json"))):
        result = run(damaged, *args)
        if args == ("check",) and result.exit_code == 1 and result.stderr.strip().endswith("problems found"):
            continue  # the damage found and listed: check's own report, not an error
        assert_clean(result, codes=(0, 1))


@pytest.mark.parametrize("error", [
    RecursionError("maximum recursion depth exceeded"), MemoryError(), OSError(errno.ENOSPC, "No space left on device"),
    ValueError("a bug"), UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed"),
], ids=lambda error: type(error).__name__)
def test_an_unexpected_error_is_one_line_and_a_logged_traceback(kb_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                error: BaseException) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(KnowledgeBase, "list_records", fail)
    result = run(kb_path, "list")
    assert_clean(result, codes=(1,))
    assert str(log_path()) in result.stderr
    assert "Traceback" in log_path().read_text() and type(error).__name__ in log_path().read_text()
    verbose = CliRunner().invoke(cli, ["--verbose", "--kb", str(kb_path), "list"])
    assert verbose.exit_code == 1 and "Traceback (most recent call last)" in verbose.stderr
    if isinstance(error, OSError):
        assert "disk is full" in result.stderr


def test_a_full_disk_during_export_and_backup_is_one_line(kb_path: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from kbridge import safe_files

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    (tmp_path / "kept.json").write_text("old export")
    monkeypatch.setattr(safe_files.os, "write", full)
    for args in (("export", "--format", "json", "--force", str(tmp_path / "kept.json")),
                 ("export", "--format", "madr", str(tmp_path / "madr")),
                 ("export", "--format", "html", str(tmp_path / "site"))):
        result = run(kb_path, *args)
        assert_clean(result, codes=(1,))
        assert "No space left on device" in result.stderr
    assert (tmp_path / "kept.json").read_text() == "old export"


def test_queries_of_deep_nesting_and_long_not_runs_are_answered(kb_path: Path) -> None:
    for query in ("(" * 250 + "words", "NOT " * 3000 + "words", "-" * 5000 + "x", "a~2 " * 3000, '"' * 999):
        result = run(kb_path, "search", "--", query)
        assert_clean(result, codes=(0,))


def test_without_a_display_the_app_says_so(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    environment["KBRIDGE_KB"] = str(tmp_path / "none.kbridge")
    done = subprocess.run([sys.executable, "-m", "kbridge"], capture_output=True, text=True, env=environment,
                          timeout=60, check=False)
    assert done.returncode == 1 and "no display" in done.stderr and "Traceback" not in done.stderr
