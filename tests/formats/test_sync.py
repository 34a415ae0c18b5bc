"""`sync` between a knowledge base and a kbridge Markdown folder in a real git checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.folder import sync_folder


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A clone of a bare repository with one commit, so that `git pull` has something to pull."""
    remote, clone = tmp_path / "remote.git", tmp_path / "clone"
    git(tmp_path, "init", "--bare", "-q", str(remote))
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    for name, value in (("user.name", "Tester"), ("user.email", "t@example.org")):
        git(clone, "config", name, value)
    (clone / "README.md").write_text("shared decisions\n")
    git(clone, "add", "README.md")
    git(clone, "commit", "-qm", "start")
    git(clone, "push", "-q", "origin", "HEAD")
    return clone


@pytest.fixture
def team_kb(tmp_path: Path) -> KnowledgeBase:
    kb = KnowledgeBase.init(tmp_path / "mine.kbridge")
    kb.create("decision", "Use PostgreSQL", key="ADR-0001", status="accepted", date="2024-01-02",
              body="We use PostgreSQL.\n")
    kb.create("decision", "Use MySQL", key="ADR-0002", status="accepted", date="2023-01-02",
              body="We used MySQL.\n")
    kb.lifecycle.supersede("ADR-0002", "ADR-0001")
    kb.create("system", "Payments", key="SYS-001", status="active", body="The payments API.\n")
    return kb


def test_first_sync_writes_files_and_commits_them(team_kb: KnowledgeBase, checkout: Path) -> None:
    folder = checkout / "kb"
    report = sync_folder(team_kb, folder, git=True)
    assert sorted(report.to_files) == ["decisions/ADR-0001.md", "decisions/ADR-0002.md",
                                       "systems/SYS-001.md"]
    assert report.git[0].startswith("git fetch") and report.git[-1].startswith("git commit")
    assert "kbridge sync" in git(checkout, "log", "-1", "--format=%s")
    assert git(checkout, "status", "--porcelain") == ""
    assert "type: supersedes" in (folder / "decisions/ADR-0001.md").read_text()
    # nothing changed: nothing to do
    again = sync_folder(team_kb, folder)
    assert (again.to_files, again.to_kb, again.conflicts) == ([], [], [])


def test_edits_flow_both_ways(team_kb: KnowledgeBase, checkout: Path, tmp_path: Path) -> None:
    folder = checkout / "kb"
    sync_folder(team_kb, folder)
    path = folder / "decisions/ADR-0001.md"
    path.write_text(path.read_text().replace("We use PostgreSQL.", "We use PostgreSQL 16."))
    team_kb.set_status("SYS-001", "deprecated")
    report = sync_folder(team_kb, folder)
    assert report.to_kb == ["ADR-0001"] and report.to_files == ["systems/SYS-001.md"]
    assert team_kb.get("ADR-0001").body == "We use PostgreSQL 16.\n"
    assert "status: deprecated" in (folder / "systems/SYS-001.md").read_text()
    # a colleague's knowledge base picks up the whole folder, uids included
    theirs = KnowledgeBase.init(tmp_path / "theirs.kbridge")
    their_report = sync_folder(theirs, folder)
    assert sorted(their_report.to_kb) == ["ADR-0001", "ADR-0002", "SYS-001"]
    assert theirs.get("ADR-0001").uid == team_kb.get("ADR-0001").uid
    assert [link.key for link in theirs.links.of("ADR-0002")] == ["ADR-0001"]
    # a link added in a file becomes a link in the knowledge base
    adr2 = folder / "decisions/ADR-0002.md"
    link_yaml = "links:\n- type: affects\n  target: SYS-001\nuid:"
    adr2.write_text(adr2.read_text().replace("uid:", link_yaml))
    sync_folder(team_kb, folder)
    links = {(link.type.value, link.key) for link in team_kb.links.of("ADR-0002")}
    assert ("affects", "SYS-001") in links


def test_a_record_changed_on_both_sides_is_a_conflict(
    team_kb: KnowledgeBase, checkout: Path
) -> None:
    folder = checkout / "kb"
    sync_folder(team_kb, folder)
    path = folder / "decisions/ADR-0001.md"
    edited = path.read_text().replace("title: Use PostgreSQL", "title: Use PostgreSQL everywhere")
    path.write_text(edited)
    team_kb.update("ADR-0001", title="Use PostgreSQL for payments")
    report = sync_folder(team_kb, folder)
    assert [(c["key"], c["path"]) for c in report.conflicts] == [("ADR-0001", "decisions/ADR-0001.md")]
    assert path.read_text() == edited  # the file is not overwritten
    assert team_kb.get("ADR-0001").title == "Use PostgreSQL for payments"  # nor the record
    titles = [rev.title for rev in team_kb.history.revisions("ADR-0001")]
    assert "Use PostgreSQL everywhere" in titles  # the file's version kept as a revision
    # running again reports it again without piling up revisions
    count = len(team_kb.history.revisions("ADR-0001"))
    assert sync_folder(team_kb, folder).conflicts
    assert len(team_kb.history.revisions("ADR-0001")) == count
    # settling it by keeping the folder's version
    settled = sync_folder(team_kb, folder, keep="files")
    assert settled.conflicts == [] and team_kb.get("ADR-0001").title == "Use PostgreSQL everywhere"


def test_deletions_propagate_as_soft_deletes(team_kb: KnowledgeBase, checkout: Path) -> None:
    folder = checkout / "kb"
    sync_folder(team_kb, folder)
    (folder / "systems/SYS-001.md").unlink()
    report = sync_folder(team_kb, folder)
    assert report.deleted_records == ["SYS-001"]
    assert team_kb.get("SYS-001").deleted  # in the trash, not gone
    team_kb.delete("ADR-0002")
    report = sync_folder(team_kb, folder)
    assert report.deleted_files == ["decisions/ADR-0002.md"]
    assert not (folder / "decisions/ADR-0002.md").exists()
    assert sync_folder(team_kb, folder).deleted_files == []


def test_a_file_broken_by_hand_is_reported_and_its_record_kept(team_kb: KnowledgeBase, checkout: Path) -> None:
    folder = checkout / "kb"
    sync_folder(team_kb, folder)
    path = folder / "decisions/ADR-0001.md"
    good = path.read_text()
    path.write_text(good.replace("title: Use PostgreSQL", "title: [unclosed"))
    report = sync_folder(team_kb, folder)
    assert [item.path for item in report.skipped] == ["decisions/ADR-0001.md"]
    assert not team_kb.get("ADR-0001").deleted and report.deleted_records == []
    path.write_text(good.replace("title: Use PostgreSQL", "title: Use PostgreSQL, fixed"))
    assert sync_folder(team_kb, folder).to_kb == ["ADR-0001"]
    assert team_kb.get("ADR-0001").title == "Use PostgreSQL, fixed"
