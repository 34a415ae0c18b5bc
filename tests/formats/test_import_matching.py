"""Which record a file of an import is, found by looking the records up by path for each file (not
by holding every record imported before): a folder imported again, a folder moved since, a copy
of a folder whose links name a `<slug>/README.md` by its folder; and the matches of a shelved
plan are on the shelf's rows, not held."""

from __future__ import annotations

import shutil
from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.plan import plan_import
from kbridge.formats.read.shelf import ShelvedMatches


def _decision(title: str, body: str = "") -> str:
    date = f"2024-03-0{len(title) % 9 + 1}"
    return f"# {title}\n\nDate: {date}\n\n## Status\n\nAccepted\n\n## Context\n\n{body or title}\n"


def _numbered(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True)
    for number in range(1, count + 1):
        (folder / f"{number:04d}-choice-{number}.md").write_text(
            _decision(f"{number}. Choice {number}", f"See [the first](0001-choice-1.md) ({number})."), "utf-8")
    return folder


def test_a_folder_imported_again_is_matched_file_by_file_on_the_shelf(tmp_path: Path) -> None:
    folder = _numbered(tmp_path / "team" / "adr", 30)
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    first = import_folder(kb, folder)
    assert first.imported == 30

    plan = plan_import(kb, folder)
    assert isinstance(plan.matches, ShelvedMatches)
    assert len(plan.matches) == 30
    matched = plan.matches["0007-choice-7.md"]
    assert (matched.key, matched.body) == ("ADR-0007", "")  # slim: the body is read when written
    assert plan.matches.holds(matched.uid) and not plan.matches.holds("no-such-uid")
    assert "0031-choice-31.md" not in plan.matches
    assert sorted(plan.matches) == sorted(f"{n:04d}-choice-{n}.md" for n in range(1, 31))

    again = import_folder(kb, folder)
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 30)
    assert len(kb.list_records(deleted=None)) == 30


def test_a_folder_moved_since_its_import_is_matched_to_its_records(tmp_path: Path) -> None:
    folder = _numbered(tmp_path / "old-place" / "adr", 5)
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, folder)
    moved = tmp_path / "new-place"
    shutil.move(tmp_path / "old-place", moved)
    (moved / "adr" / "0003-choice-3.md").write_text(_decision("3. Choice 3", "Changed after the move."), "utf-8")

    report = import_folder(kb, moved / "adr")

    assert (report.imported, report.updated, report.unchanged) == (0, 1, 4)
    records = kb.list_records(deleted=None)
    assert sorted(r.key for r in records) == [f"ADR-000{n}" for n in range(1, 6)]  # no ADR-0003-2
    assert "Changed after the move." in kb.get("ADR-0003").body
    assert kb.maintenance.integrity_problems() == []


def test_a_copy_whose_links_name_a_folder_decision_differently_says_the_same(tmp_path: Path) -> None:
    """A `<slug>/README.md` is named by its folder: `../first` in the record imported, and
    `../first/README.md` in a copy of the folder, name the same record: the copy changes nothing."""
    original = tmp_path / "original"
    for slug, title, body in (("first", "First choice", "The first."),
                              ("second", "Second choice", "Builds on [the first](../first).")):
        (original / slug).mkdir(parents=True)
        (original / slug / "README.md").write_text(_decision(title, body), "utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    assert import_folder(kb, original).imported == 2
    copy = tmp_path / "copy"
    shutil.copytree(original, copy)
    second = copy / "second" / "README.md"
    second.write_text(second.read_text("utf-8").replace("(../first)", "(../first/README.md)"), "utf-8")

    plan = plan_import(kb, copy)
    assert plan.same == {"second/README.md"}
    report = import_folder(kb, copy, plan=plan)

    assert (report.imported, report.updated, report.unchanged) == (0, 0, 2)
    assert "(../first)" in kb.get(report.keys["second/README.md"]).body
