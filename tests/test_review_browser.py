"""The review page in real headless Chromium against the real Serve app on the tiny index: upload a CSV and
watch the progress, download the mapped file; review with the keyboard (candidate #2 for one item, "not in
catalog" for another), reload; export the ConceptMap and validate it; then `harmonize map --memory` on the
same file. Screenshots at 1440 and 390 px go to build/screenshots/ (review_*.png).

Skipped only when HARMONIZE_SKIP_BROWSER=1; a missing browser is a failure (scripts/test.sh installs it).
"""
from __future__ import annotations

import json
import os
import time

import pandas as pd
import pytest

from serve_util import start_app, stop_app
from test_site_browser import SHOTS, browser, click, wait  # noqa: F401  (the module's Chromium fixture)

pytestmark = pytest.mark.skipif(os.environ.get("HARMONIZE_SKIP_BROWSER") == "1",
                                reason="HARMONIZE_SKIP_BROWSER=1 set explicitly")
ROWS = [("heart attack", "Diagnosis"), ("chest xr", "Procedure"), ("Heart  Attack", "dx"), ("sore thraot", "Diagnosis"),
        ("paracetamol 500 mg", "Medicine"), ("zzqx unknown thing", "Diagnosis"), ("hba1c", "Lab"),
        ("asthma", "Diagnosis"), ("appendix removal", "Procedure"), ("", "Lab")]


@pytest.fixture(scope="module")
def live(ray_local, tiny_index, tmp_path_factory):
    from ray_app.config import load_config

    work = tmp_path_factory.mktemp("review-ui") / "work"
    cfg = load_config(None, [f"review.work_dir={work}", "review.block_rows=2", "serve.ingress_cpus=0.1",
                             "serve.embedder_cpus=0.3", "serve.replica_cpus=0.3", "serve.engine_cpus=0.6"])
    # each block of an upload job waits 0.5 s: the progress is seen moving, not only its end
    base = start_app(tiny_index, cfg, "review-ui", ingress_env={"HARMONIZE_TEST_BLOCK_DELAY": "0.5"})
    yield {"base": base, "work": work, "index": tiny_index}
    stop_app()


def _downloads(d, folder):
    folder.mkdir(parents=True, exist_ok=True)
    d.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})


def _downloaded(folder, name, timeout=60):
    path = folder / name
    deadline = time.time() + timeout
    while time.time() < deadline:
        if path.exists() and path.stat().st_size and not (folder / (name + ".crdownload")).exists():
            return path
        time.sleep(0.2)
    raise AssertionError(f"{name} was not downloaded to {folder}: {list(folder.iterdir())}")


def _keys(d, keys):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(d).send_keys(keys).perform()


def _no_overflow(d):
    return d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def _item_text(d):
    return d.execute_script("const i = document.querySelector('#rv-item .rv-text'); return i ? i.textContent : null")


def _go_to(d, text):
    """Move with j / k only until the item panel shows ``text``."""
    for key in ("j", "k"):
        for _ in range(len(ROWS) + 2):
            if _item_text(d) == text:
                return
            _keys(d, key)
            time.sleep(0.05)
    raise AssertionError(f"item {text!r} not reached with j/k")


