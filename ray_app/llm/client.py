"""One LLM client interface, two backends.

A client has ``generate(requests) -> list[Reply]`` (one reply per request, in order; it never raises: a
failure is ``Reply(error="failed")``, a request past ``llm.timeout_s`` is ``Reply(error="timeout")``),
``fingerprint()`` (what identifies the model in cache keys) and ``close()``.

- ``actors.llm_pool.RayLLMPool``: engine actors holding ``vllm.LLM`` (the batch job), and
  ``actors.llm_pool.ServeLLMClient`` over the same engine class deployed in Serve (the online app);
- ``OpenAIClient`` (here): any OpenAI-compatible endpoint (a vLLM server, ``ray.serve.llm``), plain HTTP JSON.
"""
from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field


@dataclass
class Request:
    kind: str  # expand | rerank
    messages: list[dict]
    schema: dict  # JSON schema of the answer
    max_tokens: int = 96


@dataclass
class Reply:
    text: str | None = None
    error: str = ""  # "" | failed | timeout
    detail: str = field(default="", repr=False)
    prompt_tokens: int = 0  # as the engine counted them (0 when it does not say)
    completion_tokens: int = 0


def failed(n: int, error: str, detail: str = "") -> list[Reply]:
    return [Reply(None, error, detail) for _ in range(n)]


class OpenAIClient:
    """Chat completions with ``response_format: json_schema`` against ``llm.endpoint`` (one HTTP request per
    prompt, ``llm.batch_size`` in parallel, each with ``llm.timeout_s``)."""

    def __init__(self, llm_cfg):
        self.cfg = llm_cfg
        self.base = (llm_cfg.endpoint or "").rstrip("/")
        if not self.base:
            raise ValueError("llm.endpoint is not set (an OpenAI-compatible base URL, e.g. http://host:8000/v1)")
        self.model = llm_cfg.served_model
        self._pool = ThreadPoolExecutor(max_workers=max(1, min(16, int(llm_cfg.batch_size))))

    def _headers(self) -> dict:
        h = {"Content-Type": "application/json"}
        token = os.environ.get(self.cfg.api_key_env or "", "")
        if token:
            h["Authorization"] = f"Bearer {token}"
        return h

    def _http(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=self._headers(), method=method)
        with urllib.request.urlopen(req, timeout=float(self.cfg.timeout_s)) as resp:
            return json.loads(resp.read().decode())

    def model_name(self) -> str:
        if not self.model:  # at start: an endpoint that cannot name its model is a configuration error
            try:
                models = self._http("GET", "/models").get("data") or []
            except (OSError, ValueError) as exc:  # URLError, a timeout, a body that is not JSON
                raise RuntimeError(f"llm.endpoint {self.base}: cannot list its models ({exc}); is the server up? "
                                   f"(with llm.served_model set, an unreachable endpoint flags rows llm_failed)"
                                   ) from None
            if not models:
                raise RuntimeError(f"{self.base}/models lists no model; set llm.served_model")
            self.model = models[0]["id"]
        return self.model

    def fingerprint(self) -> str:
        return f"openai:{self.model_name()}"

    def body(self, r: Request) -> dict:
        b = {"model": self.model_name(), "messages": r.messages, "temperature": float(self.cfg.temperature),
             "max_tokens": int(r.max_tokens),
             "response_format": {"type": "json_schema",
                                 "json_schema": {"name": r.kind, "schema": r.schema, "strict": True}}}
        if self.cfg.disable_thinking:  # vLLM / ray.serve.llm: Qwen3-style thinking off for structured output
            b["chat_template_kwargs"] = {"enable_thinking": False}
        return b

    def _one(self, r: Request) -> Reply:
        t0 = time.monotonic()
        try:
            out = self._http("POST", "/chat/completions", self.body(r))
            # urllib's timeout bounds each socket wait, not the request: an answer that arrives while this
            # thread waits for the GIL would pass it, so the whole request is held to llm.timeout_s here
            if time.monotonic() - t0 > float(self.cfg.timeout_s):
                return Reply(None, "timeout", f"answered after llm.timeout_s={self.cfg.timeout_s:g}s")
            usage = out.get("usage") or {}
            return Reply(out["choices"][0]["message"].get("content"), prompt_tokens=int(usage.get("prompt_tokens") or 0),
                         completion_tokens=int(usage.get("completion_tokens") or 0))
        except TimeoutError as exc:
            return Reply(None, "timeout", str(exc))
        except urllib.error.URLError as exc:
            is_timeout = isinstance(getattr(exc, "reason", None), TimeoutError)
            return Reply(None, "timeout" if is_timeout else "failed", str(exc))
        except Exception as exc:  # a bad body, a 5xx: the row keeps its LLM-off result
            return Reply(None, "failed", f"{type(exc).__name__}: {exc}")

    def generate(self, requests: list[Request]) -> list[Reply]:
        return list(self._pool.map(self._one, requests))

    def close(self) -> None:
        self._pool.shutdown(wait=False)
