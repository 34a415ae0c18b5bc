"""Team sharing through git, scenario by scenario: a bare remote and two or three clones in
temporary folders (no network), each teammate with a knowledge base of their own. Every scenario
checks that no word either side wrote is lost."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.sync.conflicts import conflict_of, resolve_conflict
from kbridge.formats.sync.folder import sync_folder
from kbridge.formats.write.export import export_kb
from kbridge.model import KbridgeError
from tests.formats.team import Mate, Team, git, make_team, no_word_lost, start_pair

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Team]:
    made = make_team(tmp_path, monkeypatch)
    yield made
    made.close()


@pytest.fixture
def pair(team: Team) -> tuple[Mate, Mate]:
    return start_pair(team)


def edit_body(mate: Mate, key: str, old: str, new: str) -> None:
    record = mate.kb.get(key)
    assert old in record.body
    mate.kb.update(key, body=record.body.replace(old, new))


# --- 1. first export, first push ----------------------------------------------------------------

def test_first_export_then_sync_is_clean_and_commits_everything(team: Team, sample_kb: KnowledgeBase) -> None:
    alice = team.join("alice")
    export = export_kb(sample_kb, alice.folder, "kbridge")
    assert len(export.written) == len(sample_kb.list_records())
    report = sync_folder(sample_kb, alice.folder, git=True, push=True)
    assert report.conflicts == [] and report.to_files == [] and report.to_kb == []
    assert report.commits == 1 and report.pushed  # the exported files reach the team
    assert len(git(team.remote, "ls-tree", "-r", "--name-only", "main").split()) == len(export.written)
    assert team.remote_log()[0].startswith("kbridge sync: ") and "decisions/" not in team.remote_log()[0]
    again = sync_folder(sample_kb, alice.folder, git=True, push=True)
    assert (again.to_files, again.to_kb, again.commits, again.conflicts, again.pushed) == ([], [], 0, [], False)
    assert len(team.remote_log()) == 1
    bob = team.join("bob")
    bob.sync()
    assert len(bob.kb.list_records()) == len(sample_kb.list_records())
    assert bob.kb.get("ADR-0001").body == sample_kb.get("ADR-0001").body


def test_first_push_to_an_empty_remote_sets_the_upstream(team: Team) -> None:
    alice = team.join("alice")
    alice.new("decision", "Adopt Rust for the parser", body="Memory safety.\n")
    quiet = alice.sync(push=False)
    assert quiet.commits == 1 and not quiet.pushed and team.remote_log() == []
    assert any("--push publishes it" in note["message"] for note in quiet.notes)
    pushed = alice.sync()
    assert pushed.pushed and team.remote_log()[0].startswith("kbridge sync: ADR-0001")
    assert git(alice.clone, "rev-parse", "--abbrev-ref", "@{u}").strip() == "origin/main"
    bob = team.join("bob")
    bob.sync()
    no_word_lost(bob, ["Adopt Rust for the parser", "Memory safety."])


def test_a_new_checkout_without_upstream_takes_the_remote_branch(team: Team) -> None:
    alice = team.join("alice")
    alice.new("decision", "Shared first")
    alice.sync()
    carol_clone = team.root / "carol"
    git(team.root, "init", "-q", "-b", "main", str(carol_clone))
    git(carol_clone, "remote", "add", "origin", str(team.remote))
    carol = Mate("carol", carol_clone, KnowledgeBase.init(team.root / "carol.kbridge"))
    team.mates["carol"] = carol
    carol.new("decision", "Carol's own", body="From a new checkout.\n")
    carol.sync()
    no_word_lost(carol, ["Shared first", "Carol's own", "From a new checkout."])
    alice.sync()
    no_word_lost(alice, ["Carol's own", "From a new checkout."])


# --- 2. merging field by field --------------------------------------------------------------------

def test_both_edit_different_fields_of_one_record(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.kb.update("ADR-0001", title="Use PostgreSQL 16")
    alice.kb.update("ADR-0001", tags=["database"])
    edit_body(alice, "ADR-0001", "We need a database.", "We need a database for payments.")
    bob.kb.set_status("ADR-0001", "deprecated")
    bob.kb.update("ADR-0001", tags=["storage"])
    edit_body(bob, "ADR-0001", "Backups.", "Backups every night.")
    alice.sync()
    report = bob.sync()
    assert report.conflicts == [] and "ADR-0001" in report.merged
    alice.sync()
    for mate in (alice, bob):
        record = mate.kb.get("ADR-0001")
        assert (record.title, record.status) == ("Use PostgreSQL 16", "deprecated")
        assert record.tags == ["database", "storage"]
        assert "for payments." in record.body and "every night." in record.body
    assert alice.kb.get("ADR-0001").body == bob.kb.get("ADR-0001").body


def test_both_edit_the_same_field_keep_both_and_resolve(pair: tuple[Mate, Mate], tmp_path: Path) -> None:
    alice, bob = pair
    alice.kb.update("ADR-0002", title="Deploy with Ansible and Packer")
    edit_body(alice, "ADR-0002", "Ansible.", "Ansible, built by Packer.")
    bob.kb.update("ADR-0002", title="Deploy with Terraform")
    bob.kb.update("ADR-0002", fields={"deciders": ["Bob"]})
    alice.sync()
    report = bob.sync()
    assert [(c["key"], c["fields"]) for c in report.conflicts] == [("ADR-0002", ["title"])]
    # Bob's knowledge base keeps his title and takes Alice's body; her title is a revision of it.
    record = bob.kb.get("ADR-0002")
    assert record.title == "Deploy with Terraform" and "built by Packer" in record.body
    assert "Deploy with Ansible and Packer" in bob.history_text("ADR-0002")
    # The shared folder keeps Alice's title until Bob decides, with Bob's field in it.
    shared = team_file(bob, "decisions/ADR-0002.md")
    assert "title: Deploy with Ansible and Packer" in shared and "deciders: [Bob]" in shared
    assert [f.key for f in bob.kb.maintenance.check().findings if f.category == "sync-conflict"] == ["ADR-0002"]
    conflict = conflict_of(bob.kb, "ADR-0002")
    assert "Deploy with Terraform" in conflict.mine and "Deploy with Ansible and Packer" in conflict.theirs
    # Bob writes his own version from both, and shares it.
    edited = tmp_path / "ADR-0002.md"
    edited.write_text(conflict.theirs.replace("Deploy with Ansible and Packer", "Deploy with Terraform and Ansible"))
    resolve_conflict(bob.kb, "ADR-0002", str(edited))
    assert not any(f.category == "sync-conflict" for f in bob.kb.maintenance.check().findings)
    assert bob.sync().conflicts == []
    alice.sync()
    for mate in (alice, bob):
        record = mate.kb.get("ADR-0002")
        assert record.title == "Deploy with Terraform and Ansible" and "built by Packer" in record.body
        assert record.fields == {"deciders": ["Bob"]}


@pytest.mark.parametrize("side", ["mine", "theirs"])
def test_resolving_by_keeping_one_side_reaches_both(pair: tuple[Mate, Mate], side: str) -> None:
    alice, bob = pair
    alice.kb.set_status("ADR-0003", "accepted")
    bob.kb.set_status("ADR-0003", "rejected")
    alice.sync()
    assert bob.sync().conflicts
    resolve_conflict(bob.kb, "ADR-0003", side)
    bob.sync()
    alice.sync()
    wanted = "rejected" if side == "mine" else "accepted"
    assert alice.kb.get("ADR-0003").status == bob.kb.get("ADR-0003").status == wanted
    other = "accepted" if side == "mine" else "rejected"
    assert f"'status': '{other}'" in bob.history_text("ADR-0003")  # the other side is kept in history


# --- 3. deletions and numbers ---------------------------------------------------------------------

def test_an_edit_beats_a_deletion_either_way(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.kb.delete("ADR-0003")
    edit_body(bob, "ADR-0003", "Logs go to Loki.", "Logs go to Loki, kept 90 days.")
    alice.sync()
    report = bob.sync()
    assert any("deleted" in note["message"] for note in report.notes)
    alice.sync()
    assert not alice.kb.get("ADR-0003").deleted and "kept 90 days" in alice.kb.get("ADR-0003").body
    assert any("restored" in note["message"] for note in alice.reports[-1].notes)
    # the other order: the edit is pushed first, the deletion made afterwards without seeing it
    edit_body(alice, "ADR-0002", "Ansible.", "Ansible 9.")
    bob.kb.delete("ADR-0002")
    alice.sync()
    bob.sync()
    alice.sync()
    for mate in (alice, bob):
        assert not mate.kb.get("ADR-0002").deleted and "Ansible 9." in mate.kb.get("ADR-0002").body


def test_a_deletion_alone_travels_as_a_soft_delete(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.kb.delete("ADR-0003")
    alice.sync()
    report = bob.sync()
    assert report.deleted_records == ["ADR-0003"] and bob.kb.get("ADR-0003").deleted
    assert "Logs go to Loki." in bob.kb.get("ADR-0003").body  # in the trash, not gone


def test_both_create_the_same_number(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    assert alice.new("decision", "Cache with Redis", body="Redis for sessions.\n") == "ADR-0004"
    assert bob.new("decision", "Queue with Kafka", body="Kafka for events.\n") == "ADR-0004"
    bob.new("decision", "Events are versioned", key="ADR-0005", body="Every event has a version.\n")
    bob.kb.links.add("ADR-0005", "relates-to", "ADR-0004")  # to Bob's ADR-0004
    alice.sync()
    report = bob.sync()
    assert any("renumbered from ADR-0004" in note["message"] for note in report.notes)
    alice.sync()
    for mate in (alice, bob):
        titles = {record.key: record.title for record in mate.kb.list_records(kind="decision")}
        assert titles["ADR-0004"] == "Cache with Redis"  # the one pushed first keeps its number
        kafka = next(key for key, title in titles.items() if title == "Queue with Kafka")
        assert kafka not in ("ADR-0004", "ADR-0005")
        links = [(link.type.value, link.key) for link in mate.kb.links.of("ADR-0005") if link.direction == "out"]
        assert links == [("relates-to", kafka)]  # the link followed the renumbered record
        no_word_lost(mate, ["Redis for sessions.", "Kafka for events.", "Every event has a version."])
    assert "renumbered" in bob.history_text(kafka)


def test_renumber_on_one_side_edit_on_the_other(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.kb.update("ADR-0003", key="ADR-0030")
    edit_body(bob, "ADR-0003", "Loki.", "Loki and Grafana.")
    alice.sync()
    bob.sync()
    alice.sync()
    for mate in (alice, bob):
        assert mate.kb.find("ADR-0003") is None
        assert "Loki and Grafana." in mate.kb.get("ADR-0030").body
    assert "decisions/ADR-0030.md" in git(alice.clone, "ls-files", "kb")


def test_links_to_a_record_renamed_on_the_other_side(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.kb.update("SYS-001", key="SYS-010", title="Payments API v2")
    bob.kb.links.add("ADR-0002", "affects", "SYS-001", note="deploys it")
    alice.sync()
    bob.sync()
    alice.sync()
    for mate in (alice, bob):
        links = {(link.type.value, link.key, link.note, link.dangling)
                 for link in mate.kb.links.of("ADR-0002") if link.direction == "out"}
        assert links == {("affects", "SYS-010", "deploys it", False)}
        assert not any(f.category == "dangling-link" for f in mate.kb.maintenance.check().findings)


def test_supersede_on_one_side_edit_on_the_other(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    alice.new("decision", "Deploy with Kubernetes", key="ADR-0004", supersedes="ADR-0002", body="Helm charts.\n")
    edit_body(bob, "ADR-0002", "Ansible.", "Ansible, with a rollback playbook.")
    alice.sync()
    bob.sync()
    alice.sync()
    for mate in (alice, bob):
        old = mate.kb.get("ADR-0002")
        assert old.status == "superseded" and "rollback playbook" in old.body
        assert [(link.type.value, link.key) for link in mate.kb.links.of("ADR-0004")
                if link.direction == "out"] == [("supersedes", "ADR-0002")]
        no_word_lost(mate, ["Helm charts.", "Deploy with Kubernetes"])


# --- 4. three clones, histories, the folder -------------------------------------------------------

def test_three_teammates_and_a_rebase_configured_checkout(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    carol = team.join("carol")
    git(carol.clone, "config", "pull.rebase", "true")
    carol.sync()
    edit_body(alice, "ADR-0001", "Backups.", "Backups, tested monthly.")
    alice.sync()
    bob.new("note", "Team agreements", body="We review ADRs on Mondays.\n")
    bob.sync()
    edit_body(carol, "ADR-0001", "We need a database.", "We need a database we can run.")
    carol.sync(push=False)  # a local commit, then the remote moves on
    carol.kb.update("ADR-0003", title="Log to Loki and S3")
    report = carol.sync()
    assert report.pushed and report.conflicts == []
    parents = git(team.remote, "log", "--format=%p", "main").splitlines()
    assert all(len(line.split()) <= 1 for line in parents)  # replayed, not merged: a straight history
    for mate in (alice, bob):
        mate.sync()
    for mate in (alice, bob, carol):
        no_word_lost(mate, ["tested monthly", "We review ADRs on Mondays.", "we can run", "Log to Loki and S3"])


def test_a_merge_commit_lists_both_sides(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    edit_body(bob, "ADR-0001", "Backups.", "Backups to S3.")
    bob.sync(push=False)  # committed here only
    edit_body(alice, "ADR-0001", "We use PostgreSQL.", "We use PostgreSQL 16.")
    alice.sync()
    report = bob.sync()
    assert report.pushed and report.conflicts == [] and "ADR-0001" in report.merged
    merge = git(team.remote, "log", "-1", "--merges", "--format=%B", "main")
    assert merge.startswith("Merge origin/main into main") and "merged ADR-0001 Use PostgreSQL" in merge
    alice.sync()
    for mate in (alice, bob):
        no_word_lost(mate, ["PostgreSQL 16.", "Backups to S3."])


def test_the_sync_folder_renamed(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    alice.kb.update("ADR-0002", title="Deploy with Ansible, from a moved folder")
    moved = team.root / "alice-renamed"
    alice.clone.rename(moved)
    alice.clone = moved
    edit_body(bob, "ADR-0002", "We deploy", "Every week we deploy")
    bob.sync()
    report = alice.sync()
    assert report.conflicts == [] and any("its sync state moved" in note["message"] for note in report.notes)
    bob.sync()
    for mate in (alice, bob):
        record = mate.kb.get("ADR-0002")
        assert (record.title, record.body) == ("Deploy with Ansible, from a moved folder",
                                               "Every week we deploy with Ansible.\n")


def test_a_hand_edit_in_the_folder_is_synced_and_committed(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    path = alice.folder / "decisions" / "ADR-0001.md"
    path.write_text(path.read_text().replace("We need a database.", "We need a database (edited in an editor)."))
    edit_body(bob, "ADR-0001", "Backups.", "Backups, said Bob.")
    bob.sync()
    alice.sync()
    assert git(alice.clone, "status", "--porcelain", "kb") == ""
    bob.sync()
    for mate in (alice, bob):
        no_word_lost(mate, ["(edited in an editor).", "Backups, said Bob."])


# --- 5. failures: nothing changed, nothing lost ---------------------------------------------------

def _state(mate: Mate) -> tuple[str, str, str]:
    return (git(mate.clone, "rev-parse", "HEAD"), git(mate.clone, "status", "--porcelain"), mate.text())


def test_git_missing_changes_nothing(pair: tuple[Mate, Mate], monkeypatch: pytest.MonkeyPatch) -> None:
    alice, _ = pair
    alice.kb.update("ADR-0001", title="Not yet shared")
    before = _state(alice)
    monkeypatch.setenv("PATH", str(alice.clone))  # no git there
    with pytest.raises(KbridgeError, match="git is not installed"):
        alice.sync()
    monkeypatch.undo()
    assert _state(alice) == before


def test_unrelated_changes_in_the_sync_folder_change_nothing(pair: tuple[Mate, Mate]) -> None:
    alice, _ = pair
    notes = alice.folder / "README.txt"
    notes.write_text("how we work\n")
    git(alice.clone, "add", "kb/README.txt")
    alice.kb.update("ADR-0001", title="Waits for the folder")
    before = _state(alice)
    with pytest.raises(KbridgeError, match=r"README\.txt"):
        alice.sync()
    assert _state(alice) == before


def test_a_pull_that_fails_changes_nothing_and_the_next_sync_works(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    edit_body(alice, "ADR-0001", "Backups.", "Backups offsite.")
    alice.sync()
    edit_body(bob, "ADR-0002", "Ansible.", "Ansible, offline.")
    away = team.remote.with_name("away.git")
    team.remote.rename(away)  # the network is down
    before = _state(bob)
    with pytest.raises(KbridgeError, match="fetch"):
        bob.sync()
    assert _state(bob) == before
    away.rename(team.remote)
    assert bob.sync().pushed
    alice.sync()
    for mate in (alice, bob):
        no_word_lost(mate, ["Backups offsite.", "Ansible, offline."])


def test_a_refused_push_loses_nothing(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, bob = pair
    hook = team.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    edit_body(alice, "ADR-0003", "Loki.", "Loki, refused at first.")
    shared = team.remote_log()
    with pytest.raises(KbridgeError, match="refused the push"):
        alice.sync()
    assert team.remote_log() == shared
    assert "refused at first" in alice.kb.get("ADR-0003").body
    hook.unlink()
    assert alice.sync().pushed
    bob.sync()
    no_word_lost(bob, ["Loki, refused at first."])


def test_a_remote_that_refuses_pushes_is_found_before_any_change(pair: tuple[Mate, Mate], team: Team) -> None:
    alice, _ = pair
    git(alice.clone, "remote", "set-url", "--push", "origin", str(team.root / "nowhere.git"))
    alice.kb.update("ADR-0001", title="Cannot be pushed")
    before = _state(alice)
    with pytest.raises(KbridgeError, match="refused the push"):
        alice.sync()
    assert _state(alice) == before


def test_a_markdown_file_that_is_no_record_is_never_merged_by_picking_a_side(pair: tuple[Mate, Mate]) -> None:
    alice, bob = pair
    for mate, words in ((alice, "Alice's rules"), (bob, "Bob's rules")):  # each on the same base
        (mate.folder / "README.md").write_text(f"# How we work\n\n{words}\n")
        git(mate.clone, "add", "kb/README.md")
        git(mate.clone, "commit", "-qm", "readme")
    git(alice.clone, "push", "-q")
    before = _state(bob)
    with pytest.raises(KbridgeError, match=r"README\.md, which does not read as a kbridge record"):
        bob.sync()
    assert _state(bob) == before


def team_file(mate: Mate, path: str) -> str:
    return (mate.folder / path).read_text(encoding="utf-8")


# --- 6. killed in the middle ----------------------------------------------------------------------

CRASHING_SYNC = """
import os, signal, sys
from pathlib import Path
from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.sync import git_repo
from kbridge.formats.sync.folder import sync_folder

