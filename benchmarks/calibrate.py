"""Fit the confidence model on the dev sets: a logistic regression from the winner's signals to "top-1 is
right", so that ``Output Confidence`` reads as a probability and ``needs_review`` (confidence < 0.5 by
default) marks rows more likely wrong than right.

    python benchmarks/calibrate.py \
        --dev cadec=build/bench_index:build/devsets/cadec_gold.csv \
        --dev synthetic=build/synth_index:build/devsets/synthetic_gold.csv \
        --dev hackathon=build/demo_index:../shared/data/eval/hackathon_samples.csv

Prints the coefficients to paste into ``ray_app/match/score.py`` (CONFIDENCE_COEF), and the expected
calibration error (ECE) and review-flag figures of the current and the fitted model, per dev set, with a
k-fold cross-fit (``--folds``, 5) so the figures are not measured on the rows the model was fit on. A
gold file without a code column (inputs whose concept is not in the catalog) counts every answer as wrong:
its "answered" share is what the review flag lets through.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.config import load_config  # noqa: E402
from ray_app.engine import load_engine  # noqa: E402
from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.evaluate.gold import read_gold  # noqa: E402
from ray_app.evaluate.harness import build_rankers, evaluate  # noqa: E402
from ray_app.evaluate.metrics import K_EVAL  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402
from ray_app.match.score import CONFIDENCE_FEATURES, confidence, confidence_features  # noqa: E402


def collect(index: str, gold_path: str, cfg) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Winner features, "top-1 is right", current confidence. A file without a code column lists inputs
    whose concept is not in the catalog: every answer there is wrong (what the review flag must catch)."""
    import pandas as pd

    from ray_app.batch.source import read_table
    from ray_app.evaluate.gold import GOLD_CODE, gold_frame

    table = read_table(gold_path)
    if GOLD_CODE not in table.columns:
        gold = gold_frame(table.iloc[:, 0].tolist(), table.iloc[:, 1].tolist(), ["<not in catalog>"] * len(table))
    else:
        gold = read_gold(gold_path)
    engine = load_engine(index, cfg)
    m = engine.matcher
    rankers = build_rankers(lambda c: LocalBackend(Matcher(m.bundle, c, m.embedder), c.ray.embed_batch_size),
                            m.bundle, cfg, engine.expander, baselines=False)
    res = evaluate(gold, rankers, m.bundle)
    ranked, ranks = res.ranked["full"], res.rows["rank_full"].to_numpy()
    keep = [i for i, r in enumerate(ranked) if r["candidates"]]
    X = np.array([confidence_features(ranked[i]["candidates"]) for i in keep], dtype=np.float64)
    y = (ranks[keep] == 1).astype(np.int64)
    current = np.array([float(ranked[i]["confidence"]) for i in keep])
    return X, y, current


def ece(p: np.ndarray, y: np.ndarray, bins: int = 10) -> float:
    idx = np.minimum((p * bins).astype(int), bins - 1)
    return float(sum(abs(p[idx == b].mean() - y[idx == b].mean()) * (idx == b).mean()
                     for b in range(bins) if (idx == b).any()))


def review_figures(p: np.ndarray, y: np.ndarray, threshold: float = 0.5) -> str:
    flag = p < threshold
    return (f"flagged {flag.mean():.2f}, acc@1 flagged {y[flag].mean() if flag.any() else float('nan'):.2f}, "
            f"acc@1 answered {y[~flag].mean() if (~flag).any() else float('nan'):.2f}")


def dev_set_args(doc: str, argv=None) -> argparse.Namespace:
    """The command line both dev-set fitters take: --dev NAME=INDEX:GOLD (repeated), --config, --set, --folds."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dev", action="append", required=True, metavar="NAME=INDEX:GOLD")
    ap.add_argument("--config")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--folds", type=int, default=5, help="k of the k-fold cross-fit (out-of-fold figures)")
    return ap.parse_args(argv)


def collect_dev_sets(args: argparse.Namespace, top_k: int, collect_one) -> dict:
    """``collect_one(index, gold, cfg)`` per --dev, by name, with the config of --config/--set at ``top_k``."""
    cfg = load_config(args.config, args.set)
    cfg.match.top_k = top_k
    sets = {}
    for dev in args.dev:
        name, _, rest = dev.partition("=")
        index, _, gold = rest.partition(":")
        sets[name] = collect_one(index, gold, cfg)
    return sets


def main(argv=None) -> int:
    from sklearn.linear_model import LogisticRegression

    args = dev_set_args(__doc__, argv)
    sets = collect_dev_sets(args, K_EVAL, collect)
    # every dev set weighs the same, whatever its size
    X = np.vstack([v[0] for v in sets.values()])
    y = np.concatenate([v[1] for v in sets.values()])
    w = np.concatenate([np.full(len(v[1]), 1.0 / len(v[1])) for v in sets.values()]) * len(y) / len(sets)
    fit = lambda a, b, c: LogisticRegression(C=1.0, max_iter=1000).fit(a, b, sample_weight=c)  # noqa: E731
    rng = np.random.default_rng(0)
    fold = rng.integers(0, args.folds, len(y))
    cross = np.zeros(len(y))
    for f in range(args.folds):
        m = fit(X[fold != f], y[fold != f], w[fold != f])
        cross[fold == f] = m.predict_proba(X[fold == f])[:, 1]
    model = fit(X, y, w)
    start = 0
    for name, (Xs, ys, cur) in sets.items():
        sl = slice(start, start + len(ys))
        start += len(ys)
        print(f"{name}: n={len(ys)} acc@1={ys.mean():.3f}")
        print(f"  current: ECE {ece(cur, ys):.3f}; {review_figures(cur, ys)}")
        print(f"  fitted (cross-fit): ECE {ece(cross[sl], ys):.3f}; {review_figures(cross[sl], ys)}")
    for target in (0.9, 0.92, 0.95):  # the review threshold that keeps answered rows this precise (cross-fit)
        t = next((t for t in np.arange(0.3, 0.96, 0.01) if y[cross >= t].mean() >= target), None)
        if t is not None:
            sel = cross >= t
            print(f"threshold for answered precision >= {target}: {t:.2f} (answers {sel.mean():.2f} of all rows)")
    coef = {"intercept": round(float(model.intercept_[0]), 4),
            **{n: round(float(c), 4) for n, c in zip(CONFIDENCE_FEATURES, model.coef_[0])}}
    print("CONFIDENCE_COEF =", json.dumps(coef))
    check = np.array([confidence(x) for x in X[:5]])
    print("current confidence() on the first rows:", np.round(check, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
