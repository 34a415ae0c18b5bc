"""How many revisions the file holds, without counting them at every save.

The search index's freshness stamp is this number (kbridge.core.search_index): it was a
`count(*)` over the revisions table, which reads every page of it (its rows hold the packed
revisions): 2 ms at 10,000 records, 190-230 ms at a million, on the GUI thread at each save.
Now it is counted once, then kept by adding the revisions this connection commits, for as long
as no other connection commits to the file (SQLite's `PRAGMA data_version` says when one has).
Anything else that could change the number unseen (a restore from a backup, a revision written
outside a transaction of the Store) forgets it, and the next question counts again."""

from __future__ import annotations

import sqlite_utils


class RevisionCount:
    def __init__(self) -> None:
        self._known: tuple[int, int] | None = None  # (count, data_version when it was true)
        self.pending = 0  # added by this connection's open transaction

    def get(self, db: sqlite_utils.Database, data_version: int) -> int:
        if self._known is not None and self._known[1] == data_version and not self.pending:
            return self._known[0]
        count = int(db.execute("SELECT count(*) FROM revisions").fetchone()[0])
        if not self.pending and not db.conn.in_transaction:  # else what is counted may yet be undone
            self._known = (count, data_version)
        return count

    def added(self) -> None:
        self.pending += 1

    def committed(self) -> None:
        if self._known is not None:
            self._known = (self._known[0] + self.pending, self._known[1])
        self.pending = 0

    def rolled_back(self, to: int = 0) -> None:
        """The transaction (or the savepoint begun when `pending` was `to`) was undone."""
        self.pending = to

    def forget(self) -> None:
        self._known = None
        self.pending = 0
