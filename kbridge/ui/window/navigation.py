"""Back/forward across visited records, like a browser."""

from __future__ import annotations


class NavigationHistory:
    def __init__(self, limit: int = 500) -> None:
        self._entries: list[str] = []
        self._position = -1
        self._limit = limit

    @property
    def current(self) -> str | None:
        return self._entries[self._position] if self._position >= 0 else None

    @property
    def can_go_back(self) -> bool:
        return self._position > 0

    @property
    def can_go_forward(self) -> bool:
        return self._position < len(self._entries) - 1

    def visit(self, uid: str) -> None:
        """Record a visit; going somewhere new drops the forward entries."""
        if uid == self.current:
            return
        del self._entries[self._position + 1 :]
        self._entries.append(uid)
        if len(self._entries) > self._limit:
            del self._entries[0]
        self._position = len(self._entries) - 1

    def recent(self, limit: int = 10) -> list[str]:
        """The records visited last, newest first, each once."""
        seen: list[str] = []
        for uid in reversed(self._entries):
            if uid not in seen:
                seen.append(uid)
                if len(seen) >= limit:
                    break
        return seen

    def back(self) -> str | None:
        if self.can_go_back:
            self._position -= 1
        return self.current

    def forward(self) -> str | None:
        if self.can_go_forward:
            self._position += 1
        return self.current
