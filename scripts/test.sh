#!/usr/bin/env bash
# Installs what the tests need, then runs them (real model, real FAISS, local Ray).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false HARMONIZE_PROGRESS=0
python -m pytest -q -p no:cacheprovider "$@"
