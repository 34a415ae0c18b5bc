"""What the window does to records: new, edit, supersede, status, links, trash; search and help
commands; leaving the editor safely. A mixin of `MainWindow` (it uses the window's widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog, QLabel, QMessageBox

from kbridge import __version__
from kbridge.model import KbridgeError, Kind, Record
from kbridge.ui import settings as ui_settings
from kbridge.ui.style import apply_theme
from kbridge.ui.views.drafts import Draft, discard_draft, drafts_for, load_draft
from kbridge.ui.views.history_view import local_time
from kbridge.ui.widgets.plain_text import ask, message_box, warn

if TYPE_CHECKING:
    from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog
    from kbridge.ui.window.main_window import MainWindow

    _Base = MainWindow
else:
    _Base = object


class RecordCommands(_Base):
    # --- creating -------------------------------------------------------------------------

    def new_record(self, kind: Kind = Kind.DECISION) -> str | None:
        """Ask for a new record (Ctrl+N); its uid once created."""
        if self.kb is None or not self.leave_editor():
            return None
        from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog

        dialog = NewRecordDialog(self.kb, self.model.all_records(), self, kind=kind)
        return self._create_from(dialog)

    def supersede_current(self) -> str | None:
        """Write the decision that replaces the one shown: pre-linked, old one set superseded."""
        record = self.current_record()
        if self.kb is None or record is None or record.kind is not Kind.DECISION or not self.leave_editor():
            return None
        from kbridge.ui.dialogs.new_record_dialog import NewRecordDialog

        dialog = NewRecordDialog(self.kb, self.model.all_records(), self, kind=Kind.DECISION, supersedes=record)
        return self._create_from(dialog)

    def _create_from(self, dialog: NewRecordDialog) -> str | None:
        from kbridge.ui.dialogs.new_record_dialog import create_record

        self.new_record_dialog = dialog  # reachable from tests and screenshots while it is open
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            request = dialog.request()
            try:
                uid = create_record(self.kb, request)  # type: ignore[arg-type]
            except KbridgeError as error:
                warn(self, dialog.windowTitle(), str(error))
                return None
        finally:
            self.new_record_dialog = None
        self.open_record(uid)
        record = self.current_record()
        if record is not None:
            self.statusBar().showMessage(f"Created {record.key}.", 5000)
        if request.open_editor:
            self.edit_current()
        return uid

    # --- editing --------------------------------------------------------------------------

    def edit_current(self) -> bool:
        record = self.current_record()
        if self.kb is None or record is None or record.deleted:
            return False
        if self.right.currentWidget() is self.editor:
            return True
        record = self.kb.get(record.uid)
        draft = load_draft(self.kb.uid, record.uid)
        if draft is not None and not self._ask_recover(draft.key, draft.saved_at):
            discard_draft(self.kb.uid, record.uid)
            draft = None
        self._start_editing(record, draft)
        return True

    def _start_editing(self, record: Record, draft: Draft | None) -> None:
        self.editor.edit(record, draft)
        self.right.setCurrentWidget(self.editor)
        if self._edit_sizes is None:
            # The editor needs the room: the navigator folds away and the list narrows.
            self._edit_sizes = self.splitter.sizes()
            total = sum(self._edit_sizes)
            self.splitter.setSizes([0, total * 3 // 10, total - total * 3 // 10])

    def leave_editor(self) -> bool:
        """True when the editor is closed, or was closed now (saving or discarding as asked)."""
        editor = self._editor
        if editor is None or self.right.currentWidget() is not editor or editor.record is None:
            return True
        return self.editor.maybe_close()

    def offer_draft_recovery(self) -> None:
        """After a crash, drafts are left behind: offer to open each in the editor."""
        if self.kb is None:
            return
        for draft in drafts_for(self.kb.uid):
            record = self.kb.find(draft.record_uid)
            if record is None or record.deleted:
                discard_draft(self.kb.uid, draft.record_uid)
                continue
            if not self._ask_recover(record.key, draft.saved_at):
                discard_draft(self.kb.uid, draft.record_uid)
                continue
            if self.open_record(record.uid):
                self._start_editing(self.kb.get(record.uid), draft)
            return  # one at a time: the next is offered when this knowledge base is opened again

    def _ask_recover(self, key: str, saved_at: str) -> bool:
        box = message_box(
            self,
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
        self.right.setCurrentWidget(self.tabs)
        if self._edit_sizes:
            self.splitter.setSizes(self._edit_sizes)
            self._edit_sizes = None
        if self.kb is not None:
            self.show_record(uid)

    # --- status, links, trash -------------------------------------------------------------

    def set_status(self, status: str) -> bool:
        record = self.current_record()
        if self.kb is None or record is None:
            return False
        try:
            self.kb.set_status(record.uid, status, strict=True)
        except KbridgeError as error:
            warn(self, "Change status", str(error))
            return False
        self.statusBar().showMessage(f"{record.key} is now {status}.", 5000)
        return True

    def change_status_from_keyboard(self) -> None:
        if self.record_page.status_chip_shown:  # shown for this record, on whichever tab is open
            self.show_tab("Record")
            self.record_page.status_chip.showMenu()

    def _on_record_page_status_chosen(self, status: str) -> None:
        self.set_status(status)

    def edit_links(self) -> None:
        record = self.current_record()
        if self.kb is None or record is None or not self.leave_editor():
            return
        from kbridge.ui.dialogs.link_picker import LinksDialog

        dialog = LinksDialog(self.kb, record, self.model.all_records(), self)
        self.links_dialog = dialog
        dialog.exec()
        self.links_dialog = None

    def delete_current(self) -> bool:
        record = self.current_record()
        if self.kb is None or record is None or record.deleted or not self.leave_editor():
            return False
        answer = ask(
            self,
            "Move to trash",
            f"Move {record.key} “{record.title}” to the trash? Its links and history are kept; "
            "it can be restored from the Trash.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.kb.delete(record.uid)
        self.show_record(record.uid)
        self.statusBar().showMessage(f"{record.key} moved to the trash.", 5000)
        return True

    def restore_current(self) -> bool:
        record = self.current_record()
        if self.kb is None or record is None or not record.deleted:
            return False
        self.kb.undelete(record.uid)
        self.show_record(record.uid)
        self.statusBar().showMessage(f"{record.key} restored from the trash.", 5000)
        return True

    def _on_history_view_restored(self, uid: str) -> None:
        self.show_record(uid)
        self.show_tab("History")
        self.statusBar().showMessage("Revision restored as a new revision.", 5000)

    # --- search and switching -------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def focus_filter(self) -> None:
        self.filter_field.setFocus()
        self.filter_field.selectAll()

    def show_quick_switcher(self) -> None:
        if self.kb is None:
            return
        from kbridge.ui.dialogs.quick_switcher import QuickSwitcher

        switcher = QuickSwitcher(self.model.all_records(), self, visited=self.history.recent())
        switcher.record_chosen.connect(self._on_quick_switcher_record_chosen)
        self.quick_switcher = switcher
        switcher.exec()
        self.quick_switcher = None

    def _on_quick_switcher_record_chosen(self, uid: str) -> None:
        self.open_record(uid)

    def copy_current_key(self) -> None:
        record = self.current_record()
        if record is not None:
            QApplication.clipboard().setText(record.key)
            self.statusBar().showMessage(f"Copied {record.key}.", 3000)

    def save_current_search(self) -> None:
        query = self.search_field.text().strip()
        if not query:
            self.statusBar().showMessage("Type a search first, then save it.", 5000)
            return
        saved = ui_settings.saved_searches()
        if query not in saved:
            ui_settings.set_saved_searches([*saved, query])
        self._refresh_navigator()
        self.statusBar().showMessage(f"Saved the search “{query}”.", 5000)

    def forget_saved_search(self) -> None:
        node = self.navigator.current_node()
        if node is None or node.query is None:
            self.statusBar().showMessage("Select a saved search in the navigator first.", 5000)
            return
        ui_settings.set_saved_searches([q for q in ui_settings.saved_searches() if q != node.query])
        self._refresh_navigator()

    # --- view and help --------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        ui_settings.ui_settings().setValue("view/theme", name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, None if name == "system" else name == "dark")
        if self.current_record() is not None:
            self.show_record(self.current_record().uid)  # type: ignore[union-attr]

    def show_shortcuts(self) -> None:
        from kbridge.ui.dialogs.help import ShortcutsDialog

        dialog = ShortcutsDialog(self.actions.menus, self)
        self.shortcuts_dialog = dialog
        dialog.exec()
        self.shortcuts_dialog = None

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About kbridge",
            f"<h3>kbridge {__version__}</h3><p>An offline knowledge base for architecture decisions, "
            "system histories and the reasons behind security controls.</p>",
        )

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setTextValue(text)
        for child in dialog.findChildren(QLabel):  # the label may quote a record (a saved search)
            child.setTextFormat(Qt.TextFormat.PlainText)
        return dialog.textValue() if dialog.exec() == QDialog.DialogCode.Accepted else None
