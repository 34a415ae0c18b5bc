"""The link graph as trails, the graph view and the site read it: links both ways for any record,
the neighbourhood of a record to a given depth (capped), and a force-directed layout for drawing it.

Pure Python: the graph view and the static site both draw what this module computes."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kbridge.model import Kind, Link, LinkedRecord, LinkType, Record

if TYPE_CHECKING:
    from kbridge.core.knowledge_base import KnowledgeBase

# One colour per kind, shared by the graph view, the timeline and the static site.
KIND_COLOURS: dict[Kind, str] = {
    Kind.DECISION: "#0969da",
    Kind.SYSTEM: "#1a7f37",
    Kind.CONTROL: "#8250df",
    Kind.RISK: "#cf222e",
    Kind.INCIDENT: "#bc4c00",
    Kind.REQUIREMENT: "#9a6700",
    Kind.EVENT: "#0a7b83",
    Kind.PERSON: "#57606a",
    Kind.NOTE: "#6e7781",
    Kind.TEMPLATE: "#8c959f",
}
MISSING_COLOUR = "#afb8c1"  # the target of a dangling link

# A neighbourhood stops growing at this many records; the view says how many it left out.
DEFAULT_NODE_CAP = 120
MAX_GRAPH_DEPTH = 3


class LinkIndex:
    """Links both ways for any record, asked of the knowledge base once per record and cached.

    `LinkIndex.preloaded(kb)` reads every record and link in two queries instead, for work that
    visits the whole knowledge base (the static site)."""

    def __init__(
        self,
        links_of: Callable[[str], list[LinkedRecord]],
        record_of: Callable[[str], Record | None],
    ) -> None:
        self._links_of = links_of
        self._record_of = record_of
        self._links: dict[str, list[LinkedRecord]] = {}
        self._records: dict[str, Record | None] = {}

    @classmethod
    def lazy(cls, kb: KnowledgeBase) -> LinkIndex:
        return cls(kb.links.of, kb.find)

    @classmethod
    def preloaded(cls, kb: KnowledgeBase) -> LinkIndex:
        records = {record.uid: record for record in kb.list_records(deleted=None)}
        links: dict[str, list[LinkedRecord]] = {uid: [] for uid in records}
        for link in kb.links.all():
            source = records.get(link.source_uid)
            target = records.get(link.target_uid) if link.target_uid else None
            if source is None:
                continue
            links[source.uid].append(_linked(link.type, "out", target, link.target_ref, link.note))
            if target is not None:
                links[target.uid].append(_linked(link.type, "in", source, "", link.note))
        index = cls(lambda uid: [], records.get)
        index._links = links
        index._records = dict(records)
        return index

    def links(self, uid: str) -> list[LinkedRecord]:
        if uid not in self._links:
            self._links[uid] = self._links_of(uid)
        return self._links[uid]

    def record(self, uid: str) -> Record | None:
        if uid not in self._records:
            self._records[uid] = self._record_of(uid)
        return self._records[uid]


def _linked(link_type: LinkType, direction: str, other: Record | None, ref: str, note: str) -> LinkedRecord:
    return LinkedRecord(
        type=link_type,
        direction="out" if direction == "out" else "in",
        key=other.key if other else ref,
        title=other.title if other else "",
        uid=other.uid if other else None,
        kind=other.kind if other else None,
        status=other.status if other else "",
        note=note,
        deleted=bool(other and other.deleted),
    )


# --- the neighbourhood of a record -----------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    id: str  # the record's uid, or "missing:KEY" for the target of a dangling link
    key: str
    kind: Kind | None
    title: str
    status: str
    depth: int  # links away from the centre
    uid: str | None = None

    @property
    def dangling(self) -> bool:
        return self.uid is None


@dataclass(frozen=True)
class GraphEdge:
    source: str  # node ids
    target: str
    type: LinkType

    @property
    def label(self) -> str:
        return self.type.label


@dataclass
class Neighbourhood:
    centre: str  # node id of the record the graph is drawn around
    depth: int
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    cap: int = DEFAULT_NODE_CAP
    omitted: int = 0  # records within the depth that the cap left out

    @property
    def truncated(self) -> bool:
        return self.omitted > 0

    def node(self, node_id: str) -> GraphNode | None:
        return next((node for node in self.nodes if node.id == node_id), None)


def neighbourhood(index: LinkIndex, record: Record, depth: int = 1, cap: int = DEFAULT_NODE_CAP) -> Neighbourhood:
    """Records within `depth` links of `record` (both directions), nearest first, at most `cap`.

    Records past the cap are counted in `omitted`; every link between two shown records is drawn."""
    depth = max(1, min(MAX_GRAPH_DEPTH, depth))
    cap = max(1, cap)
    graph = Neighbourhood(centre=record.uid, depth=depth, cap=cap)
    nodes: dict[str, GraphNode] = {record.uid: _node(record.uid, record.key, record.kind, record.title,
                                                     record.status, 0)}
    seen_beyond_cap: set[str] = set()
    frontier = [record.uid]
    for level in range(1, depth + 1):
        following: list[str] = []
        for uid in frontier:
            for link in index.links(uid):
                node_id = link.uid or f"missing:{link.key}"
                if node_id in nodes or node_id in seen_beyond_cap:
                    continue
                if len(nodes) >= cap:
                    seen_beyond_cap.add(node_id)
                    continue
                nodes[node_id] = _node(node_id, link.key, link.kind, link.title, link.status, level)
                if link.uid:
                    following.append(link.uid)
        frontier = following
    graph.nodes = list(nodes.values())
    graph.omitted = len(seen_beyond_cap)
    edges: dict[tuple[str, str, LinkType], GraphEdge] = {}
    for node in graph.nodes:
        if node.uid is None:
            continue
        for link in index.links(node.uid):
            if link.direction != "out":
                continue
            target = link.uid or f"missing:{link.key}"
            if target in nodes:
                edges.setdefault((node.id, target, link.type), GraphEdge(node.id, target, link.type))
    graph.edges = list(edges.values())
    return graph


def whole_graph(records: Iterable[Record], links: Iterable[Link]) -> Neighbourhood:
    """Every record of `records` and the links among them, by key; a dangling link's target is
    drawn as a missing record. Nothing is at the centre (`centre` is empty)."""
    nodes = {r.uid: _node(r.uid, r.key, r.kind, r.title, r.status, 1) for r in sorted(records, key=lambda r: r.key)}
    edges: dict[tuple[str, str, LinkType], GraphEdge] = {}
    for link in links:
        if link.source_uid not in nodes or (link.target_uid and link.target_uid not in nodes):
            continue
        target = link.target_uid or f"missing:{link.target_ref}"
        if target not in nodes:
            nodes[target] = _node(target, link.target_ref, None, "", "", 1)
        edges.setdefault((link.source_uid, target, link.type), GraphEdge(link.source_uid, target, link.type))
    graph = Neighbourhood(centre="", depth=0, cap=len(nodes))
    graph.nodes = list(nodes.values())
    graph.edges = sorted(edges.values(), key=lambda e: (nodes[e.source].key, e.type.value, nodes[e.target].key))
    return graph


def _node(node_id: str, key: str, kind: Kind | None, title: str, status: str, depth: int) -> GraphNode:
    uid = None if node_id.startswith("missing:") else node_id
    return GraphNode(id=node_id, key=key, kind=kind, title=title, status=status, depth=depth, uid=uid)


# --- layout ----------------------------------------------------------------------------------


def force_layout(
    node_ids: list[str],
    edges: Iterable[tuple[str, str]],
    *,
    centre: str | None = None,
    rings: dict[str, int] | None = None,
    spacing: float = 110.0,
    iterations: int | None = None,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """Positions for a node-link drawing (Fruchterman-Reingold), deterministic for a given input.

    Nodes start on rings by their distance from `centre` (so the result is readable even after few
    iterations); `centre` stays in the middle. Work grows with the square of the node count, so
    the number of iterations shrinks as graphs grow."""
    count = len(node_ids)
    if count == 0:
        return {}
    rings = rings or {}
    if count == 1:
        return {node_ids[0]: (0.0, 0.0)}
    if centre in node_ids and all(rings.get(node, 1) == 1 for node in node_ids if node != centre):
        return _radial(node_ids, centre, spacing)
    rng = random.Random(seed)
    positions = _ring_start(node_ids, rings, spacing, rng)
    pairs = list({(a, b) for a, b in edges if a != b and a in positions and b in positions})
    k = spacing
    if iterations is None:
        iterations = max(30, min(150, 6000 // count))
    temperature = spacing * 1.5
    cooling = temperature / (iterations + 1)
    ids = list(node_ids)
    for _ in range(iterations):
        moves = {node: [0.0, 0.0] for node in ids}
        xy = [positions[node] for node in ids]
        for i in range(count):
            xi, yi = xy[i]
            move_i = moves[ids[i]]
            for j in range(i + 1, count):
                dx = xi - xy[j][0]
                dy = yi - xy[j][1]
                distance_sq = dx * dx + dy * dy or 0.01
                force = k * k / distance_sq  # k²/d, divided by d once more to scale dx, dy
                move_j = moves[ids[j]]
                move_i[0] += dx * force
                move_i[1] += dy * force
                move_j[0] -= dx * force
                move_j[1] -= dy * force
        for a, b in pairs:
            (xa, ya), (xb, yb) = positions[a], positions[b]
            dx, dy = xa - xb, ya - yb
            distance = math.hypot(dx, dy) or 0.1
            force = distance / k  # d²/k, divided by d
            moves[a][0] -= dx * force
            moves[a][1] -= dy * force
            moves[b][0] += dx * force
            moves[b][1] += dy * force
        for node in ids:
            if node == centre:
                continue
            dx, dy = moves[node]
            length = math.hypot(dx, dy)
            if length > 0:
                step = min(length, temperature)
                x, y = positions[node]
                positions[node] = (x + dx / length * step, y + dy / length * step)
        temperature = max(temperature - cooling, spacing * 0.02)
    _separate(ids, positions, spacing * 0.55)
    if centre in positions:
        cx, cy = positions[centre]
        positions = {node: (x - cx, y - cy) for node, (x, y) in positions.items()}
    return positions


def _radial(node_ids: list[str], centre: str, spacing: float) -> dict[str, tuple[float, float]]:
    """The centre in the middle and its direct neighbours evenly round it: every link from the
    centre is a spoke, links between neighbours are chords."""
    around = [node for node in node_ids if node != centre]
    radius = max(spacing * 1.8, len(around) * spacing / math.tau * 1.1)
    positions = {centre: (0.0, 0.0)}
    for index, node in enumerate(around):
        angle = -math.pi / 2 + math.tau * index / len(around)
        positions[node] = (radius * math.cos(angle), radius * math.sin(angle))
    return positions


def _separate(ids: list[str], positions: dict[str, tuple[float, float]], gap: float, rounds: int = 30) -> None:
    """Push apart nodes closer than `gap`, so that no two are drawn over each other."""
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                (xa, ya), (xb, yb) = positions[a], positions[b]
                dx, dy = xb - xa, yb - ya
                distance = math.hypot(dx, dy)
                if distance >= gap:
                    continue
                if distance < 1e-6:
                    dx, dy, distance = 1.0, 0.0, 1.0
                push = (gap - distance) / 2 / distance
                positions[a] = (xa - dx * push, ya - dy * push)
                positions[b] = (xb + dx * push, yb + dy * push)
                moved = True
        if not moved:
            return


def _ring_start(
    node_ids: list[str], rings: dict[str, int], spacing: float, rng: random.Random
) -> dict[str, tuple[float, float]]:
    by_ring: dict[int, list[str]] = {}
    for node in node_ids:
        by_ring.setdefault(rings.get(node, 1), []).append(node)
    positions: dict[str, tuple[float, float]] = {}
    for ring, members in sorted(by_ring.items()):
        radius = spacing * ring * max(1.0, len(members) / 10)
        offset = rng.random() * math.tau
        for position, node in enumerate(members):
            angle = offset + math.tau * position / len(members)
            jitter = rng.uniform(-0.05, 0.05) * spacing
            positions[node] = (radius * math.cos(angle) + jitter, radius * math.sin(angle) + jitter)
    return positions


# --- cycles ----------------------------------------------------------------------------------


def strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected groups of a directed graph (every node a key of `graph`): Tarjan's
    algorithm, iterative (a long dependency chain must not hit the recursion limit)."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index_of:
            continue
        work = [(start, iter(graph[start]))]
        index_of[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index_of[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index_of[node]:
                members = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.append(member)
                    if member == node:
                        break
                components.append(members)
    return components
