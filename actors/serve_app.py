"""Ray Serve app: FastAPI ingress -> Engine (fused: embed + match in one replica, one hop; the default on CPU)
or ingress -> Embedder -> IndexReplica (split, ``serve.mode``: GPU embedders), and the LLM engine pool when
llm.mode is on. The ingress remembers recent answers (``serve.cache_size``, ``batch.cache.QueryLRU``).

Review loop: the ingress also runs upload jobs (``ray_app.review.jobs``: ``map_stream`` in a worker thread,
with the Embedder and IndexReplica deployments as its backend, ``FileJobBackend``) and applies the mapping
memory (approved decisions) before matching every request.

Lives in ``actors/`` because its deployments are the same thin wrappers as the batch job's actors:
``Embedder`` *is* ``actors.embedder.QueryEmbedder`` and ``IndexReplica`` extends
``actors.index_replica.IndexReplica`` with two read-only reports, so the online path runs the batch
engine's code: the ingress maps through ``ray_app.batch.driver.Mapper`` (prepare -> match -> row results)
with the embedder and replica deployments as its backend, exactly as a file job does.

    harmonize serve --index build/demo_index          # local Ray, http://127.0.0.1:8000
    harmonize serve --index build/idx                 # a versioned root: follows build/idx/current (reload)
    serve deploy deploy/serve_config.yaml             # a running cluster; import path actors.serve_app:build_app

LLM: with ``llm.mode`` on (``harmonize serve --llm full``) the ingress holds the batch job's LLM stage
(``ray_app.llm.stage.LLMStage`` over ``actors.llm_pool.RayLLMPool``, or an OpenAI-compatible endpoint) and a
request with ``llm=true`` is expanded before the embedder and re-ranked after the replica, exactly as a
file job's distinct queries are; the engine calls run in a worker thread, off the event loop. With
``llm.pool_name`` the engines are the named pool a batch job may share. With the LLM off, ``llm=true`` is a 501.
"""
from __future__ import annotations

import asyncio
import copy
import threading
import time
from pathlib import Path

from ray import serve

from actors.embedder import QueryEmbedder
from actors.index_replica import IndexReplica
from ray_app.online import concepts
from ray_app.online import shape as online
from ray_app.online.api import build_api
from ray_app.online.review_api import create_review
from ray_app.batch.cache import QueryLRU
from ray_app.batch.driver import Mapper
from ray_app.config import Config, load_config
from ray_app.engine import check_index, load_bundle
from ray_app.index.versions import resolve_index_dir
from ray_app.match.matcher import Matcher
from ray_app.online.reload import IndexFollower
from ray_app.text.expand import load_expander

APP_NAME = "harmonize"
# mapped once before /v1/health first reports ready: one per entity type, so each system's lazy tables
# (exact strings, drug names, stems) are built before a user's first question, not during it
WARM_UP = [("headache", "Diagnosis"), ("metformin 500 mg tablet", "Medicine"), ("appendectomy", "Procedure"),
           ("hemoglobin a1c", "Lab")]
INGRESS_HEADROOM = 4  # health checks and page assets while mapping requests fill the ingress


class ServeIndexReplica(IndexReplica):
    """The batch job's IndexReplica, plus read-only reports: /v1/health, /v1/catalog and concept look-ups
    (/v1/concept, FHIR $lookup / $validate-code) over the replica's own bundle."""

    def __init__(self, index_dir: str, config: Config):
        super().__init__(index_dir, config)
        self._follow(index_dir, config)

    def _follow(self, index_dir: str, config: Config) -> None:
        """Follow a versioned root's ``current`` pointer; a new version's matcher keeps this replica's
        embedder (None here, the fused Engine's own), whose model fingerprint the version must fit."""
        self._catalog = None
        model_fp = self.matcher.bundle.meta["model"]["fingerprint"]
        embedder = self.matcher.embedder
        self.follower = IndexFollower(index_dir, self.matcher.bundle.root,
                                      lambda d: Matcher(load_bundle(d, config, model_fp), config, embedder),
                                      self._install, config.serve.reload_poll_s)

    def _install(self, matcher, _dir) -> None:  # requests in flight hold the old matcher to their end
        self.matcher, self._catalog = matcher, None

    def info(self) -> dict:
        return {**online.index_info(self.matcher.bundle), "reload": self.follower.status()}

    def catalog(self) -> dict:
        if self._catalog is None:
            self._catalog = online.catalog_summary(self.matcher.bundle)
        return self._catalog

    def concept(self, system: str, code: str) -> dict | None:
        return concepts.concept(self.matcher.bundle, system, code)


