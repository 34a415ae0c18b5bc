"""What the command line prints of hostile text: every escape sequence in the output is kbridge's
own styling (SGR, `ESC [ … m`); no other ESC, no C0 or C1 control but newline and tab, no
bidirectional override reaches the terminal. The data itself is kept: JSON output gives back
exactly what was stored."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kbridge.cli.main import cli
from kbridge.core import KnowledgeBase
from kbridge.escaping import BIDI_CONTROLS, terminal_text
from tests.security.payloads import BY_NAME, TERMINAL, Payload

SGR = re.compile(r"\x1b\[[0-9;]*m")


def terminal_problems(output: str) -> list[str]:
    """Characters a terminal would obey rather than show, kbridge's own SGR styling aside."""
    problems = []
    for char in SGR.sub("", output):
        code = ord(char)
        if (code < 0x20 and char not in "\n\t") or 0x7F <= code < 0xA0 or char in BIDI_CONTROLS \
                or char in "\u2028\u2029":
            problems.append(f"U+{code:04X}")
    return problems


def _run(kb_path: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--kb", str(kb_path), *args], color=True)
    assert result.exit_code in (0, 1), (args, result.output)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def kb_path(hostile_kb: KnowledgeBase) -> Path:
    path = hostile_kb.path
    hostile_kb.close()
    return path


def test_the_checker_sees_a_raw_escape() -> None:
    assert terminal_problems("\x1b]0;pwned\x07") == ["U+001B", "U+0007"]
    assert terminal_problems("\x1b[1mbold\x1b[0m plain") == []


@pytest.mark.parametrize("payload", TERMINAL, ids=[payload.name for payload in TERMINAL])
def test_show_prints_every_field_inert_and_json_keeps_the_data(kb_path: Path, hostile_uids: dict[str, str],
                                                              payload: Payload) -> None:
    with KnowledgeBase.open(kb_path) as kb:
        record = kb.get(hostile_uids[payload.name])
    shown = _run(kb_path, "show", record.key)
    assert terminal_problems(shown.output) == [], shown.output
    assert terminal_text(record.title) in shown.output
    data = json.loads(_run(kb_path, "show", record.key, "--json").stdout)
    assert data["title"] == record.title and payload.text in data["body"]
    assert terminal_problems(_run(kb_path, "show", record.key, "--json").stdout) == []


@pytest.mark.parametrize("args", [
    ("list",), ("list", "--kind", "person"), ("list", "--json"), ("search", "clipboard"),
    ("search", "title"), ("search", "hidden", "--json"), ("stats",), ("check",), ("history", "NOTE-001"),
    ("why", "NOTE-050"), ("impact", "PER-050"), ("restore-order",),
], ids=lambda args: " ".join(args))
def test_listings_print_titles_inert(kb_path: Path, args: tuple[str, ...]) -> None:
    result = _run(kb_path, *args)
    assert terminal_problems(result.output) == [], result.output[:2000]


def test_a_diff_of_hostile_revisions_is_inert(kb_path: Path, hostile_uids: dict[str, str]) -> None:
    with KnowledgeBase.open(kb_path) as kb:
        uid = hostile_uids["osc52-clipboard"]
        kb.update(uid, body=BY_NAME["ansi-clear-screen"].text + "\n" + BY_NAME["bidi-rlo"].text)
        key = kb.get(uid).key
    result = _run(kb_path, "diff", key, "1", "2")
    assert "-" in result.output and terminal_problems(result.output) == []


def test_file_names_and_reasons_from_a_hostile_folder_are_inert(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    for name in ("\x1b]0;pwned\x07.md", "\x1b[2Jclear.md", "invoice\u202egpj.md", "cr\rforged.md", "bell\x07.txt"):
        (folder / name).write_text("# Title \x1b[8mhidden\n\n## Status\n\naccepted \x9b2J\n")
    (folder / "0001-ok.md").write_text("# 1. Fine \x1b]52;c;cm0=\x07\n\n## Status\n\n\u202eaccepted\n")
    kb_path = tmp_path / "k.kbridge"
    CliRunner().invoke(cli, ["init", str(kb_path)])
    imported = _run(kb_path, "import", str(folder))
    assert terminal_problems(imported.output) == [], imported.output
    for fmt in ("madr", "kbridge", "json"):
        exported = _run(kb_path, "export", "--format", fmt, str(tmp_path / f"out-{fmt}"))
        assert terminal_problems(exported.output) == []
    synced = _run(kb_path, "sync", str(tmp_path / "sync"))
    assert terminal_problems(synced.output) == [] and "written" in synced.output
    listed = _run(kb_path, "list")
    assert terminal_problems(listed.output) == [] and "␛" in listed.output  # shown, not obeyed


def test_error_messages_quoting_input_are_inert(kb_path: Path) -> None:
    for args in (("show", "\x1b]0;pwned\x07"), ("set", "NOTE-001", "--status", "\x1b[2J"),
                 ("new", "note", "--title", "x", "--key", "\u202ekey"), ("search", "\x9b2J", "--engine", "\x1b[8m")):
        result = CliRunner().invoke(cli, ["--kb", str(kb_path), *args], color=True)
        assert result.exit_code in (1, 2) and terminal_problems(result.output) == [], (args, result.output)
