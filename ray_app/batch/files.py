"""Filesystem helpers for local paths and pyarrow URIs (s3://, gs://, file://); atomic writes."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pyarrow import fs as pafs

from ray_app.batch.tables import InputError


def resolve(uri: str | Path) -> tuple[pafs.FileSystem, str, bool]:
    """(filesystem, path, is_uri) for a local path or any pyarrow filesystem URI (s3://, gs://, file://)."""
    s = str(uri)
    if "://" in s:
        try:
            fs, path = pafs.FileSystem.from_uri(s)
        except Exception as exc:
            raise InputError(f"cannot open {s}: {type(exc).__name__}: {exc}") from exc
        return fs, path, True
    return pafs.LocalFileSystem(), os.path.abspath(s), False


def suffix(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def join(base: str, *names: str) -> str:
    return "/".join([base.rstrip("/"), *names])


def write_atomic(fs: pafs.FileSystem, path: str, data: bytes) -> None:
    """Write to a temporary sibling, then rename: a crash never leaves a half-written file under ``path``."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with fs.open_output_stream(tmp) as f:
        f.write(data)
    fs.move(tmp, path)


def read_bytes(fs: pafs.FileSystem, path: str) -> bytes:
    with fs.open_input_stream(path) as f:
        return f.read()


def exists(fs: pafs.FileSystem, path: str) -> bool:
    return fs.get_file_info(path).type != pafs.FileType.NotFound


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
