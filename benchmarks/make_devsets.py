"""Build the seeded synthetic held-out dev set (and optionally check/copy the CADEC gold).

    python benchmarks/make_devsets.py --catalog data/catalogs/demo_*.parquet --out build/devsets --seed 13 --n-per-type 250
    harmonize build --local --catalog build/devsets/synthetic_catalog/*.parquet --out build/synth_index
    harmonize eval --index build/synth_index --gold build/devsets/synthetic_gold.csv --report build/reports/synthetic

Writes OUT/synthetic_gold.csv, OUT/synthetic_catalog/*.parquet (the catalog minus the held-out strings, same
schema) and OUT/manifest.json (seed, sizes, counts per type and variant). See ray_app/evaluate/devsets.py.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ray_app.evaluate.devsets import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
