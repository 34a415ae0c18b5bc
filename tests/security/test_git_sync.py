"""`sync --git` against a repository someone else can push to (a bare repository in tmp, no
network): what they commit is data, and kbridge commits only what it wrote."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.folder import sync_folder
from kbridge.model import KbridgeError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
VICTIM_TEXT = "export SECRET=do-not-touch\n"


def git(folder: Path, *args: str) -> str:
    environment = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                   "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_GLOBAL": "/dev/null"}
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, env=environment, check=True)
    return done.stdout


@pytest.fixture
def repositories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare origin, the user's clone (where kbridge syncs) and an attacker's clone."""
    for name, value in (("GIT_AUTHOR_NAME", "t"), ("GIT_AUTHOR_EMAIL", "t@example.com"),
                        ("GIT_COMMITTER_NAME", "t"), ("GIT_COMMITTER_EMAIL", "t@example.com"),
                        ("GIT_CONFIG_GLOBAL", "/dev/null")):
        monkeypatch.setenv(name, value)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", str(origin), str(seed))
    (seed / "README.txt").write_text("shared decisions\n")
    git(seed, "add", "README.txt")
    git(seed, "commit", "-m", "seed")
    git(seed, "push", "origin", "HEAD:main")
    user, attacker = tmp_path / "user", tmp_path / "attacker"
    git(tmp_path, "clone", str(origin), str(user))
    git(tmp_path, "clone", str(origin), str(attacker))
    return user, attacker


def test_sync_commits_only_what_it_wrote(repositories: tuple[Path, Path], kb: KnowledgeBase) -> None:
    user, _ = repositories
    kb.create("decision", "Committed by kbridge")
    (user / "kb").mkdir()
    (user / "kb" / ".env.local").write_text("API_TOKEN=secret\n")  # untracked, in the sync folder
    (user / "README.txt").write_text("edited, not for this commit\n")  # tracked, changed, beside the folder
    report = sync_folder(kb, user / "kb", git=True)
    committed = git(user, "show", "--name-only", "--format=", "HEAD").split()
    assert committed == [f"kb/{path}" for path in report.to_files] == ["kb/decisions/ADR-0001.md"]
    status = git(user, "status", "--porcelain")
    assert "?? kb/.env.local" in status and " M README.txt" in status
    assert any("paths" in line for line in report.git)


def test_a_change_sync_did_not_make_in_its_folder_stops_it_first(repositories: tuple[Path, Path],
                                                                 kb: KnowledgeBase) -> None:
    user, _ = repositories
    kb.create("decision", "Not written yet")
    (user / "README.txt").write_text("edited, not for kbridge\n")  # the sync folder is the whole checkout
    before = git(user, "rev-parse", "HEAD")
    with pytest.raises(KbridgeError, match=r"README\.txt"):
        sync_folder(kb, user, git=True)
    assert git(user, "rev-parse", "HEAD") == before and not (user / "decisions").exists()


def test_hostile_repository_content_is_not_followed(repositories: tuple[Path, Path], kb: KnowledgeBase,
                                                    tmp_path: Path) -> None:
    user, attacker = repositories
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text(VICTIM_TEXT)
    kb.create("decision", "Forty-two")
    kb.create("decision", "Written beside the hostile files")
    # The attacker commits a link where kbridge writes ADR-0001, a file named like pathspec magic,
    # a link to a folder outside, and a decision whose text is hostile.
    (attacker / "decisions").mkdir()
    os.symlink(os.path.relpath(victim, attacker / "decisions"), attacker / "decisions" / "ADR-0001.md")
    (attacker / "decisions" / ":(glob)*.md").write_text("---\nkind: decision\ntitle: magic\n---\n")
    os.symlink(str(victim.parent), attacker / "notes")
    (attacker / "decisions" / "ADR-0099.md").write_text(
        "---\nkind: decision\nkey: ADR-0099\ntitle: \"\\e]52;c;cm0=\\a <img src=/dev/zero>\"\n---\n\nbody\n")
    git(attacker, "add", "-A")
    git(attacker, "commit", "-m", "hostile")
    git(attacker, "push", "origin", "HEAD:main")
    report = sync_folder(kb, user, git=True)
    assert victim.read_text() == VICTIM_TEXT and sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]
    skipped = {item.path: item.reason for item in report.skipped}
    assert "symbolic link" in skipped["decisions/ADR-0001.md"]
    assert "symbolic link" in skipped["notes"]
    assert "decisions/ADR-0001.md" not in report.to_files
    assert kb.find("ADR-0099") is not None  # the hostile text is data, synced like any other
    subject = git(user, "log", "-1", "--format=%s").strip()
    assert "decisions/ADR-0002.md" in report.to_files
    if report.to_files or report.deleted_files:  # kbridge committed: only its own files
        assert subject.startswith("kbridge sync")
        head = git(user, "show", "--name-only", "--format=", "HEAD").split()
        assert sorted(head) == sorted(report.to_files + report.deleted_files)
    else:  # nothing of kbridge's to commit: the attacker's commit is still the last
        assert subject == "hostile"
    assert not git(user, "status", "--porcelain", "--untracked-files=no").strip()
