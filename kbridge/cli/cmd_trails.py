"""Knowledge trails: why, impact, timeline, restore-order, reassign."""

from __future__ import annotations

import click

from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app, reason_option
from kbridge.cli.output import changed_records, emit_json, print_table, say
from kbridge.core.recovery import RecoveryPlan
from kbridge.core.timeline import TIMELINE_KINDS, parse_timeline_kinds
from kbridge.core.trails import DEFAULT_IMPACT_DEPTH, DEFAULT_WHY_DEPTH, MAX_TRAIL_DEPTH, Trail, TrailNode
from kbridge.escaping import terminal_text
from kbridge.model import KbridgeError

depth_range = click.IntRange(1, MAX_TRAIL_DEPTH)


@click.command("why")
@click.argument("key")
@click.option("--depth", type=depth_range, default=DEFAULT_WHY_DEPTH, show_default=True,
              help="How many links deep to follow reasons.")
@json_option
@pass_app
def why_command(app: AppContext, key: str, depth: int, as_json: bool) -> None:
    """Why does KEY exist? The chain of risks, requirements, incidents and decisions behind it."""
    trail = app.kb().trails.why(key, depth)
    if as_json:
        emit_json(trail.as_dict())
        return
    _print_trail(trail, "nothing links a reason to it (no risk, requirement, incident or decision)")


@click.command("impact")
@click.argument("key")
@click.option("--depth", type=depth_range, default=DEFAULT_IMPACT_DEPTH, show_default=True,
              help="How many links deep to follow dependents.")
@json_option
@pass_app
def impact_command(app: AppContext, key: str, depth: int, as_json: bool) -> None:
    """What depends on KEY: what would lose its reason, or break, if it were retired."""
    trail = app.kb().trails.impact(key, depth)
    if as_json:
        emit_json(trail.as_dict())
        return
    _print_trail(trail, "nothing depends on it")


@click.command("timeline")
@click.argument("key")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help=f"Show only these (repeatable or comma-separated): {', '.join(TIMELINE_KINDS)}.")
@json_option
@pass_app
def timeline_command(app: AppContext, key: str, kinds: tuple[str, ...], as_json: bool) -> None:
    """A system's dated history: decisions, events, incidents, risks, controls and status changes."""
    try:
        wanted = parse_timeline_kinds(kinds) if kinds else None
    except KbridgeError as error:
        raise click.BadParameter(str(error), param_hint="--kind") from error
    timeline = app.kb().trails.timeline(key, wanted)
    if as_json:
        emit_json(timeline.as_dict())
        return
    click.echo(click.style(terminal_text(f"{timeline.record.key}  {timeline.record.title}"), bold=True))
    rows = [[e.date, e.kind.value, e.key, e.via, _entry_text(e.title, e.change)] for e in timeline.entries]
    rows += [["undated", e.kind.value, e.key, e.via, e.title] for e in timeline.undated]
    if not rows:
        click.echo("  nothing dated is linked to it", err=True)
        return
    print_table(rows, ["DATE", "KIND", "KEY", "HOW", "WHAT"])


@click.command("restore-order")
@click.argument("system", required=False)
@json_option
@pass_app
def restore_order_command(app: AppContext, system: str | None, as_json: bool) -> None:
    """The order to bring systems back after an outage (or SYSTEM and what it needs): dependencies
    first, then criticality and RTO, with who approves each and what governs its recovery."""
    plan = app.kb().trails.restore_order(system)
    if as_json:
        emit_json(plan.as_dict())
        return
    _print_plan(plan)


@click.command("reassign")
@click.argument("from_person")
@click.argument("to_person")
@click.argument("keys", nargs=-1)
@reason_option
@json_option
@pass_app
def reassign_command(app: AppContext, from_person: str, to_person: str, keys: tuple[str, ...], reason: str,
                     as_json: bool) -> None:
    """Hand the records FROM_PERSON owns or approves (all, or only KEYS) to TO_PERSON."""
    kb = app.kb(write=True)
    changes = kb.trails.reassign(from_person, to_person, keys or None, reason=reason).changes
    if as_json:
        emit_json({"from": kb.get(from_person).key, "to": kb.get(to_person).key,
                   "records": changed_records(kb, changes)})
        return
    for uid in sorted(changes.updated, key=lambda u: kb.get(u).key):
        record = kb.get(uid)
        say(f"{record.key}  {record.title}")
    click.echo(f"{len(changes.updated)} records reassigned to {kb.get(to_person).key}", err=True)


def _entry_text(title: str, change: tuple[str, str] | None) -> str:
    return f"{change[0] or '-'} → {change[1]}: {title}" if change else title


def _print_trail(trail: Trail, empty: str) -> None:
    root = trail.root
    click.echo(click.style(terminal_text(f"{root.key}  {root.title}"), bold=True) + terminal_text(_status(root)))
    if not root.children:
        click.echo(f"  {empty}", err=True)
        return
    for line in _tree_lines(root.children, ""):
        say(line)


def _tree_lines(nodes: list[TrailNode], prefix: str) -> list[str]:
    lines = []
    for position, node in enumerate(nodes):
        last = position == len(nodes) - 1
        branch, follow = ("└─ ", "   ") if last else ("├─ ", "│  ")
        lines.append(f"{prefix}{branch}{node.via} {node.key}  {node.title}{_status(node)}{_marks(node)}".rstrip())
        lines += _tree_lines(node.children, prefix + follow)
        if node.more:
            lines.append(f"{prefix}{follow}… {node.more} more (raise --depth to see them)")
    return lines


def _status(node: TrailNode) -> str:
    if not node.status:
        return ""
    if node.superseded_by:
        return f"  [superseded by {', '.join(node.superseded_by)}]"
    return f"  [{node.status}]"


def _marks(node: TrailNode) -> str:
    return f"  ({'; '.join(node.marks)})" if node.marks else ""


def _print_plan(plan: RecoveryPlan) -> None:
    if not plan.steps:
        click.echo("no running systems to restore", err=True)
        return
    rows = []
    for step in plan.steps:
        rows.append([
            str(step.position), str(step.wave), step.key, step.criticality or "?", step.rto or "?",
            step.rpo or "?", step.owner.name if step.owner else "NONE",
            step.approver.name if step.approver else "NONE", step.record.title,
        ])
    print_table(rows, ["#", "WAVE", "SYSTEM", "CRITICALITY", "RTO", "RPO", "OWNER", "APPROVER", "TITLE"])
    for cycle in plan.cycles:
        click.echo(click.style("cycle: ", fg="red", bold=True) + terminal_text(" → ".join([*cycle, cycle[0]]))
                   + "  (restored together; break the cycle)")
    governed = [step for step in plan.steps if step.governing]
    if governed:
        click.echo("")
        click.echo(click.style("Governing recovery", bold=True))
        for step in governed:
            say(f"  {step.key}  " + ", ".join(g.key for g in step.governing))
    gaps = [step for step in plan.steps if step.gaps]
    if gaps:
        click.echo("")
        click.echo(click.style("Gaps", bold=True))
        for step in gaps:
            for gap in step.gaps:
                say(f"  {step.key}  {gap}")
    for item in plan.excluded:
        say(f"not restored: {item['key']} is {item['status']}", err=True)


COMMANDS = [why_command, impact_command, timeline_command, restore_order_command, reassign_command]
