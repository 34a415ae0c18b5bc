from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kbridge.cli.main import cli

Run = Callable[..., Result]


@pytest.fixture
def kb_path(tmp_path: Path) -> Path:
    path = tmp_path / "cli.kbridge"
    result = CliRunner().invoke(cli, ["init", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def run(kb_path: Path) -> Run:
    """Run `kbridge --kb KB_PATH ARGS...` through the real click entry point."""

    def invoke(*args: str, input: str | None = None, kb: Path | None = None) -> Result:
        return CliRunner().invoke(cli, ["--kb", str(kb or kb_path), *args], input=input)

    return invoke


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)
