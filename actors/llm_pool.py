"""The LLM engine and its pools: one engine class (``LLMEngine``, holding ``vllm.LLM``) behind every client.

- batch: ``RayLLMPool`` = ``llm.actors`` x ``@ray.remote(num_cpus=llm.cpus_per_actor, num_gpus=...)``
  ``LLMEngine`` actors, fed batches of ``llm.batch_size`` prompts round-robin; the driver waits for each
  batch at most ``llm.timeout_s`` (per position in the actor's queue), so a stuck actor is killed and
  restarted and its prompts come back as ``timeout``; a dead actor's prompts as ``failed``.
- online: the Serve ingress (``actors.serve_app``) holds the same ``RayLLMPool`` and calls it from a worker
  thread. With ``llm.pool_name`` the actors are named and detached (namespace ``harmonize``): batch jobs and
  the Serve app on one cluster then share one set of engines instead of loading the model per job.
- ``harmonize map --local``: ``LocalEngineClient``, the engine in this process (no Ray).

Every client is a ``ray_app.llm.client`` client (``generate(requests) -> replies``, total), so the prompts,
parsing, cache and fallbacks (``ray_app.llm.stage.LLMStage``) are the same code everywhere.
vLLM is imported only inside ``LLMEngine.__init__``.
"""
from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from ray_app.config import Config
from ray_app.llm.client import Reply, Request, failed


class LLMEngine:
    """One vLLM engine. ``generate`` takes ``Request`` s and returns one answer per request: a dict with the
    text and the prompt/completion token counts (engines that return plain text strings work too)."""

    def __init__(self, llm_cfg):
        os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", str(max(1, int(llm_cfg.kv_cache_gb))))
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        t0 = time.perf_counter()
        from vllm import LLM

        from ray_app.llm.model import model_fingerprint, resolve_llm_model

        self.cfg = llm_cfg
        path = resolve_llm_model(llm_cfg.model_path, llm_cfg.model_cache)
        self.fp = model_fingerprint(path)
        self.llm = LLM(model=str(path), max_model_len=int(llm_cfg.max_model_len),
                       enforce_eager=bool(llm_cfg.enforce_eager), enable_prefix_caching=bool(llm_cfg.prefix_caching),
                       tensor_parallel_size=int(llm_cfg.tensor_parallel), dtype=llm_cfg.dtype, seed=0,
                       structured_outputs_config={"backend": llm_cfg.structured_backend,
                                                  "disable_any_whitespace": True})
        self.load_s = time.perf_counter() - t0

    def generate(self, requests: list[Request]) -> list[str | None]:
        if not requests:
            return []
        from vllm import SamplingParams
        from vllm.sampling_params import StructuredOutputsParams

        params = [SamplingParams(temperature=float(self.cfg.temperature), max_tokens=int(r.max_tokens),
                                 structured_outputs=StructuredOutputsParams(json=r.schema)) for r in requests]
        kw = {"chat_template_kwargs": {"enable_thinking": False}} if self.cfg.disable_thinking else {}
        outs = self.llm.chat([r.messages for r in requests], params, use_tqdm=False, **kw)
        return [{"text": o.outputs[0].text, "prompt_tokens": len(o.prompt_token_ids or ()),
                 "completion_tokens": len(o.outputs[0].token_ids or ())} if o.outputs else None for o in outs]

    def fingerprint(self) -> str:
        return self.fp

    def ready(self) -> dict:
        return {"pid": os.getpid(), "load_s": round(self.load_s, 2), "fingerprint": self.fp}


def _reply(answer) -> Reply:
    if isinstance(answer, dict) and isinstance(answer.get("text"), str):
        return Reply(answer["text"], prompt_tokens=int(answer.get("prompt_tokens") or 0),
                     completion_tokens=int(answer.get("completion_tokens") or 0))
    return Reply(answer) if isinstance(answer, str) else Reply(None, "failed")


def _texts_to_replies(texts, n: int) -> list[Reply]:
    if not isinstance(texts, list) or len(texts) != n:
        return failed(n, "failed", "engine returned a wrong number of answers")
    return [_reply(t) for t in texts]


