"""The window's editor: built when first needed, shown in place of the record tabs, left only
when its changes are saved or discarded, and offered back after a crash from its autosaved draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QMessageBox

from kbridge.model import Record
from kbridge.ui.views.drafts import Draft, discard_draft, drafts_for, load_draft
from kbridge.ui.views.history_view import local_time
from kbridge.ui.widgets.plain_text import message_box

if TYPE_CHECKING:
    from kbridge.ui.views.editor import RecordEditor
    from kbridge.ui.window.main_window import MainWindow


class Editing(QObject):
    """Which record the window edits, if any (one at a time, in the right-hand pane)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._editor: RecordEditor | None = None
        self._edit_sizes: list[int] | None = None

    @property
    def built(self) -> RecordEditor | None:
        """The editor if it has been built (views are told of a new knowledge base only then)."""
        return self._editor

    @property
    def editor(self) -> RecordEditor:
        """The record editor, built the first time it is needed (it is not needed to start)."""
        if self._editor is None:
            from kbridge.ui.views.editor import RecordEditor

            self._editor = RecordEditor(self.window.kb, self.window)  # type: ignore[arg-type]
            self.window.right.addWidget(self._editor)
            self._editor.closed.connect(self._on_editor_closed)
        return self._editor

    @property
    def active(self) -> bool:
        return self._editor is not None and self.window.right.currentWidget() is self._editor

    def edit_current(self) -> bool:
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or record.deleted:
            return False
        if self.active:
            return True
        record = w.kb.get(record.uid)
        draft = load_draft(w.kb.uid, record.uid)
        if draft is not None and not self._ask_recover(draft.key, draft.saved_at):
            discard_draft(w.kb.uid, record.uid)
            draft = None
        self._start_editing(record, draft)
        return True

    def _start_editing(self, record: Record, draft: Draft | None) -> None:
        self.editor.edit(record, draft)
        self.window.right.setCurrentWidget(self.editor)
        # The room is made once the editor is painted (a timer: a call queued for the next turn
        # runs in the same pass as the paint): the whole window is laid out and painted again then
        # (25-45 ms at 1400x900), and both at once held the window past a frame and a half.
        QTimer.singleShot(1, self, self._make_room)

    def _make_room(self) -> None:
        """The editor needs the room: the navigator folds away and the list narrows."""
        w = self.window
        if self._edit_sizes is None and self.active:
            self._edit_sizes = w.splitter.sizes()
            total = sum(self._edit_sizes)
            w.splitter.setSizes([0, total * 3 // 10, total - total * 3 // 10])

    def leave(self, *, closing: bool = False) -> bool:
        """True when the editor is closed, or was closed now (saving or discarding as asked).
        `closing`: the window closes and saves its sizes next, so the room is given back at once
        (not in the next turn: the next session would open with the navigator folded)."""
        left = not self.active or self.editor.record is None or self.editor.maybe_close()
        if left and closing:
            self.give_back_room()
        return left

    def offer_draft_recovery(self) -> None:
        """After a crash, drafts are left behind: offer to open each in the editor."""
        w = self.window
        if w.kb is None:
            return
        for draft in drafts_for(w.kb.uid):
            record = w.kb.find(draft.record_uid)
            if record is None or record.deleted:
                discard_draft(w.kb.uid, draft.record_uid)
                continue
            if not self._ask_recover(record.key, draft.saved_at):
                discard_draft(w.kb.uid, draft.record_uid)
                continue
            if w.open_record(record.uid):
                self._start_editing(w.kb.get(record.uid), draft)
            return  # one at a time: the next is offered when this knowledge base is opened again

    def _ask_recover(self, key: str, saved_at: str) -> bool:
        box = message_box(
            self.window,
            QMessageBox.Icon.Question,
            "Recover unsaved changes",
            f"There are unsaved changes to {key} from {local_time(saved_at)} (kbridge closed before they were saved).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
        )
        box.setObjectName("recoverDraftPrompt")
        box.setInformativeText("Open them in the editor?")
        box.button(QMessageBox.StandardButton.Yes).setText("Recover")
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _on_editor_closed(self, uid: str) -> None:
        w = self.window
        w.right.setCurrentWidget(w.tabs)
        if w.kb is not None:
            w.show_record(uid)
        # The room is given back in the next turn, as it was taken: laying out and painting the
        # whole window (25-37 ms at a million records) in the same pass as the save (23-33 ms)
        # held the window 60-90 ms at once.
        QTimer.singleShot(1, self, self.give_back_room)

    def give_back_room(self) -> None:
        """The navigator and the list get back the room the editor took (unless it is editing
        again, and still needs it)."""
        if self._edit_sizes and not self.active:
            self.window.splitter.setSizes(self._edit_sizes)
            self._edit_sizes = None
