"""Long-lived actor pools for the batch path, in one of two modes (``ray.mode``, ``runtime.pool_mode``):

- fused (no GPU for the embedders, the default on CPU): one ``FusedActor`` per core embeds *and* matches
  its chunk in one process, so no vectors are shipped and every core runs the whole engine;
- split (GPU embedders): QueryEmbedder actors -> IndexReplica actors, each chunk embedded by one
  embedding actor and matched by one IndexReplica (the object ref passes between them without visiting
  the driver).

``RayBackend`` is a backend of ``ray_app.batch.driver.Mapper`` (``submit``/``collect``/``close``); chunks
are ``ray.embed_batch_size`` queries in both modes, as in ``LocalBackend``, so all give the same results.
A node that leaves the cluster mid-job takes its actors with it: they are dropped from the pools and
their chunks are sent again to the actors that remain (``RayBackend.collect``). Actors restart (``ray.max_restarts``) and their calls
retry (``ray.max_task_retries``), so a dead actor costs a retry, not the job.

Fault injection (tests): ``HARMONIZE_FAULT="replica:2,embedder:3"`` makes the first life of every
replica / embedding actor exit hard on its 2nd / 3rd call; ``HARMONIZE_FAULT_DIR`` holds the marker
files that keep restarted actors (and the other actors of the pool) alive.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from ray_app.index.versions import resolve_index_dir

from .embedder import QueryEmbedder
from .index_replica import IndexReplica


def fault_spec() -> dict | None:
    raw = os.environ.get("HARMONIZE_FAULT", "").strip()
    if not raw:
        return None
    spec = {"dir": os.environ.get("HARMONIZE_FAULT_DIR") or "/tmp"}
    for item in raw.split(","):
        role, _, n = item.partition(":")
        spec[role.strip()] = int(n or 1)
    return spec


def _maybe_die(spec: dict | None, role: str, calls: int) -> None:
    if not spec or spec.get(role) != calls:
        return
    marker = Path(spec["dir"]) / f"harmonize-fault-{role}"
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # only the first actor to get here dies
    except FileExistsError:
        return
    os.close(fd)
    os._exit(1)


class EmbedActor(QueryEmbedder):
    def __init__(self, config, fault: dict | None = None):
        super().__init__(config)
        self.fault, self.calls = fault, 0

    def embed(self, queries: list):
        self.calls += 1
        _maybe_die(self.fault, "embedder", self.calls)
        return self(queries)

    def ready(self) -> str:
        return _node_id()


class ReplicaActor(IndexReplica):
    def __init__(self, index_dir: str, config, fault: dict | None = None):
        super().__init__(index_dir, config)
        self.fault, self.calls = fault, 0

    def match(self, embedded):
        self.calls += 1
        _maybe_die(self.fault, "replica", self.calls)
        return self(embedded)

    def ready(self) -> str:
        return _node_id()


def _node_id() -> str:
    import ray

    return ray.get_runtime_context().get_node_id()


class FusedActor(ReplicaActor):
    """The in-process engine in an actor: the query encoder (its threads = the CPUs the actor reserves)
    plus the IndexReplica's matcher. Its fault role is "replica"."""

    def __init__(self, index_dir: str, config, fault: dict | None = None):
        from ray_app.engine import load_matcher

        self.matcher = load_matcher(index_dir, config)  # no expander: the driver prepares the queries
        self.fault, self.calls = fault, 0
        warm_tables(self.matcher)

    def map(self, queries: list):
        self.calls += 1
        _maybe_die(self.fault, "replica", self.calls)
        return self.matcher.match_batch(queries)


def warm_tables(matcher) -> None:
    """Build the per-system look-up tables the first chunk would otherwise build (the exact-string table):
    at actor start they overlap the driver's own start-up instead of delaying the first results."""
    if "exact" in matcher.cfg.sources:
        for si in matcher.bundle.systems.values():
            si.exact_rows  # noqa: B018 (a cached property)


