"""YAML for front matter that a hostile file cannot turn into a hang or a memory bomb."""

from __future__ import annotations

from typing import Any

import yaml

# Front matter is a handful of keys; anything larger is not front matter worth parsing.
MAX_FRONT_MATTER_CHARS = 256 * 1024
# PyYAML recurses per nesting level and takes over a second to fail on [[[[...]]]] thousands deep;
# real front matter nests two or three levels, so refuse deep nesting before parsing.
MAX_NESTING = 64
MAX_INDENT = 256


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without anchors and aliases: "billion laughs" front matter is refused outright
    (aliases share nodes, which JSON storage and exports would expand exponentially), and no ADR
    template uses them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, ALIASES_REFUSED, mark)
        return super().compose_node(parent, index)


# LibYAML's parser and composer (PyYAML's C extension, in its wheels): 5-20x faster than the
# Python ones, which were over half of an import's time on front matter of some size (12.8 of
# 21.9 s for 500 hostile files). Python's when the extension is missing.
_C_LOADER: type | None = getattr(yaml, "CSafeLoader", None)
ALIASES_REFUSED = "YAML aliases (*name) are not allowed"


def load_yaml(text: str) -> Any:
    """Parse front matter text; yaml.YAMLError (or ValueError for oversize input) when refused."""
    if len(text) > MAX_FRONT_MATTER_CHARS:
        raise ValueError(f"front matter longer than {MAX_FRONT_MATTER_CHARS // 1024} KiB")
    if _flow_depth(text) > MAX_NESTING or _max_indent(text) > MAX_INDENT:
        raise ValueError("front matter nested too deeply")
    try:
        if _C_LOADER is None:
            return yaml.load(text, Loader=_NoAliasLoader)
        return _load_with_libyaml(text, _C_LOADER)
    except RecursionError as error:  # [[[[...]]]] thousands deep
        raise ValueError("front matter nested too deeply") from error


def _load_with_libyaml(text: str, loader_class: type) -> Any:
    """LibYAML composes the document (in C); it is refused if a node is reached twice, which only
    an alias does, before anything is constructed from it."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_shared_nodes(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_shared_nodes(root: yaml.Node) -> None:
    seen: set[int] = set()
    waiting = [root]
    while waiting:
        node = waiting.pop()
        if id(node) in seen:
            raise yaml.composer.ComposerError(None, None, ALIASES_REFUSED, node.start_mark)
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            waiting.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            waiting.extend(node.value)


def _flow_depth(text: str) -> int:
    """The deepest [ / { nesting, counted without regard to quoting (an upper bound is enough)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _max_indent(text: str) -> int:
    return max((len(line) - len(line.lstrip(" ")) for line in text.splitlines()), default=0)
