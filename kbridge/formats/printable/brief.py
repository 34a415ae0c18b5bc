"""The brief for the business: what a system (or the whole estate) means to the business, the risks
still open and what protects against them, what went wrong lately and what was decided because of
it, and how ready we are to recover. Plain sentences, every record named by its title (its key
after it, for whoever wants to look it up), one chart per section.

    kbridge brief [--system KEY] --format html|pdf OUT"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kbridge.core.readiness import Estate, SystemReadiness
from kbridge.core.recovery import CRITICALITY_RANK, RUNNING_STATUSES, parse_duration
from kbridge.escaping import escape_html as escape
from kbridge.formats.printable.charts import Bar, Chart
from kbridge.formats.printable.markup import Printable, grid, standalone_html, write_inside
from kbridge.model import Kind, LinkType, Record, ValidationError, natural_key
from kbridge.model.wording import with_article

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

BRIEF_FORMATS = ("html", "pdf")
RECENT_YEARS = 3
OPEN_RISK_STATUSES = ("open", "accepted", "unknown")
_CONTROL_WORDS = {"implemented": "in place", "partial": "partly in place", "planned": "planned, not yet in place"}
_RISK_WORDS = {"open": "open: not yet under control", "accepted": "accepted: knowingly taken",
               "unknown": "status not recorded"}
_SEVERITY = re.compile(r"^sev\s*(\d)$", re.I)


def brief_target(out: Path, fmt: str) -> tuple[Path, str]:
    """The folder and file name a brief is written to: OUT itself when it names a file, else
    brief.html or brief.pdf inside the folder OUT."""
    if fmt not in BRIEF_FORMATS:
        raise ValidationError(f"unknown brief format {fmt!r}; formats are: {', '.join(BRIEF_FORMATS)}")
    out = Path(out)
    if out.is_dir() or not out.suffix:
        return out, f"brief.{fmt}"
    if out.suffix.lower().lstrip(".") not in (fmt, "htm" if fmt == "html" else fmt):
        raise ValidationError(f"{out.name} does not end in .{fmt}, the format asked for")
    return out.parent, out.name


def write_brief_html(document: Printable, folder: Path, name: str) -> Path:
    return write_inside(folder, name, standalone_html(document).encode("utf-8"))


def build_brief(kb: KnowledgeBase, system: str | None = None, today: dt.date | None = None) -> Printable:
    today = today or dt.date.today()
    estate = Estate.of(kb)
    readiness = {item.key: item for item in kb.resilience.readiness(today)}
    target = kb.get(system) if system else None
    if target is not None and target.kind is not Kind.SYSTEM:
        raise ValidationError(f"{target.key} is {with_article(target.kind.value)}; a brief is about a system "
                              "(or, with no --system, about every system)")
    if target is not None:
        scope = [target, *_dependants(estate, target)]
        title = f"Resilience brief: {target.title}"
    else:
        scope = [r for r in estate.of_kind(Kind.SYSTEM) if r.status in RUNNING_STATUSES]
        title = f"Resilience brief: {kb.name}"
    brief = Printable(title, subject=f"Prepared with kbridge on {today.isoformat()} from what the knowledge base "
                      "records; it says what is written down, and says so where nothing is.",
                      footer=f"{title} — {today.isoformat()}")
    if target is not None:
        _impact_of_one(brief, target, scope[1:], readiness)
    else:
        _impact_of_all(brief, scope, estate, readiness)
    _risks(brief, estate, scope, whole=target is None)
    _incidents(brief, estate, scope, today)
    _readiness(brief, [readiness[r.key] for r in scope[:1]] if target else [readiness[r.key] for r in scope])
    return brief


# --- business impact ----------------------------------------------------------------------------


def _impact_of_one(brief: Printable, system: Record, dependants: list[Record],
                   readiness: dict[str, SystemReadiness]) -> None:
    item = readiness[system.key]
    brief.add("<h2>What it means to the business</h2>")
    rank = f"rated <b>{escape(item.criticality)}</b>" if item.criticality else "not given a criticality"
    brief.add(f"<p>{_name(system)} is {rank}. {_objectives(item)}</p>")
    if dependants:
        names = ", ".join(_name(other) for other in dependants)
        brief.add(f"<p>{len(dependants)} other systems need it to work, directly or through another system, and "
                  f"stop when it stops: {names}.</p>")
    else:
        brief.add("<p>No other system is recorded as depending on it.</p>")
    brief.add(_rto_chart([system, *dependants], readiness, f"How soon {system.title} and what needs it must run again"))


def _impact_of_all(brief: Printable, systems: list[Record], estate: Estate,
                   readiness: dict[str, SystemReadiness]) -> None:
    brief.add("<h2>What the business depends on</h2>")
    if not systems:
        brief.add("<p>No running system is recorded, so nothing here says what the business depends on. "
                  "Record the systems, with their criticality, RTO and RPO, to fill this in.</p>")
        brief.add(_rto_chart([], readiness, "How soon each system must run again"))
        return
    critical = [r for r in systems if readiness[r.key].criticality == "critical"]
    brief.add(f"<p>{len(systems)} systems are running; {len(critical)} of them are rated critical. Each is listed "
              "with how soon it must run again after an outage (its recovery time objective) and how much recent "
              "data may be lost (its recovery point objective).</p>")
    ordered = sorted(systems, key=lambda r: (CRITICALITY_RANK.get(readiness[r.key].criticality, 9), natural_key(r.key)))
    rows = []
    for record in ordered:
        item = readiness[record.key]
        stops = _dependants(estate, record)
        rows.append([_name(record), escape(item.criticality or "not rated"), escape(in_words(item.rto)),
                     escape(in_words(item.rpo)), ", ".join(escape(r.title) for r in stops) or "nothing else"])
    brief.add(grid(["System", "Criticality", "Must run again within", "Data that may be lost", "Also stops"],
                   rows, [26, 11, 15, 15, 33]))
    brief.add(_rto_chart(ordered, readiness, "How soon each system must run again"))


def _rto_chart(systems: list[Record], readiness: dict[str, SystemReadiness], title: str) -> Chart:
    bars = []
    for record in systems:
        item = readiness[record.key]
        minutes = parse_duration(item.rto)
        bars.append(Bar(record.title, (minutes or 0) / 60, in_words(item.rto) if minutes else "not agreed",
                        item.criticality if item.criticality in CRITICALITY_RANK else "neutral"))
    return Chart(title, bars, note="Hours; the colour is the system's criticality. A system with no bar has no "
                                   "agreed recovery time.")


def _objectives(item: SystemReadiness) -> str:
    rto = (f"After an outage it must run again within {escape(in_words(item.rto))}" if parse_duration(item.rto)
           else "No time within which it must run again has been agreed")
    rpo = (f"at most {escape(in_words(item.rpo))} of recent data may be lost" if parse_duration(item.rpo)
           else "how much data may be lost has not been agreed")
    return f"{rto}, and {rpo}."


def in_words(text: str) -> str:
    """"2h" as "2 hours", "15m" as "15 minutes", "1d" as "1 day"; "not agreed" when empty."""
    minutes = parse_duration(text)
    if minutes is None:
        return str(text) if text else "not agreed"
    for size, unit in ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        if minutes >= size and minutes % size == 0:
            count = int(minutes // size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{minutes / 60:.1f} hours"


# --- risks ----------------------------------------------------------------------------------------


def _risks(brief: Printable, estate: Estate, scope: list[Record], *, whole: bool) -> None:
    brief.add("<h2>Risks still open, and what protects against them</h2>")
    uids = {record.uid for record in scope}
    risks = [risk for risk in estate.of_kind(Kind.RISK)
             if risk.status in OPEN_RISK_STATUSES and (whole or _touches(estate, risk, uids))]
    if not risks:
        brief.add("<p>No open or accepted risk is recorded against these systems.</p>")
    bars = []
    for risk in risks:
        controls = [c for c in estate.sources(risk.uid, LinkType.MITIGATES) if c.kind is Kind.CONTROL]
        acceptance = [d for d in estate.sources(risk.uid, LinkType.ACCEPTS) if d.kind is Kind.DECISION]
        words = _RISK_WORDS.get(risk.status, risk.status)
        text = f"<p><b>{escape(risk.title)}</b> <span class=\"muted\">({escape(risk.key)})</span> — {escape(words)}"
        if acceptance:
            text += " by the decision " + "; ".join(_name(d) for d in acceptance)
        text += ".</p>"
        if controls:
            text += "<ul>" + "".join(
                f"<li>{_name(c)}: {escape(_CONTROL_WORDS.get(c.status, c.status or 'status not recorded'))}</li>"
                for c in controls) + "</ul>"
        else:
            text += '<p class="alert">No control is recorded against it.</p>'
        brief.add(text)
        in_place = sum(1 for c in controls if c.status == "implemented")
        others = len(controls) - in_place
        tone = "bad" if not in_place else ("warn" if others else "good")
        bars.append(Bar(risk.title, in_place, f"{in_place} in place" + (f", {others} not yet" if others else ""), tone))
    brief.add(Chart("Controls in place against each open risk", bars,
                    note="Controls fully in place; those partly in place or planned are counted after the bar."))


def _touches(estate: Estate, risk: Record, systems: set[str]) -> bool:
    """A risk concerns the systems when it affects one, or a control against it applies to one."""
    if any(target.uid in systems for target in estate.targets(risk.uid, LinkType.AFFECTS)):
        return True
    controls = estate.sources(risk.uid, LinkType.MITIGATES)
    return any(target.uid in systems for c in controls for target in estate.targets(c.uid, LinkType.APPLIES_TO))


# --- incidents ------------------------------------------------------------------------------------


def _incidents(brief: Printable, estate: Estate, scope: list[Record], today: dt.date) -> None:
    since = today.replace(year=today.year - RECENT_YEARS, day=min(today.day, 28))
    uids = {record.uid for record in scope}
    incidents = [i for i in estate.of_kind(Kind.INCIDENT)
                 if i.date and i.date >= since.isoformat() and _affects(estate, i, uids)]
    incidents.sort(key=lambda i: (i.date or "", natural_key(i.key)), reverse=True)
    brief.add(f"<h2>What went wrong since {since.year}, and what we decided</h2>")
    if not incidents:
        brief.add(f"<p>No incident since {escape(since.isoformat())} is recorded against these systems.</p>")
    for incident in incidents:
        state = "still open" if incident.status == "open" else (incident.status or "status not recorded")
        severity = str(incident.fields.get("severity") or "")
        match = _SEVERITY.match(severity)
        severity = (f"severity {match.group(1)} (1 is the most severe)" if match
                    else severity or "severity not recorded")
        text = (f"<p><b>{escape(incident.date or '')}: {escape(incident.title)}</b> "
                f"<span class=\"muted\">({escape(incident.key)})</span> — {escape(severity)}, {escape(state)}.</p>")
        motivated = [r for r in estate.sources(incident.uid, LinkType.MOTIVATED_BY)
                     if r.kind in (Kind.DECISION, Kind.CONTROL)]
        if motivated:
            text += "<ul>" + "".join(f"<li>{'Decided' if r.kind is Kind.DECISION else 'Control put in place'}: "
                                     f"{_name(r)}</li>" for r in motivated) + "</ul>"
        else:
            text += '<p class="muted">No decision or control records it as its reason.</p>'
        brief.add(text)
    years: dict[int, int] = {}
    for incident in incidents:
        years[int((incident.date or "0")[:4])] = years.get(int((incident.date or "0")[:4]), 0) + 1
    bars = [Bar(str(year), years.get(year, 0), str(years.get(year, 0)), "neutral")
            for year in range(since.year, today.year + 1)]
    brief.add(Chart("Incidents per year", bars, note=f"Incidents recorded against these systems since {since.year}."))


def _affects(estate: Estate, incident: Record, systems: set[str]) -> bool:
    return any(target.uid in systems for target in estate.targets(incident.uid, LinkType.AFFECTS))


# --- readiness ------------------------------------------------------------------------------------


def _readiness(brief: Printable, items: list[SystemReadiness]) -> None:
    brief.add("<h2>How ready we are to recover</h2>")
    if len(items) == 1:
        _readiness_of_one(brief, items[0])
        return
    critical = [item for item in items if item.criticality == "critical"]
    if not critical:
        brief.add("<p>No running system is rated critical, so there is no readiness to count yet.</p>")
    checks = (
        ("have written recovery steps", lambda i: i.has_playbook),
        ("have someone still here to decide they are safe to bring back", lambda i: i.approver_active),
        ("have checks that guard against reinfection", lambda i: bool(i.criteria)),
        ("were rehearsed within their review period", lambda i: i.exercised_in_period),
        ("came back within their objective when last rehearsed", lambda i: i.rto_met is True),
    )
    bars = []
    for words, test in checks:
        met = sum(1 for item in critical if test(item))
        share = met / len(critical) if critical else 0
        if critical:
            brief.add(f"<p>{met} of {len(critical)} critical systems {escape(words)}.</p>")
        bars.append(Bar(words.capitalize(), 100 * share, f"{met} of {len(critical)}",
                        "good" if share == 1 else ("warn" if share >= 0.5 else "bad")))
    brief.add(Chart("Critical systems ready to recover", bars, maximum=100, note="Share of the critical systems."))


def _readiness_of_one(brief: Printable, item: SystemReadiness) -> None:
    lines = [
        f"{len(item.steps)} recovery steps are written down." if item.steps else "No recovery steps are written down.",
        (f"{len(item.criteria)} checks must pass before it is brought back, to keep an attacker from coming back "
         "with it." if item.criteria else "Nothing written guards against bringing an attacker back with it."),
    ]
    if item.approver_active and item.approver:
        lines.append(f"{escape(item.approver.name)} ({escape(item.approver.role or 'no role recorded')}) decides "
                     "when it is safe to bring back.")
    else:
        lines.append(escape(item.approver_problem().capitalize()) + ".")
    last = item.last_exercise
    if last is None:
        lines.append("Its recovery has never been rehearsed.")
    else:
        timed = f" and took {escape(in_words(last.recovery_time))}" if last.minutes is not None else ""
        lines.append(f"It was last rehearsed on {escape(last.date or '')} ({escape(last.type)}, "
                     f"{escape(last.result or 'result not recorded')}){timed}.")
        due = item.exercise_due
        if due is not None and due < item.today:
            every = item.period_text if item.period_stated else f"{item.period_text}, the default"
            lines.append(f'<span class="alert">The next rehearsal was due on {escape(due.isoformat())} '
                         f"(one every {escape(every)}) and has not taken place.</span>")
    brief.add("".join(f"<p>{line}</p>" for line in lines))
    rto = parse_duration(item.rto)
    bars = [Bar("Objective", (rto or 0) / 60, in_words(item.rto) if rto else "not agreed", "neutral")]
    for exercise in reversed([e for e in item.exercises if e.date]):
        if exercise.minutes is not None:
            tone = "good" if rto is not None and exercise.minutes <= rto else "bad"
            bars.append(Bar(f"{exercise.date} {exercise.type}", exercise.minutes / 60,
                            in_words(exercise.recovery_time), tone))
    brief.add(Chart("Time to recover in rehearsals, against the objective", bars,
                    note="Hours. Tabletop rehearsals time nothing and are not shown."))


def _dependants(estate: Estate, system: Record) -> list[Record]:
    """Systems that need `system`, directly or through others, nearest first."""
    found: dict[str, Record] = {}
    todo = [system.uid]
    while todo:
        uid = todo.pop(0)
        for other in sorted(estate.sources(uid, LinkType.DEPENDS_ON), key=lambda r: natural_key(r.key)):
            if other.kind is Kind.SYSTEM and other.uid not in found and other.uid != system.uid:
                found[other.uid] = other
                todo.append(other.uid)
    return list(found.values())


def _name(record: Record) -> str:
    return f"{escape(record.title)} <span class=\"muted\">({escape(record.key)})</span>"
