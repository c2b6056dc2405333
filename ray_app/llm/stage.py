"""LLMStage: the LLM as two stages of the one batch path, called by ``batch.driver.Mapper`` (and the
Serve ingress) on the distinct queries after dedupe:

    prepare -> dedupe -> [expand: extra anchors] -> embed + match (any backend) -> [decide: re-rank] -> rows

Both are total: every query comes back, a failed or timed-out answer leaves that query's LLM-off result
with the flag ``llm_failed`` / ``llm_timeout``. Answers are cached (``cache.LLMCache``) before any request.
"""
from __future__ import annotations

from dataclasses import asdict, replace

from ray_app.config import Config
from ray_app.llm.cache import LLMCache, cache_key
from ray_app.llm.client import Request
from ray_app.llm.combine import apply_rerank, expansion_anchors
from ray_app.llm.parse import Expansion, LLMOutputError, Rerank, parse_expansion, parse_rerank
from ray_app.llm.prompts import PROMPT_VERSION, expansion_messages, rerank_messages
from ray_app.llm.schema import expansion_schema, rerank_schema
from ray_app.result import MatchResult

FLAG = {"timeout": "llm_timeout", "failed": "llm_failed"}


class LLMStage:
    def __init__(self, client, config: Config, stys: list[str], cache: LLMCache | None = None, log=None):
        self.client, self.cfg, self.review = client, config.llm, config.match.review_threshold
        self.stys = list(stys)
        self.cache = cache or LLMCache(None)
        self.log = log or (lambda m: None)
        mode = self.cfg.mode
        self.expand_on, self.rerank_on = mode in ("expand", "full"), mode in ("rerank", "full")
        self._fp: str | None = None
        self.stats = {"expand_requests": 0, "rerank_requests": 0, "cache_hits": 0, "llm_failed": 0,
                      "llm_timeout": 0}

    @property
    def fingerprint(self) -> str:
        if self._fp is None:
            self._fp = self.client.fingerprint()
        return self._fp

    def _ask(self, requests: list[Request]):
        replies = self.client.generate(requests) if requests else []
        if len(replies) != len(requests):  # a client bug must not lose rows
            from ray_app.llm.client import failed

            replies = failed(len(requests), "failed", "client returned a wrong number of replies")
        return replies

    def _flag(self, error: str) -> str:
        f = FLAG.get(error, "llm_failed")
        self.stats[f] += 1
        return f

    # ------------------------------------------------------------------ before embedding
    def expand(self, queries: list) -> list:
        if not self.expand_on or not queries:
            return queries
        c = self.cfg
        keys = [cache_key("expand", q.key, q.entity_type, self.fingerprint, PROMPT_VERSION) for q in queries]
        known = self.cache.get_many(keys)
        self.stats["cache_hits"] += len(known)
        todo = [i for i, k in enumerate(keys) if k not in known]
        schema = expansion_schema(self.stys, c.max_keywords, c.max_stys)
        replies = self._ask([Request("expand", expansion_messages(queries[i].text, queries[i].entity_type,
                                                                  self.stys, c.max_keywords), schema, c.max_tokens)
                             for i in todo])
        self.stats["expand_requests"] += len(todo)
        out, fresh = list(queries), {}
        for i, rep in zip(todo, replies):
            try:
                if rep.error:
                    raise LLMOutputError(rep.error)
                fresh[keys[i]] = asdict(parse_expansion(rep.text, self.stys, c.max_keywords, c.max_stys))
            except LLMOutputError:
                out[i] = replace(queries[i], llm_flags=[*queries[i].llm_flags, self._flag(rep.error)])
        self.cache.put_many(fresh)
        known.update(fresh)
        for i, k in enumerate(keys):
            if k in known:
                out[i] = with_expansion(queries[i], Expansion(**known[k]))
        return out

    # ------------------------------------------------------------------ after matching
    def decide(self, queries: list, results: list[MatchResult]) -> list[MatchResult]:
        out = [_annotated(q, r) for q, r in zip(queries, results)]
        if not self.rerank_on:
            return out
        c = self.cfg
        asked = [i for i, r in enumerate(out) if r.code and len(r.candidates) >= 2]
        short = {i: out[i].candidates[:max(2, c.rerank_k)] for i in asked}
        keys = {i: cache_key("rerank", queries[i].key, queries[i].entity_type, self.fingerprint, PROMPT_VERSION,
                             ",".join(x.code for x in short[i])) for i in asked}
        known = self.cache.get_many(list(keys.values()))
        self.stats["cache_hits"] += len(known)
        todo = [i for i in asked if keys[i] not in known]
        replies = self._ask([Request("rerank", rerank_messages(queries[i].text, queries[i].entity_type,
                                                               [(x.code, x.description, x.sty) for x in short[i]]),
                                     rerank_schema([x.code for x in short[i]]), c.rerank_max_tokens)
                             for i in todo])
        self.stats["rerank_requests"] += len(todo)
        fresh = {}
        for i, rep in zip(todo, replies):
            try:
                if rep.error:
                    raise LLMOutputError(rep.error)
                fresh[keys[i]] = asdict(parse_rerank(rep.text, [x.code for x in short[i]]))
            except LLMOutputError:
                out[i] = replace(out[i], flags=list(dict.fromkeys([*out[i].flags, self._flag(rep.error)])))
        self.cache.put_many(fresh)
        known.update(fresh)
        for i in asked:
            if keys[i] in known:
                out[i] = apply_rerank(out[i], Rerank(**known[keys[i]]), c, self.review)
        return out

    def close(self) -> None:
        self.client.close()
        self.cache.close()


def with_expansion(q, exp: Expansion):
    direct = q.direct_anchors
    anchors, kinds = expansion_anchors(exp, direct)
    return replace(q, anchors=[*direct, *anchors], n_direct=len(direct), llm_kinds=kinds, llm_stys=list(exp.stys),
                   llm_expansion=exp.display())


def _annotated(q, r: MatchResult) -> MatchResult:
    """The query's expansion text and its expansion flags on its result."""
    if not q.llm_expansion and not q.llm_flags:
        return r
    return replace(r, llm_expansion=q.llm_expansion or r.llm_expansion,
                   flags=list(dict.fromkeys([*r.flags, *q.llm_flags])))
