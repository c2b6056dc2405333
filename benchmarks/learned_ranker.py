"""Would a learned ranker over the candidate signals beat the engine's own ranking? (issue 11, item 7)

Per dev set, the engine's top 10 per row with each candidate's signals (score, dense, fuzzy, lexical,
sty, agreement, drug, number of sources, whether the exact source proposed it), each also relative to the
row's best value; a model of "this candidate is a gold code" re-orders the 10. Figures are k-fold
out-of-fold: a row is re-ranked by a model fitted without its fold (the other dev sets, when used for
training, are always in). The engine's acc@1 on the same rows is printed beside it.

    python benchmarks/learned_ranker.py \
        --dev realistic=BENCH:../shared/data/eval/realistic_dev_gold.csv \
        --dev cadec=BENCH:../shared/data/eval/cadec_gold.csv \
        --dev synthetic=SYNTH:DEV/synthetic_gold.csv

The model is fitted here only; nothing is shipped unless its out-of-fold gain is real.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.batch.backend import LocalBackend  # noqa: E402
from ray_app.batch.driver import Mapper  # noqa: E402
from ray_app.engine import load_engine  # noqa: E402
from ray_app.evaluate.gold import read_gold  # noqa: E402
from ray_app.match.matcher import Matcher  # noqa: E402

from calibrate import collect_dev_sets, dev_set_args  # noqa: E402  (this script's folder is on sys.path)

K = 10


def collect(index: str, gold_path: str, cfg) -> dict:
    """Candidate features, labels and the row each candidate belongs to."""
    engine = load_engine(index, cfg)
    m = engine.matcher
    gold = read_gold(gold_path)
    mapper = Mapper(LocalBackend(Matcher(m.bundle, cfg, m.embedder), cfg.ray.embed_batch_size), cfg, engine.expander)
    rows = mapper.map(gold["text"].tolist(), gold["entity_type"].tolist()).rows
    X, y, q = [], [], []
    for qi, (r, codes) in enumerate(zip(rows, gold["codes"])):
        for c in r.candidates[:K]:
            s = c.signals
            X.append([c.score, s.dense, s.fuzzy, s.lexical, s.sty, s.agreement, s.drug, len(c.via), "exact" in c.via])
            y.append(c.code in codes)
            q.append(qi)
    X, q = np.array(X, float), np.array(q)
    rel = X.copy()
    for qi in np.unique(q):  # each feature also against the row's best: what a ranker compares
        sel = q == qi
        rel[sel] -= rel[sel].max(axis=0)
    return {"X": np.hstack([X, rel]), "y": np.array(y, bool), "q": q, "n": len(rows)}


def acc1(d: dict, score: np.ndarray) -> float:
    """acc@1 when each row's candidates are ordered by ``score`` (ties: the engine's order); rows without
    candidates count as misses."""
    hits = sum(bool(d["y"][i[np.argmax(score[i])]]) for i in (np.flatnonzero(d["q"] == qi) for qi in np.unique(d["q"])))
    return hits / d["n"]


def main(argv=None) -> int:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression

    args = dev_set_args(__doc__, argv)
    sets = collect_dev_sets(args, K, collect)
    models = {
        "logistic": lambda: LogisticRegression(C=1.0, max_iter=2000),
        "gradient boosting": lambda: HistGradientBoostingClassifier(max_iter=100, learning_rate=0.05, max_depth=3),
    }
    engine_order = {n: d["X"][:, 0] - 1e-6 * np.arange(len(d["y"])) for n, d in sets.items()}
    print("| model | trained on | " + " | ".join(f"{n} acc@1 (engine → out-of-fold)" for n in sets) + " |")
    print("|---|---|" + "---|" * len(sets))
    rng = np.random.default_rng(0)
    # one fold draw per set, shared by every model row: the rows differ by the model only
    folds = {name: rng.integers(0, args.folds, d["n"])[d["q"]] for name, d in sets.items()}
    for mname, make in models.items():
        for train in ("each set alone", "all sets"):
            cells = []
            for name, d in sets.items():
                fold = folds[name]
                pred = np.zeros(len(d["y"]))
                for f in range(args.folds):
                    if (fold == f).all() or len(set(d["y"][fold != f])) < 2:
                        raise SystemExit(f"{name}: too few rows (or no gold in the top {K}) for {args.folds} folds")
                    parts = [(d["X"][fold != f], d["y"][fold != f])]
                    if train == "all sets":
                        parts += [(o["X"], o["y"]) for o_name, o in sets.items() if o_name != name]
                    # every set weighs the same, whatever its size
                    w = np.concatenate([np.full(len(py), 1.0 / len(py)) for _, py in parts])
                    model = make().fit(np.vstack([px for px, _ in parts]), np.concatenate([py for _, py in parts]),
                                       sample_weight=w * len(w))
                    pred[fold == f] = model.predict_proba(d["X"][fold == f])[:, 1]
                cells.append(f"{acc1(d, engine_order[name]):.3f} → {acc1(d, pred):.3f}")
            print(f"| {mname} | {train} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
