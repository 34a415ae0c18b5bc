"""The right-hand pane: a tab widget over the current record (Record, History, and the trails).

A tab is any QWidget with `show_record(record: Record | None)`; if it has a
`record_link_clicked(str)` signal (a record uid), following it navigates like a reader link.
Tabs are built by factories `factory(kb, parent) -> QWidget` so that they are rebuilt when another
knowledge base is opened; `extra_tab_factories()` lists them (the trails views' own list,
`kbridge.ui.trails_tabs.trail_tab_factories()`), or call `RecordTabs.add_factory_tab` directly.

Only the visible tab is brought up to date when the record changes; the others when shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget

from kbridge.model import Record

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

TabFactory = Callable[["KnowledgeBase", QWidget], QWidget]


def extra_tab_factories() -> list[tuple[str, TabFactory]]:
    """Tabs after Record and History, in order: the trails views (Why?, Timeline, Graph, ...)."""
    # Imported here: the trails views need kbridge.core, which loads after the window has shown.
    from kbridge.ui.trails_tabs import trail_tab_factories

    return list(trail_tab_factories())


class RecordTabs(QTabWidget):
    record_link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerTabs")
        self.setAccessibleName("Record views")
        self.setDocumentMode(True)
        self.record: Record | None = None
        self._factories: dict[QWidget, TabFactory] = {}
        self._stale: set[QWidget] = set()
        self.currentChanged.connect(self._on_self_current_changed)

    def add_tab(self, title: str, widget: QWidget, factory: TabFactory | None = None) -> QWidget:
        """Add a view of the current record; `factory` rebuilds it for another knowledge base."""
        self.addTab(widget, title)
        if factory is not None:
            self._factories[widget] = factory
        signal = getattr(widget, "record_link_clicked", None)
        if signal is not None:
            signal.connect(self.record_link_clicked)
        self._stale.add(widget)
        if widget is self.currentWidget():
            self._refresh(widget)
        return widget

    def add_factory_tab(self, title: str, factory: TabFactory, kb: KnowledgeBase) -> QWidget:
        return self.add_tab(title, factory(kb, self), factory)

    def set_knowledge_base(self, kb: KnowledgeBase) -> None:
        """Rebuild every tab that was made by a factory, for `kb`."""
        for index in range(self.count()):
            old = self.widget(index)
            factory = self._factories.pop(old, None)
            if factory is None:
                continue
            title = self.tabText(index)
            new = factory(kb, self)
            self.removeTab(index)
            self.insertTab(index, new, title)
            self._factories[new] = factory
            self._stale.discard(old)
            old.deleteLater()
            signal = getattr(new, "record_link_clicked", None)
            if signal is not None:
                signal.connect(self.record_link_clicked)
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        self.record = record
        self._stale = {self.widget(index) for index in range(self.count())}
        current = self.currentWidget()
        if current is not None:
            self._refresh(current)

    def tab(self, title: str) -> QWidget | None:
        for index in range(self.count()):
            if self.tabText(index).replace("&", "") == title:
                return self.widget(index)
        return None

    def show_tab(self, title: str) -> None:
        widget = self.tab(title)
        if widget is not None:
            self.setCurrentWidget(widget)

    def _refresh(self, widget: QWidget) -> None:
        if widget in self._stale:
            self._stale.discard(widget)
            show = getattr(widget, "show_record", None)
            if show is not None:
                show(self.record)

    def _on_self_current_changed(self, index: int) -> None:
        widget = self.widget(index)
        if widget is not None:
            self._refresh(widget)
