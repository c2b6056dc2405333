"""``harmonize``: build an index, map a file, query one entity, or evaluate against a gold file.

build/map/eval run through Ray by default (the same code as the ``jobs/`` entrypoints, with the same
flags: ``jobs/args.py``); ``--local`` runs the same engine in this process without Ray.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ray_app.config import Config, load_config

from jobs.args import add_catalog, add_config, add_eval, add_llm, add_map, load_args_config, map_kwargs, report_dir

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent.parent / "data" / "catalogs"


def default_catalogs() -> list[str]:
    found = sorted(str(p) for p in DEFAULT_CATALOG_DIR.glob("*.parquet"))
    if not found:
        raise SystemExit(f"no --catalog given and no default catalog in {DEFAULT_CATALOG_DIR}")
    return found


def _config(args) -> Config:
    return load_args_config(args)


def cmd_build(args) -> int:
    cfg = _config(args)
    catalogs = args.catalog or default_catalogs()
    if args.local:
        from ray_app.index.build import build_index, local_embed_stream
        from ray_app.embed import Embedder

        emb = Embedder.from_config(cfg.model)
        build_index(catalogs, args.out, cfg, local_embed_stream(emb), emb.dim)
    else:
        from jobs.build_index import run

        run(catalogs, args.out, cfg)
    return 0


def cmd_tune(args) -> int:
    cfg = _config(args)
    catalogs = args.catalog or default_catalogs()
    if args.local:
        from ray_app.tune import tune_model

        tune_model(catalogs, args.out, cfg)
    else:
        from jobs.tune_model import run

        run(catalogs, args.out, cfg)
    return 0


def cmd_map(args) -> int:
    cfg = _config(args)
    if args.local:
        from ray_app.batch.driver import run_local

        stats = run_local(args.index, args.input, args.output, cfg, **map_kwargs(args))
        print(f"[map] {stats['rows']:,} rows in {stats['seconds']}s -> {args.output}; flags: {stats['flags']}")
    else:
        from jobs.map_file import run

        run(args.index, args.input, args.output, cfg, **map_kwargs(args))
    return 0


def cmd_query(args) -> int:
    from ray_app.batch.backend import LocalBackend
    from ray_app.batch.driver import Mapper
    from ray_app.engine import load_engine
    from ray_app.result import to_dict

    cfg = _config(args)
    cfg.match.top_k = max(cfg.match.top_k, args.top_k)
    engine = load_engine(args.index, cfg)
    text = " ".join(args.text)
    llm = None
    if cfg.llm.mode != "off":
        from actors.llm_pool import make_llm_stage

        llm = make_llm_stage(cfg, args.index, local=True)
    try:
        res = Mapper(LocalBackend(engine.matcher, 1), cfg, engine.expander, llm=llm).map([text], [args.type]).rows[0]
    finally:
        if llm is not None:
            llm.close()
    res = res.trimmed(args.top_k)
    if not res.code:
        print(f"{text!r} ({args.type}): not mapped; flags: {';'.join(res.flags)}")
        return 1
    if args.json:
        print(json.dumps(to_dict(res), indent=2))
        return 0
    print(f"{text!r} ({args.type}) -> {res.system} {res.code} {res.description!r}  "
          f"confidence {res.confidence:.2f}" + (f"  flags: {';'.join(res.flags)}" if res.flags else ""))
    if res.llm_expansion or res.llm_reason:
        print(f"    LLM expansion: {res.llm_expansion}\n    LLM reason: {res.llm_reason}")
    print(f"{'#':>2}  {'code':<12} {'score':>6} {'dense':>6} {'fuzzy':>6} {'sty':>5}  {'TTY':<5} description  [STY]")
    for c in res.candidates:
        s = c.signals
        print(f"{c.rank:>2}  {c.code:<12} {c.score:>6.3f} {s.dense:>6.3f} {s.fuzzy:>6.3f} "
              f"{s.sty:>5.2f}  {c.tty:<5} {c.description}  [{c.sty}]  via {','.join(c.via)}")
    return 0


def cmd_eval(args) -> int:
    cfg = _config(args)
    report = report_dir(args)
    if not args.ray:
        from ray_app.evaluate.harness import run_local

        out = run_local(args.index, args.gold, cfg, report, baselines=args.baselines, limit=args.limit,
                        log=print if args.verbose else (lambda m: None))
        print(out["text"])
    else:
        from jobs.evaluate import run

        out = run(args.index, args.gold, report, cfg, args.baselines, args.limit,
                  log=print if args.verbose else (lambda m: None))
        print(out["text"])
    print(f"[eval] report -> {report} (metrics.json, summary.md, misses.csv with {out['n_misses']:,} rows)")
    return 0


def cmd_catalog_convert(args) -> int:
    """UMLS RRF, RxNorm RRF, SNOMED CT RF2 or FHIR JSON -> the canonical catalog parquet."""
    from ray_app.catalog.sources import convert

    report = convert(args.source, args.out, sabs=tuple(args.sab), language=args.language)
    print(json.dumps(report, indent=2, default=str))
    return 0


def cmd_serve(args) -> int:
    """Local Ray + Serve: the API and the web page until Ctrl-C (or SIGTERM)."""
    import signal
    import time

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a service manager's stop: shut Serve down cleanly too

    cfg = _config(args)
    if args.host:
        cfg.serve.host = args.host
    if args.port:
        cfg.serve.port = args.port
    from actors.runtime import init_ray
    from actors.serve_app import start

    ray = init_ray(cfg)
    from ray import serve

    try:
        start(args.index, cfg)
        url = f"http://{cfg.serve.host}:{cfg.serve.port}"
        print(f"[serve] {url}/ (page)  {url}/docs (OpenAPI)  {url}/v1/health; Ctrl-C stops", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        serve.shutdown()
        ray.shutdown()
    return 0


def cmd_site(args) -> int:
    from ray_app.engine import load_engine
    from ray_app.online.shape import online_config
    from ray_app.online.site_export import export_site, record

    cfg = _config(args)
    recorded = record(load_engine(args.index, online_config(cfg)), cfg)
    files = export_site(args.out, recorded)
    print(f"[site] {len(files)} files -> {args.out} ({len(recorded['results'])} recorded results); "
          f"open {Path(args.out) / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="harmonize", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    b = sub.add_parser("build", help="embed a catalog and build the FAISS index bundle")
    add_catalog(b, "index directory to write")
    b.add_argument("--local", action="store_true", help="embed in this process instead of a Ray actor pool")
    b.set_defaults(fn=cmd_build)

    t = sub.add_parser("tune", help="fine-tune the embedding model on the catalog's synonyms (optional; "
                                    "then build and map with --set model.path=OUT)")
    add_catalog(t, "directory for the tuned sentence-transformers model")
    t.add_argument("--local", action="store_true", help="train in this process instead of a Ray task "
                                                        "(which takes a GPU when the cluster has one)")
    t.set_defaults(fn=cmd_tune)

    m = sub.add_parser("map", help="map a csv/xlsx/parquet file of entities")
    add_map(m)
    m.add_argument("--local", action="store_true", help="match in this process instead of Ray actors")
    m.set_defaults(fn=cmd_map)

    cat = sub.add_parser("catalog", help="terminology releases -> catalog parquet")
    cat_sub = cat.add_subparsers(dest="catalog_cmd", required=True)
    cv = cat_sub.add_parser("convert", help="UMLS (MRCONSO+MRSTY), RxNorm (RXNCONSO), SNOMED CT RF2 snapshot or "
                                            "FHIR ValueSet/CodeSystem JSON -> catalog_*.parquet, with a report",
                            epilog="example: harmonize catalog convert SnomedCT_Release/Snapshot/ --out build/catalog/")
    cv.add_argument("source", nargs="+", help="release files or folders (format detected)")
    cv.add_argument("--out", required=True, help="output folder (ending in /) or file prefix")
    cv.add_argument("--sab", nargs="+", default=["SNOMEDCT_US", "RXNORM"], help="UMLS sources to keep")
    cv.add_argument("--language", default="ENG", help="UMLS LAT to keep")
    cv.set_defaults(fn=cmd_catalog_convert)

    q = sub.add_parser("query", help="map one entity and print the ranked candidates")
    q.add_argument("--index", required=True)
    q.add_argument("--type", required=True, help="Medicine, Diagnosis, Procedure or Lab")
    q.add_argument("--top-k", type=int, default=5)
    q.add_argument("--json", action="store_true")
    q.add_argument("text", nargs="+")
    add_llm(q)
    add_config(q)
    q.set_defaults(fn=cmd_query)

    e = sub.add_parser("eval", help="score the engine (and baselines) against a gold csv/xlsx")
    add_eval(e)
    e.add_argument("--ray", action="store_true", help="run the engine in Ray actors (as jobs.evaluate does) "
                                                      "instead of this process")
    e.add_argument("--verbose", "-v", action="store_true", help="print progress")
    e.set_defaults(fn=cmd_eval)

    sv = sub.add_parser("serve", help="the online API and web page on Ray Serve (local Ray unless RAY_ADDRESS)")
    sv.add_argument("--index", required=True)
    sv.add_argument("--host", help="bind address (default serve.host: 127.0.0.1)")
    sv.add_argument("--port", type=int, help="default serve.port: 8000")
    add_llm(sv)
    add_config(sv)
    sv.set_defaults(fn=cmd_serve)

    st = sub.add_parser("site", help="export the web page as a static copy whose demo replays recorded results")
    st.add_argument("--index", required=True, help="index to record the demo results from")
    st.add_argument("--out", required=True, help="output directory, e.g. docs/ for GitHub Pages")
    add_config(st)
    st.set_defaults(fn=cmd_site)

    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except (ValueError, OSError, RuntimeError) as exc:  # FileNotFoundError, PermissionError are OSErrors
        print(f"harmonize {args.cmd}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
