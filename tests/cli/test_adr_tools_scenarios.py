"""adr-tools' own test scenarios (create, numbering, supersede one and several, links, funny
characters, table of contents, graph), done with kbridge's commands and compared with the expected
transcripts in tests/cli/scenarios (its README says how they differ from adr-tools on purpose)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
KB = "scenario.kbridge"


def transcript(commands: list[str], folder: Path) -> str:
    """Each command after `+ `, then its standard output (and, when it failed, its error and exit
    status), as adr-tools' test runner records a script."""
    lines: list[str] = []
    if not commands[0].startswith("kbridge init "):
        assert CliRunner().invoke(cli, ["init", str(folder / KB)]).exit_code == 0
    for command in commands:
        lines.append(f"+ {command}")
        words = shlex.split(command)
        if words[0] == "kbridge":
            args = words[1:] if words[1] == "init" else ["--kb", KB, *words[1:]]
            result = CliRunner().invoke(cli, args)
            lines.extend(result.stdout.splitlines())
            if result.exit_code != 0:
                lines.extend(result.stderr.splitlines())
                lines.append(f"[exit {result.exit_code}]")
        elif words[0] == "ls":
            lines.extend(sorted(path.name for path in (folder / words[1]).iterdir()))
        elif words[0] == "cat":
            lines.extend((folder / words[1]).read_text(encoding="utf-8").splitlines())
        elif words[0] == "head":
            count = int(words[1].lstrip("-"))
            lines.extend((folder / words[2]).read_text(encoding="utf-8").splitlines()[:count])
        else:
            raise AssertionError(f"a scenario cannot run {words[0]!r}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("name", sorted(path.stem for path in SCENARIOS.glob("*.commands")))
def test_scenario(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = [line for line in (SCENARIOS / f"{name}.commands").read_text().splitlines() if line.strip()]
    expected = (SCENARIOS / f"{name}.expected").read_text(encoding="utf-8")
    assert transcript(commands, tmp_path) == expected


def test_every_scenario_has_its_expected_transcript() -> None:
    commands = {path.stem for path in SCENARIOS.glob("*.commands")}
    assert commands and commands == {path.stem for path in SCENARIOS.glob("*.expected")}
