"""The LLM stage, engine side (no Ray, no vLLM here): prompts, schemas, parsing, combination, cache, clients.

    prompts.py   versioned prompts (PROMPT_VERSION); one shared system prompt + the index's STY list
    schema.py    JSON schemas: expansion (keywords, description, STYs of the index) and re-rank (a shortlist code)
    parse.py     answer -> Expansion / Rerank, or LLMOutputError (malformed, empty, a code not in the shortlist)
    combine.py   expansion -> extra anchors and the llm signal; re-rank decision + engine confidence
    cache.py     answers on disk, keyed by (normalized text, entity type, model fingerprint, prompt version)
    client.py    Request/Reply and the client interface; OpenAIClient (any OpenAI-compatible endpoint)
    stage.py     LLMStage: expand(queries) before embedding, decide(queries, results) after matching
    model.py     the model folder (the packaged SmolLM2 GGUF, converted once) and its fingerprint

The vLLM engine actors are ``actors.llm_pool`` (the other client backend).
"""
