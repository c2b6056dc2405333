#!/usr/bin/env bash
# Installs what the tests need, then runs them (real model, real FAISS, local Ray).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The web page's browser test drives Debian's chromium through chromedriver (selenium, from the test extras).
# Installed once, idempotently; HARMONIZE_SKIP_BROWSER=1 skips that test on purpose, and nothing else does.
if [ "${HARMONIZE_SKIP_BROWSER:-0}" != "1" ] && ! { command -v chromium >/dev/null && command -v chromedriver >/dev/null; }; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "scripts/test.sh: chromium + chromium-driver are missing and cannot be installed here (not root/apt);" \
         "the browser test will fail (HARMONIZE_SKIP_BROWSER=1 skips it)" >&2
  fi
fi
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false HARMONIZE_PROGRESS=0
python -m pytest -q -p no:cacheprovider "$@"
