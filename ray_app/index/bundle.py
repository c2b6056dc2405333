"""The on-disk index bundle: per system a catalog table, a row-aligned float32 memmap and a FAISS index,
plus the STY vocabulary, the parsed RxNorm drug table and a meta.json that pins model, catalog and
parameters.

Layout::

    INDEX_DIR/meta.json
    INDEX_DIR/sty.json                   the semantic types of the catalog (the entity-type prior's axis)
    INDEX_DIR/<SYSTEM>/catalog.parquet   rows sorted by code (a code's rows are contiguous)
    INDEX_DIR/<SYSTEM>/vectors.f32       float32 (rows, dim), row i <-> catalog row i
    INDEX_DIR/<SYSTEM>/faiss.index       ids are catalog row numbers
    INDEX_DIR/<SYSTEM>/lex_*.npy|json    IDF-weighted inverted index over the match texts (ray_app.index.lexical)
    INDEX_DIR/RXNORM/drugs.pkl           every RxNorm name parsed (text.drugs.DrugCatalog), built once here
"""
from __future__ import annotations

import json
import pickle
import platform
import time
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ray_app.catalog.kinds import KINDS, code_kinds
from ray_app.catalog.load import LLM_TTY, fingerprint as catalog_fingerprint
from ray_app.config import Config, IndexConfig
from ray_app.index.lexical import FILES as LEXICAL_FILES, LexicalIndex
from ray_app.index.versions import META, resolve_index_dir
from ray_app.text.drugs import DrugCatalog

FORMAT_VERSION = 3  # 2: lexical index per system; 3: drug table in the bundle, no STY embeddings
DRUGS = "drugs.pkl"
DRUG_SYSTEM = "RXNORM"


class IndexBundleError(RuntimeError):
    """An index directory that cannot be used as asked; the message says what to rebuild."""


def _faiss():
    import faiss

    return faiss


