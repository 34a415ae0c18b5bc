"""The link graph as a file to share: Graphviz DOT, Mermaid, or SVG drawn here (no Graphviz needed),
for the whole knowledge base or around one record (`kbridge graph`, and each page of the site).

Every text from the knowledge base is escaped for the language it lands in."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Container
from html import escape

from kbridge.core import KnowledgeBase
from kbridge.core.graph import (
    KIND_COLOURS,
    MISSING_COLOUR,
    GraphNode,
    LinkIndex,
    Neighbourhood,
    force_layout,
    neighbourhood,
    whole_graph,
)
from kbridge.model import Kind, Record, ValidationError

GRAPH_FORMATS = ("dot", "svg", "mermaid")
SVG_NODE_LIMIT = 400  # the layout's work grows with the square of the nodes: past this, use dot
SVG_EDGE_LABEL_LIMIT = 70
_TITLE_CHARS = 24
_CHAR_WIDTH = 6.4  # of 11px sans-serif, near enough to size a box
_BOX_HEIGHT = 38.0
_STRETCH = 2.4  # boxes are wider than tall: spread the layout sideways so that none overlap
_ENDED = {"superseded", "deprecated", "rejected", "retired", "decommissioned", "withdrawn"}

Href = Callable[[str], str | None]  # a record key -> where a node links to (None: no link)


def link_graph(kb: KnowledgeBase, key: str | None = None, depth: int = 1, kind: str | None = None) -> Neighbourhood:
    """The records within `depth` links of `key`, or (no key) every live record, of `kind` if
    given, and the links among them."""
    if key:
        return kb.trails.neighbourhood(key, depth)
    records = kb.list_records(kind=Kind.parse(kind) if kind else None)
    return whole_graph(records, kb.links.all())


def write_graph(graph: Neighbourhood, fmt: str, *, title: str = "kbridge") -> str:
    if fmt == "dot":
        return to_dot(graph, title)
    if fmt == "mermaid":
        return to_mermaid(graph)
    if fmt == "svg":
        return to_svg(graph, title=title, standalone=True)
    raise ValidationError(f"unknown graph format {fmt!r}; formats are: {', '.join(GRAPH_FORMATS)}")


def record_graph_svg(index: LinkIndex, record: Record, href: Href, shown: Container[str]) -> str | None:
    """The SVG of a record's direct links for its page of the static site: only records the site
    shows (and missing ones) are drawn; None when it has no links to draw."""
    graph = neighbourhood(index, record, 1)
    graph.nodes = [node for node in graph.nodes if node.uid is None or node.key in shown]
    kept = {node.id for node in graph.nodes}
    graph.edges = [edge for edge in graph.edges if edge.source in kept and edge.target in kept]
    if not graph.edges:
        return None
    return to_svg(graph, title=f"Links of {record.key}", href=href, marker_id=f"arrow-{record.key}")


# --- Graphviz DOT --------------------------------------------------------------------------------


def _dot_string(text: str) -> str:
    return f'"{_dot_escape(text)}"'


def to_dot(graph: Neighbourhood, title: str = "kbridge") -> str:
    lines = [
        f"digraph {_dot_string(title)} {{",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for node in graph.nodes:
        colour = _colour(node)
        label = _dot_escape(node.key) + (f"\\n{_dot_escape(node.title)}" if node.title else "")
        attributes = [f'label="{label}"', f'color="{colour}"', f'fillcolor="{_tint(colour)}"']
        if node.status:
            attributes.append(f'tooltip={_dot_string(node.status)}')
        if node.dangling:
            attributes.append('style="rounded,dashed"')
        if node.id == graph.centre:
            attributes.append("penwidth=2")
        lines.append(f"  {_dot_string(_dot_id(node))} [{', '.join(attributes)}];")
    by_id = {node.id: node for node in graph.nodes}
    for edge in graph.edges:
        source, target = by_id[edge.source], by_id[edge.target]
        arrow = f"{_dot_string(_dot_id(source))} -> {_dot_string(_dot_id(target))}"
        lines.append(f"  {arrow} [label={_dot_string(edge.label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _dot_id(node: GraphNode) -> str:
    return node.key if node.uid else f"{node.key} (missing)"


# --- Mermaid -------------------------------------------------------------------------------------

_MERMAID_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def _mermaid_text(text: str) -> str:
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in text)


def to_mermaid(graph: Neighbourhood) -> str:
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart LR"]
    for node in graph.nodes:
        label = f"{node.key}: {node.title}" if node.title else node.key
        status = f" ({node.status})" if node.status else ""
        lines.append(f'  {ids[node.id]}["{_mermaid_text(label + status)}"]')
    for edge in graph.edges:
        lines.append(f"  {ids[edge.source]} -->|{_mermaid_text(edge.label)}| {ids[edge.target]}")
    for node in graph.nodes:
        colour = _colour(node)
        dash = ",stroke-dasharray: 4 3" if node.dangling else ""
        width = "3px" if node.id == graph.centre else "1px"
        lines.append(f"  style {ids[node.id]} fill:{_tint(colour)},stroke:{colour},stroke-width:{width}{dash}")
    return "\n".join(lines) + "\n"


# --- SVG -----------------------------------------------------------------------------------------


def to_svg(graph: Neighbourhood, *, title: str = "kbridge", href: Href | None = None, standalone: bool = False,
           marker_id: str = "kb-arrow") -> str:
    """The graph drawn as SVG: boxes coloured by kind (the centre's border thicker, a missing
    record's dashed), arrows labelled by link type. `href` makes boxes links; `standalone` adds
    the XML declaration a file needs."""
    if len(graph.nodes) > SVG_NODE_LIMIT:
        raise ValidationError(
            f"{len(graph.nodes)} records are too many to draw as SVG (at most {SVG_NODE_LIMIT}): give a KEY to "
            "draw around, a --kind, or use --format dot"
        )
    positions = _layout(graph)
    boxes = {node.id: _box_size(node) for node in graph.nodes}
    xs = [positions[n][0] + side * boxes[n][0] / 2 for n in positions for side in (-1, 1)] or [0.0]
    ys = [positions[n][1] + side * boxes[n][1] / 2 for n in positions for side in (-1, 1)] or [0.0]
    margin = 24.0
    left, top = min(xs) - margin, min(ys) - margin
    width, height = max(xs) - min(xs) + 2 * margin, max(ys) - min(ys) + 2 * margin
    parts = []
    if standalone:
        parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    parts.append(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" '
        f'aria-label="{escape(title)}" '
        'font-family="Helvetica, Arial, sans-serif" class="kb-graph">'
        f"<title>{escape(title)}</title>"
        f'<defs><marker id="{escape(marker_id)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>'
    )
    labels = len(graph.edges) <= SVG_EDGE_LABEL_LIMIT
    parts.append('<g class="edges" stroke="#57606a" fill="none">')
    for edge in graph.edges:
        parts.append(_svg_edge(positions, boxes, edge.source, edge.target, edge.label, labels, marker_id))
    parts.append("</g><g class=\"nodes\">")
    for node in graph.nodes:
        parts.append(_svg_node(node, positions[node.id], boxes[node.id], node.id == graph.centre, href))
    parts.append("</g></svg>\n")
    return "".join(parts)


def _layout(graph: Neighbourhood) -> dict[str, tuple[float, float]]:
    """Around a record: the force layout from it. A whole graph: each group of linked records laid
    out on its own, the groups then packed in rows (apart, unlinked groups would drift away)."""
    edges = [(edge.source, edge.target) for edge in graph.edges]
    if graph.centre:
        return _stretched(force_layout([node.id for node in graph.nodes], edges, centre=graph.centre,
                                       rings={node.id: node.depth for node in graph.nodes}, spacing=110.0))
    boxes = {node.id: _box_size(node) for node in graph.nodes}
    placed = []
    for group in _groups([node.id for node in graph.nodes], edges):
        inside = [(a, b) for a, b in edges if a in group]
        positions = _stretched(force_layout(group, inside, spacing=110.0))
        left = min(x - boxes[n][0] / 2 for n, (x, _) in positions.items())
        top = min(y - boxes[n][1] / 2 for n, (_, y) in positions.items())
        width = max(x + boxes[n][0] / 2 for n, (x, _) in positions.items()) - left
        height = max(y + boxes[n][1] / 2 for n, (_, y) in positions.items()) - top
        placed.append(({n: (x - left, y - top) for n, (x, y) in positions.items()}, width, height))
    row_width = max(900.0, math.sqrt(sum((w + 30) * (h + 30) for _, w, h in placed)) * 1.6)
    result: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for positions, width, height in sorted(placed, key=lambda item: -item[1] * item[2]):
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + 30, 0.0
        result.update({n: (x + px, y + py) for n, (px, py) in positions.items()})
        x, row_height = x + width + 30, max(row_height, height)
    return result


def _stretched(positions: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    return {node: (x * _STRETCH, y) for node, (x, y) in positions.items()}


def _groups(nodes: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """The connected groups of nodes (links taken both ways), each in the order of `nodes`."""
    parent = {node: node for node in nodes}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for node in nodes:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _box_size(node: GraphNode) -> tuple[float, float]:
    first, second = _node_lines(node)
    return max(len(first), len(second), 6) * _CHAR_WIDTH + 18.0, _BOX_HEIGHT


def _node_lines(node: GraphNode) -> tuple[str, str]:
    first = f"{node.key} · {node.status}" if node.status else node.key
    title = node.title if node.uid else "not in the knowledge base"
    if len(title) > _TITLE_CHARS:
        title = title[: _TITLE_CHARS - 1].rstrip() + "…"
    return first, title


def _svg_node(node: GraphNode, at: tuple[float, float], box: tuple[float, float], centre: bool,
              href: Href | None) -> str:
    (x, y), (w, h) = at, box
    colour = _colour(node)
    first, second = _node_lines(node)
    kind = node.kind.label if node.kind else "missing"
    dash = ' stroke-dasharray="4 3"' if node.dangling else ""
    faded = ' opacity="0.7"' if node.status in _ENDED else ""
    tip = f"{node.key} ({kind}) {node.title}".strip() + (f" [{node.status}]" if node.status else "")
    shape = (
        f'<g class="node"{faded}><title>{escape(tip)}</title>'
        f'<rect x="{x - w / 2:.1f}" y="{y - h / 2:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
        f'fill="{_tint(colour)}" stroke="{colour}" stroke-width="{3 if centre else 1.2}"{dash}/>'
        f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11" font-weight="bold" '
        f'fill="#1f2328">{escape(first)}</text>'
        f'<text x="{x:.1f}" y="{y + 11:.1f}" text-anchor="middle" font-size="10" fill="#424a53">'
        f"{escape(second)}</text></g>"
    )
    target = href(node.key) if href is not None and node.uid else None
    return f'<a href="{escape(target)}">{shape}</a>' if target else shape


def _svg_edge(positions: dict[str, tuple[float, float]], boxes: dict[str, tuple[float, float]], source: str,
              target: str, label: str, with_label: bool, marker_id: str) -> str:
    (x1, y1), (x2, y2) = positions[source], positions[target]
    start = _border_point((x1, y1), (x2, y2), boxes[source])
    end = _border_point((x2, y2), (x1, y1), boxes[target])
    line = (f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
            f'stroke-width="1.2" marker-end="url(#{escape(marker_id)})"><title>{escape(label)}</title></line>')
    if not with_label:
        return line
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    # A white copy under the label keeps it readable across the line (paint-order is not everywhere).
    text = f'<text x="{mx:.1f}" y="{my - 3:.1f}" text-anchor="middle" font-size="9"'
    return (f'{line}{text} stroke="#ffffff" stroke-width="3" fill="#ffffff">{escape(label)}</text>'
            f'{text} stroke="none" fill="#57606a">{escape(label)}</text>')


Point = tuple[float, float]


def _border_point(centre: Point, towards: Point, box: tuple[float, float]) -> Point:
    """Where the line from a box's centre towards a point leaves the box."""
    (cx, cy), (tx, ty) = centre, towards
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return centre
    half_w, half_h = box[0] / 2, box[1] / 2
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def _colour(node: GraphNode) -> str:
    return KIND_COLOURS.get(node.kind, MISSING_COLOUR) if node.kind else MISSING_COLOUR


@functools.lru_cache(maxsize=64)
def _tint(colour: str) -> str:
    """The colour mixed with white, for a box's fill."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(value + (255 - value) * 0.85):02x}" for value in (red, green, blue))