def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[3]
if point == "writing files":
    real_write, written = safe_files.write_file, []
    def write_file(*args, **kwargs):
        written.append(args)
        if len(written) == 2:
            die()
        return real_write(*args, **kwargs)
    safe_files.write_file = write_file
elif point == "after the checkout moved":
    real_move = git_repo.Repository.move_to
    def move_to(self, commit):
        real_move(self, commit)
        die()
    git_repo.Repository.move_to = move_to
else:
    git_repo.Repository.commit = die
with KnowledgeBase.open(sys.argv[1]) as kb:
    sync_folder(kb, Path(sys.argv[2]), git=True, push=True)
"""


@pytest.mark.parametrize("point", ["writing files", "after the checkout moved", "before committing"])
def test_a_sync_killed_midway_loses_nothing_when_run_again(pair: tuple[Mate, Mate], team: Team, point: str) -> None:
    import subprocess
    import sys

    alice, bob = pair
    bob.kb.set_status("ADR-0001", "deprecated")
    bob.sync(push=False)  # Bob's status change is committed in his checkout only
    alice.kb.update("ADR-0001", title="Use PostgreSQL everywhere")  # the line next to it: git cannot merge
    edit_body(alice, "ADR-0002", "Ansible.", "Ansible, said Alice.")
    alice.sync()
    bob.new("decision", "Trace with OpenTelemetry", body="Spans everywhere.\n")
    edit_body(bob, "ADR-0003", "Loki.", "Loki, said Bob.")
    killed = subprocess.run([sys.executable, "-c", CRASHING_SYNC, str(bob.kb.path), str(bob.folder), point],
                            capture_output=True, text=True, timeout=120, check=False)
    assert killed.returncode == -9, killed.stderr
    report = bob.sync()
    assert report.conflicts == [] and report.pushed
    assert git(bob.clone, "status", "--porcelain") == ""
    alice.sync()
    for mate in (alice, bob):
        record = mate.kb.get("ADR-0001")
        assert (record.title, record.status) == ("Use PostgreSQL everywhere", "deprecated")
        no_word_lost(mate, ["Ansible, said Alice.", "Trace with OpenTelemetry", "Spans everywhere.", "Loki, said Bob."])
