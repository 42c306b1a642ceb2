"""Clean: boilerplate out (kept for audit), metadata kept, unicode fixed, language, duplicates.

Everything here is pure.

- ``boilerplate``: unicode and metadata fixes, the line rules of ``lexicons/boilerplate.toml``, repeated
  captions, related headlines (web-page chrome goes through ``transforms.pagetext``);
- ``language``: the article's language, decided on its own prose with the detector's confidence;
- ``duplicates``: near-duplicate articles (MinHash LSH);
- ``stage``: the clean step over a frame of raw articles (articles + quarantine rows).
"""

from transforms.clean.boilerplate import (
    Cleaned,
    clean_meta,
    clean_text,
    fix_unicode,
    related_headlines,
    rules,
)
from transforms.clean.duplicates import mark_near_duplicates
from transforms.clean.language import (
    LOW_ACCURACY_LETTERS,
    LanguageVerdict,
    detect_language,
    language_verdict,
    own_prose,
)
from transforms.clean.stage import clean_articles

__all__ = [
    "LOW_ACCURACY_LETTERS",
    "Cleaned",
    "LanguageVerdict",
    "clean_articles",
    "clean_meta",
    "clean_text",
    "detect_language",
    "fix_unicode",
    "language_verdict",
    "mark_near_duplicates",
    "own_prose",
    "related_headlines",
    "rules",
]
