"""Knowledge trails: why a record exists (the chain of its reasons) and what depends on it (impact).

A trail is a tree grown breadth-first from one record along typed links. Each record is expanded
once, at its shallowest place; later meetings are marked `repeated` (its reasons are shown above),
meetings with an ancestor are marked `cycle`, and records at the depth limit say how many links
they have `more`. So a trail always ends, and is never larger than the links it walks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from kbridge.core.graph import LinkIndex
from kbridge.model import Kind, LinkedRecord, LinkType, Record, natural_key

DEFAULT_WHY_DEPTH = 5
DEFAULT_IMPACT_DEPTH = 3
MAX_TRAIL_DEPTH = 12

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class TrailEdge:
    """A link a trail follows: its type, its direction from the record at hand, and optionally the
    kinds the record at hand and the record at the other end must be."""

    type: LinkType
    direction: Direction
    at_kinds: frozenset[Kind] | None = None
    other_kinds: frozenset[Kind] | None = None
    # Followed only from the root or from a record reached through one of these links.
    after: frozenset[LinkType] | None = None

    def matches(self, at: TrailNode, link: LinkedRecord) -> bool:
        if link.type is not self.type or link.direction != self.direction:
            return False
        if self.at_kinds is not None and at.kind not in self.at_kinds:
            return False
        if self.after is not None and at.link is not None and at.link not in self.after:
            return False
        # A dangling target has no kind; it is shown when the link type alone qualifies it.
        return self.other_kinds is None or link.kind is None or link.kind in self.other_kinds

    def inverse(self) -> TrailEdge:
        flipped: Direction = "in" if self.direction == "out" else "out"
        return TrailEdge(self.type, flipped, self.other_kinds, self.at_kinds, self.after)


_SYSTEM = frozenset({Kind.SYSTEM})
_DECISION = frozenset({Kind.DECISION})

# Why a record exists: what it mitigates, implements, accepts, was motivated by, amends or
# supersedes (its predecessor's reasons carry over), and for a system the decisions that shaped it.
WHY_EDGES: tuple[TrailEdge, ...] = (
    TrailEdge(LinkType.MITIGATES, "out"),
    TrailEdge(LinkType.IMPLEMENTS, "out"),
    TrailEdge(LinkType.MOTIVATED_BY, "out"),
    TrailEdge(LinkType.ACCEPTS, "out"),
    TrailEdge(LinkType.AMENDS, "out"),
    TrailEdge(LinkType.SUPERSEDES, "out"),
    TrailEdge(LinkType.AFFECTS, "in", at_kinds=_SYSTEM, other_kinds=_DECISION),
)

# What depends on a record: everything that has it as a reason (the inverse of every why edge),
# and for a system the systems that depend on it, the controls that protect it and the decisions
# about it. Those three are followed along chains of dependent systems only: retiring a decision
# takes no system down, so the dependents of a system it affects are not its dependents.
_SYSTEM_CHAIN = frozenset({LinkType.DEPENDS_ON})
IMPACT_EDGES: tuple[TrailEdge, ...] = (
    *(edge.inverse() for edge in WHY_EDGES),
    TrailEdge(LinkType.DEPENDS_ON, "in", at_kinds=_SYSTEM, after=_SYSTEM_CHAIN),
    TrailEdge(LinkType.APPLIES_TO, "in", at_kinds=_SYSTEM, after=_SYSTEM_CHAIN),
    TrailEdge(LinkType.AFFECTS, "in", at_kinds=_SYSTEM, other_kinds=_DECISION, after=_SYSTEM_CHAIN),
)


@dataclass
class TrailNode:
    key: str
    kind: Kind | None
    title: str
    status: str = ""
    uid: str | None = None
    via: str = ""  # the link as read from the record above: "mitigates", "superseded by"
    link: LinkType | None = None
    direction: Direction | None = None
    note: str = ""
    deleted: bool = False
    cycle: bool = False  # the record is one of its own ancestors here: not followed again
    repeated: bool = False  # the record is expanded elsewhere in the tree (higher up or earlier)
    more: int = 0  # links past the depth limit, not shown
    superseded_by: list[str] = field(default_factory=list)
    children: list[TrailNode] = field(default_factory=list)
    _parent_uid: str | None = field(default=None, repr=False, compare=False)

    @property
    def dangling(self) -> bool:
        return self.uid is None

    @property
    def superseded(self) -> bool:
        return self.status == "superseded"

    @property
    def marks(self) -> list[str]:
        """What a reader of the trail must know about this node, as words."""
        marks = []
        if self.dangling:
            marks.append("not in the knowledge base")
        if self.deleted:
            marks.append("in the trash")
        if self.cycle:
            marks.append("cycle: already on this path")
        if self.repeated:
            marks.append("see above")
        return marks

    def walk(self, depth: int = 0) -> Iterator[tuple[int, TrailNode]]:
        """This node and every node below it, depth first, with their depth (this node is `depth`)."""
        yield depth, self
        for child in self.children:
            yield from child.walk(depth + 1)

    def keys(self) -> set[str]:
        """Every key below this node (not the node itself)."""
        return {node.key for depth, node in self.walk() if depth > 0}

    def as_dict(self, children_name: str = "reasons") -> dict[str, Any]:
        data: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind.value if self.kind else None,
            "title": self.title,
            "status": self.status,
        }
        if self.link is not None:
            data.update(via=self.via, link=self.link.value, direction=self.direction)
            if self.note:
                data["note"] = self.note
            data.update(
                dangling=self.dangling,
                deleted=self.deleted,
                cycle=self.cycle,
                repeated=self.repeated,
                more=self.more,
            )
        if self.superseded_by:
            data["superseded_by"] = list(self.superseded_by)
        data[children_name] = [child.as_dict(children_name) for child in self.children]
        return data


@dataclass
class Trail:
    """A why-trace or an impact list: the record at the root and the tree under it."""

    root: TrailNode
    question: Literal["why", "impact"]
    depth: int

    @property
    def children_name(self) -> str:
        return "reasons" if self.question == "why" else "dependents"

    def as_dict(self) -> dict[str, Any]:
        data = self.root.as_dict(self.children_name)
        data["depth"] = self.depth
        return data

    def edges(self) -> Iterator[tuple[TrailNode, TrailNode]]:
        """Every (parent, child) pair of the tree."""
        for _, node in self.root.walk():
            for child in node.children:
                yield node, child


def why(index: LinkIndex, record: Record, depth: int = DEFAULT_WHY_DEPTH) -> Trail:
    """The chain of reasons behind `record`, each edge labelled with its link."""
    return Trail(_grow(index, record, WHY_EDGES, depth), "why", _depth(depth))


def impact(index: LinkIndex, record: Record, depth: int = DEFAULT_IMPACT_DEPTH) -> Trail:
    """What depends on `record`: what would lose its reason, or break, if it were retired."""
    return Trail(_grow(index, record, IMPACT_EDGES, depth), "impact", _depth(depth))


def _depth(depth: int) -> int:
    return max(1, min(MAX_TRAIL_DEPTH, int(depth)))


def _grow(index: LinkIndex, record: Record, edges: tuple[TrailEdge, ...], depth: int) -> TrailNode:
    depth = _depth(depth)
    root = TrailNode(record.key, record.kind, record.title, record.status, record.uid, deleted=record.deleted)
    root.superseded_by = _superseded_by(index, record.uid, record.status)
    expanded = {record.uid}
    frontier: list[tuple[TrailNode, frozenset[str]]] = [(root, frozenset({record.uid}))]
    for _ in range(depth):
        following: list[tuple[TrailNode, frozenset[str]]] = []
        for node, path in frontier:
            for link in _matching(index, node, edges):
                child = _child(index, node, link)
                node.children.append(child)
                if link.uid is None:
                    continue
                if link.uid in path:
                    child.cycle = True
                elif link.uid in expanded:
                    child.repeated = True
                else:
                    expanded.add(link.uid)
                    following.append((child, path | {link.uid}))
        frontier = following
    for node, _ in frontier:
        node.more = len(_matching(index, node, edges))
    return root


def _matching(index: LinkIndex, node: TrailNode, edges: tuple[TrailEdge, ...]) -> list[LinkedRecord]:
    """The node's links that the trail follows, in the order of `edges`, then by key. The link
    that led here, seen from this end, is not walked back."""
    if node.uid is None:
        return []
    found: list[tuple[int, str, LinkedRecord]] = []
    seen: set[tuple[LinkType, str, str]] = set()
    for link in index.links(node.uid):
        if _is_way_back(node, link):
            continue
        for order, edge in enumerate(edges):
            if edge.matches(node, link):
                identity = (link.type, link.direction, link.uid or link.key)
                if identity not in seen:
                    seen.add(identity)
                    found.append((order, link.key, link))
                break
    found.sort(key=lambda item: (item[0], natural_key(item[1])))
    return [link for _, _, link in found]


def _is_way_back(node: TrailNode, link: LinkedRecord) -> bool:
    return (
        node._parent_uid is not None
        and link.uid == node._parent_uid
        and link.type is node.link
        and link.direction != node.direction
    )


def _child(index: LinkIndex, parent: TrailNode, link: LinkedRecord) -> TrailNode:
    child = TrailNode(
        key=link.key,
        kind=link.kind,
        title=link.title,
        status=link.status,
        uid=link.uid,
        via=link.label,
        link=link.type,
        direction=link.direction,
        note=link.note,
        deleted=link.deleted,
    )
    child._parent_uid = parent.uid
    if link.uid is not None:
        child.superseded_by = _superseded_by(index, link.uid, link.status)
    return child


def _superseded_by(index: LinkIndex, uid: str, status: str) -> list[str]:
    if status != "superseded":
        return []
    return sorted(
        (link.key for link in index.links(uid) if link.type is LinkType.SUPERSEDES and link.direction == "in"),
        key=natural_key,
    )