def test_upload_review_export_and_memory(browser, live, tmp_path):  # noqa: F811
    from selenium.webdriver.common.by import By

    d = browser
    d.set_window_size(1440, 1000)
    down = tmp_path / "downloads"
    _downloads(d, down)
    src = tmp_path / "ward.csv"
    pd.DataFrame({"Row": [str(i) for i in range(len(ROWS))], "Input Entity Description": [t for t, _ in ROWS],
                  "Entity Type": [e for _, e in ROWS]}).to_csv(src, index=False)
    d.get(live["base"] + "/review")
    wait(d, lambda d: d.find_element(By.ID, "rv-status").text.strip().lower() == "live api", what="live badge")
    who = d.find_element(By.ID, "rv-reviewer")
    who.clear()
    who.send_keys("frank")
    d.find_element(By.ID, "rv-file").send_keys(str(src))

    # 1. progress while the job runs, then the download
    fig = wait(d, lambda d: "ETA" in (t := d.find_element(By.ID, "rv-job-figures").text) and t, what="live progress")
    assert "rows/s" in fig and f"/ {len(ROWS)} rows" in fig
    SHOTS.mkdir(parents=True, exist_ok=True)
    d.save_screenshot(str(SHOTS / "review_upload_1440.png"))
    wait(d, lambda d: d.find_element(By.ID, "rv-job-status").text.lower() == "done", what="job done")
    assert f"{len(ROWS)} / {len(ROWS)} rows" in d.find_element(By.ID, "rv-job-figures").text
    click(d, d.find_element(By.CSS_SELECTOR, '[data-download="csv"]'))
    mapped = pd.read_csv(_downloaded(down, "ward_mapped.csv"), dtype=str, keep_default_na=False)
    assert mapped["Row"].tolist() == [str(i) for i in range(len(ROWS))] and mapped["Output Target Code"][0] == "22298006"

    # 2. the queue with the keyboard: candidate #2 for "heart attack", "not in catalog" for the nonsense row
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rv-list li")) == 8, what="queue items")
    d.execute_script("document.getElementById('rv-item').focus()")
    _go_to(d, "heart attack")
    second = d.find_element(By.CSS_SELECTOR, '#rv-item tr[data-rank="2"] td.desc code').text
    first_rows = d.find_element(By.CSS_SELECTOR, "#rv-item .rv-meta").text
    assert first_rows.startswith("2 rows")  # "heart attack" and "Heart  Attack": one item
    _keys(d, "2")
    wait(d, lambda d: "1 / 8 items decided" in d.find_element(By.ID, "rv-summary").text, what="first decision")
    _go_to(d, "zzqx unknown thing")
    _keys(d, "n")
    wait(d, lambda d: "2 / 8 items decided" in d.find_element(By.ID, "rv-summary").text, what="second decision")
    _go_to(d, "heart attack")
    assert "✓ chosen" in d.execute_script(
        "return getComputedStyle(document.querySelector('#rv-item tr.chosen td.desc'), '::after').content")
    assert second in d.find_element(By.CSS_SELECTOR, "#rv-item tr.chosen").text
    # a catalog search through GET /v1/search, from the keyboard
    _keys(d, "/")
    box = d.switch_to.active_element
    assert box.get_attribute("type") == "search"
    box.send_keys("myocardial infarction\n")
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#rv-item .rv-search-results button"), what="search results")
    assert "22298006" in d.find_element(By.CSS_SELECTOR, "#rv-item .rv-search-results").text
    d.save_screenshot(str(SHOTS / "review_queue_1440.png"))
    # progress survives a reload (decisions are in the database; the item in the URL)
    d.refresh()
    wait(d, lambda d: "2 / 8 items decided" in d.find_element(By.ID, "rv-summary").text, what="summary after reload")
    assert _item_text(d) == "heart attack"

    # 3. the ConceptMap export, validated
    click(d, d.find_element(By.ID, "rv-export-cm"))
    from fhir.resources.R4B.conceptmap import ConceptMap

    cm = ConceptMap.model_validate(json.loads(_downloaded(down, "conceptmap.json").read_text()))
    dx = next(g for g in cm.group if g.source == "urn:harmonize:source-text:diagnosis")
    targets = {e.code: e.target[0] for e in dx.element}
    assert targets["heart attack"].code == second and targets["zzqx unknown thing"].equivalence == "unmatched"

    # 4. harmonize map --memory on the same file: reviewed rows carry the decision, every row in order
    from jobs.cli import main

    out = tmp_path / "again.csv"
    assert main(["map", "--local", "--index", live["index"], "--input", str(src), "--output", str(out),
                 "--memory", str(live["work"] / "decisions.sqlite")]) == 0
    again = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert again["Row"].tolist() == mapped["Row"].tolist()
    assert again["Output Target Code"][0] == again["Output Target Code"][2] == second
    assert again["Output Flags"][0] == "reviewed" and again["Output Reviewed By"][0] == "frank"
    assert again["Output Flags"][5] == "reviewed;not_in_catalog"
    assert again["Output Target Code"][1] == mapped["Output Target Code"][1]  # not reviewed: the engine's answer

    # screenshots at 390 px: no horizontal overflow on either screen
    d.set_window_size(390, 844)
    d.refresh()
    wait(d, lambda d: "2 / 8 items decided" in d.find_element(By.ID, "rv-summary").text, what="mobile load")
    d.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.3)
    assert _no_overflow(d)
    d.save_screenshot(str(SHOTS / "review_upload_390.png"))
    d.execute_script("document.getElementById('review').scrollIntoView({behavior: 'instant'})")
    time.sleep(0.3)
    assert _no_overflow(d)
    d.save_screenshot(str(SHOTS / "review_queue_390.png"))
    d.set_window_size(1280, 1900)
