"""What an import will make of a file's status that its file does not say: a file another file of
the folder supersedes is marked superseded when the link is added (kbridge.core.lifecycle). The
preview (`kbridge import --dry-run`, the import dialog) says so before anything is written, and
the import's own lines after, in the same words."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kbridge.core import lifecycle
from kbridge.formats.read.parsed import ResolvedLink
from kbridge.model import Kind, LinkType

# The kinds a supersede link marks superseded.
SUPERSEDABLE = frozenset(kind.value for kind in Kind if lifecycle.has_superseded_status(kind))
IN_A_CYCLE = ""  # the "source" of a file in a supersede cycle: which link the import keeps is its order's


def superseded_status(status: str, note: str, by: str) -> tuple[str, str]:
    """The status and note of a file's line when `by` (a key, else a path) supersedes its record:
    what the record holds, and why, beside what its file says."""
    if status == lifecycle.SUPERSEDED:
        return status, note
    return lifecycle.SUPERSEDED, "; ".join(filter(None, (note, f"its file says {status}; {by} supersedes it")))


def in_a_cycle_status(status: str, note: str) -> tuple[str, str]:
    """The line of a file in a cycle of supersede links: its own status, and that the import
    keeps one link of the cycle (and marks that link's target superseded)."""
    said = "in a cycle of supersede links among the folder's files: the import keeps one of them"
    return status, "; ".join(filter(None, (note, said)))


def superseded_by_files(links: Iterable[ResolvedLink], status_of: Callable[[set[str]], dict[str, str]]
                        ) -> dict[str, str]:
    """The files whose record an import will mark superseded: path -> the path of a file in force
    (as `status_of` tells for a set of paths) that supersedes it, as `kb.links.add` does. Not for
    a partial supersede (kept as `amends`), nor by a rejected proposal. A file in a cycle of such
    links maps to IN_A_CYCLE: the import refuses the link that would close it, whichever comes
    last in its order."""
    wanted = [(link.target, link.source) for link in links
              if link.target is not None and link.target != link.source
              and lifecycle.kept_link(link.type, link.note)[0] is LinkType.SUPERSEDES]
    if not wanted:
        return {}
    statuses = status_of({source for _, source in wanted})
    kept = [(target, source) for target, source in wanted
            if source in statuses and statuses[source] not in lifecycle.NOT_IN_FORCE]
    cycled = _in_cycles(kept)
    superseded: dict[str, str] = {}
    for target, source in kept:
        superseded.setdefault(target, IN_A_CYCLE if target in cycled else source)
    return superseded


def _in_cycles(edges: list[tuple[str, str]]) -> set[str]:
    """The nodes that lie on a cycle of `edges` (strongly connected components of two or more,
    Kosaraju's two walks, without recursion: a chain of thousands of files is a long path)."""
    forward: dict[str, list[str]] = {}
    backward: dict[str, list[str]] = {}
    for start, end in edges:
        forward.setdefault(start, []).append(end)
        backward.setdefault(end, []).append(start)
    finished: list[str] = []
    seen: set[str] = set()
    for root in forward:
        if root in seen:
            continue
        seen.add(root)
        stack = [(root, iter(forward.get(root, ())))]
        while stack:
            node, following = stack[-1]
            step = next((n for n in following if n not in seen), None)
            if step is None:
                finished.append(node)
                stack.pop()
            else:
                seen.add(step)
                stack.append((step, iter(forward.get(step, ()))))
    cycled: set[str] = set()
    placed: set[str] = set()
    for root in reversed(finished):
        if root in placed:
            continue
        component, pending = [], [root]
        placed.add(root)
        while pending:
            node = pending.pop()
            component.append(node)
            for previous in backward.get(node, ()):
                if previous not in placed:
                    placed.add(previous)
                    pending.append(previous)
        if len(component) > 1:
            cycled.update(component)
    return cycled
