"""The one definition of every command-line flag, shared by ``harmonize`` and the Ray Job entrypoints
(``python -m jobs.map_file`` takes exactly ``harmonize map``'s flags, with the same defaults)."""
from __future__ import annotations

import argparse


def add_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", metavar="FILE.yaml",
                   help="YAML config file (sections: model, index, match, ray, serve, tune, llm, enrich, review)")
    p.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one config value, e.g. --set ray.index_replicas=4")


def add_llm(p: argparse.ArgumentParser) -> None:
    p.add_argument("--llm", choices=["off", "expand", "rerank", "full"], default=None,
                   help="the LLM stage (config llm.mode, default off): expand = LLM keywords/description/STYs "
                        "as extra anchors before embedding; rerank = the LLM picks one code of the shortlist; "
                        "full = both. Engine: llm.backend (vllm actors, or an OpenAI-compatible llm.endpoint)")


def load_args_config(args):
    """The config a parsed command line asks for: --config, then --set, then --llm."""
    from ray_app.config import check_llm, load_config

    cfg = load_config(args.config, args.set)
    if getattr(args, "llm", None):
        cfg.llm.mode = args.llm
    return check_llm(cfg)


CATALOG_HELP = ("parquet file(s) in the CUI/System/TTY/CODE/STR/STY schema, or terminology release files/folders "
                "(UMLS or RxNorm RRF, SNOMED CT RF2 snapshot, FHIR JSON or .tgz: converted on the fly, as "
                "`harmonize catalog convert` does)")


def add_catalog(p: argparse.ArgumentParser, out_help: str, required: bool = False) -> None:
    p.add_argument("--catalog", nargs="+", required=required,
                   help=CATALOG_HELP + " (default: the embedded demo catalog)")
    p.add_argument("--out", required=True, help=out_help)
    add_config(p)


def add_build(p: argparse.ArgumentParser, required: bool = False) -> None:
    """``harmonize build`` / ``python -m jobs.build_index``: the catalog flags plus incremental rebuilds."""
    add_catalog(p, "index directory to write; with --base or --versioned (or when it already has a 'current' "
                   "pointer) a versioned root: the build goes to OUT/<time>-<catalog version>/ and OUT/current "
                   "switches to it once complete", required=required)
    p.add_argument("--base", metavar="OLD_INDEX", help="an earlier index (directory or versioned root): reuse its "
                                                       "vectors of every unchanged string, embed only new ones, and "
                                                       "write the catalog diff (diff.json, diff.md) into the new index")
    p.add_argument("--versioned", action="store_true", help="write OUT as a versioned root even without --base")
    p.add_argument("--enrich", metavar="ENRICH_DIR", help="add the LLM enrichment of `harmonize enrich` as extra "
                                                          "index rows (TTY LLM; weighed by match.llm_rows_weight "
                                                          "at query time, 0 = off; never a display name)")


def add_enrich(p: argparse.ArgumentParser) -> None:
    """``harmonize enrich`` / ``python -m jobs.enrich_catalog``."""
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--index", help="enrich the codes of this index (built by `harmonize build`)")
    src.add_argument("--catalog", nargs="+", help="... or of these catalogs: " + CATALOG_HELP)
    p.add_argument("--out", required=True, metavar="ENRICH_DIR", help="results folder (parquet shards); a rerun "
                                                                      "skips enriched codes, asks failed ones again")
    p.add_argument("--limit", type=int, metavar="N", help="enrich at most N of the codes still to do (test mode)")
    p.add_argument("--verify-only", action="store_true", help="enrich nothing: print the coverage report (codes "
                                                              "enriched / failed / missing per system)")
    p.add_argument("--sample", type=int, metavar="K", help="print K enriched results (alone: without a run; with "
                                                           "--limit: after it)")
    add_config(p)


