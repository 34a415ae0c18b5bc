"""The key a plan gives each new record: path -> key. Keys are unique whatever their case, so the
plan asks whether a key is given already (`gives`). A large folder's keys are kept on the
import's shelf (`kbridge.formats.read.shelf.ShelvedKeys`), not held (a set of 100,000 keys was
230 bytes a file); `HeldKeys` holds them for a plan without a shelf (a JSON export, a test)."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, MutableMapping


class PlannedKeys(MutableMapping[str, str]):
    """path -> the key its new record gets."""

    @abstractmethod
    def gives(self, key: str) -> bool:
        """Whether a file is given `key` already, in any case."""

    @abstractmethod
    def given(self) -> Iterator[str]:
        """Every key given, lower-cased."""


class HeldKeys(PlannedKeys):
    """Keys held in memory."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}
        self._lower: dict[str, int] = {}  # how many files each key is given to (a key given again is warned of)

    def gives(self, key: str) -> bool:
        return key.lower() in self._lower

    def given(self) -> Iterator[str]:
        return iter(list(self._lower))

    def __getitem__(self, path: str) -> str:
        return self._keys[path]

    def __setitem__(self, path: str, key: str) -> None:
        if path in self._keys:
            del self[path]
        self._keys[path] = key
        self._lower[key.lower()] = self._lower.get(key.lower(), 0) + 1

    def __delitem__(self, path: str) -> None:
        lower = self._keys.pop(path).lower()
        self._lower[lower] -= 1
        if not self._lower[lower]:
            del self._lower[lower]

    def __contains__(self, path: object) -> bool:
        return path in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)
