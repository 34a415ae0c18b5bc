"""The main window's actions, menus and toolbar, with standard shortcuts wherever Qt has one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMenu, QMessageBox, QStyle, QToolBar, QWidget

from kbridge import __version__
from kbridge.model import Kind, Record
from kbridge.ui import settings as ui_settings
from kbridge.ui.jobs.search_service import QUERY_SYNTAX
from kbridge.ui.style import apply_theme

if TYPE_CHECKING:
    from kbridge.ui.window.main_window import MainWindow

StandardKey = QKeySequence.StandardKey
Shortcut = StandardKey | str | None


class WindowActions:
    """Every action of the window, by name, and the menus they are listed in."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.menus: list[tuple[str, list[QAction]]] = []
        style = window.style()
        icon = style.standardIcon
        sp = QStyle.StandardPixmap
        w = window
        files, records = window.file_commands, window.record_commands
        # File (the file commands own these)
        self.new_kb, self.open_kb, self.recent_menu = files.new_kb, files.open_kb, files.recent_menu
        self.import_folder, self.export, self.export_pack = files.import_folder_action, files.export, files.export_pack
        self.sync, self.sync_now, self.show_sync_panel = files.sync, files.sync_now_action, files.show_sync_panel_action
        self.backup, self.restore_backup, self.close_kb = files.backup, files.restore_backup, files.close_kb
        self.quit = self._make("&Quit", w.close, StandardKey.Quit)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        # Record, and finding records (the record commands own these)
        self.new_record, self.new_kind = records.new_record_action, records.new_kind_actions
        self.edit, self.supersede, self.links = records.edit, records.supersede, records.links
        self.change_status, self.delete, self.restore = records.change_status, records.delete, records.restore
        self.copy_key, self.find, self.quick_switch = records.copy_key, records.find, records.quick_switch
        self.reassign = records.reassign
        self.filter_list, self.save_search = records.filter_list, records.save_search
        self.forget_search = records.forget_search
        self.reload = self._make("&Reload", w.reload, StandardKey.Refresh)
        # Go
        self.back = self._make("&Back", w.go_back, StandardKey.Back, icon(sp.SP_ArrowBack), tip="Back (Alt+Left)")
        self.forward = self._make(
            "&Forward", w.go_forward, StandardKey.Forward, icon(sp.SP_ArrowForward), tip="Forward (Alt+Right)"
        )
        self.focus_navigator = self._make("&Navigator", lambda: w.navigator.setFocus(), "Ctrl+1")
        self.focus_list = self._make("Record &list", lambda: w.table.setFocus(), "Ctrl+2")
        self.focus_reader = self._make("&Reader", lambda: w.reader.setFocus(), "Ctrl+3")
        self.record_tab = self._make("Record &tab", lambda: w.show_tab("Record"), "Ctrl+Shift+1")
        self.history_tab = self._make("&History tab", lambda: w.show_tab("History"), "Ctrl+Shift+H")
        # View
        self.show_navigator = self._make("Show the &navigator", w.navigator.setVisible, "Ctrl+Shift+L", checkable=True)
        self.show_navigator.setChecked(True)
        self.theme_group = QActionGroup(window)
        self.theme_actions = {
            name: self._make(label, lambda _c=False, n=name: self.set_theme(n), checkable=True)
            for name, label in (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark"))
        }
        for action in self.theme_actions.values():
            self.theme_group.addAction(action)
        # Help
        self.shortcuts = self._make("&Keyboard shortcuts", self.show_shortcuts, StandardKey.HelpContents)
        self.about = self._make("&About kbridge", self.show_about)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self._build_menus()
        self._build_toolbar()
        self._build_context_menus()

    def set_knowledge_base_open(self, is_open: bool) -> None:
        """Actions that need a knowledge base are enabled only while one is open."""
        for action in (
            self.import_folder, self.export, self.export_pack, self.sync, self.sync_now, self.backup,
            self.restore_backup, self.close_kb, self.find,
            self.quick_switch, self.filter_list, self.reload, self.save_search,
        ):
            action.setEnabled(is_open)

    def set_record(self, record: Record | None, *, has_kb: bool, writable: bool) -> None:
        """Enable what can be done to the record shown (nothing that writes while an import
        or a sync is writing)."""
        self.new_record.setEnabled(has_kb and writable)
        for action in self.new_kind.values():
            action.setEnabled(has_kb and writable)
        live = record is not None and not record.deleted and writable
        for action in (self.edit, self.links, self.delete):
            action.setEnabled(live)
        self.copy_key.setEnabled(record is not None)
        self.change_status.setEnabled(live and record is not None and bool(record.kind.statuses))
        self.supersede.setEnabled(live and record is not None and record.kind is Kind.DECISION)
        self.reassign.setEnabled(live and record is not None and record.kind is Kind.PERSON)
        self.restore.setEnabled(record is not None and record.deleted and writable)

    def _make(self, text: str, slot: Callable[..., object], shortcut: Shortcut = None, icon: QIcon | None = None,
              *, tip: str | None = None, checkable: bool = False) -> QAction:
        return make_action(self.window, text, slot, shortcut, icon, tip=tip, checkable=checkable)

    # --- view and help --------------------------------------------------------------------

    def set_theme(self, name: str) -> None:
        ui_settings.ui_settings().setValue("view/theme", name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, None if name == "system" else name == "dark")
        record = self.window.current_record()
        if record is not None:
            self.window.show_record(record.uid)

    def show_shortcuts(self) -> None:
        from kbridge.ui.dialogs.help import ShortcutsDialog

        dialog = ShortcutsDialog(self.menus, self.window)
        self.shortcuts_dialog = dialog
        dialog.exec()
        self.shortcuts_dialog = None

    def show_about(self) -> None:
        QMessageBox.about(
            self.window,
            "About kbridge",
            f"<h3>kbridge {__version__}</h3><p>An offline knowledge base for architecture decisions, "
            "system histories and the reasons behind security controls.</p>",
        )

    def _menu(self, title: str, actions: list[QAction | str | QMenu]) -> QMenu:
        menu = self.window.menuBar().addMenu(title)
        listed: list[QAction] = []
        for item in actions:
            if item == "-":
                menu.addSeparator()
            elif isinstance(item, QMenu):
                menu.addMenu(item)
                listed.extend(a for a in item.actions() if not a.isSeparator())
            elif isinstance(item, QAction):
                menu.addAction(item)
                listed.append(item)
        self.menus.append((title.replace("&", ""), listed))
        return menu

    def _build_menus(self) -> None:
        w = self.window
        self._menu(
            "&File",
            [
                self.new_kb,
                self.open_kb,
                self.recent_menu,
                "-",
                self.import_folder,
                self.export,
                self.export_pack,
                self.sync,
                self.sync_now,
                self.backup,
                self.restore_backup,
                "-",
                self.close_kb,
                self.quit,
            ],
        )
        new_menu = QMenu("New &record", w)
        new_menu.addAction(self.new_record)
        new_menu.addSeparator()
        for kind in Kind:
            if kind is not Kind.DECISION:
                new_menu.addAction(self.new_kind[kind])
        self._menu(
            "&Record",
            [
                new_menu, "-", self.edit, self.supersede, self.links, self.change_status, self.reassign,
                self.copy_key, "-", self.delete, self.restore,
            ],
        )
        self._menu(
            "&Edit",
            [
                self.find,
                self.quick_switch,
                self.filter_list,
                "-",
                self.save_search,
                self.forget_search,
                "-",
                self.reload,
            ],
        )
        self._menu(
            "&Go",
            [
                self.back,
                self.forward,
                "-",
                self.focus_navigator,
                self.focus_list,
                self.focus_reader,
                "-",
                self.record_tab,
                self.history_tab,
            ],
        )
        theme = QMenu("&Theme", w)
        for action in self.theme_actions.values():
            theme.addAction(action)
        self._menu("&View", [self.show_navigator, self.show_sync_panel, theme])
        self._menu("&Help", [self.shortcuts, "-", self.about])

    def _build_context_menus(self) -> None:
        """Right-click menus: the record actions on the list and the search hits (the row clicked
        becomes the current record first), saved-search actions on the navigator."""
        w = self.window
        record_actions: list[QAction | str] = [
            self.edit, self.supersede, self.links, self.change_status, self.copy_key, "-", self.delete, self.restore
        ]
        self.context_menus: dict[str, QMenu] = {}
        self.context_menus["list"] = _context_menu(w.table, "recordListMenu", record_actions)
        self.context_menus["search"] = _context_menu(w.search_results.list, "searchHitsMenu", record_actions)
        self.context_menus["navigator"] = _context_menu(
            w.navigator, "navigatorMenu", [self.forget_search, "-", self.show_navigator]
        )

    def _build_toolbar(self) -> None:
        w = self.window
        toolbar = QToolBar("Main", w)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.back, self.forward):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.new_record)
        toolbar.addAction(self.edit)
        toolbar.addSeparator()
        toolbar.addWidget(w.search_field)
        w.search_field.setToolTip(QUERY_SYNTAX)
        w.addToolBar(toolbar)
        self.toolbar = toolbar
        for action, name in ((self.back, "backButton"), (self.forward, "forwardButton")):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setObjectName(name)
                button.setAccessibleName(action.text().replace("&", ""))
        for action in (self.new_record, self.edit):
            button = toolbar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(action.text().replace("&", "").rstrip("…"))


