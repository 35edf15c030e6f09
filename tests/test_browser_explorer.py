"""End-to-end: the explorer in real headless Chromium (Debian's chromium + chromedriver).

Screenshots go to test-artifacts/ (gitignored) so a reviewer can look at what was tested.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from test_web_support import HOSTILE_ID, dev_workspace, require_corpus, running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1400",
)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip("headless Chromium not installed: apt-get install -y chromium chromium-driver")
    require_corpus()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    ARTIFACTS.mkdir(exist_ok=True)
    with running_server(dev_workspace()) as base:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.implicitly_wait(5)
        driver.base = base
        try:
            yield driver
        finally:
            driver.quit()


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def shoot(driver, name: str) -> None:
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def test_open_a_story_and_see_its_timeline(browser):
    browser.get(browser.base + "/stories")
    link = by_css(browser, "table.list td a[href^='/stories/']")[0]
    headline = link.text
    link.click()
    assert browser.find_element("css selector", "h1").text == headline
    bars = by_css(browser, "svg.timeline rect.bar")
    assert bars, "the timeline has no bars"
    assert all(float(b.get_attribute("height")) > 0 for b in bars)
    assert by_css(browser, "#families ul.tree .badge")
    shoot(browser, "story")


def test_open_a_rewrite_and_see_its_diff(browser):
    browser.get(browser.base + "/stories")
    by_css(browser, "table.list td a[href^='/stories/']")[0].click()
    rewrites = [
        a.get_attribute("href")
        for a in by_css(browser, "#families li:has(> .rel-rewrite, > .rel-verbatim) > a")
    ]
    for href in rewrites:
        browser.get(href)
        if by_css(browser, "#comparison .diff"):
            break
    else:
        pytest.fail("no rewritten page of the story shows a diff")
    assert by_css(browser, "#comparison .diff ins") or by_css(browser, "#comparison .diff del")
    assert by_css(browser, "#family li.current")
    shoot(browser, "rewrite-diff")


def test_a_translation_is_shown_side_by_side(browser):
    browser.get(browser.base + "/stories")
    by_css(browser, "table.list td a[href^='/stories/']")[0].click()
    links = [
        a.get_attribute("href") for a in by_css(browser, "#families li:has(> .rel-translation) > a")
    ]
    if not links:
        pytest.skip("the match stage found no translation in this story")
    browser.get(links[0])
    assert by_css(browser, "#comparison .side-by-side-table td, #comparison .side-by-side .text")
    shoot(browser, "translation")


def test_search_shoigu_finds_the_actor_under_all_spellings(browser):
    from selenium.webdriver.common.keys import Keys

    browser.get(browser.base + "/")
    box = by_css(browser, "header form.search input[name=q]")[0]
    box.send_keys("Shoigu", Keys.ENTER)
    chips = {c.text for c in by_css(browser, "#actor-hits .chips li")}
    words = {word for chip in chips for word in chip.split()}
    assert {"Shoigu", "Shoygu"} <= words
    hits = {a.get_attribute("href") for a in by_css(browser, "ol.results li > a")}
    assert any(h.endswith("/pages/libya-2021-marsad") for h in hits)
    marks = {m.text for m in by_css(browser, "ol.results mark")}
    assert any("Shoygu" in m for m in marks)
    shoot(browser, "search-shoigu")
    by_css(browser, "#actor-hits a")[0].click()
    assert by_css(browser, "#spellings .chips li")
    shoot(browser, "actor")


def test_page_script_is_shown_as_text_and_never_runs(browser):
    browser.get(browser.base + "/pages/" + quote(HOSTILE_ID, safe=""))
    assert browser.execute_script("return window.__pwned === undefined")
    heading = browser.find_element("css selector", "h1").text
    assert "<script>" in heading or "Hostile title" in heading
    by_css(browser, "details#raw summary")[0].click()
    raw = by_css(browser, "details#raw pre")[0].text
    assert "<script>window.__pwned = 1;</script>" in raw
    assert browser.execute_script("return window.__pwned === undefined")
    assert not by_css(browser, "main img")
    shoot(browser, "hostile-page")


def test_outlet_network_is_drawn_and_clickable(browser):
    browser.get(browser.base + "/outlets")
    circles = by_css(browser, "#network svg circle")
    if not circles:
        assert "No copy links" in by_css(browser, "#network")[0].text
        return
    shoot(browser, "outlet-network")
    outlet = circles[0].get_attribute("data-outlet")
    circles[0].click()
    assert browser.find_element("css selector", "h1").text == outlet
    assert by_css(browser, "#network svg circle.focus")
    shoot(browser, "outlet")


def test_no_console_errors_from_our_pages(browser):
    browser.get(browser.base + "/outlets")
    by_css(browser, "#network svg, #network")  # wait for the network script
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
