"""``harmonize review export|import|stats --memory DB``: the decision database from the command line, for
teams that review in spreadsheets (``ray_app.review``)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from jobs.args import add_config, add_memory, load_args_config

EXAMPLE = ("harmonize review stats  --memory build/review/decisions.sqlite\n"
           "harmonize review export --memory build/review/decisions.sqlite --out decisions.csv\n"
           "harmonize review export --memory build/review/decisions.sqlite --out conceptmap.json   # FHIR R4 ConceptMap\n"
           "harmonize review import --memory build/review/decisions.sqlite --index build/demo_index \\\n"
           "    --input reviewed.xlsx --reviewer alice        # rows whose code column was edited")


def add_review(sub) -> None:
    help_ = "the decision database: export decisions (CSV, FHIR ConceptMap), import a reviewed xlsx, statistics"
    r = sub.add_parser("review", help=help_, description=help_, epilog="example:\n  " + EXAMPLE.replace("\n", "\n  "),
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    rs = r.add_subparsers(dest="review_cmd", required=True, metavar="SUBCOMMAND")

    ex = rs.add_parser("export", help="decisions as CSV, or as a FHIR R4 ConceptMap (validated with fhir.resources)")
    add_memory(ex, required=True)
    ex.add_argument("--out", help="file to write (.csv or .json); default: standard output")
    ex.add_argument("--format", choices=["csv", "conceptmap"], help="default: from --out's suffix (.json = "
                                                                    "conceptmap), else csv")
    add_config(ex)
    ex.set_defaults(fn=cmd_export)

    im = rs.add_parser("import", help="a reviewed spreadsheet (a mapped file whose code column was edited, or with "
                                      "a 'Review Status' column) -> decisions")
    add_memory(im, required=True)
    im.add_argument("--input", required=True, help=".xlsx / .csv / .parquet: a harmonize map output, reviewed")
    im.add_argument("--index", required=True, help="the index whose catalog the codes are checked against")
    im.add_argument("--reviewer", required=True, help="who reviewed the file (recorded with each decision)")
    im.add_argument("--text-column", metavar="NAME", help="default 'Input Entity Description'")
    im.add_argument("--type-column", metavar="NAME", help="default 'Entity Type'")
    im.add_argument("--code-column", metavar="NAME", help="default 'Output Target Code'")
    im.add_argument("--sheet", help="xlsx sheet name (default: the first sheet with the text and type columns)")
    im.add_argument("--dry-run", action="store_true", help="report what would be imported; write nothing")
    add_config(im)
    im.set_defaults(fn=cmd_import)

    st = rs.add_parser("stats", help="items per status, entity type and reviewer; history writes")
    add_memory(st, required=True)
    add_config(st)
    st.set_defaults(fn=cmd_stats)


def _write(text: str, out: str | None) -> None:
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_export(args) -> int:
    from ray_app.review.db import ReviewDB
    from ray_app.review.export import concept_map, decisions_csv

    db = ReviewDB(args.memory)
    fmt = args.format or ("conceptmap" if (args.out or "").lower().endswith(".json") else "csv")
    try:
        if fmt == "csv":
            text = decisions_csv(db.all())
        else:
            text = json.dumps(concept_map(db.all()), indent=2, ensure_ascii=False) + "\n"
    finally:
        db.close()
    _write(text, args.out)
    if args.out:
        print(f"[review] {fmt} -> {args.out}", file=sys.stderr)
    return 0


def cmd_import(args) -> int:
    from ray_app.engine import check_index
    from ray_app.review.db import ReviewDB
    from ray_app.review.importer import import_reviewed
    from ray_app.review.memory import CatalogCodes

    cfg = load_args_config(args)
    meta = check_index(args.index, cfg)
    db = ReviewDB(args.memory)
    try:
        rep = import_reviewed(args.input, db, CatalogCodes(args.index), cfg, args.reviewer,
                              catalog_fingerprint=meta["catalog"]["fingerprint"], text_col=args.text_column,
                              type_col=args.type_column, code_col=args.code_column, sheet=args.sheet,
                              dry_run=args.dry_run)
    finally:
        db.close()
    for p in rep.problems:
        print(f"[review] {p}", file=sys.stderr)
    verb = "would import" if args.dry_run else "imported"
    print(f"[review] {rep.rows:,} rows: {verb} {rep.decisions} decision(s) ({rep.approved} approved, "
          f"{rep.not_in_catalog} not in catalog), {rep.unchanged} unchanged, {len(rep.problems)} problem(s)")
    return 1 if rep.problems else 0


def cmd_stats(args) -> int:
    from ray_app.review.db import ReviewDB

    db = ReviewDB(args.memory)
    try:
        print(json.dumps(db.stats(), indent=2))
    finally:
        db.close()
    return 0
