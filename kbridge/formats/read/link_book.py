"""The links between the files of an import, each once, in the order the folder states them: which
links each file takes part in, found by the file's path (not by a pass over every link of the
folder per file, which made a 100,000-file import quadratic), and which of them the knowledge base
has been given: an import written in batches adds a link as soon as both its files are written, so
that every batch it commits holds complete records with their links.

A large folder's links are kept in a scratch table (`ShelvedLinks`), not held: each link with its
place in the book's indexes took about 270 bytes, and a folder of 100,000 decisions states a few
hundred thousand links. `HeldLinks` holds them for a plan without a shelf (a JSON export, a test)."""

from __future__ import annotations

import dataclasses
import pickle
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping

from kbridge.core.scratch import ScratchTable
from kbridge.formats.read.parsed import ResolvedLink

# (place, link, added): a link of the book as `LinkBook._involving` gives it.
_Entry = tuple[int, ResolvedLink, bool]


def _as_stated(link: ResolvedLink) -> ResolvedLink:
    return link


def marker(link: ResolvedLink) -> str:
    """What makes two stated links the same link: source, type and target (either way round for a
    symmetric type; a dangling target by its text, whatever its case)."""
    target = link.target or f"?{link.target_text.lower()}"
    ends = (link.source, target)
    if link.type.symmetric and link.target is not None:
        ends = (min(ends), max(ends))
    return f"{ends[0]}\x00{link.type.value}\x00{ends[1]}"


class LinkBook(ABC):
    """Links kept once each (`add`), in the order they were first stated, and handed out as the
    knowledge base keeps them (`keep_as`)."""

    def __init__(self) -> None:
        self._kept: Callable[[ResolvedLink], ResolvedLink] = _as_stated

    def keep_as(self, kept: Callable[[ResolvedLink], ResolvedLink]) -> None:
        """Hand every link out as `kept` makes it (the importer's form of a link)."""
        self._kept = kept

    @abstractmethod
    def add(self, link: ResolvedLink) -> None:
        """Keep `link`, unless the same link is kept already: stated by both its files, it is kept
        as the first stated it, with the words the other adds ("in part") when it had none."""

    @abstractmethod
    def _each(self) -> Iterator[ResolvedLink]:
        """Every link as kept, in order."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _involving(self, path: str) -> list[_Entry]:
        """The links whose source or target is `path`, in order."""

    @abstractmethod
    def _set_added(self, places: list[int]) -> None:
        """Mark the links at `places` as given to the knowledge base."""

    def __iter__(self) -> Iterator[ResolvedLink]:
        return (self._kept(link) for link in self._each())

    def stated_by(self, path: str) -> list[ResolvedLink]:
        """The links `path` is the source of, in the folder's order."""
        return [self._kept(link) for _, link, _ in self._involving(path) if link.source == path]

    def stated(self, path: str) -> list[list[str]]:
        """The in-folder links a file takes part in, as [type, "out" | "in", other file]."""
        stated = []
        for _, link, _ in self._involving(path):
            if link.target is None:
                continue
            if link.source == path:
                stated.append([self._kept(link).type.value, "out", link.target])
            elif link.target == path:
                stated.append([self._kept(link).type.value, "in", link.source])
        return stated

    def ready(self, paths: list[str], written: Mapping[str, str]) -> list[ResolvedLink]:
        """The links of `paths` not added yet whose files are all written now (`written`: path ->
        uid), in the folder's order; each is handed out once."""
        found: dict[int, ResolvedLink] = {}
        for path in paths:
            for place, link, added in self._involving(path):
                if not added and place not in found and self._written(link, written):
                    found[place] = link
        places = sorted(found)
        self._set_added(places)
        return [self._kept(found[place]) for place in places]

    @staticmethod
    def _written(link: ResolvedLink, written: Mapping[str, str]) -> bool:
        return link.source in written and (link.target is None or link.target in written)


class HeldLinks(LinkBook):
    """Links held in memory. Given links are kept as they are, each (a JSON export's links are
    its own); `add` keeps a link once."""

    def __init__(self, links: Iterable[ResolvedLink] = ()) -> None:
        super().__init__()
        self._links: list[ResolvedLink] = []
        self._places: dict[str, int] = {}  # marker -> the first place of that link
        self._by_path: dict[str, list[int]] = {}  # file -> the links it states or is named by
        self._added: set[int] = set()
        for link in links:
            self._append(link)

    def add(self, link: ResolvedLink) -> None:
        place = self._places.get(marker(link))
        if place is None:
            self._append(link)
        elif link.note and not self._links[place].note:
            self._links[place] = dataclasses.replace(self._links[place], note=link.note)

    def _append(self, link: ResolvedLink) -> None:
        place = len(self._links)
        self._links.append(link)
        self._places.setdefault(marker(link), place)
        self._by_path.setdefault(link.source, []).append(place)
        if link.target is not None and link.target != link.source:
            self._by_path.setdefault(link.target, []).append(place)

    def _each(self) -> Iterator[ResolvedLink]:
        return iter(list(self._links))

    def __len__(self) -> int:
        return len(self._links)

    def _involving(self, path: str) -> list[_Entry]:
        return [(place, self._links[place], place in self._added) for place in self._by_path.get(path, [])]

    def _set_added(self, places: list[int]) -> None:
        self._added.update(places)


class ShelvedLinks(LinkBook):
    """Links in a scratch table: a row each, pickled, found by source, target and marker."""

    def __init__(self) -> None:
        super().__init__()
        self._table = ScratchTable(indexed=("source", "target", "marker"), plain=("link", "added"))
        # The importer asks about a file three times in a row (its links, the ones it states, the
        # ones to take away): the last answer is kept until a link is marked added.
        self._last: tuple[str, list[_Entry]] | None = None

    def add(self, link: ResolvedLink) -> None:
        key = marker(link)
        kept = self._table.first("marker", key, ("link",))
        if kept is None:
            self._table.add({"source": link.source, "target": link.target, "marker": key,
                             "link": _dump(link), "added": 0})
            self._last = None
            return
        first: ResolvedLink = pickle.loads(kept[0])
        if link.note and not first.note:
            self._table.set_where("marker", key, {"link": _dump(dataclasses.replace(first, note=link.note))})
            self._last = None

    def _each(self) -> Iterator[ResolvedLink]:
        return (pickle.loads(row[0]) for row in self._table.each(("link",)))

    def __len__(self) -> int:
        return len(self._table)

    def _involving(self, path: str) -> list[_Entry]:
        if self._last is not None and self._last[0] == path:
            return self._last[1]
        entries = [(place, pickle.loads(data), bool(added))
                   for place, data, added in self._table.rows_where(("source", "target"), path, ("link", "added"))]
        self._last = (path, entries)
        return entries

    def _set_added(self, places: list[int]) -> None:
        if places:
            self._table.set_many("added", ((place, 1) for place in places))
            self._last = None


def _dump(link: ResolvedLink) -> bytes:
    return pickle.dumps(link, protocol=pickle.HIGHEST_PROTOCOL)
