"""Build-side LLM enrichment of catalog codes (``harmonize enrich``, ``jobs.enrich_catalog``); no Ray here.

    codes.py    the codes to enrich (from an index or catalog files) and what the prompt says about each
    prompts.py  the versioned prompt (ENRICH_PROMPT_VERSION) and the facet families
    schema.py   the JSON schema of an answer (description, keywords, the family's facets)
    parse.py    answer -> Enrichment, or LLMOutputError (then the code is recorded as failed)
    run.py      one batch of codes -> records (never raises); the resumable driver with progress and ETA
    store.py    ENRICH_DIR: parquet shards of records, latest per code, coverage, the rows an index adds

The engine is the LLM stage's (``llm`` config section, ``actors.llm_pool`` clients); enriched strings enter
an index with ``harmonize build --enrich ENRICH_DIR`` as rows of TTY ``LLM`` (``match.llm_rows_weight``).
"""
