"""The keys an import gives, worked out without holding the folder: the number spaces of a folder's
numbered decisions are asked of the import's shelf (`ShelvedNumbers`), and the keys chosen are
kept on its rows (`ShelvedKeys`). Both must give what the records held in memory give."""

from __future__ import annotations

from pathlib import Path

from kbridge.core import KnowledgeBase
from kbridge.formats.read.importer import import_folder
from kbridge.formats.read.numbering import HeldNumbers, key_hints
from kbridge.formats.read.parsed import FileWarning, ParsedRecord
from kbridge.formats.read.plan import plan_import
from kbridge.formats.read.planned_keys import HeldKeys, PlannedKeys
from kbridge.formats.read.scan import scan_folder
from kbridge.formats.read.shelf import FileShelf, ShelvedKeys
from kbridge.model import Kind


def _decision(path: str, number: int | None, *, folder_named: bool = False) -> ParsedRecord:
    record = ParsedRecord(path=path, format="madr", title=path, number=number, kind=Kind.DECISION.value)
    if folder_named:
        record.layout["named_by_folder"] = True
    return record


# A log at the top (1-4, two files numbered 2), a subfolder continuing it (5-6: the same number
# space), two subfolders starting again at 1 (each its own), a decision named by its folder
# (`<slug>/README.md`: its number belongs to the folder above), eight files numbered 7, and files
# that take no key from a number (no number, another kind, a kbridge page).
_FOLDER = [
    _decision("0001-a.md", 1), _decision("0002-b.md", 2), _decision("0002-c.md", 2), _decision("0004-d.md", 4),
    _decision("later/0005-e.md", 5), _decision("later/0006-f.md", 6),
    _decision("infra/0001-x.md", 1), _decision("infra/0002-y.md", 2),
    _decision("infra-team/0001-z.md", 1),
    _decision("0003-slug/README.md", 3, folder_named=True),
    *(_decision(f"copies/0007-copy-{index}.md", 7) for index in range(8)),
    _decision("notes.md", None),
    ParsedRecord(path="0009-person.md", format="madr", title="P", number=9, kind=Kind.PERSON.value),
    ParsedRecord(path="0010-page.md", format="kbridge", title="K", number=10, kind=Kind.DECISION.value),
]


def _hints_held() -> tuple[list[tuple[str, int, str, str]], list[FileWarning]]:
    warnings: list[FileWarning] = []
    return list(key_hints(HeldNumbers(_FOLDER), warnings)), warnings


def test_number_spaces_asked_of_the_shelf_are_those_of_the_records_held() -> None:
    shelf = FileShelf()
    for record in _FOLDER:
        shelf.keep(record)
    shelved: list[FileWarning] = []
    hints = list(key_hints(shelf.numbers(), shelved))
    held, warnings = _hints_held()
    assert hints == held
    assert [(w.path, w.message) for w in shelved] == [(w.path, w.message) for w in warnings]
    keys = {path: (log, hint) for path, _, log, hint in hints}
    assert keys["0002-c.md"] == ("", "ADR-0002-2")
    assert keys["0003-slug/README.md"] == ("", "ADR-0003")
    assert keys["later/0006-f.md"] == ("", "ADR-0006")
    assert keys["copies/0007-copy-7.md"] == ("", "ADR-0007-8")
    assert keys["infra/0002-y.md"] == ("INFRA", "INFRA-0002")
    assert keys["infra-team/0001-z.md"] == ("INFRA-TEAM", "INFRA-TEAM-0001")
    assert not {"notes.md", "0009-person.md", "0010-page.md"} & set(keys)
    shelf.close()