class FileJobBackend:
    """An upload job's backend (``batch.driver.map_stream`` in a worker thread of the ingress): the same
    Embedder -> IndexReplica deployments as a request, waited on from that thread, never the event loop."""

    def __init__(self, ingress):
        self.ingress = ingress

    def submit(self, queries: list):
        return self.ingress.submit(queries)

    def collect(self, handle, on_wait=None) -> list:
        return handle.result()

    def close(self) -> None:
        pass


class ServeEngine(ServeIndexReplica):
    """Fused: the replica that also embeds (``actors.pool.FusedActor`` for Serve): the ingress sends it
    queries, one hop, and no vectors travel between processes."""

    def __init__(self, index_dir: str, config: Config):
        from ray_app.engine import load_matcher

        self.matcher = load_matcher(index_dir, config)  # no expander: the ingress prepares the queries
        self._follow(index_dir, config)

    def map(self, queries: list):
        return self.matcher.match_batch(queries)


@serve.ingress()
class Ingress:
    """Validation, auth, audit and the page (``ray_app.online.api``); normalization/anchors here, matching downstream."""

    def __init__(self, index_dir: str, config: Config, embedder, replica, llm_client=None):
        self.cfg = config
        self.embedder, self.replica = embedder, replica
        self.llm = None
        if config.llm.mode != "off" or llm_client is not None:
            from actors.llm_pool import make_llm_stage

            self.llm = make_llm_stage(config, index_dir, client=llm_client)
            # engines load in the background; the first llm=true request waits for them
            threading.Thread(target=self._warm_llm, daemon=True).start()
        self.llm_available = self.llm is not None
        loaded = resolve_index_dir(index_dir)
        expander = load_expander(loaded, config.model.path)
        # the review loop (upload jobs, queue, decisions); its mapping memory answers reviewed items here too
        self.review = create_review(loaded, config, FileJobBackend(self), expander, check_index(loaded, config))
        memory = self.review.memory(snapshot=False) if config.review.memory else None
        memo = QueryLRU(config.serve.cache_size, config_hash(config)) if config.serve.cache_size > 0 else None
        self.mapper = Mapper(self, config, expander, memory=memory, memo=memo)
        self.follower = IndexFollower(index_dir, loaded, lambda d: load_expander(d, config.model.path),
                                      self._install_expander, config.serve.reload_poll_s)
        self._replicas: tuple[float, dict] = (0.0, {})
        self._warm = False

    def _install_expander(self, expander, _dir) -> None:  # the speller and acronyms of the new version
        self.mapper.expander = expander
        memo = self.mapper.memo
        if memo is not None:
            # answers of the old version go; the replicas follow the pointer on their own clock (within a
            # poll interval), so what they answered meanwhile is forgotten once more after two intervals
            memo.clear()
            timer = threading.Timer(2 * max(self.cfg.serve.reload_poll_s, 0.5) + 1.0, memo.clear)
            timer.daemon = True
            timer.start()

    def _warm_llm(self) -> None:
        try:
            self.llm.fingerprint  # noqa: B018 (starts the pool)
        except Exception as exc:  # reported per request as llm_failed; the engine path stays up
            print(f"[serve] LLM engines did not start: {exc}", flush=True)

    def __serve_build_asgi_app__(self):
        return build_api(self, self.cfg)

    def submit(self, queries: list):
        """The Mapper's backend: the fused Engine (one hop), or embedder -> replica (vectors go straight
        there, never through here)."""
        if self.embedder is None:
            return self.replica.map.remote(queries)
        return self.replica.remote(self.embedder.remote(queries))

    async def map(self, pairs, top_k, weights, llm):
        t0 = time.perf_counter()
        want_llm = bool(llm and self.llm is not None)  # an LLM answer is not the remembered LLM-off one
        pending = self.mapper.plan([t for t, _ in pairs], [e for _, e in pairs], memo=not want_llm)
        use_llm = bool(want_llm and pending.new)
        if use_llm:  # the batch path's stage: expansion before embedding ...
            pending.new = await asyncio.to_thread(self._llm_call, self.llm.expand, pending.new)
        pending.handle = self.submit(pending.new) if pending.new else None
        t1 = time.perf_counter()
        new = await pending.handle if pending.new else []
        if use_llm:  # ... and the re-rank after matching
            new = await asyncio.to_thread(self._llm_call, self.llm.decide, pending.new, new)
        t2 = time.perf_counter()
        mapped = self.mapper.finish(pending, new)
        items = online.respond(mapped.rows, self.cfg.match, top_k, weights, online.row_anchors(mapped.prepared))
        t3 = time.perf_counter()
        return items, {"prepare": (t1 - t0) * 1e3, "match": (t2 - t1) * 1e3, "finish": (t3 - t2) * 1e3}

    @staticmethod
    def _llm_call(fn, *args):
        try:
            return fn(*args)
        except Exception as exc:  # engines that never started: every query keeps its LLM-off result
            from dataclasses import replace

            print(f"[serve] LLM stage failed: {type(exc).__name__}: {exc}", flush=True)
            if len(args) == 1:
                return [replace(q, llm_flags=[*q.llm_flags, "llm_failed"]) for q in args[0]]
            return [replace(r, flags=[*r.flags, "llm_failed"]) for r in args[1]]

    async def health(self) -> dict:
        """Readiness: ready once every deployment of this app has a running replica (and the replica answers)."""
        counts = self._replica_counts()
        not_ready = [f"{name} has 0 running replicas" for name, n in counts.items() if n < 1]
        if not counts:
            not_ready = ["the Serve controller has not reported the deployments yet"]
        info = await self.replica.info.remote()
        if not not_ready and not self._warm:  # one mapping through the engine: the model's first call
            await self.map(WARM_UP, 1, None, False)  # is slow, and not a user's
            self._warm = True
        return {**info, "replicas": counts, "ready": not not_ready, "not_ready": not_ready}

    async def catalog(self) -> dict:
        return await self.replica.catalog.remote()

    async def concept(self, system: str, code: str) -> dict | None:
        return await self.replica.concept.remote(system, code)

    def _replica_counts(self) -> dict:
        """Running replicas per deployment, from the Serve controller (cached for 5 s once all are running;
        asked again on every health check until then)."""
        at, counts = self._replicas
        if time.monotonic() - at > 5 or not counts or min(counts.values()) < 1:
            try:
                ctx = serve.get_replica_context()
                app = serve.status().applications[ctx.app_name]
                counts = {name: int(d.replica_states.get("RUNNING", 0)) for name, d in app.deployments.items()}
            except Exception:  # the controller unreachable: not known to be ready
                counts = {}
            self._replicas = (time.monotonic(), counts)
        return counts


