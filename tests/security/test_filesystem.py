"""File-system attacks: symbolic links planted in the folders kbridge reads and writes, FIFOs and
devices named like Markdown, races, huge and deeply nested files, and traversal in every path a
file can name (attachment paths, attachment names, source paths, sync state). Each attack is one
test id; "held" means nothing outside the chosen folder changed and the report says what was
refused."""

from __future__ import annotations

import errno
import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.formats.read import importer as importer_module
from kbridge.formats.read.importer import import_folder
from kbridge.formats.site import export_site
from kbridge.formats.sync.folder import sync_folder
from kbridge.formats.write.export import export_kb
from kbridge.model import ConflictError, KbridgeError

VICTIM_TEXT = "the user's own file\n"


def snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root`: a file's bytes, a link's target (never followed)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path)] = path.read_bytes()
    return found


def in_time(action: Callable[[], object], seconds: float = 20.0) -> object:
    """Run `action` in a thread; fail (instead of hanging the suite) if it does not finish."""
    result: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(action())
        except BaseException as error:  # re-raised below, on the test's thread
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (a FIFO or device was read?)"
    if errors:
        raise errors[0]
    return result[0] if result else None


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    path = tmp_path / "home" / ".bashrc"
    path.parent.mkdir()
    path.write_text(VICTIM_TEXT)
    return path


# --- the one writer -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["../x.md", "a/../../x.md", "/etc/passwd", "a/b/../../../x.md", "", ".", "..",
                                  "a\x00b.md", "./../x.md", "a/./../../x.md"])
def test_a_path_outside_the_root_is_refused(tmp_path: Path, name: str) -> None:
    root = tmp_path / "out"
    before = snapshot(tmp_path)
    with pytest.raises(safe_files.UnsafePathError):
        safe_files.write_file(root, name, b"x")
    assert {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(str(root))} == before


def test_a_planted_link_is_never_written_through(tmp_path: Path, victim: Path) -> None:
    root = tmp_path / "out"
    (root / "sub").mkdir(parents=True)
    (root / "record.md").symlink_to(victim)
    (root / "folder").symlink_to(victim.parent)
    for name in ("record.md", "folder/.bashrc", "folder/new.md"):
        with pytest.raises(safe_files.UnsafePathError, match="symbolic link"):
            safe_files.write_file(root, name, b"owned")
    assert victim.read_text() == VICTIM_TEXT and sorted(p.name for p in victim.parent.iterdir()) == [".bashrc"]


def test_a_link_planted_while_writing_is_replaced_not_followed(tmp_path: Path, victim: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: the name becomes a link between the first check and the rename."""
    root = tmp_path / "out"
    root.mkdir()
    real = safe_files._same_file

    def plant_then_check(fd: int, folder: int, name: str, shown: str) -> None:
        real(fd, folder, name, shown)
        if not (root / "late.md").is_symlink():
            (root / "late.md").symlink_to(victim)

    monkeypatch.setattr(safe_files, "_same_file", plant_then_check)
    with pytest.raises(safe_files.UnsafePathError):
        safe_files.write_file(root, "late.md", b"owned")
    assert victim.read_text() == VICTIM_TEXT
    assert [p.name for p in root.iterdir()] == ["late.md"]  # no temporary file left behind


def test_a_full_disk_leaves_the_old_file_and_no_empty_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "out"
    root.mkdir()
    (root / "kept.json").write_text("old content")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_files.os, "write", full)
    with pytest.raises(safe_files.FileWriteError, match="No space left on device"):
        safe_files.write_file(root, "kept.json", b"new content")
    with pytest.raises(safe_files.FileWriteError):
        safe_files.write_file(root, "fresh.json", b"new content")
    assert [p.name for p in root.iterdir()] == ["kept.json"] and (root / "kept.json").read_text() == "old content"


def test_no_overwrite_means_no_overwrite(tmp_path: Path) -> None:
    safe_files.write_file(tmp_path, "a.json", b"first")
    with pytest.raises(ConflictError):
        safe_files.write_file(tmp_path, "a.json", b"second", overwrite=False)
    assert (tmp_path / "a.json").read_bytes() == b"first"


def test_reads_take_regular_files_only_and_never_block(tmp_path: Path, victim: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    (tmp_path / "link.md").symlink_to(victim)
    (tmp_path / "big.md").write_bytes(b"x" * 2048)
    for name, message in (("pipe.md", "named pipe"), ("link.md", "symbolic link"), ("big.md", "size cap")):
        with pytest.raises(safe_files.UnsafePathError, match=message):
            in_time(lambda name=name: safe_files.read_file(tmp_path, name, max_bytes=1024), 5)
    with pytest.raises(safe_files.UnsafePathError, match="character device"):
        in_time(lambda: safe_files.read_regular(Path("/dev/zero"), max_bytes=1024), 5)


# --- exports --------------------------------------------------------------------------------------

def _deep_import(tmp_path: Path) -> KnowledgeBase:
    """A decision four folders deep whose image sits at the top: its link is ../../../../img.png."""
    source = tmp_path / "source"
    deep = source / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (source / "img.png").write_bytes(b"\x89PNG top image")
    (deep / "0001-deep.md").write_text("# 1. Deep\n\n## Status\n\nAccepted\n\n![diagram](../../../../img.png)\n")
    kb = KnowledgeBase.init(tmp_path / "k.kbridge")
    import_folder(kb, source)
    assert kb.files.of(kb.list_records()[0].uid)
    return kb


@pytest.mark.parametrize("fmt", ["madr", "adr-tools", "log4brains", "kbridge", "native"])
def test_an_attachment_path_never_climbs_out_of_the_export(tmp_path: Path, fmt: str) -> None:
    kb = _deep_import(tmp_path)
    out = tmp_path / "deep" / "er" / "out"
    outside = {k: v for k, v in snapshot(tmp_path).items() if "/out" not in k}
    report = export_kb(kb, out, fmt)
    after = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith(str(out))}
    assert {k: v for k, v in after.items() if k not in outside} == {}, "a file was written outside OUT"
    assert report.attachments == 1 and any(p.name == "img.png" for p in out.rglob("img.png"))
    kb.close()


def test_a_hostile_attachment_name_is_not_written(tmp_path: Path, kb: KnowledgeBase) -> None:
    uid = kb.create("decision", "Named").uid
    kb.files.put(uid, "../../../../escaped.png", b"evil")
    kb.files.put(uid, "/tmp/absolute-escape.png", b"evil")
    out = tmp_path / "out"
    report = export_kb(kb, out, "kbridge")
    assert not (tmp_path / "escaped.png").exists() and not list(tmp_path.parent.glob("escaped.png"))
    assert not Path("/tmp/absolute-escape.png").exists() or Path("/tmp/absolute-escape.png").read_bytes() != b"evil"
    assert len(report.skipped) + len(report.warnings) >= 1


def test_a_hostile_source_path_is_skipped_not_followed(tmp_path: Path, kb: KnowledgeBase) -> None:
    kb.create("decision", "Moved", source={"path": "../../../escape.md", "format": "madr", "root": str(tmp_path)})
    out = tmp_path / "out"
    report = export_kb(kb, out, "native")
    assert not (tmp_path / "escape.md").exists()
    assert any("outside" in item.reason for item in report.skipped)


@pytest.mark.parametrize("fmt", ["madr", "kbridge", "native", "html"])
def test_links_planted_in_the_export_folder_are_not_written_through(tmp_path: Path, victim: Path,
                                                                    sample_kb: KnowledgeBase, fmt: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if fmt == "html":
        (out / ".kbridge-site").write_text("kbridge static site\n")
        (out / "records").symlink_to(victim.parent)
    else:
        first = export_kb(sample_kb, tmp_path / "probe", fmt).written
        for relative in first[:3]:
            target = out / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(victim)
        (out / "decisions").mkdir(exist_ok=True) if (out / "decisions").exists() else \
            (out / "decisions").symlink_to(victim.parent)
    before = snapshot(victim.parent)
    try:
        report = export_kb(sample_kb, out, fmt)
    except KbridgeError as error:  # the site refuses a linked folder outright
        assert fmt == "html" and "symbolic link" in str(error)
    else:
        assert any("symbolic link" in item.reason for item in report.skipped), report.skipped
    assert snapshot(victim.parent) == before


def test_json_export_does_not_replace_a_file_without_force(tmp_path: Path, sample_kb: KnowledgeBase,
                                                           victim: Path) -> None:
    target = tmp_path / "kb.json"
    target.write_text("keep me")
    with pytest.raises(ConflictError, match="--force"):
        export_kb(sample_kb, target, "json")
    assert target.read_text() == "keep me"
    export_kb(sample_kb, target, "json", overwrite=True)
    assert target.read_text().startswith("{")
    linked = tmp_path / "linked.json"
    linked.symlink_to(victim)
    with pytest.raises(KbridgeError):
        export_kb(sample_kb, linked, "json", overwrite=True)
    assert victim.read_text() == VICTIM_TEXT


def test_a_backup_is_never_written_through_a_link_or_left_half_written(tmp_path: Path, kb: KnowledgeBase,
                                                                      victim: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    linked = tmp_path / "backup.kbridge"
    linked.symlink_to(victim)
    with pytest.raises(KbridgeError):
        kb.maintenance.backup(linked, overwrite=True)
    assert victim.read_text() == VICTIM_TEXT
    from kbridge.storage import store as store_module

    def full(self: object, out: Path, **_options: bool) -> None:
        out.write_bytes(b"partial")
        raise KbridgeError("the backup could not be written: database or disk is full")

    monkeypatch.setattr(store_module.Store, "backup_into", full)
    with pytest.raises(KbridgeError, match="disk is full"):
        kb.maintenance.backup(tmp_path / "fresh.kbridge")
    assert not (tmp_path / "fresh.kbridge").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kbridge-")] == []


def test_a_site_export_stopped_half_way_is_replaced_by_the_next(tmp_path: Path, sample_kb: KnowledgeBase,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from kbridge.formats.site import export as site_export

    out = tmp_path / "site"
    calls = [0]
    real = site_export._Writer.write

    def fail_later(self: object, relative: str, text: str) -> None:
        calls[0] += 1
        if calls[0] == 5:
            raise safe_files.FileWriteError("could not write: No space left on device (nothing was replaced)")
        real(self, relative, text)  # type: ignore[arg-type]

    monkeypatch.setattr(site_export._Writer, "write", fail_later)
    with pytest.raises(KbridgeError):
        export_site(sample_kb, out)
    monkeypatch.setattr(site_export._Writer, "write", real)
    assert export_site(sample_kb, out).pages > 10  # the half-written folder is recognised as a site


# --- sync -----------------------------------------------------------------------------------------

def test_sync_never_writes_through_a_planted_link_and_says_so(tmp_path: Path, kb: KnowledgeBase,
                                                              victim: Path) -> None:
    uid = kb.create("decision", "Forty-two").uid
    key = kb.get(uid).key
    folder = tmp_path / "repo"
    (folder / "decisions").mkdir(parents=True)
    (folder / "decisions" / f"{key}.md").symlink_to(victim)
    report = sync_folder(kb, folder)
    assert victim.read_text() == VICTIM_TEXT
    assert f"decisions/{key}.md" not in report.to_files
    assert any(item.path == f"decisions/{key}.md" and "symbolic link" in item.reason for item in report.skipped)
    kb.delete(uid)
    report = sync_folder(kb, folder)
    assert (folder / "decisions" / f"{key}.md").is_symlink() and victim.exists()


def test_sync_does_not_follow_a_linked_folder(tmp_path: Path, kb: KnowledgeBase, victim: Path) -> None:
    kb.create("decision", "Through a folder link")
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "decisions").symlink_to(victim.parent)
    before = snapshot(victim.parent)
    report = sync_folder(kb, folder)
    assert snapshot(victim.parent) == before
    assert report.to_files == [] and any("symbolic link" in item.reason for item in report.skipped)


def test_sync_skips_fifos_devices_and_huge_files_without_hanging(tmp_path: Path, kb: KnowledgeBase) -> None:
    folder = tmp_path / "repo"
    (folder / "notes").mkdir(parents=True)
    os.mkfifo(folder / "notes" / "pipe.md")
    (folder / "notes" / "huge.md").write_bytes(b"---\ntitle: x\n---\n" + b"y" * (3 << 20))
    try:
        os.mknod(folder / "notes" / "zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        (folder / "notes" / "zero.md").symlink_to("/dev/zero")
    report = in_time(lambda: sync_folder(kb, folder), 20)
    reasons = {item.path: item.reason for item in report.skipped}  # type: ignore[union-attr]
    assert "named pipe" in reasons["notes/pipe.md"] and "size cap" in reasons["notes/huge.md"]
    assert "character device" in reasons["notes/zero.md"] or "symbolic link" in reasons["notes/zero.md"]


def test_sync_state_is_owner_only(tmp_path: Path, kb: KnowledgeBase, isolated_user_dirs: Path) -> None:
    kb.create("decision", "Stateful")
    sync_folder(kb, tmp_path / "repo")
    # Kept in the knowledge base itself (kbridge.core.sync_store), which only its owner can read.
    assert kb.sync_state.document("folders") and stat.S_IMODE(kb.path.stat().st_mode) == 0o600
    assert not [path for path in (isolated_user_dirs / "data").rglob("*") if "sync" in path.name]


def test_cancel_stops_a_sync_before_it_changes_anything(tmp_path: Path, kb: KnowledgeBase) -> None:
    kb.create("decision", "Not yet")
    with pytest.raises(KbridgeError, match="cancelled"):
        sync_folder(kb, tmp_path / "repo", cancel=lambda: True)
    assert not list((tmp_path / "repo").rglob("*.md"))


# --- import ---------------------------------------------------------------------------------------

def test_import_skips_fifos_devices_links_and_huge_files(tmp_path: Path, kb: KnowledgeBase) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-fine.md").write_text("# 1. Fine\n\n## Status\n\nAccepted\n")
    os.mkfifo(folder / "0002-pipe.md")
    (folder / "0003-passwd.md").symlink_to("/etc/passwd")
    (folder / "0004-huge.md").write_bytes(b"# 4. Huge\n\n" + b"z" * (3 << 20))
    try:
        os.mknod(folder / "0005-zero.md", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        (folder / "0005-zero.md").symlink_to("/dev/zero")
    report = in_time(lambda: import_folder(kb, folder), 20)
    assert report.imported == 1  # type: ignore[union-attr]
    reasons = " | ".join(item.reason for item in report.skipped)  # type: ignore[union-attr]
    assert "named pipe" in reasons and "symbolic link" in reasons and "size cap" in reasons
    assert "root:" not in "".join(record.body for record in kb.list_records())


def test_an_attachment_swapped_for_a_link_during_import_is_not_stored(tmp_path: Path, kb: KnowledgeBase,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"SECRET outside the folder")
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-x.md").write_text("# 1. X\n\n## Status\n\nAccepted\n\n![d](diagram.png)\n")
    (folder / "diagram.png").write_bytes(b"\x89PNG real")
    real_plan = importer_module.plan_import

    def plan_then_swap(*args: object, **kwargs: object) -> object:
        result = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        (folder / "diagram.png").unlink()
        (folder / "diagram.png").symlink_to(secret)  # the race: after the scan, before the read
        return result

    monkeypatch.setattr(importer_module, "plan_import", plan_then_swap)
    report = import_folder(kb, folder)
    stored = [kb.files.read(record.uid, item["name"]) for record in kb.list_records()
              for item in kb.files.of(record.uid) if item["role"] == "attachment"]
    assert b"SECRET outside the folder" not in stored
    assert any("symbolic link" in item.reason for item in report.skipped)


@pytest.mark.parametrize(("name", "text"), [
    ("quadratic-status", "# 1. T\n\n## Status\n\n" + "[" * 1_000_000 + "\n"),
    ("link-openers", "# 1. T\n\n## Status\n\nSuperseded by " + "[a](" * 250_000 + "\n"),
    ("braces", "# 1. T\n\n## Status\n\n" + "{" * 1_000_000 + "\n"),
    ("deep-list", "# 1. T\n\n" + "".join("  " * i + "- x\n" for i in range(1400))),
    ("deep-quote", "# 1. T\n\n" + ">" * 500_000 + " accepted\n"),
    ("many-lines", "# 1. T\n\n" + "line\n" * 99_000),
])
def test_huge_and_deep_files_import_in_bounded_time(tmp_path: Path, kb: KnowledgeBase, name: str, text: str) -> None:
    """A budget far above what each takes (under 2 s on a 2-core machine), far below the minutes
    the quadratic patterns took."""
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-t.md").write_text(text)
    started = time.perf_counter()
    report = in_time(lambda: import_folder(kb, folder), 30)
    assert report.imported + len(report.skipped) == 1, name  # type: ignore[union-attr]
    assert time.perf_counter() - started < 30


def test_cancel_stops_an_import_of_a_folder_holding_a_fifo(tmp_path: Path, kb: KnowledgeBase) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    os.mkfifo(folder / "0001-pipe.md")
    report = in_time(lambda: import_folder(kb, folder, cancel=lambda: True), 10)
    assert report.cancelled and kb.list_records() == []  # type: ignore[union-attr]


# --- the search cache -----------------------------------------------------------------------------

def test_the_search_cache_is_owner_only(kb: KnowledgeBase, isolated_user_dirs: Path) -> None:
    kb.create("note", "cached words")
    kb.search("cached")
    kb.search("cached", engine="whoosh")
    kb.create("note", "more words")
    cache = isolated_user_dirs / "cache"
    modes = {stat.S_IMODE(p.lstat().st_mode) for p in cache.rglob("*") if not p.is_symlink()}
    folders = {stat.S_IMODE(p.stat().st_mode) for p in cache.rglob("*") if p.is_dir()}
    assert folders == {0o700} and modes <= {0o700, 0o600} and stat.S_IMODE(cache.stat().st_mode) == 0o700
