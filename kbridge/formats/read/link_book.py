"""Which links of an import each file takes part in, found by the file's path (not by a pass over
every link of the folder per file, which made a 100,000-file import quadratic), and which of them
the knowledge base has been given: an import written in batches adds a link as soon as both its
files are written, so that every batch it commits holds complete records with their links."""

from __future__ import annotations

from collections.abc import Mapping

from kbridge.formats.read.resolve import ResolvedLink


class LinkBook:
    def __init__(self, resolved: list[ResolvedLink]) -> None:
        self.resolved = resolved
        self._by_path: dict[str, list[int]] = {}  # file -> the links it states or is named by
        self._added: set[int] = set()
        for index, link in enumerate(resolved):
            self._by_path.setdefault(link.source, []).append(index)
            if link.target is not None and link.target != link.source:
                self._by_path.setdefault(link.target, []).append(index)

    def stated_by(self, path: str) -> list[ResolvedLink]:
        """The links `path` is the source of, in the folder's order."""
        return [self.resolved[i] for i in self._by_path.get(path, []) if self.resolved[i].source == path]

    def stated(self, path: str) -> list[list[str]]:
        """The in-folder links a file takes part in, as [type, "out" | "in", other file]."""
        stated = []
        for index in self._by_path.get(path, []):
            link = self.resolved[index]
            if link.target is None:
                continue
            if link.source == path:
                stated.append([link.type.value, "out", link.target])
            elif link.target == path:
                stated.append([link.type.value, "in", link.source])
        return stated

    def ready(self, paths: list[str], written: Mapping[str, str]) -> list[ResolvedLink]:
        """The links of `paths` not added yet whose files are all written now (`written`: path ->
        uid), in the folder's order; each is handed out once."""
        indices = sorted({i for path in paths for i in self._by_path.get(path, [])
                          if i not in self._added and self._written(self.resolved[i], written)})
        self._added.update(indices)
        return [self.resolved[i] for i in indices]

    @staticmethod
    def _written(link: ResolvedLink, written: Mapping[str, str]) -> bool:
        return link.source in written and (link.target is None or link.target in written)
