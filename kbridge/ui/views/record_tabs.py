"""The right-hand pane: a tab widget over the current record (Record, History, and the trails).

A tab is any QWidget with `show_record(record: Record | None)`; if it has a
`record_link_clicked(str)` signal (a record uid), following it navigates like a reader link.
Tabs are built by factories `factory(kb, parent) -> QWidget` so that they are rebuilt when another
knowledge base is opened; `extra_tab_factories()` lists them (the trails views' own list,
`kbridge.ui.views.trails_tabs.trail_tab_factories()`), or call `RecordTabs.add_factory_tab` directly.

Only the visible tab is brought up to date when the record changes; the others when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from kbridge.model import Record

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

TabFactory = Callable[["KnowledgeBase", QWidget], QWidget]


def extra_tab_factories() -> list[tuple[str, TabFactory]]:
    """Tabs after Record and History, in order: the trails views (Why?, Timeline, Graph, ...)."""
    # Imported here: the trails views need kbridge.core, which loads after the window has shown.
    from kbridge.ui.views.checklist_view import ChecklistView
    from kbridge.ui.views.scorecard_view import ScorecardView
    from kbridge.ui.views.trails_tabs import trail_tab_factories

    return [*trail_tab_factories(), ("Checklist", ChecklistView), ("Scorecard", ScorecardView)]


class _LazyTab(QWidget):
    """A factory tab's place: the view itself is built the first time the tab is shown (opening
    a knowledge base must not wait for views nobody has looked at yet)."""

    def __init__(self, factory: TabFactory, kb: KnowledgeBase, parent: QWidget) -> None:
        super().__init__(parent)
        self.factory, self.kb = factory, kb
        self.view: QWidget | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def build(self, on_link: Callable[[str], None]) -> QWidget:
        if self.view is None:
            self.view = self.factory(self.kb, self)
            self._layout.addWidget(self.view)
            signal = getattr(self.view, "record_link_clicked", None)
            if signal is not None:
                signal.connect(on_link)
        return self.view


class RecordTabs(QTabWidget):
    record_link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerTabs")
        self.setAccessibleName("Record views")
        self.setDocumentMode(True)
        self.record: Record | None = None
        self._stale: set[QWidget] = set()
        self.currentChanged.connect(self._on_self_current_changed)

    def add_tab(self, title: str, widget: QWidget) -> QWidget:
        """Add a view of the current record, built now (Record and History are)."""
        self.addTab(widget, title)
        signal = getattr(widget, "record_link_clicked", None)
        if signal is not None:
            signal.connect(self.record_link_clicked)
        self._stale.add(widget)
        if widget is self.currentWidget():
            self._refresh(widget)
        return widget

    def add_factory_tab(self, title: str, factory: TabFactory, kb: KnowledgeBase) -> QWidget:
        """Add a view built by `factory(kb, parent)` when its tab is first shown, and built anew
        for another knowledge base."""
        place = _LazyTab(factory, kb, self)
        self.addTab(place, title)
        self._stale.add(place)
        if place is self.currentWidget():
            self._refresh(place)
        return place

    def set_knowledge_base(self, kb: KnowledgeBase) -> None:
        """Start every factory-built tab afresh for `kb`."""
        for index in range(self.count()):
            old = self.widget(index)
            if not isinstance(old, _LazyTab):
                continue
            title = self.tabText(index)
            current = self.currentIndex() == index
            self.removeTab(index)
            self.insertTab(index, _LazyTab(old.factory, kb, self), title)
            if current:
                self.setCurrentIndex(index)
            self._stale.discard(old)
            old.deleteLater()
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        """Bring the visible view up to date (the others when shown). No record clears them all
        now: a view left holding a record of a closed knowledge base would read from it (when
        the theme changes, say)."""
        self.record = record
        self._stale = {self.widget(index) for index in range(self.count())}
        if record is None:
            for index in range(self.count()):
                self._refresh(self.widget(index), build=False)
            return
        current = self.currentWidget()
        if current is not None:
            self._refresh(current)

    def has_tab(self, title: str) -> bool:
        return any(self.tabText(index).replace("&", "") == title for index in range(self.count()))

    def tab(self, title: str) -> QWidget | None:
        """The view of the tab called `title` (built if it had not been yet)."""
        for index in range(self.count()):
            if self.tabText(index).replace("&", "") == title:
                widget = self.widget(index)
                return widget.build(self.record_link_clicked.emit) if isinstance(widget, _LazyTab) else widget
        return None

    def show_tab(self, title: str) -> None:
        for index in range(self.count()):
            if self.tabText(index).replace("&", "") == title:
                self.setCurrentIndex(index)
                return

    def _refresh(self, widget: QWidget, *, build: bool = True) -> None:
        if widget not in self._stale:
            return
        self._stale.discard(widget)
        if isinstance(widget, _LazyTab):
            if widget.view is None and not build:
                return
            view = widget.build(self.record_link_clicked.emit)
        else:
            view = widget
        show = getattr(view, "show_record", None)
        if show is not None:
            show(self.record)

    def _on_self_current_changed(self, index: int) -> None:
        widget = self.widget(index)
        if widget is not None:
            self._refresh(widget)
