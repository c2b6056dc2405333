"""The harmonizer's version: the installed package's, else pyproject.toml's (a source checkout)."""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import metadata
from pathlib import Path


@lru_cache(maxsize=1)
def version() -> str:
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    if pyproject.exists():  # a checkout: its own pyproject, even when another copy is installed
        m = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"), re.M)
        if m:
            return m.group(1)
    try:
        return metadata.version("clinical-harmonizer")
    except metadata.PackageNotFoundError:
        return "0+unknown"
