"""Search as you type shows the hits first and the facet counts after them, and never counts
the facets of a query the user has already typed past."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.search import SearchHit, Snippet
from kbridge.search.tantivy_facets import FACETS_FROM_HITS
from kbridge.ui.jobs.search_service import SearchOutcome
from kbridge.ui.views.search_panel import SearchController
from kbridge.ui.window.main_window import MainWindow

COUNTS = {"kind": {"decision": 200}, "status": {"accepted": 150, "proposed": 50}}


class CountingSearcher:
    """A searcher whose facets are always left for later, recording what it was asked."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.asked: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def search(self, query: str, limit: int) -> SearchOutcome:
        with self.lock:
            self.asked.append(("search", query))
        time.sleep(self.seconds)
        hit = SearchHit("u1", "ADR-0001", "decision", f"About {query}", "accepted", 1.0, Snippet(""))
        return SearchOutcome(query, 200, (hit,), facets_pending=True)

    def facets(self, query: str) -> dict[str, dict[str, int]]:
        with self.lock:
            self.asked.append(("facets", query))
        return COUNTS


def heard(controller: SearchController) -> list[tuple[str, str]]:
    """What the controller delivers, in order: ("hits" | "facets", query)."""
    events: list[tuple[str, str]] = []
    controller.results_ready.connect(lambda outcome: events.append(("hits", outcome.query)))
    controller.facets_ready.connect(lambda query, _facets: events.append(("facets", query)))
    return events


@pytest.mark.parametrize("slow", [False, True], ids=["gui-thread", "worker-thread"])
def test_hits_come_first_then_their_facets(qtbot: QtBot, slow: bool) -> None:
    controller = SearchController()
    searcher = CountingSearcher(seconds=0.02 if slow else 0.0)
    controller.set_searcher(searcher)
    controller.last_seconds = 1.0 if slow else 0.0  # a slow searcher is asked on a worker thread
    events = heard(controller)
    with qtbot.waitSignal(controller.facets_ready, timeout=5000) as counted:
        controller.request("vault")
    assert events == [("hits", "vault"), ("facets", "vault")]
    assert counted.args == ["vault", COUNTS]
    assert controller.latest is not None
    assert (controller.latest.facets, controller.latest.facets_pending) == (COUNTS, False)
    assert searcher.asked == [("search", "vault"), ("facets", "vault")]


def test_the_facets_of_a_query_typed_past_are_never_counted_on_the_gui_thread(qtbot: QtBot) -> None:
    controller = SearchController()
    searcher = CountingSearcher()
    controller.set_searcher(searcher)
    events = heard(controller)
    # The next key arrives as soon as the first hits are shown, before their facets are counted.
    def type_on(outcome: SearchOutcome) -> None:
        if outcome.query == "va":
            QTimer.singleShot(0, lambda: controller.request("vault"))

    controller.results_ready.connect(type_on)
    with qtbot.waitSignal(controller.facets_ready, timeout=5000):
        controller.request("va")
    assert events == [("hits", "va"), ("hits", "vault"), ("facets", "vault")]
    assert ("facets", "va") not in searcher.asked


def test_the_facets_of_a_query_typed_past_are_never_counted_on_a_worker(qtbot: QtBot) -> None:
    controller = SearchController()
    searcher = CountingSearcher(seconds=0.2)
    controller.set_searcher(searcher)
    controller.last_seconds = 1.0
    events = heard(controller)
    controller.request("va")
    qtbot.waitUntil(lambda: ("search", "va") in searcher.asked)
    controller.request("vau")  # typed while "va" is searched: both wait for it, only the newest goes
    controller.request("vault")
    with qtbot.waitSignal(controller.facets_ready, timeout=5000) as counted:
        pass
    assert counted.args[0] == "vault"
    assert events == [("hits", "vault"), ("facets", "vault")]  # nothing of "va" is shown
    assert searcher.asked == [("search", "va"), ("search", "vault"), ("facets", "vault")]


def test_the_window_shows_facet_buttons_for_a_result_too_large_to_count_with_its_hits(
    qtbot: QtBot, sample_kb: KnowledgeBase
) -> None:
    many = FACETS_FROM_HITS + 22
    with sample_kb.transaction():
        for number in range(many):
            status = "accepted" if number % 4 else "proposed"
            sample_kb.create("decision", f"Zebra crossing rule {number}", status=status, body="zebra")
    window = MainWindow(sample_kb)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    pending: dict[str, bool] = {}
    window.search.results_ready.connect(lambda outcome: pending.setdefault(outcome.query, outcome.facets_pending))
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search_field, "zebra")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "zebra")
    qtbot.waitUntil(lambda: not window.search.latest.facets_pending, timeout=5000)
    assert window.search.latest.total == many
    assert pending["zebra"]  # the hits were shown before the facets were counted
    labels = [button.text() for button in window.search_results.facet_buttons]
    assert labels == [f"Decisions {many:,}", f"accepted {many - many // 4 - 1:,}", f"proposed {many // 4 + 1:,}"]
    # A facet button narrows the query.
    qtbot.mouseClick(window.search_results.facet_buttons[2], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.search.latest.query.endswith("status:proposed"))
    assert window.search.latest.total == many // 4 + 1
