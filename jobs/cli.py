"""``harmonize``: build an index, map a file, query one entity, or evaluate against a gold file.

build/map/eval run through Ray by default (the same code as the ``jobs/`` entrypoints, with the same
flags: ``jobs/args.py``); ``--local`` runs the same engine in this process without Ray.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# the model library's "Loading weights" bars are noise on a CLI's stderr (read when transformers is imported)
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

from ray_app.config import Config, load_config

from jobs.args import (add_build, add_catalog, add_config, add_enrich, add_eval, add_llm, add_map, load_args_config,
                       map_kwargs, pin_index, preflight_map, report_dir)
from ray_app.version import version

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

        emb = Embedder.from_config(cfg.model, catalog=True)
        build_index(catalogs, args.out, cfg, local_embed_stream(emb), emb.dim, base=args.base,
                    versioned=args.versioned, enrich=args.enrich)
    else:
        from jobs.build_index import run

        run(catalogs, args.out, cfg, base=args.base, versioned=args.versioned, enrich=args.enrich)
    return 0


def cmd_enrich(args) -> int:
    from jobs.enrich_catalog import run

    run(args, _config(args), local=args.local)
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
    meta = preflight_map(args, cfg)  # a missing file or column fails here, in well under a second
    from ray_app.index.versions import catalog_label

    print(f"[map] index {args.index}, catalog version {catalog_label(meta)}", flush=True)
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
    from ray_app.engine import check_index, load_engine
    from dataclasses import fields

    from ray_app.result import Signals, to_dict

    cfg = _config(args)
    check_index(args.index, cfg)  # before the model loads
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
    if args.json:  # flags and via as lists, exactly as the API returns them
        print(json.dumps(to_dict(res), indent=2))
        return 0 if res.code else 1
    if not res.code:
        print(f"{text!r} ({args.type}): not mapped; flags: {';'.join(res.flags)}")
        return 1
    print(f"{text!r} ({args.type}) -> {res.system} {res.code} {res.description!r}  "
          f"confidence {res.confidence:.2f}" + (f"  flags: {';'.join(res.flags)}" if res.flags else ""))
    if res.llm_expansion or res.llm_reason:
        print(f"    LLM expansion: {res.llm_expansion}\n    LLM reason: {res.llm_reason}")
    names = [f.name for f in fields(Signals)]
    short = {"agreement": "agree", "lexical": "lexic"}
    print(f"{'#':>2}  {'code':<12} {'score':>6} " + " ".join(f"{short.get(n, n):>6}" for n in names)
          + f"  {'TTY':<5} description  [STY]")
    for c in res.candidates:
        print(f"{c.rank:>2}  {c.code:<12} {c.score:>6.3f} "
              + " ".join(f"{getattr(c.signals, n):>6.3f}" for n in names)
              + f"  {c.tty:<5} {c.description}  [{c.sty}]")
        print(f"{'':>16}matched {c.matched!r}  via {','.join(c.via) or '-'}")
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
    from ray_app.online.site_export import check_site, export_site, record

    cfg = _config(args)
    recorded = record(load_engine(args.index, online_config(cfg)), cfg)
    if args.check:
        problems = check_site(args.out, recorded)
        for p in problems:
            print(f"[site] stale: {p}", file=sys.stderr)
        if problems:
            print(f"[site] {args.out} is out of date: run harmonize site --index {args.index} --out {args.out}",
                  file=sys.stderr)
            return 1
        print(f"[site] {args.out} is up to date ({len(recorded['results'])} recorded results)")
        return 0
    files = export_site(args.out, recorded)
    print(f"[site] {len(files)} files -> {args.out} ({len(recorded['results'])} recorded results); "
          f"open {Path(args.out) / 'index.html'}")
    return 0


EXAMPLES = {
    "build": "harmonize build --out build/demo_index                       # the embedded demo catalog\n"
             "harmonize build --catalog snomed.parquet rxnorm.parquet --out idx --set index.type=hnsw\n"
             "harmonize build --catalog next_month/*.parquet --base idx --out idx     # idx/current switches\n"
             "harmonize build --catalog SnomedCT_Release/Snapshot/ rrf/RXNCONSO.RRF --out idx  # releases, converted",
    "enrich": "harmonize enrich --index build/demo_index --out build/enrich --limit 50 --sample 5\n"
              "harmonize enrich --index build/demo_index --out build/enrich --verify-only\n"
              "harmonize build --enrich build/enrich --base build/demo_index --out build/demo_enriched",
    "tune": "harmonize tune --catalog my_*.parquet --out models/tuned --local",
    "map": "harmonize map --index build/demo_index --input examples/sample_input.csv --output build/out.xlsx --local\n"
           "harmonize map --index build/demo_index --input in.csv --output out.xlsx --memory build/review/decisions.sqlite\n"
           "harmonize map --index idx --input s3://bucket/feed/ --output s3://bucket/mapped/ --top-k 3 --resume",
    "catalog": "harmonize catalog convert SnomedCT_Release/Snapshot/ --out build/catalog/",
    "query": "harmonize query --index build/demo_index --type Procedure chest xr\n"
             "harmonize query --index build/demo_index --type Medicine --top-k 3 --json paracetamol 500 mg",
    "eval": "harmonize eval --index build/demo_index --gold gold.csv --report build/reports/gold",
    "serve": "harmonize serve --index build/demo_index --port 8000     # page at /, API docs at /docs, /fhir/metadata",
    "site": "harmonize site --index build/demo_index --out docs/         # then: harmonize site ... --check in CI",
}


def _sub(sub, name: str, help: str, **kw):
    return sub.add_parser(name, help=help, description=help, epilog="example:\n  " + EXAMPLES[name].replace(
        "\n", "\n  "), formatter_class=argparse.RawDescriptionHelpFormatter, **kw)


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="harmonize", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="'harmonize COMMAND --help' shows each command's flags and an example.")
    ap.add_argument("--version", action="version", version=f"harmonize {version()}")
    sub = ap.add_subparsers(dest="cmd", required=True, metavar="COMMAND")

    b = _sub(sub, "build", "embed a catalog and build the FAISS index bundle (with --base: incrementally, "
                           "as a new version)")
    add_build(b)
    b.add_argument("--local", action="store_true", help="embed in this process instead of a Ray actor pool")
    b.set_defaults(fn=cmd_build)

    en = _sub(sub, "enrich", "ask the LLM, per catalog code, for a plain-language description, alternate "
                             "keywords and facets (resumable; Ray Data over the llm engine pool)")
    add_enrich(en)
    en.add_argument("--local", action="store_true", help="run the engine in this process instead of Ray")
    en.set_defaults(fn=cmd_enrich)

    t = _sub(sub, "tune", "fine-tune the embedding model on the catalog's synonyms (optional; "
                          "then build and map with --set model.path=OUT)")
    add_catalog(t, "directory for the tuned sentence-transformers model")
    t.add_argument("--local", action="store_true", help="train in this process instead of a Ray task "
                                                        "(which takes a GPU when the cluster has one)")
    t.set_defaults(fn=cmd_tune)

    m = _sub(sub, "map", "map a csv/xlsx/parquet file of entities (paths and columns are checked first)")
    add_map(m)
    m.add_argument("--local", action="store_true", help="match in this process instead of Ray actors")
    m.set_defaults(fn=cmd_map)

    cat = _sub(sub, "catalog", "terminology releases -> catalog parquet")
    cat_sub = cat.add_subparsers(dest="catalog_cmd", required=True, metavar="SUBCOMMAND")
    cv = cat_sub.add_parser("convert", help="UMLS (MRCONSO+MRSTY), RxNorm (RXNCONSO), SNOMED CT RF2 snapshot or "
                                            "FHIR ValueSet/CodeSystem JSON -> catalog_*.parquet, with a report",
                            epilog="example:\n  " + EXAMPLES["catalog"],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    cv.add_argument("source", nargs="+", help="release files or folders (format detected)")
    cv.add_argument("--out", required=True, help="output folder (ending in /) or file prefix")
    cv.add_argument("--sab", nargs="+", default=["SNOMEDCT_US", "RXNORM"], help="UMLS sources to keep "
                                                                                "(default: SNOMEDCT_US RXNORM)")
    cv.add_argument("--language", default="ENG", help="UMLS LAT to keep (default ENG)")
    cv.set_defaults(fn=cmd_catalog_convert)

    q = _sub(sub, "query", "map one entity and print the ranked candidates with every signal, the matched "
                           "string and the sources that proposed each (via)")
    q.add_argument("--index", required=True, help="index directory built by `harmonize build`")
    q.add_argument("--type", required=True, help="entity type: Medicine, Diagnosis, Procedure or Lab "
                                                 "(variants such as Medication, dx, Lab Test are accepted)")
    q.add_argument("--top-k", type=int, default=5, metavar="K", help="candidates to show (default 5)")
    q.add_argument("--json", action="store_true", help="print the result as JSON (the API's shape: flags and "
                                                       "via as lists)")
    q.add_argument("text", nargs="+", help="the clinical text (several words need no quotes)")
    add_llm(q)
    add_config(q)
    q.set_defaults(fn=cmd_query)

    e = _sub(sub, "eval", "score the engine (and baselines) against a gold csv/xlsx")
    add_eval(e)
    e.add_argument("--ray", action="store_true", help="run the engine in Ray actors (as jobs.evaluate does) "
                                                      "instead of this process")
    e.add_argument("--verbose", "-v", action="store_true", help="print progress")
    e.set_defaults(fn=cmd_eval)

    sv = _sub(sub, "serve", "the online API, FHIR terminology operations and web page on Ray Serve "
                            "(local Ray unless RAY_ADDRESS)")
    sv.add_argument("--index", required=True, help="index directory built by `harmonize build`")
    sv.add_argument("--host", help="bind address (default serve.host: 127.0.0.1)")
    sv.add_argument("--port", type=int, help="port (default serve.port: 8000)")
    add_llm(sv)
    add_config(sv)
    sv.set_defaults(fn=cmd_serve)

    st = _sub(sub, "site", "export the web page as a static copy whose demo replays recorded results")
    st.add_argument("--index", required=True, help="index to record the demo results from")
    st.add_argument("--out", default="docs/", help="output directory (default docs/, for GitHub Pages)")
    st.add_argument("--check", action="store_true", help="write nothing; exit 1 when OUT differs from a fresh "
                                                         "export (the page's files, the recorded codes)")
    add_config(st)
    st.set_defaults(fn=cmd_site)

    from jobs.review import add_review

    add_review(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.cmd != "serve":
            pin_index(args)
        return args.fn(args)
    except (ValueError, OSError, RuntimeError) as exc:  # FileNotFoundError, PermissionError are OSErrors
        print(f"harmonize {args.cmd}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
