"""Search commands: `search QUERY` (ranked hits with snippets) and `reindex` (with a progress bar)."""

from __future__ import annotations

import sys
import time

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json, say
from kbridge.cli.query_args import QueryCommand
from kbridge.escaping import terminal_text
from kbridge.search import ENGINES, SearchResults

ENGINE_CHOICE = click.Choice(ENGINES, case_sensitive=False)
engine_option = click.option("--engine", type=ENGINE_CHOICE, help="Search engine (default: the search_engine setting).")


@click.command("search", cls=QueryCommand)
@click.argument("query", nargs=-1)
@click.option(
    "--limit", "-n", type=click.IntRange(1, 10000), default=20, show_default=True, help="How many hits to show."
)
@engine_option
@json_option
@pass_app
def search_command(app: AppContext, query: tuple[str, ...], limit: int, engine: str | None, as_json: bool) -> None:
    """Ranked records matching QUERY, with snippets.

    \b
    Words must all match; also: "a phrase", prefix*, fuzzy~, OR, NOT, -word, ( ),
    kind:control status:accepted tag:pci owner:alice key:ADR-0007 title:vault body:hsm,
    date:>2023-01-01, date:2021..2022.  `adr 7` finds ADR-0007 first.
    """
    text = " ".join(query)
    results = app.kb().search(text, limit=limit, engine=engine)
    if as_json:
        emit_json(results.to_json())
    else:
        _print_results(results)
    for warning in results.warnings:
        say(f"kbridge: {warning}", err=True)


def _print_results(results: SearchResults) -> None:
    for hit in results.hits:
        status = f"  {hit.status}" if hit.status else ""
        click.echo(
            click.style(terminal_text(hit.key), bold=True) + f"  {terminal_text(hit.title)}"
            + click.style(terminal_text(f"  [{hit.kind}{status}]"), dim=True)
        )
        # kbridge's own styling around the matched words; every part of the text made inert.
        mark_on, mark_off = click.style("\x00", bold=True, underline=True).split("\x00")
        snippet = hit.snippet.marked(mark_on, mark_off, escape=terminal_text)
        if snippet:
            click.echo(f"    {snippet}")
    shown = len(results.hits)
    if results.total:
        kinds = ", ".join(f"{n} {kind}" for kind, n in results.facets.get("kind", {}).items())
        click.echo(f"{shown} of {results.total} matches ({kinds})", err=True)
    else:
        click.echo("no matches", err=True)
    if results.suggestion:
        say(f"did you mean: {results.suggestion}", err=True)


@click.command("reindex")
@engine_option
@json_option
@pass_app
def reindex_command(app: AppContext, engine: str | None, as_json: bool) -> None:
    """Rebuild the search index from the knowledge base (it is a cache: nothing is lost)."""
    kb = app.kb()
    name = engine or kb.search_index.default_engine
    total = int(kb.maintenance.stats()["records"])
    started = time.perf_counter()
    with click.progressbar(length=max(total, 1), label=f"indexing with {name}", file=sys.stderr) as bar:

        def progress(done: int, _total: int, _message: str) -> None:
            bar.update(max(done - bar.pos, 0))

        count = kb.reindex(engine=name, progress=progress)
    seconds = time.perf_counter() - started
    if as_json:
        emit_json({"engine": name, "records": count, "seconds": round(seconds, 3)})
    else:
        click.echo(f"indexed {count} records with {name} in {seconds:.1f} s", err=True)


COMMANDS = [search_command, reindex_command]
