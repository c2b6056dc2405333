"""The web page in real headless Chromium (Debian's chromium + chromedriver via selenium), against the real
Serve app on the demo index; then the static export from disk. Screenshots go to build/screenshots/.

Skipped only when HARMONIZE_SKIP_BROWSER=1; a missing browser is a failure (scripts/test.sh installs it).
"""
from __future__ import annotations

import os
import shutil
import time

import pytest

from conftest import REPO
from serve_util import start_app, stop_app

pytestmark = pytest.mark.skipif(os.environ.get("HARMONIZE_SKIP_BROWSER") == "1",
                                reason="HARMONIZE_SKIP_BROWSER=1 set explicitly")
SHOTS = REPO / "build" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,1900"]


def _binary(*names: str) -> str:
    for n in names:
        path = shutil.which(n)
        if path:
            return path
    raise AssertionError(f"none of {names} is installed: scripts/test.sh installs Debian's chromium and "
                         "chromium-driver (set HARMONIZE_SKIP_BROWSER=1 to skip this test on purpose)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    os.environ.setdefault("SE_OFFLINE", "true")  # selenium-manager must not try to download a driver
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    opts = Options()
    opts.binary_location = _binary("chromium", "chromium-browser")
    for flag in FLAGS:
        opts.add_argument(flag)
    opts.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(_binary("chromedriver")), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def live(ray_local, demo_index):
    from ray_app.config import load_config

    cfg = load_config(None, ["serve.ingress_cpus=0.1", "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3",
                                   "serve.engine_cpus=0.6"])
    yield start_app(demo_index, cfg, "demo")
    stop_app()


def wait(driver, cond, timeout=60, what="condition"):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    # the page re-renders its result list on every answer: an element found a moment ago may be gone
    return WebDriverWait(driver, timeout, poll_frequency=0.2, ignored_exceptions=(StaleElementReferenceException,)
                         ).until(lambda d: cond(d), message=what)


def click(driver, element):
    """Scroll to the middle of the viewport (clear of the sticky header), then click like a person."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def rank_codes(driver):
    """The ranking table's codes in one read (the table is re-rendered under a live slider)."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#rank-body tr[data-code]')].map(r => r.dataset.code)")


def test_live_page_demo_and_sliders(browser, live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    d = browser
    d.get(live + "/")
    wait(d, lambda d: d.find_element(By.ID, "mode-badge").text.strip().lower() == "live api", what="live badge")
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples-body code")) == 8, what="examples table")
    assert "✓" in d.find_element(By.ID, "examples-body").text
    SHOTS.mkdir(parents=True, exist_ok=True)
    d.save_screenshot(str(SHOTS / "site_top.png"))

    # the demo: type "chest xr" as a Procedure, see the card for 399208008
    box = d.find_element(By.ID, "demo-text")
    box.clear()
    box.send_keys("chest xr")
    Select(d.find_element(By.ID, "demo-type")).select_by_visible_text("Procedure")
    box.send_keys(Keys.ENTER)
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-results li.card"), what="demo cards")
    first = d.find_elements(By.CSS_SELECTOR, "#demo-results li.card")[0]
    assert first.get_attribute("data-code") == "399208008"
    assert "Plain X-ray of chest" in first.text and "SNOMED CT" in first.text and "TTY" in first.text
    click(d, first.find_element(By.CSS_SELECTOR, "details.why summary"))
    assert "dense" in first.find_element(By.CSS_SELECTOR, ".signals").text
    assert "ms round trip" in d.find_element(By.ID, "demo-meta").text

    # a slider re-ranks through the API: with the type fit at 0, the substance "Bilirubin" (a Lab input means
    # the measurement) moves above the test
    box.clear()
    box.send_keys("Bilirubin")
    Select(d.find_element(By.ID, "demo-type")).select_by_visible_text("Lab")
    box.send_keys(Keys.ENTER)
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-results li.card")
         and d.find_elements(By.CSS_SELECTOR, "#demo-results li.card")[0].get_attribute("data-code") == "359986008",
         what="Bilirubin card")
    wait(d, lambda d: len(rank_codes(d)) >= 5 and "Bilirubin" in d.find_element(By.ID, "sliders-query").text,
         what="ranking table")
    before = rank_codes(d)
    slider = d.find_element(By.ID, "slider-w_sty")
    d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", slider)
    slider.send_keys(Keys.HOME)  # keyboard, as a person would: to 0
    wait(d, lambda d: rank_codes(d) != before, what="re-ranked order")
    assert "w_sty=0" in d.find_element(By.ID, "weights-status").text
    assert any(td.text.startswith(("▲", "▼")) for td in d.find_elements(By.CSS_SELECTOR, "#rank-body td.delta"))
    d.execute_script("document.getElementById('demo').scrollIntoView({behavior: 'instant'})")
    time.sleep(0.5)
    d.save_screenshot(str(SHOTS / "site_demo.png"))
    d.execute_script("document.getElementById('scoring').scrollIntoView({behavior: 'instant'})")
    d.save_screenshot(str(SHOTS / "site_scoring.png"))


