"""The embedding model on ONNX Runtime: the same sentence-transformers model, exported once, run without torch.

``ensure_exported`` traces the model (transformer + pooling + L2 normalize) with ``torch.onnx`` into a cache
folder keyed by the model's fingerprint, plus the exact tokenizer the model uses; ``quantize="int8"`` also
writes a dynamically quantized copy (int8 weights of the MatMuls). Later loads need only ``onnxruntime``
and ``tokenizers``: no torch or sentence-transformers import, which is most of an actor's start-up.

    CACHE/<fingerprint>/model.fp32.onnx | model.int8.onnx   the graphs
    CACHE/<fingerprint>/tokenizer.json                      the model's fast tokenizer, as transformers runs it
    CACHE/<fingerprint>/export.json                         max_seq_length, pad id, input names, dim (written last)

Every file is written to a temporary name and renamed, so actors exporting at once never read half a file.
"""
from __future__ import annotations

import json
import logging
import os
import warnings
import tempfile
from pathlib import Path

import numpy as np

EXPORT_VERSION = 1  # bump when the exported graph changes: old cache folders are then ignored
PRECISIONS = ("fp32", "int8")
EXPORT_META = "export.json"


def cache_root(cache_dir: str | None) -> Path:
    return Path(cache_dir or os.environ.get("HARMONIZE_ONNX_CACHE") or "~/.cache/harmonize/onnx").expanduser()


def export_dir(cache_dir: str | None, fingerprint: str, max_seq_length: int) -> Path:
    return cache_root(cache_dir) / f"{fingerprint}-s{max_seq_length}-v{EXPORT_VERSION}"


def _atomic(path: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def ensure_exported(model_path: str, fingerprint: str, max_seq_length: int, precision: str = "fp32",
                    cache_dir: str | None = None) -> Path:
    """The folder holding ``model.<precision>.onnx`` for this model (exported here when missing)."""
    if precision not in PRECISIONS:
        raise ValueError(f"model.quantize must be none or int8, got {precision!r}")
    out = export_dir(cache_dir, fingerprint, max_seq_length)
    if not (out / EXPORT_META).exists():
        _export_fp32(model_path, out, max_seq_length)
    if precision == "int8" and not (out / "model.int8.onnx").exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        # MatMul weights only: quantizing the embedding Gather costs far more accuracy than it saves time
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its "consider pre-processing" hint, on every export
        try:
            _atomic(out / "model.int8.onnx", lambda tmp: quantize_dynamic(
                str(out / "model.fp32.onnx"), tmp, weight_type=QuantType.QInt8, per_channel=True,
                op_types_to_quantize=["MatMul"]))
        finally:
            root.setLevel(level)
    return out


def _export_fp32(model_path: str, out: Path, max_seq_length: int) -> None:
    """Trace the sentence-transformers pipeline; needs torch + sentence-transformers (once per model)."""
    import torch
    from sentence_transformers import SentenceTransformer

    out.mkdir(parents=True, exist_ok=True)
    st = SentenceTransformer(model_path, device="cpu", local_files_only=True)
    seq = min(max_seq_length, st.max_seq_length or max_seq_length)
    tok = st.tokenizer
    if not getattr(tok, "is_fast", False):
        raise RuntimeError(f"{model_path}: the ONNX backend needs a fast (tokenizer.json) tokenizer; "
                           "set model.backend=torch")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]

    class Pipeline(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.st = st

        def forward(self, *inputs):
            emb = self.st(dict(zip(names, inputs)))["sentence_embedding"]
            return torch.nn.functional.normalize(emb, p=2, dim=1)

    sample = tok(["chest pain radiating to the left arm", "bp"], padding=True, return_tensors="pt")
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"embedding": {0: "batch"}}
    # the tracer warns about shape checks it records as constants; they hold for every batch here (one mask
    # per batch, no causal attention), and tests/test_perf.py compares batches of every shape with torch
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _atomic(out / "model.fp32.onnx", lambda tmp: torch.onnx.export(
            Pipeline().eval(), tuple(sample[n] for n in names), tmp, input_names=names, output_names=["embedding"],
            dynamic_axes=axes, opset_version=17, dynamo=False))
    _atomic(out / "tokenizer.json", lambda tmp: tok.backend_tokenizer.save(tmp))
    dim = int(st.get_embedding_dimension() if hasattr(st, "get_embedding_dimension")
              else st.get_sentence_embedding_dimension())
    meta = {"version": EXPORT_VERSION, "model_path": model_path, "max_seq_length": int(seq),
            "pad_id": int(tok.pad_token_id or 0), "inputs": names, "dim": dim, "torch": torch.__version__}
    _atomic(out / EXPORT_META, lambda tmp: Path(tmp).write_text(json.dumps(meta, indent=2)))


class OnnxEncoder:
    """L2-normalized float32 embeddings from an exported model (``ensure_exported``)."""

    def __init__(self, folder: Path, precision: str = "fp32", threads: int = 0, batch_size: int = 64):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / EXPORT_META).read_text())
        self.dim, self.inputs, self.batch_size = int(meta["dim"]), list(meta["inputs"]), max(1, batch_size)
        self.pad_id = int(meta["pad_id"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()  # padded per batch below, to that batch's longest
        self.tokenizer.enable_truncation(int(meta["max_seq_length"]))
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads or os.cpu_count() or 1
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle threads must not spin: the matcher runs between encode calls in this process, and on a
        # small node other actors share the cores
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(folder / f"model.{precision}.onnx"), so,
                                            providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        enc = self.tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in enc), dtype=np.int64, count=len(enc))
        order = np.argsort(-lengths, kind="stable")  # similar lengths together: little padding
        for s in range(0, len(order), self.batch_size):
            idx = order[s:s + self.batch_size]
            width = int(lengths[idx].max())
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = lengths[i]
                ids[r, :n] = enc[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            out[idx] = self.session.run(None, {n: feed[n] for n in self.inputs})[0]
        return out
