"""Ray Job entrypoints (``ray job submit -- python -m jobs.<name>``) and the Ray Data pipelines they run."""