def fused_config(config):
    """The fused actors' config: encoder threads = the CPUs each actor reserves (not the node's)."""
    import copy

    cfg = copy.deepcopy(config)
    if not cfg.model.threads:
        cfg.model.threads = max(1, int(cfg.ray.fused_cpus))
    return cfg


class RayBackend:
    """Actor pools: ``launch`` creates them without waiting (the file job calls it first, so they load while
    the driver does), ``start`` waits until they are ready; a first ``submit`` does both if nobody did."""

    def __init__(self, index_dir: str, config, log=print):
        self.index_dir = str(resolve_index_dir(index_dir).resolve())  # one version for every actor of the job
        self.config, self.log = config, log
        self.embedders: list = []
        self.replicas: list = []  # IndexReplica actors (split) or FusedActors (fused)
        self.mode: str | None = None
        self.chunk = max(1, config.ray.embed_batch_size)
        self._n = 0
        self.fault = fault_spec()
        self.nodes: dict[str, list[str]] = {"embedders": [], "replicas": []}  # node id per actor, pool order
        self.resent = 0  # chunks sent again after their actors' node left
        self._ready = None  # the actors' ready calls between launch() and start()
        self._gpus = 0.0

    def launch(self) -> None:
        """Create the actors without waiting for them: they load the model and the index while the driver
        loads its expander and prepares the first block (``start`` waits for them)."""
        if self.replicas:
            return
        from .runtime import actor_args, embed_gpus, embed_pool_size, fused_pool_size, init_ray, pool_mode, replica_options

        ray = init_ray(self.config)
        cfg = self.config
        gpus = embed_gpus(cfg)
        self.mode = pool_mode(cfg, gpus)
        if self.mode == "fused":
            fused = ray.remote(FusedActor).options(num_cpus=cfg.ray.fused_cpus, scheduling_strategy="SPREAD",
                                                   **actor_args(cfg))
            fcfg = fused_config(cfg)
            self.replicas = [fused.remote(self.index_dir, fcfg, self.fault) for _ in range(fused_pool_size(cfg))]
        else:
            n_embed = embed_pool_size(cfg, gpus)[1]
            emb_cls = ray.remote(EmbedActor).options(num_gpus=gpus, num_cpus=0 if gpus else 1, **actor_args(cfg))
            self.embedders = [emb_cls.remote(cfg, self.fault) for _ in range(n_embed)]
            rep_cls = ray.remote(ReplicaActor)
            self.replicas = [rep_cls.options(num_cpus=cfg.ray.replica_cpus, **actor_args(cfg), **opts)
                             .remote(self.index_dir, cfg, self.fault) for opts in replica_options(cfg)]
        self._gpus = gpus
        self._ready = [a.ready.remote() for a in self.embedders + self.replicas]

    def start(self) -> None:
        """Launch the actors (unless ``launch`` did) and wait until every one has loaded."""
        import ray

        self.launch()
        if self._ready is None:
            return
        gpus, ready, self._ready = self._gpus, self._ready, None
        try:
            nodes = ray.get(ready)
        except ray.exceptions.RayActorError as exc:
            raise _actor_start_error(exc) from None
        self.nodes = {"embedders": nodes[:len(self.embedders)], "replicas": nodes[len(self.embedders):]}
        if self.mode == "fused":
            self.log(f"[map] actors: {len(self.replicas)} fused (embed + match), CPU")
        else:
            self.log(f"[map] actors: {len(self.embedders)} embedding ({'GPU' if gpus else 'CPU'}), "
                     f"{len(self.replicas)} IndexReplica")
        self.log(f"[map] placement: {json.dumps(self.nodes)}")

    def submit(self, queries: list):
        if not self.replicas or self._ready is not None:
            self.start()
        else:
            self._drop_dead_nodes()  # once per block: no new chunk for an actor whose node has left
        chunks = [_Chunk(queries[s:s + self.chunk]) for s in range(0, len(queries), self.chunk)]
        for c in chunks:
            c.ref = self._dispatch(c.queries)
        return len(queries), chunks

    def _dispatch(self, part: list):
        actor = self.replicas[self._n % len(self.replicas)]
        if self.mode == "fused":
            ref = actor.map.remote(part)
        else:
            ref = actor.match.remote(self.embedders[self._n % len(self.embedders)].embed.remote(part))
        self._n += 1
        return ref

    def collect(self, handle, on_wait=None) -> list:
        """Every chunk's results, in submit order (= query order). A chunk whose actor is lost with its
        node (or dies past its restarts) goes to another actor, up to ``ray.max_task_retries`` times."""
        import time

        import ray

        n, chunks = handle
        lost = _lost_errors()
        waiting = {c.ref: c for c in chunks}
        every, last = max(1.0, float(self.config.ray.progress_seconds)), time.monotonic()
        while waiting:
            ready, _ = ray.wait(list(waiting), num_returns=len(waiting), timeout=1.0)
            for ref in ready:
                c = waiting.pop(ref)
                try:
                    c.results = ray.get(ref)
                except lost as exc:
                    c.tries += 1
                    if c.tries > max(1, int(self.config.ray.max_task_retries)):
                        raise
                    self._drop_dead_nodes()
                    self.log(f"[map] a chunk of {len(c.queries)} queries is sent again ({type(exc).__name__})")
                    self.resent += 1
                    c.ref = self._dispatch(c.queries)
                    waiting[c.ref] = c
            if not ready:
                self._drop_dead_nodes()  # actors on a node that left: killed, so their chunks fail and move
            if on_wait and time.monotonic() - last >= every:  # progress while a big block is being matched
                last = time.monotonic()
                on_wait(min(n, sum(c.results is not None for c in chunks) * self.chunk), n)
        return [r for c in chunks for r in c.results]

    def _drop_dead_nodes(self) -> None:
        import ray

        alive = {nd["NodeID"] for nd in ray.nodes() if nd.get("Alive")}
        for pool in ("embedders", "replicas"):
            actors, nodes = getattr(self, pool), self.nodes[pool]
            gone = [i for i, node in enumerate(nodes) if node not in alive]
            for i in reversed(gone):
                ray.kill(actors.pop(i), no_restart=True)
                self.log(f"[map] node {nodes.pop(i)[:12]} left: its {pool[:-1]} actor is dropped")
            if gone and not actors and (pool == "replicas" or self.mode == "split"):
                raise RuntimeError(f"every {pool[:-1]} actor's node has left the cluster; run the job again "
                                   "(with --resume) once nodes are back")

    def close(self) -> None:
        if self.embedders or self.replicas:
            import ray

            for a in self.embedders + self.replicas:
                ray.kill(a)
            self.embedders, self.replicas, self._ready = [], [], None


class _Chunk:
    def __init__(self, queries: list):
        self.queries, self.ref, self.results, self.tries = queries, None, None, 0


def _lost_errors() -> tuple:
    """What losing an actor or its node raises (not an engine error: those are raised as they are)."""
    from ray import exceptions as e

    return tuple(getattr(e, n) for n in ("RayActorError", "ObjectLostError", "NodeDiedError", "WorkerCrashedError",
                                         "ActorUnschedulableError") if hasattr(e, n))


def _actor_start_error(exc: Exception) -> Exception:
    """An actor that failed in its constructor (a truncated index, a missing model): the engine's own
    error message, not a Ray traceback."""
    from ray_app.index.bundle import IndexBundleError

    text = str(exc)
    lines = [line.strip() for line in text.splitlines()]
    # the engine's own errors first (their messages say what to do), then the built-in ones
    for name, cls in (("IndexBundleError: ", IndexBundleError), ("FileNotFoundError: ", FileNotFoundError),
                      ("ValueError: ", ValueError), ("RuntimeError: ", RuntimeError)):
        for line in reversed(lines):
            if line.startswith(name) or f".{name}" in line:
                return cls(line.split(name, 1)[1])
    return RuntimeError(f"an actor failed to start: {text[-2000:]}")
