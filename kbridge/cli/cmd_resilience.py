"""Answers before (and during) an incident: `incident-plan`, `tick`, `exercise`, `scorecard`, `brief`,
and the incident pack that `export --format pack` writes. The PDFs are printed by the desktop
layer (kbridge.ui.printing), reached through `kbridge gui`'s module (`qt_printing`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kbridge.cli.cmd_gui import qt_printing
from kbridge.cli.main import AppContext
from kbridge.cli.options import json_option, pass_app
from kbridge.cli.output import emit_json, print_table
from kbridge.core.incident import IncidentPlan, PlannedSystem
from kbridge.core.scorecard import Scorecard
from kbridge.formats.printable.brief import BRIEF_FORMATS
from kbridge.model import Kind, LinkType, ValidationError, normalise_date
from kbridge.model.vocabulary import EXERCISE_RESULTS, EXERCISE_TYPES

MARKS = {True: "[x]", False: "[ ]"}


@click.command("incident-plan")
@click.argument("incident")
@json_option
@pass_app
def incident_plan_command(app: AppContext, incident: str, as_json: bool) -> None:
    """What INCIDENT affects and everything that depends on it, in restore order, with each system's
    approver, RTO, recovery steps and safe-to-restore criteria, ticked or not."""
    plan = app.kb().resilience.incident_plan(incident)
    if as_json:
        emit_json(plan.as_dict())
        return
    _print_plan(plan)


@click.command("tick")
@click.argument("incident")
@click.argument("item")
@click.option("--undo", is_flag=True, help="Untick the item instead.")
@pass_app
def tick_command(app: AppContext, incident: str, item: str, undo: bool) -> None:
    """Tick ITEM of INCIDENT's checklist (an id such as SYS-005/step/2, from `incident-plan`): saved as
    a revision of the incident with who and when."""
    kb = app.kb(write=True)
    kb.resilience.tick(incident, item, done=not undo)
    ticked = kb.resilience.incident_plan(incident).item(item)
    state = f"ticked by {ticked.by} at {ticked.at}" if ticked.done else "unticked"
    click.echo(f"{ticked.id}  {state}: {ticked.text}")


@click.command("exercise")
@click.argument("system")
@click.option("--type", "kind", type=click.Choice(EXERCISE_TYPES), required=True,
              help="A tabletop walks through the playbook; a test restores for real.")
@click.option("--result", type=click.Choice(EXERCISE_RESULTS), required=True,
              help="How it went: passed, partial (recovered, with problems) or failed.")
@click.option("--date", "date", required=True, help="When it took place (YYYY-MM-DD).")
@click.option("--recovery-time", default="", help="How long the recovery took (45m, 2h), when it was timed.")
@click.option("--title", default="", help="Default: '<Type> of <system title>'.")
@pass_app
def exercise_command(app: AppContext, system: str, kind: str, result: str, date: str, recovery_time: str,
                     title: str) -> None:
    """Record that SYSTEM's recovery was exercised: an event linked to it (prints its key)."""
    from kbridge.core.recovery import parse_duration

    kb = app.kb(write=True)
    target = kb.get(system)
    if target.kind is not Kind.SYSTEM:
        raise ValidationError(f"{target.key} is not a system; exercises are of a system's recovery")
    if recovery_time and parse_duration(recovery_time) is None:
        raise ValidationError(f"recovery time {recovery_time!r} is not a duration (use 45m, 2h, 1d)")
    fields = {"exercise": kind, "result": result}
    if recovery_time:
        fields["recovery_time"] = recovery_time
    with kb.transaction():
        created = kb.create(Kind.EVENT, title or f"{kind.capitalize()} of the recovery of {target.title}",
                            date=normalise_date(date), fields=fields, tags=["exercise"])
        key = created.key
        kb.links.add(key, LinkType.AFFECTS, target.uid)
    click.echo(key)


@click.command("scorecard")
@click.option("--today", default=None, help="Count as of this date (YYYY-MM-DD; default: today).")
@json_option
@pass_app
def scorecard_command(app: AppContext, today: str | None, as_json: bool) -> None:
    """The resilience scorecard: critical systems ready to recover, controls with their reasons,
    overdue reviews and knowledge at risk, with the records behind each figure and its trend."""
    when = dt.date.fromisoformat(normalise_date(today)) if today else None  # type: ignore[arg-type]
    card = app.kb().resilience.scorecard(when)
    if as_json:
        emit_json(card.as_dict())
        return
    _print_scorecard(card)


