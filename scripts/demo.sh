#!/usr/bin/env bash
# The main job on the embedded default catalog: set up, build the index through local Ray,
# then map examples/sample_input.csv through local Ray (embedding pool + IndexReplica actors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
INDEX=${INDEX:-build/demo_index}
if [ ! -f "$INDEX/meta.json" ]; then
  harmonize build --out "$INDEX"
fi
harmonize map --index "$INDEX" --input examples/sample_input.csv --output build/sample_output.xlsx --top-k 3
python - <<'PY'
import pandas as pd
out = pd.read_excel("build/sample_output.xlsx", dtype=str).fillna("")
cols = ["Input Entity Description", "Entity Type", "Output Coding System", "Output Target Code",
        "Output Target Description", "Output Confidence", "Output Flags"]
pd.set_option("display.width", 200, "display.max_colwidth", 45)
print(out[cols].to_string(index=False))
print("\nwrote build/sample_output.xlsx (+ .meta.json)")
PY
