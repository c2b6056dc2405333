"""Versioned index roots: each build in its own directory, a ``current`` pointer switched atomically.

Layout::

    ROOT/current -> 20261202T104400-41aee78da42da4a2     a relative symlink, replaced with os.replace
    ROOT/20261202T104400-41aee78da42da4a2/meta.json ...  one finished index bundle per build
    ROOT/20261203T091500-41aee78da42da4a2/ ...           the next build, written before the switch

A consumer gets either an index directory or a root; ``resolve_index_dir`` turns both into the concrete
version directory. Drivers resolve once at start, so a job that runs across a switch reads one version
to its end, and a build never becomes visible before its meta.json is written.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

CURRENT = "current"
META = "meta.json"  # written last by a build: a directory without it is not an index


class IndexVersionError(RuntimeError):
    """A path that is neither an index directory nor a versioned root with a usable ``current``."""


def catalog_label(meta: dict) -> str:
    """An index's catalog version: the release name, else the content fingerprint (also for indexes built
    before versions were recorded)."""
    return meta["catalog"].get("version") or meta["catalog"]["fingerprint"]


def is_root(path: str | Path) -> bool:
    return os.path.lexists(Path(path) / CURRENT)


def resolve_index_dir(path: str | Path) -> Path:
    """The concrete index directory of ``path``: itself when it holds meta.json (or is no root: the bundle
    loader then says what is missing), else the version its ``current`` pointer names."""
    p = Path(path)
    if (p / META).exists() or not is_root(p):
        return p
    target = p / CURRENT
    if not target.exists():
        raise IndexVersionError(f"{p}/{CURRENT} points to {os.readlink(target)!r}, which does not exist; "
                                f"switch it to a finished version with: harmonize build --base {p} --out {p} ...")
    return target.resolve()


def current_version(root: str | Path) -> str | None:
    """The version directory name ``ROOT/current`` names (None for a plain index directory)."""
    return os.readlink(Path(root) / CURRENT) if is_root(root) else None


def versions(root: str | Path) -> list[str]:
    """Finished versions (directories with meta.json), oldest first: by when meta.json was written, since
    builds within one second differ only by their catalog slug, which does not sort by time."""
    done = [d for d in Path(root).iterdir() if d.is_dir() and not d.is_symlink() and (d / META).exists()]
    return [d.name for d in sorted(done, key=lambda d: ((d / META).stat().st_mtime_ns, d.name))]


def new_version_dir(root: str | Path, catalog_version: str) -> Path:
    """A fresh, not yet existing directory for the next build: its UTC time, then a slug of the catalog
    version (sorts by time; says which catalog at a glance)."""
    root = Path(root)
    if root.exists() and (root / META).exists():
        raise IndexVersionError(f"{root} is a plain index directory, not a versioned root: write the new "
                                f"build to another --out (it may name {root} as --base)")
    slug = re.sub(r"[^A-Za-z0-9.]+", "-", catalog_version).strip("-")[:48] or "catalog"
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for n in range(1000):
        d = root / (f"{stamp}-{slug}" + (f"-{n}" if n else ""))
        if not os.path.lexists(d):
            return d
    raise IndexVersionError(f"{root}: no free version directory name for {stamp}-{slug}")


def switch_current(root: str | Path, version_dir: str | Path) -> None:
    """Point ROOT/current at ``version_dir`` (a finished build inside ROOT) in one rename: a reader sees the
    old version or the new one, never neither."""
    root, version_dir = Path(root), Path(version_dir)
    if version_dir.parent.resolve() != root.resolve():
        raise IndexVersionError(f"{version_dir} is not a version directory of {root}")
    if not (version_dir / META).exists():
        raise IndexVersionError(f"{version_dir} is not a finished index (no {META}); current left as it was")
    tmp = root / f".{CURRENT}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(version_dir.name, tmp)  # relative: the root can be moved or mounted elsewhere
    os.replace(tmp, root / CURRENT)


def prune(root: str | Path, keep: int, protect: tuple[str, ...] = ()) -> list[str]:
    """Delete all but the newest ``keep`` finished versions (0 = keep all); the current one and ``protect``
    are never deleted. Returns the names removed."""
    if keep <= 0 or not is_root(root):
        return []
    names = versions(root)
    spare = {current_version(root), *protect}
    removed = [n for n in names[:-keep] if n not in spare]
    for n in removed:
        shutil.rmtree(Path(root) / n)
    return removed
