"""Dependency floors: every dependency has a floor and a cap, the floors job can read them, and a
tantivy older than kbridge's floor is refused with one clear line, not a traceback."""

from __future__ import annotations

import re
import sys
from importlib import metadata

import pytest
from click.testing import CliRunner

from kbridge.cli.main import cli
from kbridge.search import TANTIVY_FLOOR, EngineUnavailableError, require_tantivy
from tests.packaging.conftest import PACKAGING

sys.path.insert(0, str(PACKAGING))
try:
    import floors
finally:
    sys.path.remove(str(PACKAGING))

REQUIREMENTS = floors.project_table()["dependencies"]


def test_every_dependency_has_a_floor_and_a_cap() -> None:
    pins = floors.floors(REQUIREMENTS)
    assert len(pins) == len(REQUIREMENTS) >= 12
    for requirement in REQUIREMENTS:
        assert re.search(r",\s*<\s*\d", requirement), f"{requirement} has no cap on its next major"


def test_a_dependency_without_a_floor_is_refused() -> None:
    with pytest.raises(floors.FloorError, match="no single '>=' floor"):
        floors.floors(["tantivy<0.28"])


def test_the_engine_floor_is_the_one_pyproject_asks_for() -> None:
    assert floors.floors(REQUIREMENTS)["tantivy"] == TANTIVY_FLOOR
    installed = [r for r in metadata.requires("kbridge") or [] if r.lower().startswith("tantivy")]
    assert installed and f">={TANTIVY_FLOOR}" in installed[0]


@pytest.mark.parametrize("version", ["0.22.0", "0.24.0", "0.25.1", "0.26.0"])
def test_an_older_tantivy_is_refused_with_what_to_do(version: str) -> None:
    with pytest.raises(EngineUnavailableError, match=rf"tantivy {re.escape(version)} is too old.*pip install"):
        require_tantivy(version)


@pytest.mark.parametrize("version", ["0.26.2", "0.27.0", "0.27.1rc1"])
def test_a_supported_tantivy_passes(version: str) -> None:
    require_tantivy(version)


def test_the_command_line_says_so_in_one_line(sample_path, monkeypatch) -> None:
    monkeypatch.setattr("kbridge.search.metadata.version", lambda name: "0.24.0")
    result = CliRunner().invoke(cli, ["--kb", str(sample_path), "search", "vault"])
    assert result.exit_code == 1
    assert result.stderr.startswith("kbridge: the installed tantivy 0.24.0 is too old")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    whoosh = CliRunner().invoke(cli, ["--kb", str(sample_path), "search", "vault", "--engine", "whoosh"])
    assert whoosh.exit_code == 0 and "ADR-0014" in whoosh.stdout  # the other engine still works