def add_map(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", required=True, help="index directory built by `harmonize build`")
    p.add_argument("--input", required=True, help="csv/tsv/xlsx/parquet file, a directory of shards, or a URI "
                                                  "(s3://, gs://, file://)")
    p.add_argument("--output", required=True, help=".xlsx, .csv, .tsv or .parquet file, or a directory/URI "
                                                   "without suffix for parquet parts + manifest")
    p.add_argument("--top-k", type=int, default=0, metavar="K", help="also write the top K candidates as columns "
                                                                     "(default 0: the best code only)")
    p.add_argument("--text-column", metavar="NAME", help="column with the clinical text "
                                                         "(default 'Input Entity Description')")
    p.add_argument("--type-column", metavar="NAME", help="column with the entity type (default 'Entity Type')")
    p.add_argument("--sheet", help="xlsx sheet name (default: the first sheet with the text and type columns)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its manifest "
                                                         "(same input, config and index)")
    p.add_argument("--keep-parts", action="store_true", help="keep OUTPUT.parts/ (parquet parts + manifest) "
                                                             "after merging into a single-file output")
    p.add_argument("--csv-safe", action="store_true", help="csv/tsv output: prefix cells that start with "
                                                           "= + - @ tab or CR with ' (spreadsheet formula injection)")
    add_memory(p)
    add_llm(p)
    add_config(p)


def add_memory(p: argparse.ArgumentParser, required: bool = False) -> None:
    p.add_argument("--memory", metavar="DB", required=required,
                   help="decision database (a SQLite file or a SQLAlchemy URL such as postgresql://...): "
                        "reviewed items map straight to their decision (flag reviewed)")


def add_eval(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", required=True, help="index directory built by `harmonize build`")
    p.add_argument("--gold", required=True, help="columns 'Input Entity Description', 'Entity Type', "
                                                 "'Standard Code' (acceptable codes separated by ';')")
    p.add_argument("--report", help="report directory (default build/reports/<gold file stem>)")
    p.add_argument("--baselines", action=argparse.BooleanOptionalAction, default=True,
                   help="also run the dense-only and fuzzy-only baselines (default: on)")
    p.add_argument("--limit", type=int, metavar="N", help="evaluate a seeded sample of N gold rows")
    add_llm(p)
    add_config(p)


def preflight_map(args, config) -> dict:
    """What ``map`` can check before a model loads or Ray starts: the index (meta.json, file sizes, the
    model's fingerprint), the output type, the input file and its text/type columns (header only)."""
    import pandas as pd

    from ray_app.batch.sink import OutputLayout
    from ray_app.batch.source import Source
    from ray_app.batch.tables import TEXT_COLUMN, TYPE_COLUMN, resolve_columns
    from ray_app.engine import check_index

    meta = check_index(args.index, config)
    OutputLayout(args.output)
    if getattr(args, "memory", None):  # the schema version is checked here, not after the model loads
        from ray_app.review.db import ReviewDB

        ReviewDB(args.memory).close()
    want = (args.text_column or TEXT_COLUMN, args.type_column or TYPE_COLUMN)
    source = Source(args.input, args.sheet, 1, columns=want)
    resolve_columns(pd.DataFrame(columns=source.schema.names), *want, source=str(args.input))
    return meta


def map_kwargs(args) -> dict:
    """The ``map_stream`` keywords a parsed ``add_map`` command line asks for."""
    return {"top_k": args.top_k, "text_col": args.text_column, "type_col": args.type_column,
            "sheet": args.sheet, "resume": args.resume, "keep_parts": args.keep_parts, "csv_safe": args.csv_safe,
            "memory": args.memory}


def report_dir(args) -> str:
    from pathlib import Path

    return args.report or str(Path("build") / "reports" / Path(args.gold).stem)


def pin_index(args) -> None:
    """``--index`` given as a versioned root: the run reads the version ``current`` names now, to its end,
    even if a build switches the pointer meanwhile (``harmonize serve`` follows the pointer instead)."""
    if getattr(args, "index", None):
        from ray_app.index.versions import resolve_index_dir

        args.index = str(resolve_index_dir(args.index))


def job_main(prog: str, doc: str, add, run, argv: list[str] | None = None) -> int:
    """A Ray Job entrypoint: parse ``add``'s flags, load the config, ``run(args, config)``; engine errors
    are one line on stderr and exit status 2."""
    import sys

    ap = argparse.ArgumentParser(prog=prog, description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    add(ap)
    args = ap.parse_args(argv)
    try:
        pin_index(args)
        run(args, load_args_config(args))
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    return 0
