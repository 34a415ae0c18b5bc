"""The neighbourhood graph: contents on the sample, the cap on a record with hundreds of links,
and the layout."""

from __future__ import annotations

import math

from kbridge.core import KnowledgeBase
from kbridge.core.graph import LinkIndex, force_layout
from kbridge.model import LinkType


def test_neighbourhood_of_ctl_001(sample_kb: KnowledgeBase) -> None:
    graph = sample_kb.trails.neighbourhood("CTL-001", depth=1)
    # CTL-001.md links to seven records and nothing links to it; its owner is a field, not a link.
    assert {node.key for node in graph.nodes} == {
        "CTL-001", "RSK-001", "REQ-004", "INC-001", "ADR-0017", "SYS-001", "SYS-002", "SYS-006",
    }
    keys = {node.id: node.key for node in graph.nodes}
    drawn = {(keys[e.source], e.type.value, keys[e.target]) for e in graph.edges}
    # Every link between two shown records is drawn, not only those of the centre.
    assert ("CTL-001", "mitigates", "RSK-001") in drawn
    assert ("ADR-0017", "motivated-by", "RSK-001") in drawn
    assert ("SYS-001", "depends-on", "SYS-006") in drawn
    assert all(edge.source in keys and edge.target in keys for edge in graph.edges)
    assert not graph.truncated
    deeper = sample_kb.trails.neighbourhood("CTL-001", depth=2)
    assert "ADR-0008" in {node.key for node in deeper.nodes}
    assert {node.key: node.depth for node in deeper.nodes}["ADR-0008"] == 2


def test_a_record_with_hundreds_of_links_is_capped(kb: KnowledgeBase) -> None:
    kb.create("risk", "Everything can fail")
    with kb.transaction():
        for number in range(1, 301):
            kb.create("control", f"Control {number}")
            kb.links.add(f"CTL-{number:03d}", LinkType.MITIGATES, "RSK-001")
    graph = kb.trails.neighbourhood("RSK-001", depth=2, cap=120)
    assert len(graph.nodes) == 120
    assert graph.omitted == 181  # 300 controls, 119 of them shown
    assert graph.truncated
    assert graph.nodes[0].key == "RSK-001"
    assert len(graph.edges) == 119  # one per shown control, all into the centre
    positions = force_layout(
        [n.id for n in graph.nodes], [(e.source, e.target) for e in graph.edges],
        centre=graph.centre, rings={n.id: n.depth for n in graph.nodes},
    )
    assert positions[graph.centre] == (0.0, 0.0)
    assert all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())


def test_layout_separates_nodes_and_is_deterministic(sample_kb: KnowledgeBase) -> None:
    graph = sample_kb.trails.neighbourhood("SYS-006", depth=2)
    ids = [node.id for node in graph.nodes]
    pairs = [(edge.source, edge.target) for edge in graph.edges]
    rings = {node.id: node.depth for node in graph.nodes}
    first = force_layout(ids, pairs, centre=graph.centre, rings=rings)
    assert first == force_layout(ids, pairs, centre=graph.centre, rings=rings)
    closest = min(
        math.dist(first[a], first[b]) for i, a in enumerate(ids) for b in ids[i + 1:]
    )
    assert closest > 20  # no two nodes drawn on top of each other


def test_preloaded_index_matches_the_lazy_one(sample_kb: KnowledgeBase) -> None:
    lazy, preloaded = LinkIndex.lazy(sample_kb), LinkIndex.preloaded(sample_kb)
    for record in sample_kb.list_records():
        assert preloaded.links(record.uid) == lazy.links(record.uid), record.key