def test_whether_folders_share_a_number_is_answered_alike_as_the_list_asked_about_grows_or_changes() -> None:
    """The held numbers keep the numbers of the folders last asked about and add to them as the
    list grows (the main space gains a folder at a time); another list is gathered anew."""
    shelf = FileShelf()
    for record in _FOLDER:
        shelf.keep(record)
    held, shelved = HeldNumbers(_FOLDER), shelf.numbers()
    growing: list[str] = []
    asked = []
    for folder in ("later", "", "infra", "copies"):
        asked += [(folder, list(growing)) for folder in ("infra", "infra-team", "copies", "later")]
        growing.append(folder)
    asked += [("infra-team", ["infra"]), ("infra-team", ["later"]), ("copies", ["", "later"]), ("copies", [])]
    answers = [(folder, folders, held.overlap(folder, folders)) for folder, folders in asked]
    assert answers == [(folder, folders, shelved.overlap(folder, folders)) for folder, folders in asked]
    assert ("infra-team", ["infra"], True) in answers and ("infra-team", ["later"], False) in answers
    assert ("copies", ["", "later"], False) in answers and ("infra", ["later", ""], True) in answers
    shelf.close()


def test_a_number_shared_by_many_files_names_a_few_of_the_others() -> None:
    _, warnings = _hints_held()
    said = [w.message for w in warnings if w.path == "copies/0007-copy-0.md"]
    assert said == ["number 7 is also used by copies/0007-copy-1.md, copies/0007-copy-2.md, copies/0007-copy-3.md, "
                    "copies/0007-copy-4.md, copies/0007-copy-5.md and 2 more: keyed ADR-0007"]
    assert [w.message for w in warnings if w.path == "0002-c.md"] == [
        "number 2 is also used by 0002-b.md: keyed ADR-0002-2"]


def _planned_keys_behave(keys: PlannedKeys) -> None:
    keys["a.md"] = "ADR-0001"
    keys["b.md"] = "INFRA-0002"
    assert keys.gives("adr-0001") and keys.gives("Infra-0002") and not keys.gives("ADR-0003")
    assert sorted(keys.given()) == ["adr-0001", "infra-0002"]
    assert keys["a.md"] == "ADR-0001" and "b.md" in keys and "c.md" not in keys and len(keys) == 2
    del keys["a.md"]
    assert not keys.gives("ADR-0001") and list(keys.given()) == ["infra-0002"] and len(keys) == 1


def test_planned_keys_are_unique_in_any_case_held_or_on_the_shelf() -> None:
    _planned_keys_behave(HeldKeys())
    shelf = FileShelf()
    for path in ("a.md", "b.md", "c.md"):
        shelf.keep(_decision(path, None))
    _planned_keys_behave(shelf.planned_keys())
    shelf.close()


def _kbridge_page(key: str, title: str) -> str:
    return f"---\nkey: {key}\nkind: decision\ntitle: {title}\nstatus: accepted\n---\nWe chose {title}.\n"