# ----------------------------------------------------------------------------------------------- build
def embed_plan(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Distinct texts to embed: (system, uid, text). Identical strings are embedded once."""
    parts = []
    for system, t in tables.items():
        uniq = pd.unique(t["match_text"].to_numpy())
        parts.append(pd.DataFrame({"system": system, "uid": np.arange(len(uniq), dtype=np.int64), "text": uniq}))
    return pd.concat(parts, ignore_index=True)


class BundleWriter:
    """Collects embeddings (in any order, from any number of workers) and writes the bundle.

    Vectors arrive per distinct text; ``finalize`` scatters them to the row-aligned memmap, builds FAISS
    and writes meta.json last, so a crashed build never leaves a directory that loads.
    """

    def __init__(self, out_dir: str | Path, tables: dict[str, pd.DataFrame], model_path: str,
                 model_fp: str, dim: int, config: Config, sources: list[str]):
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / META).unlink(missing_ok=True)  # an interrupted rebuild must not look complete
        self.tables, self.dim, self.config = tables, dim, config
        self.model_path, self.model_fp, self.sources = model_path, model_fp, sources
        self.plan = embed_plan(tables)
        self._uniq: dict[str, np.memmap] = {}
        self._filled: dict[str, np.ndarray] = {}
        for system, t in tables.items():
            n_uniq = int((self.plan["system"] == system).sum())
            (self.out / system).mkdir(exist_ok=True)
            self._uniq[system] = np.lib.format.open_memmap(
                self.out / system / "unique.tmp.npy", mode="w+", dtype=np.float32, shape=(max(n_uniq, 1), dim))
            self._filled[system] = np.zeros(n_uniq, dtype=bool)

    def missing(self) -> pd.DataFrame:
        """The plan rows no vector has arrived for yet (all of them until ``add`` or a reuse fills some)."""
        parts = [self.plan[self.plan["system"] == s].iloc[~self._filled[s]] for s in self.tables]
        return pd.concat(parts, ignore_index=True) if parts else self.plan.iloc[:0]

    def add(self, system: str, uids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(uids), self.dim):
            raise ValueError(f"embedding batch shape {vectors.shape} != ({len(uids)}, {self.dim})")
        self._uniq[system][uids] = vectors
        self._filled[system][uids] = True

    def finalize(self, log: Callable[[str], None] = print, catalog: dict | None = None,
                 build: dict | None = None) -> dict:
        """``catalog``: extra meta.json catalog fields (version, release); ``build``: the build's own stats."""
        faiss = _faiss()
        systems = {}
        for system, t in self.tables.items():
            if not self._filled[system].all():
                missing = int((~self._filled[system]).sum())
                raise RuntimeError(f"{system}: {missing} catalog strings were never embedded; build incomplete")
            uniq_text = self.plan.loc[self.plan["system"] == system, "text"].to_numpy()
            inverse = pd.Index(uniq_text).get_indexer(t["match_text"].to_numpy())
            vec_path = self.out / system / "vectors.f32"
            vec_path.unlink(missing_ok=True)  # a new file: replicas still mapping the old one keep their pages
            rows = np.memmap(vec_path, mode="w+", dtype=np.float32, shape=(len(t), self.dim))
            for start in range(0, len(t), 65536):
                rows[start:start + 65536] = self._uniq[system][inverse[start:start + 65536]]
            rows.flush()
            del rows
            self._uniq[system]._mmap.close()
            (self.out / system / "unique.tmp.npy").unlink()
            t = t.assign(kind=code_kinds(t))  # the concept kind, read once here (FSN tag, STY, wording)
            t.to_parquet(self.out / system / "catalog.parquet", index=False)
            vectors = np.memmap(vec_path, mode="r", dtype=np.float32, shape=(len(t), self.dim))
            t0 = time.perf_counter()
            index = build_faiss(vectors, self.config.index, log=log)
            _write_faiss(index, self.out / system / "faiss.index")
            LexicalIndex.build(t["match_text"].tolist()).save(self.out / system)
            if system == DRUG_SYSTEM:  # parsed once here, not on every replica's first medicine query
                with open(self.out / system / DRUGS, "wb") as f:
                    pickle.dump(drug_catalog(t), f, protocol=5)
            log(f"[build] {system}: FAISS {self.config.index.type} over {len(t):,} rows in {time.perf_counter() - t0:.1f}s")
            systems[system] = {"rows": int(len(t)), "codes": int(t["code_idx"].max() + 1),
                               "distinct_texts": int(len(uniq_text))}
        sty = sorted({s for t in self.tables.values() for s in t["STY"].unique() if s})
        (self.out / "sty.json").write_text(json.dumps(sty))
        meta = {
            "format_version": FORMAT_VERSION,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "model": {"path": self.model_path, "fingerprint": self.model_fp, "dim": self.dim},
            "index": vars(self.config.index).copy(),
            "catalog": {"fingerprint": catalog_fingerprint(self.tables), "sources": self.sources, **(catalog or {})},
            **({"build": build} if build else {}),
            "systems": systems,
            "sty_count": len(sty),
            "packages": package_versions(),
            "config": self.config.to_dict(),
        }
        (self.out / META).write_text(json.dumps(meta, indent=2))
        return meta


def drug_catalog(table: pd.DataFrame) -> DrugCatalog:
    """Every RxNorm name parsed, row-aligned; an LLM row's text is no drug name (it would teach the parser
    brands and ingredients the release does not have), so it parses as nothing."""
    names = table["STR"].where(table["TTY"] != LLM_TTY, "")
    return DrugCatalog(names.tolist(), table["TTY"].tolist())


def build_faiss(vectors: np.ndarray, cfg: IndexConfig, log: Callable[[str], None] = print):
    faiss = _faiss()
    n, d = vectors.shape
    kind = cfg.type.lower()
    if kind == "flat" or n < 1000:  # tiny catalogs: exact search is both faster and better
        index = faiss.IndexFlatIP(d)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, cfg.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = cfg.hnsw_ef_construction
    elif kind == "ivfpq":
        nlist = cfg.ivf_nlist or int(min(65536, max(16, 4 * np.sqrt(n))))
        if d % cfg.pq_m:
            raise ValueError(f"index.pq_m={cfg.pq_m} must divide the embedding dim {d}")
        quantizer = faiss.IndexFlatIP(d)
        index = faiss.IndexIVFPQ(quantizer, d, nlist, cfg.pq_m, 8, faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(0)
        sample = vectors[np.sort(rng.choice(n, size=min(n, max(nlist * 40, 10000)), replace=False))]
        index.train(np.ascontiguousarray(sample))
    else:
        raise ValueError(f"unknown index.type {cfg.type!r}; use hnsw, flat or ivfpq")
    gpu_index = _to_gpu(index, cfg) if kind != "hnsw" else None
    target = gpu_index or index
    step = 50_000
    for start in range(0, n, step):
        target.add(np.ascontiguousarray(vectors[start:start + step]))
        if n > step:
            log(f"[build] FAISS add {min(n, start + step):,}/{n:,}")
    return faiss.index_gpu_to_cpu(gpu_index) if gpu_index is not None else index


def _write_faiss(index, path: Path) -> None:
    """Written beside and renamed: a replica that memory-maps the old file keeps reading the old file."""
    tmp = path.with_name(path.name + ".tmp")
    _faiss().write_index(index, str(tmp))
    tmp.replace(path)


def read_faiss(path: Path, mmap: bool = True):
    """The FAISS index; ``mmap``: vectors (and the HNSW graph) memory-mapped where the index type allows
    (``IO_FLAG_MMAP_IFC``: flat storage, as in HNSW,Flat), so replicas on a node share one copy in the page
    cache and a replica starts without reading the file. Other types, or a FAISS without the flag, are read."""
    faiss = _faiss()
    flag = getattr(faiss, "IO_FLAG_MMAP_IFC", 0) if mmap else 0
    if flag:
        try:
            return faiss.read_index(str(path), flag)
        except RuntimeError:
            pass  # not mappable (e.g. IVF-PQ codes): read it
    return faiss.read_index(str(path))


def _to_gpu(index, cfg: IndexConfig):
    faiss = _faiss()
    if cfg.use_gpu == "never" or not hasattr(faiss, "get_num_gpus") or faiss.get_num_gpus() == 0:
        return None
    return faiss.index_cpu_to_all_gpus(index)


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("faiss-cpu", "faiss-gpu", "sentence-transformers", "torch", "numpy", "rapidfuzz", "ray"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


# ------------------------------------------------------------------------------------------------ load
@dataclass
class SystemIndex:
    system: str
    table: pd.DataFrame
    vectors: np.ndarray  # over a read-only memmap: replicas on one node share the page cache
    faiss_index: object
    code_start: np.ndarray  # rows of code c are code_start[c]:code_start[c+1]
    codes: np.ndarray  # code string per code_idx
    row_code: np.ndarray  # code_idx per row
    row_sty: np.ndarray  # STY id per row (-1 = none)
    row_kind: np.ndarray  # concept-kind id per row (catalog.kinds.KINDS)
    row_text: list[str]  # match_text per row (fuzzy matching)
    lexical: LexicalIndex
    drugs: DrugCatalog | None  # RxNorm only
    # per-row columns as numpy arrays: the decision reads them per candidate, pandas .at is too slow there
    row_str: np.ndarray
    row_sty_name: np.ndarray
    row_tty: np.ndarray
    row_tty_rank: np.ndarray
    # LLM enrichment rows (TTY LLM; they are the last rows of their code): None when the index has none
    row_llm: np.ndarray | None = None
    own_end: np.ndarray | None = None  # per code: the end of its catalog rows (before its LLM rows)

    @property
    def n_rows(self) -> int:
        return len(self.table)

    def code_position(self, code: str) -> int | None:
        """The code id of ``code`` (its position in ``codes``), or None: the catalog table is sorted by code
        at build time, so a binary search answers without a per-replica dictionary."""
        i = int(np.searchsorted(self.codes, code))
        return i if i < len(self.codes) and self.codes[i] == code else None

    @cached_property
    def exact_rows(self) -> dict[str, np.ndarray]:
        """match text -> the rows that have it (the ``exact`` candidate source)."""
        return pd.Series(np.arange(self.n_rows)).groupby(self.table["match_text"].to_numpy()).indices

    @cached_property
    def mixed_codes(self) -> np.ndarray:
        """Per code, whether its own strings name different drugs: a stray name ("Atorvastatin 10 MG Oral
        Tablet" among the strings of the 20 mg tablet's code). All False without a drug table."""
        from ray_app.text.drugs import same_drug

        out = np.zeros(len(self.codes), dtype=bool)
        if self.drugs is None:
            return out
        end = self.own_end if self.own_end is not None else self.code_start[1:]  # an LLM's wording is no name
        for c in np.flatnonzero(end - self.code_start[:-1] > 1).tolist():
            first, *rest = (self.drugs.parsed[r] for r in range(int(self.code_start[c]), int(end[c])))
            out[c] = not all(same_drug(first, other) for other in rest)
        return out

    @cached_property
    def context_bits(self):
        """Per row, the meaning-changing words its match text says (``match.score.context_bits``), read on
        first use (``match.rowmemo``): the context penalty was recomputed per row for every query."""
        from ray_app.match.rowmemo import RowMemo
        from ray_app.match.score import context_bits

        return RowMemo(self.n_rows, lambda rows: context_bits([self.row_text[r] for r in rows]), np.uint64)


class IndexBundle:
    def __init__(self, root: Path, meta: dict, systems: dict[str, SystemIndex], sty: list[str]):
        self.root, self.meta, self.systems, self.sty = root, meta, systems, sty

    @property
    def dim(self) -> int:
        return int(self.meta["model"]["dim"])

    @classmethod
    def check(cls, root: str | Path, model_fingerprint: str | None = None) -> dict:
        """Validate meta.json, model and file sizes without loading FAISS or tables (cheap, for drivers).
        ``root``: an index directory or a versioned root (its ``current`` version is checked)."""
        root = resolve_index_dir(root)
        meta = _read_meta(root, model_fingerprint)
        dim = int(meta["model"]["dim"])
        import pyarrow.parquet as pq

        for system, info in meta["systems"].items():
            d = root / system
            _read_f32(d / "vectors.f32", (info["rows"], dim), _rebuild(root))
            for name in ("catalog.parquet", "faiss.index", *LEXICAL_FILES, *_system_files(system)):
                if not (d / name).exists():
                    raise IndexBundleError(f"{d / name} is missing; {_rebuild(root)}")
            try:
                rows = pq.ParquetFile(d / "catalog.parquet").metadata.num_rows
            except Exception as exc:
                raise IndexBundleError(f"{d / 'catalog.parquet'} is unreadable ({exc}); {_rebuild(root)}") from exc
            if rows != info["rows"]:
                raise IndexBundleError(f"{d / 'catalog.parquet'} has {rows} rows, meta.json says "
                                       f"{info['rows']}; {_rebuild(root)}")
        return meta

    @classmethod
    def load(cls, root: str | Path, model_fingerprint: str | None = None, ef_search: int | None = None,
             nprobe: int | None = None, mmap: bool = True) -> "IndexBundle":
        root = resolve_index_dir(root)
        rebuild = _rebuild(root)
        meta = _read_meta(root, model_fingerprint)
        dim = int(meta["model"]["dim"])
        sty = json.loads((root / "sty.json").read_text())
        sty_id = {s: i for i, s in enumerate(sty)}
        systems = {}
        for system, info in meta["systems"].items():
            d = root / system
            try:
                table = pd.read_parquet(d / "catalog.parquet")
            except Exception as exc:
                raise IndexBundleError(f"{d / 'catalog.parquet'} is unreadable ({exc}); {rebuild}") from exc
            if len(table) != info["rows"]:
                raise IndexBundleError(f"{d / 'catalog.parquet'} has {len(table)} rows, meta.json says "
                                       f"{info['rows']}; {rebuild}")
            vectors = _read_f32(d / "vectors.f32", (info["rows"], dim), rebuild)
            try:
                index = read_faiss(d / "faiss.index", mmap)
            except Exception as exc:
                raise IndexBundleError(f"{d / 'faiss.index'} is unreadable or truncated ({exc}); {rebuild}") from exc
            if index.ntotal != info["rows"] or index.d != dim:
                raise IndexBundleError(f"{d / 'faiss.index'} holds {index.ntotal}x{index.d}, expected "
                                       f"{info['rows']}x{dim}; {rebuild}")
            _tune(index, ef_search, nprobe)
            try:
                lexical = LexicalIndex.load(d)
            except Exception as exc:
                raise IndexBundleError(f"{d}: lexical index unreadable ({exc}); {rebuild}") from exc
            if lexical.n_rows != info["rows"]:
                raise IndexBundleError(f"{d}: lexical index has {lexical.n_rows} rows, expected {info['rows']}; {rebuild}")
            drugs = _read_drugs(d, rebuild, table) if system == DRUG_SYSTEM else None
            row_code = table["code_idx"].to_numpy(np.int32)
            code_start = np.searchsorted(row_code, np.arange(int(row_code.max()) + 2)).astype(np.int64)
            row_llm = (table["TTY"] == LLM_TTY).to_numpy()
            own_end = code_start[1:] - np.add.reduceat(row_llm.astype(np.int64), code_start[:-1]) \
                if row_llm.any() else None
            systems[system] = SystemIndex(
                system=system, table=table, vectors=vectors, faiss_index=index, code_start=code_start,
                codes=table["CODE"].to_numpy()[code_start[:-1]], row_code=row_code,
                row_sty=table["STY"].map(sty_id).fillna(-1).to_numpy(np.int32),
                row_kind=_kind_ids(table, rebuild),
                row_text=table["match_text"].tolist(), lexical=lexical, drugs=drugs,
                row_str=table["STR"].to_numpy(dtype=object), row_sty_name=table["STY"].to_numpy(dtype=object),
                row_tty=table["TTY"].to_numpy(dtype=object), row_tty_rank=table["tty_rank"].to_numpy(),
                row_llm=row_llm if own_end is not None else None, own_end=own_end,
            )
        return cls(root, meta, systems, sty)


def _kind_ids(table: pd.DataFrame, rebuild: str) -> np.ndarray:
    if "kind" not in table.columns:
        raise IndexBundleError(f"the index has no concept kinds (built by an older version); {rebuild}")
    ids = {k: i for i, k in enumerate(KINDS)}
    return table["kind"].map(ids).fillna(ids["other"]).to_numpy(np.int16)


def _system_files(system: str) -> tuple[str, ...]:
    return (DRUGS,) if system == DRUG_SYSTEM else ()


def _read_drugs(d: Path, rebuild: str, table: pd.DataFrame) -> DrugCatalog:
    try:
        with open(d / DRUGS, "rb") as f:  # written by this project's own build (an index is trusted input)
            drugs = pickle.load(f)
    except Exception as exc:
        raise IndexBundleError(f"{d / DRUGS} is unreadable ({type(exc).__name__}: {exc}); {rebuild}") from exc
    if not isinstance(drugs, DrugCatalog):
        raise IndexBundleError(f"{d / DRUGS} does not hold a drug table; {rebuild}")
    if getattr(drugs, "version", 1) != DrugCatalog.VERSION:  # parsed by an older release: parse the names again
        drugs = drug_catalog(table)
    return drugs


def _rebuild(root: Path) -> str:
    return f"rebuild it with: harmonize build --catalog <parquet...> --out {root}"


def _read_meta(root: Path, model_fingerprint: str | None) -> dict:
    rebuild = _rebuild(root)
    if not (root / META).exists():
        raise IndexBundleError(f"{root} is not a finished index (no {META}); {rebuild}")
    try:
        meta = json.loads((root / META).read_text())
    except json.JSONDecodeError as exc:
        raise IndexBundleError(f"{root / META} is corrupt ({exc}); {rebuild}") from exc
    if meta.get("format_version") != FORMAT_VERSION:
        raise IndexBundleError(f"{root} has index format {meta.get('format_version')}, this code reads "
                               f"{FORMAT_VERSION}; {rebuild}")
    if model_fingerprint and meta["model"]["fingerprint"] != model_fingerprint:
        raise IndexBundleError(
            f"{root} was built with embedding model {meta['model']['path']} (fingerprint "
            f"{meta['model']['fingerprint']}), but the configured model has fingerprint {model_fingerprint}; "
            f"point model.path at the model the index was built with, or {rebuild}")
    return meta


def _read_f32(path: Path, shape: tuple[int, int], rebuild: str) -> np.ndarray:
    expected = shape[0] * shape[1] * 4
    if not path.exists():
        raise IndexBundleError(f"{path} is missing; {rebuild}")
    size = path.stat().st_size
    if size != expected:
        raise IndexBundleError(f"{path} is {size} bytes, expected {expected} for {shape[0]}x{shape[1]} "
                               f"float32 (truncated or from another build); {rebuild}")
    if shape[0] == 0:
        return np.zeros(shape, dtype=np.float32)
    # a plain ndarray over the read-only mapping: still shared page cache, without np.memmap's Python-level
    # __getitem__ on every per-query row lookup
    return np.asarray(np.memmap(path, mode="r", dtype=np.float32, shape=shape))


def _tune(index, ef_search: int | None, nprobe: int | None) -> None:
    faiss = _faiss()
    if ef_search and hasattr(index, "hnsw"):
        index.hnsw.efSearch = ef_search
    ivf = faiss.try_extract_index_ivf(index) if hasattr(faiss, "try_extract_index_ivf") else None
    if nprobe and ivf is not None:
        ivf.nprobe = nprobe
