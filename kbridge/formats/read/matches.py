"""Which record of the knowledge base each file of an import is (its match): path -> the record as
a plan holds it (without its body). A folder imported again matches every file, so the matches of
a large folder are kept on the import's shelf (`kbridge.formats.read.shelf.ShelvedMatches`), not
held; `HeldMatches` holds them for a plan without a shelf (a JSON export, a test)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, MutableMapping

from kbridge.model import Record


class Matches(MutableMapping[str, Record]):
    """path -> the record the file is; no record is the match of two files (`holds`)."""

    @abstractmethod
    def holds(self, uid: str) -> bool:
        """Whether the record `uid` is a file's match already."""


class HeldMatches(Matches):
    """Matches held in memory."""

    def __init__(self) -> None:
        self._records: dict[str, Record] = {}
        self._uids: set[str] = set()

    def holds(self, uid: str) -> bool:
        return uid in self._uids

    def __getitem__(self, path: str) -> Record:
        return self._records[path]

    def __setitem__(self, path: str, record: Record) -> None:
        if path in self._records:
            self._uids.discard(self._records[path].uid)
        self._records[path] = record
        self._uids.add(record.uid)

    def __delitem__(self, path: str) -> None:
        self._uids.discard(self._records.pop(path).uid)

    def __contains__(self, path: object) -> bool:
        return path in self._records

    def __iter__(self) -> Iterator[str]:
        return iter(self._records)

    def __len__(self) -> int:
        return len(self._records)