def make_action(
    window: QWidget,
    text: str,
    slot: Callable[..., object],
    shortcut: Shortcut = None,
    icon: QIcon | None = None,
    *,
    tip: str | None = None,
    checkable: bool = False,
) -> QAction:
    """An action of the window: its shortcut works wherever focus is in the window."""
    action = QAction(text, window)
    if icon is not None:
        action.setIcon(icon)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setCheckable(checkable)
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    # `triggered` carries `checked`; only a checkable action's slot is given it. Any other slot
    # would take it for its first argument (an import folder of False, a backup path of False).
    if checkable:
        # A lambda, not the slot itself: PySide may pick the signal's no-argument overload for
        # a C++ slot (QWidget.setVisible) and call it with nothing.
        action.triggered.connect(lambda checked=False: slot(checked))
    else:
        action.triggered.connect(lambda _checked=False: slot())
    # Shortcuts work even when the menu bar is hidden or a dialog-like pane has focus.
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    window.addAction(action)
    return action


def _fill(menu: QMenu, actions: list[QAction | str]) -> QMenu:
    for item in actions:
        if item == "-":
            menu.addSeparator()
        elif isinstance(item, QAction):
            menu.addAction(item)
    return menu


def _context_menu(view: QWidget, name: str, actions: list[QAction | str]) -> QMenu:
    """A right-click menu on an item view: the item under the pointer is made current first."""
    menu = _fill(QMenu(view), actions)
    menu.setObjectName(name)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def popup(point: QPoint) -> None:
        # An item view reports the point in its viewport's coordinates.
        if isinstance(view, QAbstractItemView):
            index = view.indexAt(point)
            if index.isValid():
                view.setCurrentIndex(index)
            menu.popup(view.viewport().mapToGlobal(point))
        else:
            menu.popup(view.mapToGlobal(point))

    view.customContextMenuRequested.connect(popup)
    return menu
