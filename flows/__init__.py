"""Orchestration of newsfacts: the Prefect flow, its tasks, deployments and the CLI."""

import os

# Memory a stage frees goes back to the system, not only to the next stage: pyarrow's default pool
# (mimalloc) and polars' jemalloc (without its background thread it purges only when polars
# allocates again) would otherwise hold a stage's peak through the whole parse of a large corpus.
# Set before pyarrow or polars allocate (this package is imported first by the CLI and the
# workers); an operator's own setting wins.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0")
