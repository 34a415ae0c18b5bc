"""One way for every change to reach the window's views, once per change set.

- The window's own changes: its `KnowledgeBase` announces them when they commit.
- A background job's (import, sync, restore of a backup): the job commits through its own
  connection and returns its `Changes`; when it has finished, `take_from_job` hands them to the
  window's `KnowledgeBase`, which announces them the same way (`KnowledgeBase.announce`).
- Another process's (the command line, a second window): the poll notices that the file changed
  and reloads. It ignores the commits of the window's own jobs: while one writes, it waits, and
  the job's changes, once handed over, are not "changes made elsewhere".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from kbridge.model import Changes

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.window.main_window import MainWindow

# Another process (the CLI, a second window) may change the file; look for that this often.
EXTERNAL_CHANGE_POLL_MS = 1500
# More changed records than this at once (an import) reload the whole list rather than each row.
ROW_UPDATE_LIMIT = 200
# The checks read every record: after an edit, they wait for a pause in editing.
ATTENTION_AFTER_CHANGE_MS = 4000


class ChangeFeed(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._unsubscribe: Callable[[], None] = lambda: None
        self._data_version = 0
        self.poll = QTimer(self, interval=EXTERNAL_CHANGE_POLL_MS, timeout=self._on_poll_timeout)
        window.jobs.writing_changed.connect(self._on_jobs_writing_changed)

    def attach(self, kb: KnowledgeBase) -> None:
        self._unsubscribe = kb.subscribe(self._on_kb_changed)
        self._data_version = kb.data_version()
        self.poll.start()

    def detach(self) -> None:
        self.poll.stop()
        self._unsubscribe()
        self._unsubscribe = lambda: None

    def take_from_job(self, changes: Changes) -> None:
        """What a finished job of this window committed through its own connection: announced
        through the knowledge base's channel, as the window's own changes are."""
        kb = self.window.kb
        if kb is None:
            return
        # Taken here, not when the window's own changes are heard: its own commits never change
        # it, and taking it then would swallow a commit another process made since the last poll.
        # A commit another process made while the job ran is taken with the job's (the job's own
        # connection cannot tell them apart); the next change shows it.
        self._data_version = kb.data_version()
        kb.announce(changes)

    def _on_kb_changed(self, changes: Changes) -> None:
        w = self.window
        if w.kb is None:
            return
        uids = changes.records | {link.source_uid for link in changes.links}
        if changes.wholesale or len(uids) > ROW_UPDATE_LIMIT:
            w.load_records()
        else:
            w.model.update_rows(uids)
            w.search.request(w.search_field.text())  # the index has taken the change in
            w.navigator_timer.start()
            w.attention_timer.start(ATTENTION_AFTER_CHANGE_MS)
        current = w.current_record()
        if current is not None:
            touched = {link.target_uid for link in changes.links} | uids
            if (changes.wholesale or current.uid in touched) and w.right.currentWidget() is w.tabs:
                w.show_record(current.uid)
        w.update_count()

    def _on_poll_timeout(self) -> None:
        w = self.window
        if w.kb is None or w.jobs.writing:
            return  # a job's commits are its own to hand over when it has finished
        version = w.kb.data_version()
        if version != self._data_version:
            self._data_version = version
            w.reload()
            w.statusBar().showMessage("Updated with changes made elsewhere.", 4000)

    def _on_jobs_writing_changed(self, writing: bool) -> None:
        w = self.window
        if writing or w.kb is None:
            return
        version = w.kb.data_version()
        if version != self._data_version:
            # A writing job that failed or was cancelled after committing part of its work handed
            # nothing over: show what the file holds now.
            self._data_version = version
            w.reload()