def _batches(requests: list, size: int) -> list[list]:
    size = max(1, int(size))
    return [requests[s:s + size] for s in range(0, len(requests), size)]


class RayLLMPool:
    """``llm.actors`` engine actors, started on first use. ``engine_cls`` is ``LLMEngine`` (tests pass
    fakes of the far side: an engine answering garbage, sleeping, or dying)."""

    def __init__(self, config: Config, engine_cls=None, log=print):
        self.config, self.cfg, self.log = config, config.llm, log
        self.engine_cls = engine_cls or LLMEngine
        self.actors: list = []
        self._fp: str | None = None
        self._n = 0
        self._owned = True  # False: attached to another process's engines (never stopped from here)
        import threading

        self._lock = threading.Lock()

    @classmethod
    def attach(cls, config: Config, actors: list, fingerprint: str, log=print) -> "RayLLMPool":
        """A client over engine actors that another process started and owns (the Ray Data clients of
        ``jobs.enrich_catalog`` share the driver's engines): the model loads once per job, not per client."""
        import random

        pool = cls(config, log=log)
        pool.actors, pool._fp, pool._owned = list(actors), fingerprint, False
        pool._n = random.randrange(max(1, len(pool.actors)))  # clients do not all start on engine 0
        return pool

    def start(self) -> None:
        with self._lock:
            if not self.actors:
                self._start()

    def _start(self) -> None:
        from .runtime import init_ray

        ray = init_ray(self.config)
        c = self.cfg
        cls = ray.remote(self.engine_cls)
        opts = dict(num_cpus=c.cpus_per_actor, num_gpus=c.gpus_per_actor * max(1, int(c.tensor_parallel)),
                    max_restarts=self.config.ray.max_restarts, max_task_retries=0,
                    runtime_env={"env_vars": {"VLLM_CPU_KVCACHE_SPACE": str(max(1, int(c.kv_cache_gb))),
                                              "HF_HUB_OFFLINE": "1"}})
        t0 = time.perf_counter()
        if c.pool_name:  # shared: attach to the named engines, or start them (they outlive this run)
            self.actors = [cls.options(name=f"{c.pool_name}-{i}", namespace="harmonize", lifetime="detached",
                                       get_if_exists=True, **opts).remote(c) for i in range(max(1, int(c.actors)))]
        else:
            self.actors = [cls.options(**opts).remote(c) for _ in range(max(1, int(c.actors)))]
        try:
            info = ray.get([a.ready.remote() for a in self.actors], timeout=c.start_timeout_s)
        except Exception as exc:
            self.close()
            from .pool import _actor_start_error

            raise _actor_start_error(exc) if isinstance(exc, ray.exceptions.RayActorError) else \
                RuntimeError(f"LLM engine actors did not start in {c.start_timeout_s:.0f}s: {exc}") from None
        self._fp = info[0]["fingerprint"]
        self.log(f"[llm] {len(self.actors)} engine actor(s) ({'GPU' if c.gpus_per_actor else 'CPU'}) ready in "
                 f"{time.perf_counter() - t0:.1f}s; model {self._fp}")

    def fingerprint(self) -> str:
        self.start()
        return self._fp

    def generate(self, requests: list[Request]) -> list[Reply]:
        if not requests:
            return []
        import ray

        self.start()
        t0, timeout = time.monotonic(), float(self.cfg.timeout_s)
        batches = _batches(requests, self.cfg.batch_size)
        queued = [0] * len(self.actors)
        jobs = []  # (batch index, actor index, ref, deadline)
        for b, batch in enumerate(batches):
            a = self._n % len(self.actors)
            self._n += 1
            queued[a] += 1
            jobs.append((b, a, self.actors[a].generate.remote(batch), t0 + timeout * queued[a]))
        replies: list[list[Reply] | None] = [None] * len(batches)
        pending = {j[2]: j for j in jobs}
        while pending:
            wait = max(0.0, min(j[3] for j in pending.values()) - time.monotonic())
            done, _ = ray.wait(list(pending), num_returns=len(pending), timeout=wait)
            for ref in done:
                b, a, _, _ = pending.pop(ref)
                try:
                    replies[b] = _texts_to_replies(ray.get(ref), len(batches[b]))
                except Exception as exc:  # a dead actor (RayActorError) or an engine error
                    self.log(f"[llm] engine call failed ({type(exc).__name__}); {len(batches[b])} prompt(s) "
                             f"keep their LLM-off result")
                    replies[b] = failed(len(batches[b]), "failed", str(exc)[:500])
            now = time.monotonic()
            late = [j for j in pending.values() if j[3] <= now]
            for a in sorted({j[1] for j in late}):  # a stuck engine: everything queued on it times out
                self.log(f"[llm] engine actor {a} passed llm.timeout_s={timeout:g}s; restarting it")
                ray.kill(self.actors[a], no_restart=False)
                for ref, j in list(pending.items()):
                    if j[1] == a:
                        pending.pop(ref)
                        replies[j[0]] = failed(len(batches[j[0]]), "timeout")
        return [r for part in replies for r in part]

    def close(self) -> None:
        """Stop this run's engines; a named (shared) pool is left running for the next job."""
        if self.actors and not self.cfg.pool_name and self._owned:
            import ray

            for a in self.actors:
                ray.kill(a)
        self.actors = []

    def shutdown(self) -> None:
        """Stop the engines, named ones included."""
        import ray

        for a in self.actors:
            ray.kill(a)
        self.actors = []


