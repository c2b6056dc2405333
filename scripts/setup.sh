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
