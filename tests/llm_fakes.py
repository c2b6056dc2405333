"""Fakes of the far side of the LLM stage only: engines (same interface as actors.llm_pool.LLMEngine) that
answer garbage, sleep past the timeout, or die mid-batch; and a scripted in-process client."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path


def _answer(r) -> str:
    if r.kind == "rerank":
        codes = r.schema["properties"]["code"]["enum"]
        return json.dumps({"code": codes[-1], "reason": "scripted: the last candidate"})
    text = r.messages[-1]["content"].split("Text: ", 1)[1].split("\n", 1)[0]
    return json.dumps({"keywords": [f"{text} disorder", "hypertension"], "description": "high blood pressure",
                       "semantic_types": ["Disease or Syndrome"]})


class ScriptedClient:
    """In-process client: valid answers (the last shortlist code; 'hypertension' keywords)."""

    def __init__(self):
        self.calls = 0

    def fingerprint(self) -> str:
        return "scripted-v1"

    def generate(self, requests):
        from ray_app.llm.client import Reply

        self.calls += len(requests)
        return [Reply(_answer(r)) for r in requests]

    def close(self):
        pass


class _Base:
    def __init__(self, llm_cfg):
        self.cfg, self.calls = llm_cfg, 0

    def fingerprint(self) -> str:
        return type(self).__name__

    def ready(self) -> dict:
        return {"pid": os.getpid(), "load_s": 0.0, "fingerprint": self.fingerprint()}


class GarbageEngine(_Base):
    """Not JSON for expansions; a code outside the shortlist for re-ranks; an empty answer now and then."""

    def generate(self, requests):
        self.calls += 1
        out = []
        for i, r in enumerate(requests):
            if r.kind == "rerank":
                out.append(json.dumps({"code": "NOT-A-CODE", "reason": "made up"}))
            else:
                out.append("" if i % 3 == 2 else "{'keywords': [oops")
        return out


class SleepyEngine(_Base):
    def generate(self, requests):
        time.sleep(float(os.environ.get("HARMONIZE_FAKE_SLEEP", "30")))
        return [_answer(r) for r in requests]


class DyingEngine(_Base):
    """Answers its first batch, then its first life exits hard on the second (a crashed engine)."""

    def generate(self, requests):
        self.calls += 1
        marker = Path("/tmp/harmonize-fake-llm-died")
        if self.calls == 2 and not marker.exists():
            marker.write_text("x")
            time.sleep(1.0)  # the first batch's reply leaves the process first (os._exit drops unsent replies)
            os._exit(1)
        return [_answer(r) for r in requests]


class EnrichClient:
    """In-process client answering enrichment prompts with valid, made-up answers; ``garbage``: the codes
    (by preferred name) it answers with text that is not JSON instead."""

    def __init__(self, garbage=()):
        self.garbage, self.asked = set(garbage), []

    def fingerprint(self) -> str:
        return "enrich-scripted-v1"

    def generate(self, requests):
        from ray_app.llm.client import Reply

        out = []
        for r in requests:
            name = r.messages[-1]["content"].split("Preferred name: ", 1)[1].split("\n", 1)[0]
            self.asked.append(name)
            facets = {k: "x" for k in r.schema["properties"].get("facets", {}).get("properties", {})}
            answer = {"description": f"About {name}.", "keywords": [f"{name} lay word", name], "facets": facets}
            out.append(Reply("{'description': oops" if name in self.garbage else json.dumps(answer),
                             prompt_tokens=100, completion_tokens=40))
        return out

    def close(self):
        pass