class LocalEngineClient:
    """The engine in this process (``--local``): a worker thread, so a call past the timeout returns."""

    def __init__(self, llm_cfg, engine_cls=None):
        self.cfg = llm_cfg
        self.engine = (engine_cls or LLMEngine)(llm_cfg)
        self._pool = ThreadPoolExecutor(max_workers=1)

    def fingerprint(self) -> str:
        return self.engine.fingerprint()

    def generate(self, requests: list[Request]) -> list[Reply]:
        out: list[Reply] = []
        for batch in _batches(requests, self.cfg.batch_size):
            fut = self._pool.submit(self.engine.generate, batch)
            try:
                out.extend(_texts_to_replies(fut.result(timeout=float(self.cfg.timeout_s)), len(batch)))
            except FutureTimeout:
                out.extend(failed(len(batch), "timeout"))
            except Exception as exc:
                out.extend(failed(len(batch), "failed", str(exc)[:500]))
        return out

    def close(self) -> None:
        self._pool.shutdown(wait=False)


def make_client(config: Config, local: bool = False, engine_cls=None, log=print):
    if config.llm.backend == "openai":
        from ray_app.llm.client import OpenAIClient

        return OpenAIClient(config.llm)
    return LocalEngineClient(config.llm, engine_cls) if local else RayLLMPool(config, engine_cls, log=log)


def index_stys(index_dir: str | Path) -> list[str]:
    """The index's own STY inventory (sty.json), the enum of the expansion schema."""
    from ray_app.index.versions import resolve_index_dir

    p = resolve_index_dir(index_dir) / "sty.json"
    return json.loads(p.read_text()) if p.exists() else []


def answer_cache_path(config: Config) -> Path:
    from ray_app.llm.model import cache_root

    return Path(config.llm.cache_dir) if config.llm.cache_dir else cache_root(config.llm.model_cache) / "answers.sqlite"


def make_llm_stage(config: Config, index_dir: str | Path, local: bool = False, client=None, engine_cls=None,
                   log=print):
    """The LLM stage for a run of ``config.llm.mode`` over ``index_dir``: its client (``client``, or the
    configured backend), the index's STYs and the on-disk answer cache."""
    from ray_app.llm.cache import LLMCache
    from ray_app.llm.stage import LLMStage

    client = client or make_client(config, local=local, engine_cls=engine_cls, log=log)
    return LLMStage(client, config, index_stys(index_dir), LLMCache(answer_cache_path(config)), log=log)
