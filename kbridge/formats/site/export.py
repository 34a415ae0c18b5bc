"""`export_site`: the whole knowledge base as a self-contained, offline, searchable HTML site.

    OUT/index.html              kinds, latest decisions, search box
    OUT/kinds/<kind>.html       one index per kind, with status filters
    OUT/records/<KEY>.html      one page per record: facts, links both ways, body, why-trace,
                                and for a system its timeline and place in the recovery order
    OUT/recovery.html           the restore order of every running system
    OUT/search.html             client-side search over titles and bodies
    OUT/assets/                 site.css, site.js, search-index.js

Pages reference nothing outside OUT and work when opened from file://."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from kbridge import safe_files
from kbridge.core import KnowledgeBase
from kbridge.core.graph import LinkIndex
from kbridge.core.recovery import RecoveryPlan
from kbridge.core.timeline import system_timeline
from kbridge.core.trails import why
from kbridge.formats.rst_doc import body_markup
from kbridge.formats.site import fragments, pages
from kbridge.formats.write.graph_files import record_graph_svg
from kbridge.model import Cancel, ConflictError, Kind, Progress, Record
from kbridge.render import record_page_html

MARKER = ".kbridge-site"  # marks a folder as a kbridge site, so a new export may replace it
ASSETS = Path(__file__).resolve().parent / "assets"
SITE_WHY_DEPTH = 4
RECENT_DECISIONS = 12


@dataclass
class SiteReport:
    out: Path
    pages: int = 0
    records: int = 0
    cancelled: bool = False
    files: list[str] = field(default_factory=list)  # paths relative to `out`

    def as_json(self) -> dict[str, object]:
        return {"out": str(self.out), "pages": self.pages, "records": self.records, "cancelled": self.cancelled}


def export_site(
    kb: KnowledgeBase,
    out: Path | str,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    today: dt.date | None = None,
) -> SiteReport:
    """Write the site into `out`, which must be missing, empty, or an earlier kbridge site."""
    out = Path(out)
    _prepare(out)
    # Marked first: an export stopped half-way (a full disk, a cancel) leaves a folder the next
    # export recognises as its own and replaces.
    safe_files.write_text(out, MARKER, "kbridge static site\n")
    today = today or dt.date.today()
    report = SiteReport(out)
    index = LinkIndex.preloaded(kb)
    records = [record for record in kb.list_records() if not record.deleted]
    by_key = {record.key: record for record in records}
    counts = {kind: sum(1 for r in records if r.kind is kind) for kind in Kind}
    shell = pages.Shell(kb.name, today.isoformat(), counts)
    plan = kb.trails.restore_order()
    writer = _Writer(out, report)
    total = len(records) + len(Kind) + 4
    search_entries = []
    for done, record in enumerate(records, start=1):
        if cancel is not None and cancel():
            report.cancelled = True
            return report
        html, text = _record_page(kb, index, record, by_key, shell, plan, today)
        writer.write(f"records/{_file_name(record.key)}", html)
        search_entries.append(_search_entry(record, text))
        if progress is not None and (done % 50 == 0 or done == len(records)):
            progress(done, total, f"wrote {done} of {len(records)} record pages")
    report.records = len(records)
    top_href = {key: f"records/{_file_name(key)}" for key in by_key}
    kind_href = {key: f"../records/{_file_name(key)}" for key in by_key}
    for kind in Kind:
        members = [record for record in records if record.kind is kind]
        body = pages.kind_index(kind, members, kind_href)
        writer.write(f"kinds/{kind.value}.html", shell.page(kind.plural, body, root="../"))
    recent = sorted(
        (r for r in records if r.kind is Kind.DECISION and r.date), key=lambda r: r.date or "", reverse=True
    )[:RECENT_DECISIONS]
    writer.write("index.html", shell.page("Home", pages.home(shell, recent, top_href), root=""))
    recovery = "<h1>Recovery order</h1>" + fragments.recovery_html(plan, lambda key: top_href.get(key))
    writer.write("recovery.html", shell.page("Recovery order", recovery, root=""))
    writer.write("search.html", shell.page("Search", pages.search_page(), root="", scripts=["search-index.js"]))
    # Read only as data (results are built with textContent), but "<" is escaped all the same.
    data = json.dumps(search_entries, ensure_ascii=True).replace("<", "\\u003c")
    index_js = f"window.KBRIDGE_SEARCH = {data};\n"
    writer.write("assets/search-index.js", index_js)
    for asset in ("site.css", "site.js"):
        writer.write(f"assets/{asset}", (ASSETS / asset).read_text(encoding="utf-8"))
    if progress is not None:
        progress(total, total, f"site written to {out}")
    return report


def _record_page(
    kb: KnowledgeBase,
    index: LinkIndex,
    record: Record,
    by_key: dict[str, Record],
    shell: pages.Shell,
    plan: RecoveryPlan,
    today: dt.date,
) -> tuple[str, str]:
    """The page of one record, and the plain text of its body for the search index."""

    def href(key: str) -> str | None:
        return _file_name(key) if key in by_key else None

    def record_href(uid: str) -> str:
        other = index.record(uid)
        return _file_name(other.key) if other is not None else "#"

    def resolve(target: str) -> str | None:
        if target.endswith(".html") and target[:-5] in by_key:
            return target  # already a page of the site (a link the reader's page made)
        found = kb.find(target) or kb.find_by_source(target)
        return href(found.key) if found is not None and not found.deleted else None

    links = [link for link in index.links(record.uid) if not link.deleted]
    page = record_page_html(record, links, status_hex=fragments.status_hex, record_href=record_href, today=today,
                            to_markdown=body_markup(record))
    page = fragments.rewrite_links(page, resolve)
    sections = [("why", "Why it exists", fragments.trail_html(
        why(index, record, SITE_WHY_DEPTH), href, "No risk, requirement, incident or decision is linked as its reason."
    ))]
    graph = record_graph_svg(index, record, href, by_key)
    if graph is not None:
        sections.append(("graph", "Links graph", graph))
    if record.kind is Kind.SYSTEM:
        sections.append(("timeline", "Timeline", fragments.timeline_html(system_timeline(kb, record, index), href)))
        step = next((step for step in plan.steps if step.key == record.key), None)
        if step is not None:
            single = RecoveryPlan(target=record.key, steps=[step])
            sections.append(("recovery", "Recovery", fragments.recovery_html(single, href)))
    body = pages.record_body(record, page, sections, "../")
    # The rendered body closes the reader's page; its text is what search reads (no second render).
    text = fragments.plain_text(page[page.rfind('<div class="body">'):])
    return shell.page(f"{record.key} {record.title}", body, root="../"), text


def _search_entry(record: Record, text: str) -> dict[str, str]:
    return {
        "k": record.key,
        "t": record.title,
        "d": record.kind.value,
        "s": record.status,
        "u": f"records/{_file_name(record.key)}",
        "b": text,
    }


def _file_name(key: str) -> str:
    # Keys are letters, digits, '.', '_' and '-' and start with a letter or digit (validate_key).
    return f"{key}.html"


def _prepare(out: Path) -> None:
    if out.exists():
        if not out.is_dir():
            raise ConflictError(f"{out} is a file; choose a folder for the site")
        if any(out.iterdir()) and not (out / MARKER).exists():
            raise ConflictError(f"{out} is not empty and holds no kbridge site; choose an empty folder")
        for name in ("records", "kinds", "assets"):
            shutil.rmtree(out / name, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)


class _Writer:
    def __init__(self, out: Path, report: SiteReport) -> None:
        self.out = out
        self.report = report

    def write(self, relative: str, text: str) -> None:
        safe_files.write_text(self.out, relative, text)
        self.report.files.append(relative)
        if relative.endswith(".html"):
            self.report.pages += 1