def harmonize_app(index_dir: str, config: Config, llm_client=None, ingress_env: dict[str, str] | None = None):
    """The bound deployment graph for ``serve.run``. ``llm_client``: a ``ray_app.llm.client`` client for the
    LLM stage (default, with ``llm.mode`` on: ``llm.backend``'s, i.e. the engine pool or the endpoint).
    ``ingress_env``: environment variables for the ingress replicas (e.g. the token variable on a Ray
    that was started before it was set; a local ``harmonize serve`` inherits the shell's)."""
    cfg = copy.deepcopy(config)
    cfg.review.work_dir = str(Path(cfg.review.work_dir).resolve())  # the ingress may run in another folder
    s = cfg.serve
    index_dir = str(Path(index_dir).resolve())
    check_index(index_dir, cfg)  # fail here, before replicas start, when the index does not fit the model
    replica_cfg = online.online_config(cfg)  # keeps the shortlist that requests may re-rank
    scaling = ({"autoscaling_config": {"min_replicas": s.min_replicas, "max_replicas": s.max_replicas,
                                       "target_ongoing_requests": s.target_ongoing_requests}}
               if s.autoscaling else {"num_replicas": s.index_replicas})
    ingress = _ingress(s, ingress_env)
    if serve_mode(cfg) == "fused":
        if not replica_cfg.model.threads:  # encoder threads = the CPUs the deployment reserves, not the node's
            replica_cfg.model.threads = max(1, int(s.engine_cpus))
        engine = serve.deployment(ServeEngine, name="Engine", max_ongoing_requests=s.max_ongoing_requests,
                                  ray_actor_options={"num_cpus": s.engine_cpus}, **scaling)
        return ingress.bind(index_dir, cfg, None, engine.bind(index_dir, replica_cfg), llm_client)
    embedder = serve.deployment(QueryEmbedder, name="Embedder", num_replicas=s.embedder_replicas,
                                max_ongoing_requests=s.max_ongoing_requests,
                                ray_actor_options={"num_cpus": s.embedder_cpus})
    replica = serve.deployment(ServeIndexReplica, name="IndexReplica", max_ongoing_requests=s.max_ongoing_requests,
                               ray_actor_options={"num_cpus": s.replica_cpus}, **scaling)
    embed_cfg = online.online_config(cfg)
    if not embed_cfg.model.threads:  # torch threads = the CPUs the deployment reserves, not the node's
        embed_cfg.model.threads = max(1, int(s.embedder_cpus))
    return ingress.bind(index_dir, cfg, embedder.bind(embed_cfg), replica.bind(index_dir, replica_cfg), llm_client)


