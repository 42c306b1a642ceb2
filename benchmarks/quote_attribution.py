"""Quote attribution time against article size: a generated article with long sentences and many
unbalanced quotation marks (the hostile shape of issue #14), parsed once per size, then timed in
``transforms.quotes.quotes_from_doc`` alone. Attribution should grow about linearly.

    .venv/bin/python -m benchmarks.quote_attribution --sizes 10000 40000 150000
"""

from __future__ import annotations

import argparse
import json
import random
import time

_WORDS = [
    *[
        "the",
        "council",
        "said",
        "that",
        "its",
        "members",
        "would",
        "vote",
        "on",
        "the",
        "plan",
        "after",
        "a",
        "long",
        "debate",
        "about",
    ],
    *[
        "roads",
        "schools",
        "and",
        "water",
        "while",
        "Dana",
        "Whitfield",
        "told",
        "reporters",
        "in",
        "the",
        "city",
        "hall",
        "she",
        "added",
    ],
]
_MARKS = ['"', "“", "”", "‘", "’", "'", "«", "»"]


def hostile_text(n_chars: int, seed: int = 7, sentence_words: int = 400) -> str:
    """Returns a generated text of about ``n_chars`` characters: paragraphs of a few very long
    sentences (``sentence_words`` words, no full stop inside) strewn with unbalanced quotation
    marks, cue verbs and names, so every quote has a long sentence around it."""
    rnd = random.Random(seed)
    paras: list[str] = []
    size = 0
    while size < n_chars:
        sents = []
        for _ in range(rnd.randint(1, 3)):
            words = []
            for _ in range(sentence_words):
                w = rnd.choice(_WORDS)
                r = rnd.random()
                if r < 0.04:
                    w = rnd.choice(_MARKS) + w
                elif r < 0.08:
                    w = w + rnd.choice(_MARKS)
                elif r < 0.10:
                    w += ","
                words.append(w)
            words[0] = words[0].capitalize()
            sents.append(" ".join(words) + ".")
        para = " ".join(sents)
        paras.append(para)
        size += len(para) + 2
    return "\n\n".join(paras)[:n_chars]


def time_attribution(text: str, nlp: object) -> tuple[float, int]:
    """Returns the seconds ``quotes_from_doc`` takes on the parsed text and the rows it found."""
    from transforms.quotes import quotes_from_doc

    doc = nlp(text)  # type: ignore[operator]
    t0 = time.perf_counter()
    rows = quotes_from_doc(doc, "bench", [])
    return time.perf_counter() - t0, len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000, 150_000])
    ap.add_argument("--sentence-words", type=int, default=400)
    args = ap.parse_args()
    from transforms.nlp import load_model

    nlp = load_model()
    for n in args.sizes:
        secs, rows = time_attribution(hostile_text(n, sentence_words=args.sentence_words), nlp)
        print(json.dumps({"chars": n, "attribution_s": round(secs, 3), "quotes": rows}), flush=True)


if __name__ == "__main__":
    main()
