"""`kbridge sync` and `kbridge resolve` through the real click entry point."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Run, as_json


def _conflict(run: Run, folder: Path) -> Path:
    assert run("new", "decision", "--title", "Use Vault").exit_code == 0
    assert as_json(run("sync", str(folder), "--json"))["to_files"] == ["decisions/ADR-0001.md"]
    path = folder / "decisions" / "ADR-0001.md"
    path.write_text(path.read_text().replace("title: Use Vault", "title: Vault, said the folder"))
    assert run("set", "ADR-0001", "--title", "Vault, said the knowledge base").exit_code == 0
    return path


def test_a_conflict_is_reported_checked_and_resolved_from_the_command_line(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    path = _conflict(run, folder)
    synced = run("sync", str(folder))
    assert synced.exit_code == 1
    assert "CONFLICT  ADR-0001 (decisions/ADR-0001.md): changed on both sides [title]" in synced.stdout
    assert "kbridge resolve KEY --keep mine|theirs|FILE" in synced.stderr
    findings = json.loads(run("check", "--json").stdout)["findings"]
    assert any(item["category"] == "sync-conflict" and item["key"] == "ADR-0001" for item in findings)
    kept = run("resolve", "ADR-0001", "--keep", "theirs")
    assert kept.exit_code == 0 and "kept the shared folder's version" in kept.stdout
    assert run("show", "ADR-0001", "--json").stdout.count("Vault, said the folder") == 1
    again = as_json(run("sync", str(folder), "--json"))
    assert again["conflicts"] == [] and again["to_files"] == []
    assert "title: Vault, said the folder" in path.read_text()


def test_resolve_with_an_edited_file_and_its_errors(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    path = _conflict(run, folder)
    assert run("sync", str(folder)).exit_code == 1
    none = run("resolve", "ADR-0002", "--keep", "mine")
    assert none.exit_code == 1 and "no record" in none.stderr
    missing = run("resolve", "ADR-0001", "--keep", str(tmp_path / "nowhere.md"))
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    other = tmp_path / "other.md"
    other.write_text(path.read_text().replace("uid: ", "uid: 00000000-0000-4000-8000-00000000000"))
    wrong = run("resolve", "ADR-0001", "--keep", str(other))
    assert wrong.exit_code == 1 and "another record" in wrong.stderr
    edited = tmp_path / "edited.md"
    edited.write_text(path.read_text().replace("Vault, said the folder", "Vault, said both"))
    result = as_json(run("resolve", "ADR-0001", "--keep", str(edited), "--json"))
    assert "kept the version in" in result["message"]
    assert run("resolve", "ADR-0001", "--keep", "mine").exit_code == 1  # settled already
    assert as_json(run("sync", str(folder), "--json"))["to_files"] == ["decisions/ADR-0001.md"]
    assert "title: Vault, said both" in path.read_text()


def test_sync_keep_settles_every_conflict_one_way(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    path = _conflict(run, folder)
    assert run("sync", str(folder)).exit_code == 1
    settled = as_json(run("sync", str(folder), "--keep", "mine", "--json"))
    assert settled["conflicts"] == [] and settled["to_files"] == ["decisions/ADR-0001.md"]
    assert "title: Vault, said the knowledge base" in path.read_text()