def _ingress(s, ingress_env: dict[str, str] | None):
    # The ingress admits max_ongoing + max_queued mapping requests itself (api.Admission answers a 503 problem
    # beyond); Serve's queue limit behind it is a backstop (its 503 is plain text, with Retry-After).
    return serve.deployment(Ingress, name="Ingress",
                            max_ongoing_requests=s.max_ongoing_requests + s.max_queued_requests + INGRESS_HEADROOM,
                            max_queued_requests=s.max_queued_requests,
                            backpressure_config={"retry_after_s": s.retry_after_s},
                            ray_actor_options={"num_cpus": s.ingress_cpus,
                                               **({"runtime_env": {"env_vars": ingress_env}} if ingress_env else {})})


def serve_mode(config: Config) -> str:
    """``serve.mode``; auto = split when the cluster has GPUs for the Embedder, else fused."""
    mode = config.serve.mode
    if mode not in ("auto", "fused", "split"):
        raise ValueError(f"serve.mode must be auto, fused or split, got {mode!r}")
    if mode != "auto":
        return mode
    import ray

    return "split" if ray.is_initialized() and ray.cluster_resources().get("GPU", 0) >= 1 else "fused"


def config_hash(config: Config) -> str:
    """What the remembered answers depend on: the whole config (model, index and match sections included)."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(config.to_dict(), sort_keys=True, default=str).encode()).hexdigest()[:16]


def build_app(args: dict):
    """Application builder for ``serve deploy`` / ``serve run``: args ``index_dir``, optional ``config``
    (a harmonize YAML) and ``set`` (a list of ``section.key=value`` overrides)."""
    if not args.get("index_dir"):
        raise ValueError("args.index_dir is required (an index built by `harmonize build`)")
    return harmonize_app(args["index_dir"], load_config(args.get("config"), args.get("set") or []))


def start(index_dir: str, config: Config, name: str = APP_NAME, route_prefix: str = "/"):
    """Start Serve's HTTP proxy on serve.host:serve.port of the connected Ray, and deploy the app."""
    serve.start(http_options={"host": config.serve.host, "port": config.serve.port})
    return serve.run(harmonize_app(index_dir, config), name=name, route_prefix=route_prefix)
