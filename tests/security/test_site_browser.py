"""The static site of the hostile knowledge base in a real browser (Debian's chromium, headless,
opened from file:// as a person would): no request leaves the site's folder, no script but the
site's own is on any page, nothing calls a dialog, no page navigates away, the browser reports
no policy violation (nothing even tried). A helper script is planted where the original attack
pointed (`../../tools/helper.js`): if any page ran it, it would say so."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.site import export_site
from tests.fixtures.browser import requested_urls, start_chromium

# Counts every dialog a page asks for instead of showing it; runs before any script of the page.
_DIALOG_TRAP = """
window.__kbridgeDialogs = [];
for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
  window[name] = (...args) => { window.__kbridgeDialogs.push(name + ':' + args.join(',')); };
}
"""
_PLANTED = "window.__kbridgePwned = (window.__kbridgePwned || 0) + 1; alert('planted helper ran');\n"
OWN_SCRIPTS = {"site.js", "search-index.js"}


@pytest.fixture(scope="module")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-security"))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _DIALOG_TRAP})  # type: ignore[attr-defined]
    try:
        yield driver
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.fixture
def hostile_site(hostile_kb: KnowledgeBase, tmp_path: Path) -> Path:
    out = tmp_path / "exports" / "site"
    export_site(hostile_kb, out)
    # Where `<script src="../../tools/helper.js">` in a record page would reach, outside the site.
    (tmp_path / "exports" / "tools").mkdir(parents=True)
    (tmp_path / "exports" / "tools" / "helper.js").write_text(_PLANTED)
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "helper.js").write_text(_PLANTED)
    return out


def _visit(driver: object, url: str) -> dict[str, object]:
    driver.get(url)  # type: ignore[attr-defined]
    return driver.execute_script(  # type: ignore[attr-defined, no-any-return]
        "return {dialogs: window.__kbridgeDialogs || [], pwned: window.__kbridgePwned || 0,"
        " scripts: Array.from(document.scripts).map(s => s.src || 'inline:' + s.textContent.slice(0, 40)),"
        " frames: document.querySelectorAll('iframe, frame, object, embed').length,"
        " url: location.href};"
    )


def test_no_page_of_the_hostile_site_runs_loads_or_navigates(chromium: object, hostile_site: Path,
                                                            hostile_kb: KnowledgeBase) -> None:
    driver = chromium
    driver.get_log("performance")  # type: ignore[attr-defined]
    driver.get_log("browser")  # type: ignore[attr-defined]
    # Every page but the people's (their names are on their notes' pages and on the index pages).
    notes = {record.key for record in hostile_kb.list_records(kind="note")}
    pages = [page for page in sorted(hostile_site.rglob("*.html"))
             if page.parent.name != "records" or page.stem in notes]
    urls = [page.as_uri() for page in pages]
    search = (hostile_site / "search.html").as_uri()
    urls += [f"{search}?q={word}" for word in ("script", "img", "alert", "onerror", "javascript")]
    started = time.perf_counter()
    for url in urls:
        seen = _visit(driver, url)
        assert seen["dialogs"] == [] and seen["pwned"] == 0, (url, seen)
        scripts = {str(src).rsplit("/", 1)[-1] for src in seen["scripts"]}  # type: ignore[union-attr]
        assert scripts <= OWN_SCRIPTS, (url, seen["scripts"])
        assert seen["frames"] == 0, url
        assert seen["url"] == url, (url, seen["url"])  # no meta refresh, no script navigation
    site_root = hostile_site.resolve().as_uri()
    requested = requested_urls(driver)
    assert len(requested) >= len(pages)
    outside = [url for url in requested if not url.startswith(site_root)]
    assert outside == [], outside[:10]
    logs = driver.get_log("browser")  # type: ignore[attr-defined]
    violations = [entry["message"] for entry in logs if "Content Security Policy" in entry["message"]
                  or "Refused" in entry["message"]]
    assert violations == [], violations[:5]
    assert driver.find_elements("css selector", "#search-results li")  # type: ignore[attr-defined]
    print(f"{len(urls)} pages of the hostile site opened in {time.perf_counter() - started:.1f} s")


def test_the_planted_helper_would_have_been_seen(chromium: object, hostile_site: Path, tmp_path: Path) -> None:
    """The check above can fail: a page that does load the planted helper is caught."""
    page = hostile_site / "records" / "planted-check.html"
    page.write_text('<!DOCTYPE html><script src="../../tools/helper.js"></script>')
    seen = _visit(chromium, page.as_uri())
    assert seen["pwned"] == 1 and seen["dialogs"] == ["alert:planted helper ran"]