def test_api_text_is_escaped(browser, live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser
    d.get(live + "/")
    wait(d, lambda d: d.find_element(By.ID, "mode-badge").text.strip().lower() == "live api", what="live badge")
    probe = '<img src=x onerror="document.title=1">'
    box = d.find_element(By.ID, "demo-text")
    box.send_keys(probe, Keys.ENTER)
    wait(d, lambda d: probe in d.find_element(By.ID, "sliders-query").text, what="query echoed as text")
    assert not d.find_elements(By.CSS_SELECTOR, "#sliders-query img, #demo-results img")
    assert d.title != "1"


def test_keyboard_popover(browser, live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser
    d.get(live + "/")
    q = d.find_element(By.CSS_SELECTOR, 'button.q[aria-controls="pop-2"]')
    d.execute_script("arguments[0].focus()", q)
    q.send_keys(Keys.ENTER)
    assert q.get_attribute("aria-expanded") == "true" and d.find_element(By.ID, "pop-2").is_displayed()
    q.send_keys(Keys.ESCAPE)
    assert not d.find_element(By.ID, "pop-2").is_displayed()


def test_static_export_replays_recorded_results(browser, demo_index, config, tmp_path):
    from selenium.webdriver.common.by import By

    from ray_app.engine import load_engine
    from ray_app.online.shape import online_config
    from ray_app.online.site_export import export_site, record

    export_site(tmp_path / "docs", record(load_engine(demo_index, online_config(config)), config))
    d = browser
    d.get((tmp_path / "docs" / "index.html").as_uri())
    wait(d, lambda d: d.find_element(By.ID, "mode-badge").text.strip().lower() == "recorded results", what="badge")
    chip = next(b for b in d.find_elements(By.CSS_SELECTOR, "#demo-examples button") if b.text == "chest xr · Procedure")
    click(d, chip)
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-results li.card"), what="recorded cards")
    assert d.find_elements(By.CSS_SELECTOR, "#demo-results li.card")[0].get_attribute("data-code") == "399208008"
    assert "recorded" in d.find_element(By.ID, "demo-meta").text
    assert d.find_element(By.ID, "slider-w_sty").get_attribute("disabled") is not None
    d.save_screenshot(str(SHOTS / "site_recorded.png"))


def test_openapi_docs_render_without_network(browser, live):
    from selenium.webdriver.common.by import By

    d = browser
    d.get(live + "/docs")
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock-summary-path"), what="Swagger UI")
    paths = {e.text.replace("\u200b", "") for e in d.find_elements(By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/v1/map", "/v1/map/batch", "/v1/health", "/v1/catalog"} <= paths


def no_horizontal_overflow(d) -> bool:
    return d.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_mobile_390_no_overflow_nav_menu_and_no_match_state(browser, live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    d = browser
    d.set_window_size(390, 900)
    try:
        d.get(live + "/")
        wait(d, lambda d: d.find_element(By.ID, "mode-badge").text.strip().lower() == "live api", what="live badge")
        wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#examples-body code")) == 8, what="examples table")
        wait(d, lambda d: len(rank_codes(d)) >= 3, what="ranking table")
        SHOTS.mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(SHOTS / "site_390_top.png"))
        assert no_horizontal_overflow(d), d.execute_script("return document.documentElement.scrollWidth")
        # the nav collapses into a menu that works
        nav, toggle = d.find_element(By.ID, "site-nav"), d.find_element(By.CSS_SELECTOR, ".nav-toggle")
        assert toggle.is_displayed() and not nav.is_displayed()
        toggle.click()
        wait(d, lambda d: nav.is_displayed(), what="menu open")
        assert toggle.get_attribute("aria-expanded") == "true"
        d.save_screenshot(str(SHOTS / "site_390_menu.png"))
        nav.find_element(By.CSS_SELECTOR, 'a[href="#demo"]').click()
        wait(d, lambda d: not nav.is_displayed(), what="menu closed after a link")
        # the stacked architecture diagram replaces the wide SVG
        assert d.find_element(By.CSS_SELECTOR, ".arch-stack").is_displayed()
        assert not d.find_element(By.CSS_SELECTOR, ".diagram-scroll").is_displayed()
        d.execute_script("document.getElementById('architecture').scrollIntoView({behavior: 'instant'})")
        d.save_screenshot(str(SHOTS / "site_390_architecture.png"))
        # gibberish: no confident match, said so, not a confident card
        box = d.find_element(By.ID, "demo-text")
        box.clear()
        box.send_keys("xqzvlk brrmph wug", Keys.ENTER)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-results .verdict"), what="verdict")
        verdict = d.find_element(By.CSS_SELECTOR, "#demo-results .verdict")
        assert "no-match" in verdict.get_attribute("class") and "No confident match" in verdict.text
        assert no_horizontal_overflow(d)
        d.execute_script("arguments[0].scrollIntoView({block: 'start', behavior: 'instant'})", verdict)
        d.save_screenshot(str(SHOTS / "site_390_no_match.png"))
        d.execute_script("document.getElementById('scoring').scrollIntoView({behavior: 'instant'})")
        d.save_screenshot(str(SHOTS / "site_390_scoring.png"))
        assert no_horizontal_overflow(d)
    finally:
        d.set_window_size(1280, 1900)


def test_desktop_1440_one_scale_why_this_and_sliders(browser, live):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import Select

    d = browser
    d.set_window_size(1440, 1000)
    try:
        d.get(live + "/")
        wait(d, lambda d: d.find_element(By.ID, "mode-badge").text.strip().lower() == "live api", what="live badge")
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#perf-body tr[data-key]"), what="figures")
        assert d.find_element(By.ID, "stat-p50").text != "–"
        origin = d.execute_script("return location.origin")
        assert origin in d.find_element(By.ID, "code-curl").get_attribute("textContent")
        SHOTS.mkdir(parents=True, exist_ok=True)
        d.save_screenshot(str(SHOTS / "site_1440_top.png"))
        names = [e.get_attribute("name") for e in d.find_elements(By.CSS_SELECTOR, "#slider-list input[type=range]")]
        assert {"w_drug", "w_context", "w_dense"} <= set(names)
        assert d.find_element(By.ID, "slider-w_dense").get_attribute("max") == "2"
        box = d.find_element(By.ID, "demo-text")
        box.clear()
        box.send_keys("chest xr")
        Select(d.find_element(By.ID, "demo-type")).select_by_visible_text("Procedure")
        box.send_keys(Keys.ENTER)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#demo-results li.card"), what="demo cards")
        cards = d.find_elements(By.CSS_SELECTOR, "#demo-results li.card")
        labels = [c.find_element(By.CSS_SELECTOR, ".conf-label").text for c in cards]
        assert len(set(labels)) == 1 and "score" in labels[0].lower()  # one scale on every card
        widths = d.execute_script("return [...document.querySelectorAll('#demo-results li.card .meter > span')]"
                                  ".map(s => parseFloat(s.style.width))")
        assert widths == sorted(widths, reverse=True), widths
        first = cards[0]
        click(d, first.find_element(By.CSS_SELECTOR, "details.why summary"))
        why = first.find_element(By.CSS_SELECTOR, "details.why").text
        assert "proposed by" in why and "x-ray" in why.lower() and "w_dense" in why and "w_context" in why
        d.execute_script("document.getElementById('demo').scrollIntoView({behavior: 'instant'})")
        d.save_screenshot(str(SHOTS / "site_1440_demo.png"))
        # every weight at 0: the page warns
        for name in names:
            el = d.find_element(By.ID, f"slider-{name}")
            d.execute_script("arguments[0].value = 0; arguments[0].dispatchEvent(new Event('input'))", el)
        assert d.find_element(By.ID, "weights-warning").is_displayed()
        d.execute_script("document.getElementById('scoring').scrollIntoView({behavior: 'instant'})")
        d.save_screenshot(str(SHOTS / "site_1440_scoring.png"))
        # a pop-over opens on hover and does not stretch the step cards
        heights = d.execute_script("return [...document.querySelectorAll('.step')].map(s => s.offsetHeight)")
        from selenium.webdriver import ActionChains

        q = d.find_element(By.CSS_SELECTOR, 'button.q[aria-controls="pop-3"]')
        d.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", q)
        ActionChains(d).move_to_element(q).perform()
        wait(d, lambda d: d.find_element(By.ID, "pop-3").is_displayed(), what="hover pop-over")
        assert d.execute_script("return [...document.querySelectorAll('.step')].map(s => s.offsetHeight)") == heights
    finally:
        d.set_window_size(1280, 1900)
