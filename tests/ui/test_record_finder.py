"""The choosers (quick switcher, link picker) find records with the record list's query, a few at a
time, never by reading every record; on a large file on a worker, the latest text winning."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.dialogs.quick_switcher import QuickSwitcher
from kbridge.ui.jobs import record_finder
from kbridge.ui.jobs.record_finder import RecordFinder, find_candidates, ranked
from kbridge.ui.window.main_window import MainWindow
from tests.ui.answers import Answers
from tests.ui.conftest import when_modal


@pytest.fixture(autouse=True)
def no_reading_of_every_record(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every summary fails these tests: the choosers must not need it."""

    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a chooser read every record")

    monkeypatch.setattr("kbridge.storage.store.Store.list_summaries", refused)


@pytest.fixture
def on_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as large: candidates are found on a worker, as at a million records."""
    monkeypatch.setattr(record_finder, "WORKER_BYTES", 0)


def _switch(qtbot: QtBot, window: MainWindow, answers: Answers, typed: str) -> None:
    def type_and_choose(dialog: QWidget) -> None:
        field = dialog.findChild(QLineEdit, "quickSwitcherField")
        if field.text():
            return  # asked again while the answer is awaited: the person waits too
        qtbot.keyClicks(field, typed)
        qtbot.keyClick(field, Qt.Key.Key_Return)  # at once: on a worker, the answer is awaited

    answers.dialogs["QuickSwitcher"] = type_and_choose
    window.actions.quick_switch.trigger()


@pytest.mark.parametrize("typed", ["sys-003", "workforce identity", "okta sso"])
def test_the_quick_switcher_finds_a_record_by_part_of_its_key_or_a_title_word(
    qtbot: QtBot, window: MainWindow, answers: Answers, typed: str
) -> None:
    _switch(qtbot, window, answers, typed)
    assert window.current_record() is not None and window.current_record().key == "SYS-003"  # type: ignore[union-attr]


def test_on_a_worker_enter_waits_for_the_latest_answer(
    qtbot: QtBot, window: MainWindow, answers: Answers, on_worker: None
) -> None:
    _switch(qtbot, window, answers, "kafka event bus")
    qtbot.waitUntil(lambda: window.current_record() is not None and window.current_record().key == "SYS-004")


def test_a_finder_on_a_worker_answers_only_the_latest_text(
    qtbot: QtBot, sample_kb: KnowledgeBase, window: MainWindow, on_worker: None
) -> None:
    finder = RecordFinder(sample_kb, window.jobs, limit=10)
    assert finder.on_worker
    heard: list[tuple[str, list[str]]] = []
    finder.found.connect(lambda text, records: heard.append((text, [r.key for r in records])))
    for text in ("l", "le", "led", "ledger", "ledger d", "ledger database"):
        finder.ask(text)
    qtbot.waitUntil(lambda: not finder.pending and bool(heard), timeout=10000)
    qtbot.wait(50)
    # The latest text only: the first asked may be answered when the others come too late for it.
    assert [text for text, _ in heard] in (["ledger database"], ["l", "ledger database"])
    assert heard[-1][1][0] == "SYS-002"  # "Ledger database (PostgreSQL)"
    finder.stop()


def test_candidates_come_from_the_list_query_and_rank_key_matches_first(sample_kb: KnowledgeBase) -> None:
    found = find_candidates(sample_kb, "ctl-01")
    assert found[0].key == "CTL-001"  # what kb.find reads "ctl-01" as, as `kbridge show ctl-01` does
    assert len(found) > 1 and all("ctl-01" in r.key.lower() for r in found[1:])
    assert {r.key for r in ranked(found, "ctl-01", 6)} == {f"CTL-01{n}" for n in range(6)}
    assert ranked(found, "ctl-010", 5)[0].key == "CTL-010"
    assert find_candidates(sample_kb, "adr 7")[0].key == "ADR-0007"  # the short form of a key
    assert find_candidates(sample_kb, "   ") == []
    words = [r.key for r in ranked(find_candidates(sample_kb, "vault certificates"), "vault certificates", 5)]
    assert {"CTL-007", "ADR-0021"} <= set(words)  # both titles hold both words
    assert ranked(find_candidates(sample_kb, "mutual tls"), "mutual tls", 5)[0].key == "CTL-007"


def test_the_switcher_starts_with_recent_records_without_reading_them_all(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase
) -> None:
    window.open_record(sample_kb.get("CTL-002").uid)
    switcher = QuickSwitcher(sample_kb, window, jobs=window.jobs, visited=window.history.recent())
    qtbot.addWidget(switcher)
    keys = [record.key for record in switcher.model.records]
    assert keys[0] == "CTL-002" and len(keys) > 1 and len(set(keys)) == len(keys)


def test_the_link_picker_finds_its_target_on_a_worker(
    qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, answers: Answers, on_worker: None
) -> None:
    window.open_record(sample_kb.get("NOTE-001").uid)

    def pick(dialog: QWidget) -> None:
        box = dialog.findChild(QComboBox, "linkType")
        box.setCurrentIndex(box.findText("relates to", Qt.MatchFlag.MatchContains))
        qtbot.keyClicks(dialog.findChild(QLineEdit, "linkTargetSearch"), "kubernetes platform")
        results = dialog.results  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: results.count() > 0 and results.item(0).text().startswith("SYS-005"))
        dialog.accept()  # type: ignore[attr-defined]

    def manage(dialog: QWidget) -> None:
        when_modal(pick)  # the picker opens inside this dialog's own event loop
        qtbot.mouseClick(dialog.findChild(QPushButton, "addLinkButton"), Qt.MouseButton.LeftButton)
        dialog.accept()  # type: ignore[attr-defined]

    answers.dialogs["LinksDialog"] = manage
    window.actions.links.trigger()
    assert any(link.key == "SYS-005" for link in sample_kb.links.of("NOTE-001"))
