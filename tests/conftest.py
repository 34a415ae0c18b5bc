"""Shared fixtures: every test runs with its own user directories and a known author."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.sample import build_sample

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads or writes the real user's data, cache or settings."""
    home = tmp_path_factory.mktemp("home")
    for name in ("DATA", "CACHE", "CONFIG", "STATE"):
        (home / name.lower()).mkdir()
        monkeypatch.setenv(f"KBRIDGE_{name}_DIR", str(home / name.lower()))
    monkeypatch.setenv("KBRIDGE_AUTHOR", "tester")
    monkeypatch.delenv("KBRIDGE_KB", raising=False)
    return home


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase.init(tmp_path / "test.kbridge")
    yield base
    base.close()


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The bundled sample, built once per test session (tests get copies). A test that changed it
    would change what every later test sees (a sync folder recorded in it, say): the session ends
    with an error naming this fixture."""
    path = build_sample(tmp_path_factory.mktemp("sample") / "sample.kbridge")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    yield path
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "a test changed the session's sample"


@pytest.fixture
def sample_path(sample_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "sample.kbridge"
    shutil.copyfile(sample_file, copy)
    return copy


@pytest.fixture
def sample_kb(sample_path: Path) -> Iterator[KnowledgeBase]:
    base = KnowledgeBase.open(sample_path)
    yield base
    base.close()


SCHEMA_3_FIXTURE = REPO / "tests" / "fixtures" / "kb-schema-v3.kbridge"


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """A copy of a knowledge base written by an older kbridge (schema 3): opening it upgrades it."""
    copy = tmp_path / "old.kbridge"
    shutil.copyfile(SCHEMA_3_FIXTURE, copy)
    return copy


def schema_of(path: Path) -> int:
    """The schema of the knowledge base at `path`, read without writing to it."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def backups_in(home: Path) -> list[Path]:
    """Every knowledge base file under the test's user data folder (the automatic backups)."""
    return sorted((home / "data").rglob("*.kbridge"))
