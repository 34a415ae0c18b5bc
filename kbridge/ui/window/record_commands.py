"""What the window does to records: new, edit, supersede, status, links, trash, copy the key; and
finding them: search, filter, saved searches, the quick switcher. Owns the Record menu's actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QStyle

from kbridge.model import KbridgeError, Kind
from kbridge.ui import settings as ui_settings
from kbridge.ui.widgets.plain_text import ask, warn
from kbridge.ui.window.window_actions import make_action

if TYPE_CHECKING:
    from kbridge.ui.dialogs.link_picker import LinksDialog
    from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog
    from kbridge.ui.dialogs.quick_switcher import QuickSwitcher
    from kbridge.ui.dialogs.reassign_dialog import ReassignDialog
    from kbridge.ui.window.main_window import MainWindow

StandardKey = QKeySequence.StandardKey


class RecordCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # Open while shown, so that tests and screenshots can reach them.
        self.new_record_dialog: NewRecordDialog | None = None
        self.links_dialog: LinksDialog | None = None
        self.quick_switcher: QuickSwitcher | None = None
        self.reassign_dialog: ReassignDialog | None = None
        self._build_actions()

    def _build_actions(self) -> None:
        w = self.window
        icon, sp = w.style().standardIcon, QStyle.StandardPixmap
        self.new_record_action = make_action(
            w, "&New record…", lambda: self.new_record(Kind.DECISION), StandardKey.New, icon(sp.SP_FileIcon)
        )
        self.new_kind_actions = {
            kind: self.new_record_action if kind is Kind.DECISION
            else make_action(w, f"New {kind.label.lower()}…", lambda k=kind: self.new_record(k))
            for kind in Kind
        }
        self.edit = make_action(w, "&Edit", w.editing.edit_current, "F2", tip="Edit this record (F2)")
        self.supersede = make_action(
            w, "&Supersede…", self.supersede_current, "Ctrl+Shift+U", tip="Write the decision that replaces this one"
        )
        self.links = make_action(w, "&Links…", self.edit_links, "Ctrl+L", tip="Add or remove typed links")
        self.change_status = make_action(w, "Change &status…", self.change_status_from_keyboard, "Ctrl+Shift+S")
        self.delete = make_action(w, "Move to &trash", self.delete_current, StandardKey.Delete, icon(sp.SP_TrashIcon))
        self.restore = make_action(w, "&Restore from trash", self.restore_current, "Ctrl+Shift+R")
        self.reassign = make_action(
            w, "Rea&ssign…", self.reassign_current, tip="Hand what this person holds to someone else"
        )
        self.copy_key = make_action(
            w, "&Copy key", self.copy_current_key, "Ctrl+Shift+C", tip="Copy the record's key, to paste it in a link"
        )
        self.find = make_action(w, "&Find…", self.focus_search, StandardKey.Find, tip="Search everything (Ctrl+F)")
        self.quick_switch = make_action(
            w, "&Go to record…", self.show_quick_switcher, "Ctrl+K", tip="Jump to a record by key or title"
        )
        self.filter_list = make_action(w, "Filter the &list", self.focus_filter, "Ctrl+Shift+F")
        self.save_search = make_action(w, "&Save this search", self.save_current_search, "Ctrl+Shift+D")
        self.forget_search = make_action(w, "Forget saved search", self.forget_saved_search)

    # --- creating -------------------------------------------------------------------------

    def new_record(self, kind: Kind = Kind.DECISION) -> str | None:
        """Ask for a new record (Ctrl+N); its uid once created."""
        w = self.window
        if w.kb is None or not w.editing.leave():
            return None
        from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog

        dialog = NewRecordDialog(w.kb, w, jobs=w.jobs, kind=kind)
        return self._create_from(dialog)

    def supersede_current(self) -> str | None:
        """Write the decision that replaces the one shown: pre-linked, old one set superseded."""
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or record.kind is not Kind.DECISION or not w.editing.leave():
            return None
        from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog

        dialog = NewRecordDialog(w.kb, w, jobs=w.jobs, kind=Kind.DECISION, supersedes=record)
        return self._create_from(dialog)

    def _create_from(self, dialog: NewRecordDialog) -> str | None:
        from kbridge.ui.dialogs.new_record_dialog import create_record

        w = self.window
        self.new_record_dialog = dialog
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            request = dialog.request()
            try:
                uid = create_record(w.kb, request)  # type: ignore[arg-type]
            except KbridgeError as error:
                warn(w, dialog.windowTitle(), str(error))
                return None
        finally:
            self.new_record_dialog = None
        w.open_record(uid)
        record = w.current_record()
        if record is not None:
            w.statusBar().showMessage(f"Created {record.key}.", 5000)
        if request.open_editor:
            w.editing.edit_current()
        return uid

    # --- status, links, trash -------------------------------------------------------------

    def set_status(self, status: str) -> bool:
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None:
            return False
        try:
            w.kb.set_status(record.uid, status, strict=True)
        except KbridgeError as error:
            warn(w, "Change status", str(error))
            return False
        w.statusBar().showMessage(f"{record.key} is now {status}.", 5000)
        return True

    def change_status_from_keyboard(self) -> None:
        page = self.window.record_page
        if page.status_chip_shown:  # shown for this record, on whichever tab is open
            self.window.show_tab("Record")
            page.status_chip.showMenu()

    def edit_links(self) -> None:
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or not w.editing.leave():
            return
        from kbridge.ui.dialogs.link_picker import LinksDialog

        dialog = LinksDialog(w.kb, record, w, jobs=w.jobs)
        self.links_dialog = dialog
        dialog.exec()
        self.links_dialog = None

    def delete_current(self) -> bool:
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or record.deleted or not w.editing.leave():
            return False
        answer = ask(
            w,
            "Move to trash",
            f"Move {record.key} “{record.title}” to the trash? Its links and history are kept; "
            "it can be restored from the Trash.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        w.kb.delete(record.uid)
        w.show_record(record.uid)
        w.statusBar().showMessage(f"{record.key} moved to the trash.", 5000)
        return True

    def restore_current(self) -> bool:
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or not record.deleted:
            return False
        w.kb.undelete(record.uid)
        w.show_record(record.uid)
        w.statusBar().showMessage(f"{record.key} restored from the trash.", 5000)
        return True

    def reassign_current(self) -> int | None:
        """Hand what the person shown holds (owns, is linked as owner of, approves) to someone else;
        how many records changed hands, or None when nothing was reassigned."""
        w = self.window
        record = w.current_record()
        if w.kb is None or record is None or record.kind is not Kind.PERSON or not w.editing.leave():
            return None
        from kbridge.ui.dialogs.reassign_dialog import ReassignDialog

        dialog = ReassignDialog(w.kb, record.key, w)
        self.reassign_dialog = dialog
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.changes is None:
                return None
        finally:
            self.reassign_dialog = None
        count = len(dialog.changes.updated)
        w.statusBar().showMessage(f"Reassigned {count} record{'s' if count != 1 else ''} from {record.key}.", 8000)
        return count

    # --- search and switching -------------------------------------------------------------

    def focus_search(self) -> None:
        self.window.search_field.setFocus()
        self.window.search_field.selectAll()

    def focus_filter(self) -> None:
        self.window.filter_field.setFocus()
        self.window.filter_field.selectAll()

    def show_quick_switcher(self) -> None:
        w = self.window
        if w.kb is None:
            return
        from kbridge.ui.dialogs.quick_switcher import QuickSwitcher

        switcher = QuickSwitcher(w.kb, w, jobs=w.jobs, visited=w.history.recent())
        switcher.record_chosen.connect(self._on_quick_switcher_record_chosen)
        self.quick_switcher = switcher
        switcher.exec()
        self.quick_switcher = None

    def _on_quick_switcher_record_chosen(self, uid: str) -> None:
        self.window.open_record(uid)

    def copy_current_key(self) -> None:
        record = self.window.current_record()
        if record is not None:
            QApplication.clipboard().setText(record.key)
            self.window.statusBar().showMessage(f"Copied {record.key}.", 3000)

    def save_current_search(self) -> None:
        w = self.window
        query = w.search_field.text().strip()
        if not query:
            w.statusBar().showMessage("Type a search first, then save it.", 5000)
            return
        saved = ui_settings.saved_searches()
        if query not in saved:
            ui_settings.set_saved_searches([*saved, query])
        w.refresh_navigator()
        w.statusBar().showMessage(f"Saved the search “{query}”.", 5000)

    def forget_saved_search(self) -> None:
        w = self.window
        node = w.navigator.current_node()
        if node is None or node.query is None:
            w.statusBar().showMessage("Select a saved search in the navigator first.", 5000)
            return
        ui_settings.set_saved_searches([q for q in ui_settings.saved_searches() if q != node.query])
        w.refresh_navigator()
