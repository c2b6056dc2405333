"""The page's static inputs: figures.json holds only figures that benchmarks/RESULTS.md states, and the
committed docs/ copy is what `harmonize site` exports now (run it when this fails)."""
from __future__ import annotations

import json

from conftest import REPO


def test_page_figures_come_from_the_benchmark_results():
    figures = json.loads((REPO / "ray_app" / "online" / "site" / "figures.json").read_text())
    results = (REPO / "benchmarks" / "RESULTS.md").read_text()
    keys = {f["key"] for f in figures["figures"]}
    for f in figures["figures"]:
        assert f["evidence"], f["key"]
        for ev in f["evidence"]:
            assert ev in results, f"{f['key']}: {ev!r} is not in benchmarks/RESULTS.md"
    for name, st in figures["stats"].items():
        assert st["figure"] in keys, name
        fig = next(f for f in figures["figures"] if f["key"] == st["figure"])
        assert st["value"].split()[0] in fig["value"], name
    html = (REPO / "ray_app" / "online" / "site" / "index.html").read_text()
    for fixed in ("52 ms", "8 / 8", "736 / 260"):  # the page states no figure of its own
        assert fixed not in html, fixed


def test_docs_copy_is_up_to_date(demo_index, config):
    from ray_app.engine import load_engine
    from ray_app.online.shape import online_config
    from ray_app.online.site_export import check_site, record

    stale = check_site(REPO / "docs", record(load_engine(demo_index, online_config(config)), config))
    assert not stale, ("docs/ is stale; regenerate it with: harmonize site --index <demo index> --out docs/\n"
                       + "\n".join(stale))
