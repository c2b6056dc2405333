"""The Ray Data client actor of ``jobs.enrich_catalog``: batches of codes -> enrichment records, through
the driver's LLM engine actors (``actors.llm_pool``; attached, so the model loads once per job) or an
OpenAI-compatible endpoint (``llm.backend=openai``)."""
from __future__ import annotations

import pandas as pd

from ray_app.config import Config
from ray_app.enrich.run import RateLimit, enrich_batch


class CodeEnricher:
    def __init__(self, config: Config, actors: list | None = None, fingerprint: str | None = None):
        from actors.llm_pool import RayLLMPool, make_client

        self.config = config
        self.client = RayLLMPool.attach(config, actors, fingerprint) if actors else make_client(config)
        # enrich.max_requests_per_s is the job's: each of the enrich.concurrency clients takes its share
        self.limiter = RateLimit(config.enrich.max_requests_per_s / max(1, int(config.enrich.concurrency)))

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        return enrich_batch(self.client, batch, self.config, self.limiter)