@click.command("brief")
@click.option("--system", default=None, help="A brief about this system (default: about every system).")
@click.option("--format", "fmt", type=click.Choice(BRIEF_FORMATS), required=True,
              help="html: one self-contained page; pdf: printed by Qt, for A4 or Letter.")
@click.argument("out", type=click.Path(path_type=Path))
@pass_app
def brief_command(app: AppContext, system: str | None, fmt: str, out: Path) -> None:
    """Write a brief for the business to OUT (a file, or a folder for brief.html / brief.pdf): business
    impact, open risks and their controls, recent incidents and what they led to, readiness."""
    click.echo(str(qt_printing().write_brief(app.kb(), out, fmt, system)))


def export_pack(app: AppContext, out: Path, as_json: bool) -> None:
    """`kbridge export --format pack OUT`: the incident pack as HTML and PDF in the folder OUT."""
    if out.exists() and not out.is_dir():
        raise ValidationError(f"{out} is a file; the incident pack is written into a folder")
    written = qt_printing().write_pack(app.kb(), out)
    if as_json:
        emit_json({"out": str(out), "written": [path.name for path in written]})
        return
    for path in written:
        click.echo(str(path))


def _print_plan(plan: IncidentPlan) -> None:
    incident = plan.incident
    done, total = sum(1 for item in plan.items if item.done), len(plan.items)
    click.echo(click.style(f"{incident.key}  {incident.title}", bold=True) + f"  [{incident.status}]")
    if not plan.systems:
        click.echo(f"  affects no running system (link one: kbridge link {incident.key} affects SYS-…)", err=True)
        return
    click.echo(f"  affects {', '.join(plan.affected)}; {len(plan.systems)} systems to restore; {done} of {total} done")
    for system in plan.systems:
        _print_system(system)
    for item in plan.not_restored:
        click.echo(f"not restored: {item['key']} is {item['status']}", err=True)
    for tick in plan.orphan_ticks:
        click.echo(f"ticked earlier, no longer in the playbook: {tick.get('system')} {tick.get('item')}: "
                   f"{tick.get('text')}", err=True)


def _print_system(system: PlannedSystem) -> None:
    step, readiness = system.step, system.readiness
    click.echo("")
    click.echo(click.style(f"{system.position}. {system.key}  {step.record.title}", bold=True)
               + f"  (wave {system.wave}, {system.why})")
    approver = readiness.approver
    who = f"{approver.name} ({approver.key})" if approver else "nobody"
    contact = " · ".join(v for v in (approver.phone, approver.email) if v) if approver else ""
    click.echo(f"   criticality {step.criticality or '?'}, RTO {step.rto or 'none'}, RPO {step.rpo or 'none'}; "
               f"decides it is safe: {who}" + (f" ({contact})" if contact else ""))
    problem = readiness.approver_problem()
    if problem:
        click.echo(click.style(f"   {problem}", fg="red"))
    for item in system.items:
        when = f"  — {item.by}, {item.at}" if item.done else ""
        click.echo(f"   {MARKS[item.done]} {item.id:<22} {item.text}{when}")
    if not readiness.steps:
        click.echo(click.style("   no recovery steps written down", fg="red"))
    if not readiness.criteria:
        click.echo(click.style("   no safe-to-restore criteria", fg="red"))


def _print_scorecard(card: Scorecard) -> None:
    rows = []
    for figure in card.figures:
        trend = " → ".join(_short(value, figure.kind) for _, value in figure.trend[-4:])
        rows.append([figure.text, trend or "-", figure.label])
    print_table(rows, ["NOW", "TREND", "FIGURE"])
    for figure in card.figures:
        shown = figure.missing if figure.kind == "share" else figure.met
        if shown:
            click.echo("")
            click.echo(click.style(figure.label, bold=True))
            for entry in shown:
                click.echo(f"  {entry.key}  {entry.title}: {entry.note}")


def _short(value: float | None, kind: str) -> str:
    if value is None:
        return "-"
    return f"{round(100 * value)}%" if kind == "share" else str(int(value))


COMMANDS = [incident_plan_command, tick_command, exercise_command, scorecard_command, brief_command]
