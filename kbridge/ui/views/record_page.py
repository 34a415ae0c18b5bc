"""The Record tab: an action bar (status chip with its drop-down, Edit, Supersede, Links, Delete or
Restore) above the reader."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSizePolicy, QToolBar, QToolButton, QVBoxLayout, QWidget

from kbridge.model import Kind, Record
from kbridge.ui.style import status_hex
from kbridge.ui.views.reader import ReaderView

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


class RecordActions:
    """The window's record actions the page shows as buttons (so shortcuts live in one place)."""

    def __init__(self, edit: QAction, supersede: QAction, links: QAction, delete: QAction, restore: QAction) -> None:
        self.edit = edit
        self.supersede = supersede
        self.links = links
        self.delete = delete
        self.restore = restore


class RecordPage(QWidget):
    """Emits `status_chosen(status)` when a person picks a status from the chip's drop-down."""

    status_chosen = Signal(str)
    record_link_clicked = Signal(str)

    def __init__(self, kb: KnowledgeBase, actions: RecordActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordPage")
        self.actions = actions
        self.reader = ReaderView(kb, self)
        self.reader.record_link_clicked.connect(self.record_link_clicked)
        self.status_chip = QToolButton(self)
        self.status_chip.setObjectName("statusChip")
        self.status_chip.setAccessibleName("Status")
        self.status_chip.setToolTip("Change the status")
        self.status_chip.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_menu = QMenu(self.status_chip)
        self.status_menu.setObjectName("statusMenu")
        self.status_menu.triggered.connect(self._on_status_menu_triggered)
        self.status_chip.setMenu(self.status_menu)
        # A tool bar rather than a row of buttons: in a narrow window what does not fit goes behind
        # its "»" button instead of forcing the whole pane (and the window) wider.
        bar = QToolBar(self)
        bar.setObjectName("recordActionBar")
        bar.setMovable(False)
        bar.setContentsMargins(4, 2, 4, 0)
        self._chip_place = bar.addWidget(self.status_chip)
        self.buttons: dict[str, QToolButton] = {}
        self._placed: dict[str, QAction] = {}
        for name, action in (
            ("editButton", actions.edit),
            ("supersedeButton", actions.supersede),
            ("linksButton", actions.links),
        ):
            self._placed[name] = bar.addWidget(self._button(name, action))
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        for name, action in (("deleteButton", actions.delete), ("restoreButton", actions.restore)):
            self._placed[name] = bar.addWidget(self._button(name, action))
        self.bar = bar
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(bar)
        layout.addWidget(self.reader, 1)
        self.show_record(None)

    def _button(self, name: str, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setDefaultAction(action)
        button.setAccessibleName(action.text().replace("&", "").rstrip("…"))
        button.setAutoRaise(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.buttons[name] = button
        return button

    @property
    def status_chip_shown(self) -> bool:
        return self._chip_place.isVisible()

    @property
    def record(self) -> Record | None:
        return self.reader.record

    def set_knowledge_base(self, kb: KnowledgeBase) -> None:
        self.reader.kb = kb
        self.show_record(None)

    def show_record(self, record: Record | None) -> None:
        if record is None:
            self.reader.show_placeholder()
        else:
            self.reader.show_record(record)
        self._update_bar(record)

    def _update_bar(self, record: Record | None) -> None:
        has_status = record is not None and bool(record.kind.statuses) and not record.deleted
        self._chip_place.setVisible(has_status)  # in a tool bar, its action shows or hides a widget
        self.status_menu.clear()
        if record is not None and has_status:
            colour = status_hex(record.status)
            self.status_chip.setText(f"{record.status or 'no status'}  ▾")
            self.status_chip.setStyleSheet(
                f"QToolButton#statusChip {{ background: {colour}; color: white; font-weight: bold;"
                " border-radius: 9px; padding: 2px 10px; }"
                " QToolButton#statusChip::menu-indicator { image: none; width: 0; }"
            )
            self.status_chip.setAccessibleDescription(f"Status: {record.status}. Press to change it.")
            for status in record.kind.statuses:
                action = self.status_menu.addAction(status)
                action.setCheckable(True)
                action.setChecked(status == record.status)
                action.setData(status)
        live = record is not None and not record.deleted
        self._placed["editButton"].setVisible(live)
        self._placed["linksButton"].setVisible(live)
        self._placed["supersedeButton"].setVisible(live and record is not None and record.kind is Kind.DECISION)
        self._placed["deleteButton"].setVisible(live)
        self._placed["restoreButton"].setVisible(record is not None and record.deleted)
        # The tool bar lays its buttons out on the next event; now, so that what is shown is
        # there at once (a key press right after a record opens acts on the right buttons).
        self.bar.layout().activate()

    def _on_status_menu_triggered(self, action: QAction) -> None:
        status = str(action.data() or "")
        if self.record is not None and status and status != self.record.status:
            self.status_chosen.emit(status)
