"""The incident pack: what a room needs when the network is down, on paper. The restore order, who
decides each system is safe to bring back and how to reach them, each system's playbook with its
safe-to-restore criteria (with boxes to tick by hand), and why each control involved exists.

`kbridge export --format pack OUT` and File › Export incident pack write it as `incident-pack.html`
and `incident-pack.pdf` in OUT."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from kbridge.core.readiness import Contact, Item, SystemReadiness
from kbridge.core.recovery import RecoveryPlan, RecoveryStep
from kbridge.core.trails import TrailNode
from kbridge.escaping import escape_html as escape
from kbridge.formats.printable.markup import Printable, grid, standalone_html, write_inside
from kbridge.model import Kind, natural_key

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase

PACK_NAME = "incident-pack"
WHY_DEPTH = 2
BOX = "☐"


def build_pack(kb: KnowledgeBase, today: dt.date | None = None, now: str = "") -> Printable:
    today = today or dt.date.today()
    plan = kb.trails.restore_order()
    readiness = {item.key: item for item in kb.resilience.readiness(today)}
    made = now or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    pack = Printable(
        f"Incident pack: {kb.name}",
        subject=f"Printed from kbridge on {made}. A copy on paper does not change when the knowledge base "
        "does: check this date before relying on it.",
        footer=f"Incident pack: {kb.name} — printed {made}",
    )
    pack.add(_contents(plan))
    pack.add(_restore_order(plan, readiness))
    pack.add(_approvers(plan, readiness))
    for step in plan.steps:
        pack.add(_system(step, readiness[step.key]))
    pack.add(_controls(kb, plan, readiness))
    return pack


def write_pack_html(document: Printable, out: Path) -> Path:
    return write_inside(out, f"{PACK_NAME}.html", standalone_html(document).encode("utf-8"))


def _contents(plan: RecoveryPlan) -> str:
    systems = "".join(f"<li>{_system_name(step)}</li>" for step in plan.steps)
    return (
        "<h2>Contents</h2><ol><li>Restore order</li><li>Who decides it is safe to bring a system back</li>"
        f"<li>Playbooks, in restore order<ol>{systems}</ol></li><li>Why each control exists</li></ol>"
    )


def _restore_order(plan: RecoveryPlan, readiness: dict[str, SystemReadiness]) -> str:
    rows = []
    for step in plan.steps:
        approver = readiness[step.key].approver
        rows.append([
            str(step.position), str(step.wave), _system_name(step), escape(step.criticality or "?"),
            escape(step.rto or "none"), escape(step.rpo or "none"),
            escape(", ".join(step.depends_on) or "nothing"), _person(approver, readiness[step.key].approver_text),
        ])
    text = (
        '<h2 class="new-page">1. Restore order</h2>'
        "<p>Dependencies come back first; among systems whose dependencies are back, the most critical and "
        "the shortest recovery time objective (RTO: how soon it must run again) go first. Systems of one wave "
        "can be restored side by side. RPO is how much recent data may be lost.</p>"
        + grid(["#", "Wave", "System", "Criticality", "RTO", "RPO", "Needs", "Decides it is safe"], rows,
               [3, 7, 29, 12, 6, 6, 13, 24])
    )
    if plan.cycles:
        cycles = "; ".join(" → ".join([*cycle, cycle[0]]) for cycle in plan.cycles)
        text += f'<p class="alert">Dependency cycle, restored together: {escape(cycles)}</p>'
    if plan.excluded:
        text += "<p class=\"muted\">Not running, so not restored: " + escape(
            ", ".join(f"{item['key']} ({item['status']})" for item in plan.excluded)) + "</p>"
    return text


def _approvers(plan: RecoveryPlan, readiness: dict[str, SystemReadiness]) -> str:
    people: dict[str, tuple[Contact, list[str]]] = {}
    unnamed = []
    for step in plan.steps:
        item = readiness[step.key]
        if item.approver is None:
            unnamed.append(f"{_system_name(step)}: {escape(item.approver_problem())}")
            continue
        people.setdefault(item.approver.key, (item.approver, []))[1].append(_system_name(step))
    rows = []
    for contact, systems in sorted(people.values(), key=lambda pair: natural_key(pair[0].key)):
        rows.append([
            _person(contact, ""), escape(contact.role or "—"), escape(contact.phone or "—"),
            escape(contact.email or "—"), "<br>".join(systems),
        ])
    text = (
        '<h2 class="new-page">2. Who decides it is safe to bring a system back</h2>'
        "<p>The approver of each system decides when its safe-to-restore criteria hold and it may go back "
        "online. Reach them by phone when e-mail is down.</p>"
        + grid(["Approver", "Role", "Phone", "E-mail", "Systems"], rows, [18, 18, 16, 26, 22])
    )
    if unnamed:
        text += '<p class="alert">Nobody who can decide:</p><ul>' + "".join(f"<li>{line}</li>" for line in unnamed)
        text += "</ul>"
    return text


def _system(step: RecoveryStep, item: SystemReadiness) -> str:
    facts = [
        ["Criticality", escape(step.criticality or "not stated")],
        ["Recovery time objective (RTO)", escape(step.rto or "not stated")],
        ["Recovery point objective (RPO)", escape(step.rpo or "not stated")],
        ["Decides it is safe", _contact_line(item)],
        ["Owner", escape(f"{step.owner.name} ({step.owner.key})" + (" — has left" if step.owner.departed else ""))
         if step.owner else '<span class="alert">nobody</span>'],
        ["Needs first", escape(", ".join(step.depends_on) or "nothing")],
        ["Last exercised", _exercise_line(item)],
    ]
    if step.gaps:
        facts.append(["Known gaps", '<span class="alert">' + "<br>".join(escape(gap) for gap in step.gaps) + "</span>"])
    text = (f'<h2 class="new-page">{step.position}. {_system_name(step)}</h2>'
            + grid(None, facts, [30, 70]))
    if item.steps:
        text += "<h3>Recovery steps</h3><ol>" + "".join(f"<li>{_item(entry)}</li>" for entry in item.steps) + "</ol>"
    else:
        text += '<h3>Recovery steps</h3><p class="alert">No recovery steps are written down for this system.</p>'
    if item.criteria:
        rows = [[BOX, _item(entry), ""] for entry in item.criteria]
        rows.append([BOX, f"<b>Approved to bring back online</b> by {_person(item.approver, item.approver_text)}", ""])
        text += "<h3>Safe to restore when</h3>" + grid(["", "Criterion (and where it comes from)", "Checked by, at"],
                                                       rows, [4, 70, 26])
    else:
        text += ('<h3>Safe to restore when</h3><p class="alert">No safe-to-restore criteria: nothing written '
                 "guards this system against reinfection when it comes back.</p>")
    return text


def _controls(kb: KnowledgeBase, plan: RecoveryPlan, readiness: dict[str, SystemReadiness]) -> str:
    keys: list[str] = []
    for step in plan.steps:
        item = readiness[step.key]
        sources = [source for entry in item.criteria for source in entry.sources if source.kind == Kind.CONTROL.value]
        governing = [g for g in step.governing if g.kind is Kind.CONTROL]
        for key in [source.key for source in sources] + [g.key for g in governing]:
            if key not in keys:
                keys.append(key)
    parts = ['<h2 class="new-page">4. Why each control exists</h2>',
             "<p>The controls the criteria above rely on, and the risks, requirements, incidents and "
             "decisions behind them: what is lost if one is skipped to restore faster.</p>"]
    for key in sorted(keys, key=natural_key):
        control = kb.get(key)
        rationale = str(control.fields.get("rationale") or "").strip()
        parts.append(f"<h3>{escape(control.title)} ({escape(control.key)})</h3>")
        parts.append(f'<p class="meta">Status: {escape(control.status or "unknown")}'
                     + (f" · {escape(control.fields['framework_ref'])}" if control.fields.get("framework_ref") else "")
                     + "</p>")
        parts.append(f"<p>{escape(rationale)}</p>" if rationale else '<p class="alert">No rationale is recorded.</p>')
        reasons = kb.trails.why(control.uid, WHY_DEPTH).root.children
        if reasons:
            parts.append("<ul>" + "".join(_reason(node) for node in reasons) + "</ul>")
    if not keys:
        parts.append('<p class="muted">No criterion names a control.</p>')
    return "".join(parts)


def _reason(node: TrailNode) -> str:
    marks = f" ({escape('; '.join(node.marks))})" if node.marks else ""
    status = f" [{escape(node.status)}]" if node.status else ""
    below = "".join(_reason(child) for child in node.children)
    return (f"<li>{escape(node.via)} <b>{escape(node.title)}</b> ({escape(node.key)}){status}{marks}"
            + (f"<ul>{below}</ul>" if below else "") + "</li>")


def _item(entry: Item) -> str:
    text = escape(entry.text)
    if entry.detail:
        text += f'<br><span class="muted">{escape(entry.detail)}</span>'
    named = [source for source in entry.sources if source.kind in (Kind.CONTROL.value, Kind.DECISION.value)
             or source.missing or source.kind == Kind.NOTE.value]
    if named:
        text += '<br><span class="muted">From: ' + "; ".join(
            escape(f"{source.key} — not in the knowledge base") if source.missing
            else escape(f"{source.key} {source.title}") for source in named) + "</span>"
    return text


def _system_name(step: RecoveryStep) -> str:
    return f"{escape(step.record.title)} ({escape(step.key)})"


def _person(contact: Contact | None, text: str) -> str:
    if contact is None:
        return f'<span class="alert">{escape(repr(text) + " (not a person here)") if text else "nobody named"}</span>'
    if contact.departed:
        return f'<span class="alert">{escape(contact.name)} ({escape(contact.key)}) — has left</span>'
    return f"{escape(contact.name)} ({escape(contact.key)})"


def _contact_line(item: SystemReadiness) -> str:
    line = _person(item.approver, item.approver_text)
    contact = item.approver
    if contact is not None:
        details = [value for value in (contact.role, contact.phone, contact.email) if value]
        if details:
            line += "<br>" + escape(" · ".join(details))
    return line


def _exercise_line(item: SystemReadiness) -> str:
    last = item.last_exercise
    period = item.period_text if item.period_stated else f"{item.period_text} (default)"
    if last is None:
        problem = item.exercise_problem()
        return "never" + (f'<br><span class="alert">{escape(problem)}</span>' if problem else "")
    text = f"{last.date}, {last.type}" + (f", {last.result}" if last.result else "")
    if last.recovery_time:
        text += f", recovered in {last.recovery_time}"
    text = escape(f"{text} ({last.key}); every {period}")
    due = item.exercise_due
    if due is not None and due < item.today:
        text += f'<br><span class="alert">overdue since {escape(due.isoformat())}</span>'
    return text
