"""Files to share: `toc` (a table of contents, like `adr generate toc`) and `graph` (the link graph
as DOT, SVG or Mermaid, like `adr generate graph`)."""

from __future__ import annotations

from pathlib import Path

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json
from kbridge.core.graph import MAX_GRAPH_DEPTH
from kbridge.formats.write.graph_files import GRAPH_FORMATS, link_graph, write_graph
from kbridge.formats.write.toc import toc_entries, toc_markdown
from kbridge.model import Kind

KIND_CHOICE = click.Choice([kind.value for kind in Kind], case_sensitive=False)


@click.command("toc")
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", show_default=True,
              help="Markdown (a list, as adr generate toc writes) or JSON.")
@click.option("--kind", type=KIND_CHOICE, default=Kind.DECISION.value, show_default=True,
              help="The kind of records to list.")
@click.option("--prefix", default="", help="Put this before every link (a folder or a URL).")
@click.option("--title", help="The heading (default: Architecture Decision Records, or the kind's name).")
@json_option
@pass_app
def toc_command(app: AppContext, fmt: str, kind: str, prefix: str, title: str | None, as_json: bool) -> None:
    """A table of contents: number, title, status and date of each record, linking to its file
    as `export --format native` writes it."""
    chosen = Kind(kind)
    entries = toc_entries(app.kb(), chosen, prefix)
    if fmt == "json" or as_json:
        emit_json([entry.as_dict() for entry in entries])
        return
    heading = title or ("Architecture Decision Records" if chosen is Kind.DECISION else chosen.plural)
    click.echo(toc_markdown(entries, heading), nl=False)


@click.command("graph")
@click.argument("where", nargs=-1, required=True, metavar="[KEY] OUT")
@click.option("--depth", type=click.IntRange(1, MAX_GRAPH_DEPTH), default=1, show_default=True,
              help="How many links away from KEY to draw.")
@click.option("--kind", type=KIND_CHOICE, help="Without KEY: only records of this kind.")
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), required=True,
              help="dot (Graphviz), svg (drawn by kbridge) or mermaid.")
@json_option
@pass_app
def graph_command(app: AppContext, where: tuple[str, ...], depth: int, kind: str | None, fmt: str,
                  as_json: bool) -> None:
    """The link graph, whole or around KEY, written to OUT ('-': standard output)."""
    if len(where) > 2:
        raise click.UsageError("give at most a KEY and OUT")
    key, out = (None, where[0]) if len(where) == 1 else where
    if as_json and out == "-":
        raise click.UsageError("--json reports on the file written to OUT; with OUT '-' the graph is the output")
    kb = app.kb()
    graph = link_graph(kb, key, depth, kind)
    title = f"Links of {kb.get(key).key}" if key else kb.name
    text = write_graph(graph, fmt, title=title)
    if out == "-":
        click.echo(text, nl=False)
        return
    Path(out).write_text(text, encoding="utf-8")
    if as_json:
        emit_json({"out": out, "format": fmt, "nodes": len(graph.nodes), "edges": len(graph.edges),
                   "omitted": graph.omitted})
    else:
        click.echo(f"{len(graph.nodes)} records and {len(graph.edges)} links written to {out}", err=True)


COMMANDS = [toc_command, graph_command]
