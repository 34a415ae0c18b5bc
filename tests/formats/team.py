"""A team sharing decisions through git, in temporary folders: a bare remote and a clone with a
knowledge base for each teammate (no network). Used by the scenario suite."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.folder import SyncReport, sync_folder

GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(folder: Path, *args: str, check: bool = True) -> str:
    done = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, **GIT_IDENTITY}, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)}: {done.stderr}")
    return done.stdout


@dataclass
class Mate:
    name: str
    clone: Path
    kb: KnowledgeBase
    reports: list[SyncReport] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return self.clone / "kb"

    def sync(self, *, push: bool = True, keep: str | None = None) -> SyncReport:
        report = sync_folder(self.kb, self.folder, git=True, push=push, keep=keep)
        self.reports.append(report)
        return report

    def new(self, kind: str, title: str, **values: object) -> str:
        uid = self.kb.create(kind, title, **values).uid  # type: ignore[arg-type]
        return self.kb.get(uid).key

    def text(self) -> str:
        """Every word this teammate's knowledge base holds now, history aside."""
        parts = []
        for record in self.kb.iter_records():
            parts += [record.key, record.title, record.status, record.body, " ".join(record.tags),
                      repr(record.fields), record.owner_key or ""]
            parts += [f"{link.type.value} {link.key} {link.note}" for link in self.kb.links.of(record.uid)
                      if link.direction == "out"]
        return "\n".join(parts)

    def history_text(self, key: str) -> str:
        return "\n".join(f"{revision.reason}: {revision.snapshot!r}" for revision in self.kb.history.revisions(key))


@dataclass
class Team:
    root: Path
    remote: Path
    mates: dict[str, Mate] = field(default_factory=dict)

    def join(self, name: str) -> Mate:
        clone = self.root / name
        git(self.root, "clone", "-q", str(self.remote), str(clone))
        mate = Mate(name, clone, KnowledgeBase.init(self.root / f"{name}.kbridge"))
        self.mates[name] = mate
        return mate

    def close(self) -> None:
        for mate in self.mates.values():
            mate.kb.close()

    def remote_file(self, path: str) -> str:
        return git(self.remote, "show", f"main:kb/{path}")

    def remote_log(self) -> list[str]:
        return git(self.remote, "log", "--format=%s", "main", check=False).splitlines()


def no_word_lost(mate: Mate, words: Iterable[str]) -> None:
    text = mate.text()
    missing = [word for word in words if word not in text]
    assert missing == [], f"{mate.name} lost {missing}"


def make_team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Team:
    for name, value in GIT_IDENTITY.items():
        monkeypatch.setenv(name, value)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    return Team(tmp_path, remote)


def start_pair(team: Team) -> tuple[Mate, Mate]:
    """Alice and Bob, sharing three decisions and a system Alice published first."""
    alice = team.join("alice")
    alice.new("system", "Payments API", key="SYS-001", status="active", body="The payments API.\n")
    alice.new("decision", "Use PostgreSQL", key="ADR-0001", status="accepted", date="2024-01-02",
              body="## Context\n\nWe need a database.\n\n## Decision\n\nWe use PostgreSQL.\n\n"
                   "## Consequences\n\nBackups.\n")
    alice.new("decision", "Deploy with Ansible", key="ADR-0002", status="accepted", date="2024-02-03",
              body="We deploy with Ansible.\n")
    alice.new("decision", "Log to Loki", key="ADR-0003", status="proposed", date="2024-03-04",
              body="Logs go to Loki.\n")
    alice.kb.links.add("ADR-0001", "affects", "SYS-001")
    alice.sync()
    bob = team.join("bob")
    bob.sync()
    return alice, bob