def test_a_key_two_pages_of_a_folder_give_in_different_cases_is_given_once(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.md").write_text(_kbridge_page("ADR-0001", "First"), encoding="utf-8")
    (folder / "b.md").write_text(_kbridge_page("adr-0001", "Second"), encoding="utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    plan = plan_import(kb, folder)
    assert isinstance(plan.keys, ShelvedKeys)
    assert {row.path: row.key for row in plan.rows} == {"a.md": "ADR-0001", "b.md": "adr-0001-2"}
    assert [w.message for w in plan.warnings if w.path == "b.md"] == [
        "key adr-0001 is taken by another file of this folder: imported as adr-0001-2"]


def test_decisions_without_a_number_are_numbered_after_the_highest_key_given(tmp_path: Path) -> None:
    folder = tmp_path / "adr"
    folder.mkdir()
    body = "\n\n## Status\n\nAccepted\n\n## Decision\n\nWe do it.\n"
    (folder / "0001-first.md").write_text("# 1. First" + body, encoding="utf-8")
    (folder / "0005-fifth.md").write_text("# 5. Fifth" + body, encoding="utf-8")
    (folder / "use-postgres.md").write_text("# Use Postgres" + body, encoding="utf-8")
    kb = KnowledgeBase.init(tmp_path / "kb.kbridge")
    import_folder(kb, folder)
    assert sorted((record.key, record.title) for record in kb.list_records()) == [
        ("ADR-0001", "First"), ("ADR-0005", "Fifth"), ("ADR-0006", "Use Postgres")]


def test_the_logs_of_a_monorepo_are_keyed_by_whose_they_are_not_by_where_they_sit(tmp_path: Path) -> None:
    """Logs in `<service>/docs/adr` folders each number from 1: each is its own number space,
    keyed by the nearest folder not named for what it holds (BILLING, not
    SERVICES-BILLING-DOCS-A), then by two folders (APPS-BILLING) when that one is taken."""
    root = tmp_path / "monorepo"
    body = "\n\n## Status\n\nAccepted\n\n## Decision\n\nWe do it.\n"
    logs = (("docs/adr", ("0001-x", "0002-y")), ("services/billing/docs/adr", ("0001-a", "0002-b")),
            ("apps/billing/docs/adr", ("0001-c",)), ("services/search/architecture/decisions", ("0001-d",)))
    for folder, names in logs:
        (root / folder).mkdir(parents=True)
        for name in names:
            (root / folder / f"{name}.md").write_text(f"# {name[3]}. Choice {name[-1]}" + body, encoding="utf-8")
    plan = plan_import(KnowledgeBase.init(tmp_path / "kb.kbridge"), root)
    assert {row.path: row.key for row in plan.rows} == {
        "docs/adr/0001-x.md": "ADR-0001", "docs/adr/0002-y.md": "ADR-0002",
        "services/billing/docs/adr/0001-a.md": "BILLING-0001", "services/billing/docs/adr/0002-b.md": "BILLING-0002",
        "apps/billing/docs/adr/0001-c.md": "APPS-BILLING-0001",
        "services/search/architecture/decisions/0001-d.md": "SEARCH-0001"}


def _write_folder(folder: Path, names: list[str]) -> None:
    folder.mkdir(parents=True)
    for name in names:
        (folder / f"{name}.md").write_text(f"# Choice {name}\n\n## Status\n\nAccepted\n", encoding="utf-8")


def test_a_year_alone_beside_names_that_start_with_a_date_is_a_year_not_a_number(tmp_path: Path) -> None:
    """json-schema-spec's decisions (a folder no test had seen) are named by date, two of them by a
    year alone: those were keyed ADR-2024 and ADR-2025, and the others ADR-2026 on. A folder with a
    number below 1900 is numbered (Rust's RFCs pass 2000), and so is one with no date in its names."""
    dated = tmp_path / "dated"
    _write_folder(dated, ["2022-04-08-cref", "2022-08-decouple", "2024-11-2-assertion-format", "2024-object-graph",
                          "2025-version-keyword"])
    numbered = tmp_path / "numbered"
    _write_folder(numbered, ["0001-first", "2024-later", "2023-01-05-dated"])
    years = tmp_path / "years"
    _write_folder(years, ["2024-x", "2025-y"])
    for folder, keys, numbers in (
        (dated, {"2022-04-08-cref.md": "ADR-0001", "2022-08-decouple.md": "ADR-0002",
                 "2024-11-2-assertion-format.md": "ADR-0003", "2024-object-graph.md": "ADR-0004",
                 "2025-version-keyword.md": "ADR-0005"}, {}),
        (numbered, {"0001-first.md": "ADR-0001", "2024-later.md": "ADR-2024", "2023-01-05-dated.md": "ADR-2025"},
         {"0001-first.md": 1, "2024-later.md": 2024}),
        (years, {"2024-x.md": "ADR-2024", "2025-y.md": "ADR-2025"}, {"2024-x.md": 2024, "2025-y.md": 2025}),
    ):
        # Read through the import's shelf, and held in memory: the same keys and numbers.
        plan = plan_import(KnowledgeBase.init(tmp_path / f"{folder.name}.kbridge"), folder)
        assert {row.path: row.key for row in plan.rows} == keys
        assert {record.path: record.number for record in plan.records if record.number is not None} == numbers
        held = scan_folder(folder)
        assert {record.path: record.number for record in held.records if record.number is not None} == numbers
        said = [w.message for w in plan.warnings if "a year" in w.message]
        assert len(said) == (2 if folder is dated else 0)
    assert any(w.path == "2024-object-graph.md" and "its name starts with 2024, a year" in w.message
               for w in plan_import(KnowledgeBase.init(tmp_path / "again.kbridge"), dated).warnings)
