"""The streaming kbridge export (kbridge.formats.sync.export_stream) against the in-memory export
it replaced (`FolderSync(export_only=True)`, kept as the reference): the same knowledge base and
folder, copied twice, exported each way, must give the same files (bytes, paths, links left
alone), the same sync state and bases, and the same report, in the same order."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kbridge.core import KnowledgeBase
from kbridge.core.links_api import Links
from kbridge.core.sync_store import FOLDERS
from kbridge.formats.read.importer import import_folder
from kbridge.formats.sync import export_stream
from kbridge.formats.sync.engine import FolderSync
from kbridge.formats.sync.export_stream import ExportCancelledError, StreamingExport
from kbridge.formats.sync.files import SyncCancelledError
from kbridge.formats.sync.folder import sync_folder
from kbridge.formats.sync.report import SyncReport
from kbridge.formats.sync.state import Entry, FolderState
from kbridge.formats.write.export import export_kb
from tests.formats.conftest import CORPUS_FOLDERS, adr_folder

Exporter = Callable[[KnowledgeBase, Path], SyncReport]


def in_memory(kb: KnowledgeBase, folder: Path) -> SyncReport:
    return FolderSync(kb, folder, export_only=True).run()


def streaming(kb: KnowledgeBase, folder: Path) -> SyncReport:
    return StreamingExport(kb, folder).run()


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root` by relative path: a file's bytes, a link's target (never followed)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink():
            found[relative] = "-> " + os.readlink(path)
        elif path.is_file():
            found[relative] = path.read_bytes()
    return found


def described(report: SyncReport) -> dict[str, Any]:
    """Everything a report says, lists in their order."""
    return {
        "to_files": report.to_files, "kept": report.kept, "ways": report.ways,
        "skipped": [(item.path, item.reason) for item in report.skipped],
        "changes": [(change.line(), change.path) for change in report.changes],
        "deleted_files": report.deleted_files, "notes": report.notes, "conflicts": report.conflicts,
        "to_kb": report.to_kb, "deleted_records": report.deleted_records, "merged": report.merged,
    }


def sync_state(kb: KnowledgeBase, folder: Path) -> dict[str, Any]:
    """The folder's entries and every record's base, and the folder's summary but its time."""
    state = FolderState.load(kb, folder)
    bases = {uid: kb.sync_state.base(uid, state.folder_id) for uid in kb.keys_by_uid()}
    summary = dict(kb.sync_state.document(FOLDERS).get(state.folder_id) or {})
    summary.pop("last_sync", None)
    summary.pop("path", None)
    return {"entries": {uid: entry.as_list() for uid, entry in state.entries.items()},
            "bases": bases, "summary": summary, "conflicts": kb.sync_state.document("conflicts")}


def copied(kb_path: Path, folder: Path, into: Path) -> tuple[Path, Path]:
    """A copy of the knowledge base and of the folder (links copied as links), the copy's sync
    state pointing at the copied folder."""
    into.mkdir()
    kb_copy, folder_copy = into / kb_path.name, into / "out"
    shutil.copyfile(kb_path, kb_copy)
    if folder.exists():
        shutil.copytree(folder, folder_copy, symlinks=True)
    else:
        folder_copy.mkdir()
    with KnowledgeBase.open(kb_copy) as kb:
        folders = kb.sync_state.document(FOLDERS)
        for info in folders.values():
            if info.get("path") == str(folder.resolve()):
                info["path"] = str(folder_copy.resolve())
        kb.sync_state.save_document(FOLDERS, folders)
    return kb_copy, folder_copy


def outcome(kb_path: Path, folder: Path, into: Path, export: Exporter) -> dict[str, Any]:
    kb_copy, folder_copy = copied(kb_path, folder, into)
    with KnowledgeBase.open(kb_copy) as kb:
        report = export(kb, folder_copy)
        return {"report": described(report), "files": snapshot(folder_copy), "state": sync_state(kb, folder_copy)}


