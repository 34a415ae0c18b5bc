"""The exported site in a real browser: Debian's chromium, headless, driven by selenium through
chromedriver, opening the pages from file:// with no network. CI installs both (.ci/run) and sets
KBRIDGE_REQUIRE_BROWSER, so there a missing browser fails; elsewhere it skips, saying why."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kbridge.core import KnowledgeBase
from kbridge.formats.site import export_site
from tests.fixtures.browser import requested_urls, start_chromium


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield driver
    finally:
        driver.quit()  # type: ignore[attr-defined]


@pytest.fixture
def site(sample_kb: KnowledgeBase, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    export_site(sample_kb, out)
    return out


def test_search_finds_a_known_phrase_offline(browser: object, site: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get_log("performance")  # type: ignore[attr-defined]  # start from a clean log
    driver.get((site / "index.html").as_uri())  # type: ignore[attr-defined]
    box = driver.find_element(By.CSS_SELECTOR, "form.search input[name=q]")  # type: ignore[attr-defined]
    # A phrase from the body of CTL-001 (resources/sample/controls/CTL-001.md), not from a title.
    box.send_keys('"monthly Kyverno report"', Keys.ENTER)
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("search.html"))
    WebDriverWait(driver, 10).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results li")
    )
    hits = driver.find_elements(By.CSS_SELECTOR, "#search-results li a.key")  # type: ignore[attr-defined]
    assert [hit.text for hit in hits] == ["CTL-001"]
    status = driver.find_element(By.ID, "search-status").text  # type: ignore[attr-defined]
    assert status == "1 record matches."
    assert "Kyverno" in driver.find_element(By.CSS_SELECTOR, "#search-results mark").text  # type: ignore[attr-defined]
    hits[0].click()
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("records/CTL-001.html"))
    assert driver.find_element(By.CSS_SELECTOR, "h1.title").text.startswith("Secrets are never stored")  # type: ignore[attr-defined]
    # Titles are searched too, and rank first: four titles of the sample hold both words.
    driver.get((site / "search.html").as_uri() + "?q=postgres+ledger")  # type: ignore[attr-defined]
    keys = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#search-results li a.key")]  # type: ignore[attr-defined]
    assert set(keys[:4]) == {"ADR-0006", "EVT-002", "EVT-014", "SYS-002"} and len(keys) > 4
    # Without the quotes each word may stand anywhere: CTL-011 mentions Kyverno too.
    driver.get((site / "search.html").as_uri() + "?q=kyverno")  # type: ignore[attr-defined]
    keys = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#search-results li a.key")]  # type: ignore[attr-defined]
    assert sorted(keys) == ["CTL-001", "CTL-011"]
    # Words match from their start, accents and case aside: "ault" is in "Vault" and "default"
    # but starts no word, and "LUCIA" finds Lucía Ferrante.
    driver.get((site / "search.html").as_uri() + "?q=ault")  # type: ignore[attr-defined]
    assert driver.find_elements(By.CSS_SELECTOR, "#search-results li") == []  # type: ignore[attr-defined]
    assert driver.find_element(By.ID, "search-status").text == "0 records match."  # type: ignore[attr-defined]
    driver.get((site / "search.html").as_uri() + "?q=LUCIA")  # type: ignore[attr-defined]
    keys = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#search-results li a.key")]  # type: ignore[attr-defined]
    assert keys[0] == "PER-006"
    requested = requested_urls(driver)
    assert requested and all(url.startswith("file://") for url in requested), requested
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []


def test_status_and_timeline_filters(browser: object, site: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get((site / "kinds" / "decision.html").as_uri())  # type: ignore[attr-defined]
    rows = driver.find_elements(By.CSS_SELECTOR, "tr[data-status]")  # type: ignore[attr-defined]
    assert len([row for row in rows if row.is_displayed()]) == 25
    driver.find_element(By.CSS_SELECTOR, 'input[data-filter-status="superseded"]').click()  # type: ignore[attr-defined]
    shown = [row.get_attribute("data-status") for row in rows if row.is_displayed()]
    # Five decisions of the sample are superseded: ADR-0001, -0002, -0003, -0005 and -0008.
    assert len(shown) == 25 - 5 and "superseded" not in shown
    driver.get((site / "records" / "SYS-002.html").as_uri())  # type: ignore[attr-defined]
    entries = driver.find_elements(By.CSS_SELECTOR, "li.tl-entry")  # type: ignore[attr-defined]
    driver.find_element(By.CSS_SELECTOR, 'input[data-filter-kind="control"]').click()  # type: ignore[attr-defined]
    visible = {e.get_attribute("data-kind") for e in entries if e.is_displayed()}
    assert "control" not in visible and {"decision", "event", "incident"} <= visible
