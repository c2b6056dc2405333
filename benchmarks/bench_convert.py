"""Throughput and memory of catalog ingest (ray_app.catalog.sources.convert) on a synthetic UMLS release.

Writes MRCONSO.RRF (``--rows`` lines; a real one has ~16M) and MRSTY.RRF with the real field layout and a
realistic mix: ~40% SNOMEDCT_US with valid SCTIDs, ~15% RXNORM, the rest other SABs; some non-English and
suppressed rows, a few bad check digits. Each conversion runs in a fresh process so its peak RSS
(resource.getrusage ru_maxrss) is its own; the figures are medians over ``--runs``.

    python benchmarks/bench_convert.py --rows 2000000 --runs 3
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ray_app.catalog.sources.validate import verhoeff_check_digit  # noqa: E402

OTHER_SABS = ["MSH", "LNC", "MTH", "NCI", "MDR", "ICD10CM", "SNOMEDCT_VET", "MEDCIN"]
STYS = [("T047", "B2.2.1.2.1", "Disease or Syndrome"), ("T033", "A2.2", "Finding"),
        ("T121", "A1.4.1.1.1", "Pharmacologic Substance"), ("T109", "A1.4.1.2.1", "Organic Chemical"),
        ("T200", "A1.3.3", "Clinical Drug"), ("T061", "B1.3.1.3", "Therapeutic or Preventive Procedure")]


def sctids(n: int, rng: np.random.Generator) -> list[str]:
    bodies = 10_000 + rng.choice(99_990_000, size=n, replace=False)  # an int population: not materialised
    return [f"{b}00" + verhoeff_check_digit(f"{b}00") for b in bodies.tolist()]


def generate(meta: Path, rows: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    n_cui = max(rows // 4, 1)
    codes = sctids(n_cui, rng)
    cui = rng.integers(0, n_cui, rows)
    kind = rng.random(rows)  # <0.40 SNOMED, <0.55 RXNORM, else another SAB
    lat = np.where(rng.random(rows) < 0.10, "SPA", "ENG")
    sup = rng.choice(np.array(["N", "O", "E", "Y"]), size=rows, p=[0.93, 0.04, 0.01, 0.02])
    bad = rng.random(rows) < 0.001
    ttys = np.array(["PT", "FN", "SY"])
    with open(meta / "MRCONSO.RRF", "w") as fh:
        for i in range(rows):
            c = int(cui[i])
            if kind[i] < 0.40:
                sab, tty, code = "SNOMEDCT_US", ttys[i % 3], codes[c]
                code = code[:-1] + str((int(code[-1]) + 1) % 10) if bad[i] else code
            elif kind[i] < 0.55:
                sab, tty, code = "RXNORM", "SCD" if i % 2 else "IN", str(100_000 + c)
            else:
                sab, tty, code = OTHER_SABS[i % len(OTHER_SABS)], "PT", f"X{c}"
            fh.write(f"C{c:07d}|{lat[i]}|P|L{i:07d}|PF|S{i:07d}|Y|A{i:08d}||{code}||{sab}|{tty}|{code}|"
                     f"Synthetic concept {c} name {i % 7} of {sab}|0|{sup[i]}|256|\n")
    with open(meta / "MRSTY.RRF", "w") as fh:
        for c in range(n_cui):
            for t in (STYS[c % len(STYS)], STYS[(c * 7 + 3) % len(STYS)])[: 1 + c % 2]:
                fh.write(f"C{c:07d}|{t[0]}|{t[1]}|{t[2]}|AT{c:08d}|256|\n")


CHILD = """
import json, resource, sys
sys.path.insert(0, {repo!r})
from ray_app.catalog.sources import convert
if {measure_baseline}:
    rep = {{}}
else:
    rep = convert([{meta!r}], {out!r}, chunk_rows={chunk})
rep["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
# ru_maxrss survives fork+exec on Linux (it can include the parent's size at fork); VmHWM is this image's own
rep["vmhwm_mib"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps(rep))
"""


def run_child(meta: Path, out: str, chunk: int, baseline: bool = False) -> dict:
    code = CHILD.format(repo=str(REPO), meta=str(meta), out=out, chunk=chunk, measure_baseline=baseline)
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chunk-rows", type=int, default=200_000)
    ap.add_argument("--workdir", default=None, help="where the synthetic release goes (default: a temp dir)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        meta = Path(tmp) / "2024AA" / "META"
        meta.mkdir(parents=True)
        t0 = time.perf_counter()
        generate(meta, args.rows)
        size = (meta / "MRCONSO.RRF").stat().st_size / 2**20
        print(f"generated {args.rows:,} MRCONSO rows ({size:.0f} MiB) in {time.perf_counter() - t0:.1f}s")
        base = run_child(meta, f"{tmp}/out/", args.chunk_rows, baseline=True)["vmhwm_mib"]
        reps = [run_child(meta, f"{tmp}/out/", args.chunk_rows) for _ in range(args.runs)]
    med = lambda k: statistics.median(r[k] for r in reps)  # noqa: E731
    print(json.dumps({k: reps[0][k] for k in ("rows_written", "filtered", "rejected")}))
    print(f"rows read (MRCONSO+MRSTY): {reps[0]['rows_read']:,}; chunk_rows={args.chunk_rows:,}; runs={args.runs}")
    print(f"median elapsed {med('elapsed_s'):.2f}s  median {med('rows_per_s'):,.0f} rows/s  "
          f"median peak RSS {med('peak_rss_mib'):.0f} MiB (getrusage), {med('vmhwm_mib'):.0f} MiB (VmHWM; "
          f"imports alone: {base:.0f} MiB)")


if __name__ == "__main__":
    main()
