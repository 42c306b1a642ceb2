"""Bare spaCy: ``nlp.pipe`` over the cleaned texts of a published ``articles.parquet``, with the model
and components the pipeline uses (``transforms.nlp.load_model``) and the same number of processes.
The components are spaCy's own (``stock=True``): the pipeline's faster stand-ins for the attribute
ruler and the lemmatizer (``transforms.fastpipes``, same attributes set) are part of what is
measured against it; ``--fast`` measures the parse with them too.

The baseline the whole run is compared with. Prints one JSON object: model load seconds, pipe
seconds, articles, characters and tokens. Every Doc is consumed (its length summed) and dropped.

    .venv/bin/python -m benchmarks.bare_spacy --articles OUT/articles.parquet --processes 2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any


def _char_batches(texts: list[str], max_items: int, max_chars: int) -> list[list[str]]:
    """Returns the texts, in order, in batches of at most ``max_items`` texts and ``max_chars``
    characters (a longer text alone), as ``flows.parallel.chunk_by_chars`` cuts the pipeline's."""
    out: list[list[str]] = []
    cur: list[str] = []
    chars = 0
    for t in texts:
        if cur and (len(cur) >= max_items or chars + len(t) > max_chars):
            out.append(cur)
            cur, chars = [], 0
        cur.append(t)
        chars += len(t)
    return [*out, cur] if cur else out


def measure(
    texts: list[str],
    model: str,
    processes: int,
    batch_size: int,
    batch_chars: int | None = None,
    fast: bool = False,
) -> dict[str, Any]:
    """Returns the seconds spent loading the model and running ``nlp.pipe`` over ``texts`` (with
    ``batch_chars``: in one process, batches cut at that many characters too, longest texts first
    as the pipeline orders them), the CPU seconds of the pipe in this process and its peak RSS."""
    import resource

    from transforms.nlp import load_model

    t0 = time.perf_counter()
    nlp = load_model(model, stock=not fast)
    load_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    tokens = 0
    if batch_chars is not None:
        if processes != 1:
            raise ValueError("batch_chars is measured in one process")
        ordered = sorted(texts, key=len, reverse=True)
        for batch in _char_batches(ordered, batch_size, batch_chars):
            for doc in nlp.pipe(batch, batch_size=len(batch)):
                tokens += len(doc)
    else:
        for doc in nlp.pipe(texts, batch_size=batch_size, n_process=processes):
            tokens += len(doc)
    pipe_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    return {
        "model": model,
        "components_stock": not fast,
        "components": nlp.pipe_names,
        "processes": processes,
        "batch_size": batch_size,
        "batch_chars": batch_chars,
        "articles": len(texts),
        "chars": sum(len(t) for t in texts),
        "tokens": tokens,
        "load_s": round(load_s, 3),
        "pipe_s": round(pipe_s, 3),
        "pipe_cpu_s": round(cpu_s, 3),  # this process only (the workers' CPU when processes > 1)
        "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }


def main(argv: list[str] | None = None) -> int:
    """Reads the texts, runs the measurement and prints it as JSON; returns the exit code."""
    import polars as pl

    from transforms.nlp import DEFAULT_MODEL

    p = argparse.ArgumentParser(prog="bare_spacy", description=__doc__)
    p.add_argument("--articles", required=True, help="a published articles.parquet")
    p.add_argument("--model", default=DEFAULT_MODEL)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument(
        "--batch-chars", type=int, default=None, help="also cut batches at N characters (one process only)"
    )
    p.add_argument("--limit", type=int, default=None, help="only the first N texts")
    p.add_argument("--fast", action="store_true", help="with the pipeline's faster ruler and lemmatizer")
    args = p.parse_args(argv)
    texts = pl.read_parquet(args.articles, columns=["text"])["text"].to_list()
    if args.limit is not None:
        texts = texts[: args.limit]
    print(
        json.dumps(measure(texts, args.model, args.processes, args.batch_size, args.batch_chars, args.fast))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