def assert_same_export(kb_path: Path, folder: Path, work: Path) -> dict[str, Any]:
    """Export a copy each way; both must agree. The streaming outcome, for the test to look at."""
    work.mkdir()
    reference = outcome(kb_path, folder, work / "in-memory", in_memory)
    streamed = outcome(kb_path, folder, work / "streaming", streaming)
    assert streamed["report"] == reference["report"]
    assert streamed["files"].keys() == reference["files"].keys()
    assert streamed["files"] == reference["files"]
    assert streamed["state"] == reference["state"]
    return streamed


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 7 records: every test crosses chunk boundaries."""
    monkeypatch.setattr(export_stream, "CHUNK", 7)
    monkeypatch.setattr(export_stream, "CANCEL_EVERY", 3)


@pytest.fixture
def sample_copy(sample_path: Path) -> Path:
    return sample_path  # the test's own copy of the sample


def export_for_real(kb_path: Path, folder: Path) -> None:
    with KnowledgeBase.open(kb_path) as kb:
        export_kb(kb, folder, "kbridge")


def edit_file(folder: Path, relative: str) -> None:
    path = folder / relative
    path.write_bytes(path.read_bytes() + b"\nA line added in the folder.\n")


# --- the same as the in-memory export ------------------------------------------------------------

def test_a_fresh_export_of_the_sample(sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    streamed = assert_same_export(sample_copy, tmp_path / "out", tmp_path / "compared")
    assert len(streamed["report"]["to_files"]) > 7 * 3 and streamed["report"]["kept"] == []
    assert sum(streamed["report"]["ways"].values()) == len(streamed["files"])


def test_every_corpus_folder_imported_then_exported(corpus: Path, tmp_path: Path, small_chunks: None) -> None:
    kb_path = tmp_path / "corpus.kbridge"
    with KnowledgeBase.init(kb_path) as kb:
        for name in sorted(CORPUS_FOLDERS):
            import_folder(kb, adr_folder(corpus, name))
        count = len(kb.list_records())
    streamed = assert_same_export(kb_path, tmp_path / "out", tmp_path / "compared")
    assert len(streamed["report"]["to_files"]) == count > 200


def test_a_second_export_keeps_every_file(sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "out"
    export_for_real(sample_copy, out)
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    assert streamed["report"]["to_files"] == [] and len(streamed["report"]["kept"]) == len(streamed["files"])


def test_records_changed_deleted_renumbered_and_added_since_the_last_export(
        sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "out"
    export_for_real(sample_copy, out)
    with KnowledgeBase.open(sample_copy) as kb:
        decisions = [record for record in kb.list_records(kind="decision")]
        edited, retitled, deleted, renumbered = decisions[:4]
        kb.update(edited.uid, body=edited.body + "\nEdited here.\n")
        kb.update(retitled.uid, title="A title changed here")
        kb.delete(deleted.uid)
        new_key = kb.next_key("decision")
        kb.update(renumbered.uid, key=new_key)
        added = kb.create("decision", "Added since the last export")
    # A file nobody can read sits where the new record would go: it gets a name of its own.
    (out / f"decisions/{added.key}.md").write_text("---\ntitle: [unclosed\n---\n")
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    report = streamed["report"]
    assert f"decisions/{edited.key}.md" in report["to_files"]
    assert f"decisions/{new_key}.md" in report["to_files"]
    assert f"decisions/{renumbered.key}.md" in report["deleted_files"]
    assert f"decisions/{added.key}-{added.uid[:8]}.md" in report["to_files"]
    assert f"decisions/{deleted.key}.md" in streamed["files"]  # a deleted record's file is left for sync
    assert len(report["kept"]) == len(streamed["files"]) - len(report["to_files"]) - 2  # deleted, unreadable


def test_files_edited_moved_or_forgotten_in_the_folder(sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "out"
    export_for_real(sample_copy, out)
    with KnowledgeBase.open(sample_copy) as kb:
        decisions = kb.list_records(kind="decision")
        state = FolderState.load(kb, out)
        mine, theirs, moved = (state.entries[record.uid].path for record in decisions[:3])
        kb.update(decisions[0].uid, body="Changed on both sides.\n")
        state.entries["0" * 32] = Entry("decisions/GONE.md", "x", "y", "GONE")
        state.save(kb, {})  # the state names a record this knowledge base no longer has
    edit_file(out, mine)
    edit_file(out, theirs)
    (out / "moved").mkdir()
    (out / moved).rename(out / "moved" / "here.md")
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    reasons = dict(streamed["report"]["skipped"])
    assert reasons[mine].startswith("changed in the folder since kbridge last wrote it")
    assert reasons[theirs].startswith("changed in the folder since kbridge last wrote it")
    assert "0" * 32 not in streamed["state"]["entries"]


def test_links_planted_in_the_folder_are_refused_alike(sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    victim = tmp_path / "home" / ".bashrc"
    victim.parent.mkdir()
    victim.write_text("the user's own file\n")
    probe = tmp_path / "probe"
    export_for_real(sample_copy, probe)
    out = tmp_path / "out"
    for relative in sorted(snapshot(probe))[:3]:
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).symlink_to(victim)
    if not (out / "systems").exists():
        (out / "systems").symlink_to(victim.parent)
    (out / "outside.md").symlink_to(tmp_path / "home")
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    assert sum("symbolic link" in reason for _path, reason in streamed["report"]["skipped"]) >= 3
    assert victim.read_text() == "the user's own file\n" and sorted(victim.parent.iterdir()) == [victim]


# --- streaming: bounded, cancellable --------------------------------------------------------------

def test_the_export_never_reads_every_record_or_link_at_once(sample_copy: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def whole(*_args: object, **_kwargs: object) -> Iterator[object]:
        raise AssertionError("every record (or link) read at once")

    monkeypatch.setattr(KnowledgeBase, "iter_records", whole)
    monkeypatch.setattr(Links, "all", whole)
    with KnowledgeBase.open(sample_copy) as kb:
        report = export_kb(kb, tmp_path / "out", "kbridge")
    assert len(report.written) == len(snapshot(tmp_path / "out")) > 0


def test_a_cancelled_export_says_what_it_wrote_and_the_next_one_finishes(
        sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "out"
    reference = outcome(sample_copy, out, tmp_path / "reference", in_memory)
    looks = iter(range(1000))
    with KnowledgeBase.open(sample_copy) as kb:
        cancelled = export_kb(kb, out, "kbridge", cancel=lambda: next(looks) >= 5)
        assert cancelled.cancelled
        assert 0 < len(cancelled.written) < len(reference["files"])
        assert sorted(cancelled.written) == sorted(snapshot(out))  # exactly the files there
        assert FolderState.load(kb, out).entries == {}  # the sync state rolled back
        assert kb.sync_state.document(FOLDERS) == {}
        with pytest.raises(SyncCancelledError, match="nothing was changed"):  # while reading the folder
            StreamingExport(kb, out, cancel=lambda: True).run()
        looks = iter(range(1000))
        with pytest.raises(ExportCancelledError, match=r"export cancelled: \d+ files written") as caught:
            StreamingExport(kb, tmp_path / "other", cancel=lambda: next(looks) >= 2).run()
        assert sorted(caught.value.written) == sorted(snapshot(tmp_path / "other")) != []
        again = StreamingExport(kb, out).run()
        assert sorted(cancelled.written) == sorted(again.kept)  # already saying what their records say
        assert snapshot(out) == reference["files"]
        state = sync_state(kb, out)
        assert {k: state[k] for k in ("entries", "bases")} == {k: reference["state"][k] for k in ("entries", "bases")}
        synced = sync_folder(kb, out)
        assert synced.to_kb == synced.to_files == synced.deleted_files == [] and synced.conflicts == []


def test_files_left_for_sync_are_listed_before_files_refused_while_writing(
        sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    victim = tmp_path / "home"
    victim.mkdir()
    out = tmp_path / "out"
    export_for_real(sample_copy, out)
    written = sorted(snapshot(out))
    folders = sorted({path.split("/")[0] for path in written})
    for relative in written[::5]:  # edited by hand, all over the folder: left for sync
        if relative.startswith(folders[0] + "/"):
            edit_file(out, relative)
    shutil.rmtree(out / folders[-1])
    (out / folders[-1]).symlink_to(victim)  # its records' files are refused as they are written
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    reasons = [reason for _path, reason in streamed["report"]["skipped"]]
    assert any(reason.startswith("changed in the folder") for reason in reasons)
    assert any("was not written" in reason for reason in reasons)
    assert list(victim.iterdir()) == []


def test_a_path_freed_in_the_folder_and_taken_this_export_does_not_hide_its_old_record(
        sample_copy: Path, tmp_path: Path, small_chunks: None) -> None:
    out = tmp_path / "out"
    export_for_real(sample_copy, out)
    with KnowledgeBase.open(sample_copy) as kb:
        taker, leaver = sorted(kb.list_records(kind="decision"), key=lambda record: record.uid)[:2]
        freed = FolderState.load(kb, out).entries[leaver.uid].path
        kb.update(leaver.uid, key=kb.next_key("decision"))
        kb.update(taker.uid, key=leaver.key)  # written first (its uid sorts first), where leaver was
        moved_to = kb.get(leaver.uid).key
    (out / freed).unlink()
    streamed = assert_same_export(sample_copy, out, tmp_path / "compared")
    assert freed in streamed["report"]["to_files"]
    assert f"decisions/{moved_to}.md" in streamed["report"]["to_files"]
