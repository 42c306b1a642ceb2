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
from transforms.clean.duplicates import (
    mark_near_duplicates,
    mark_near_duplicates_from_signatures,
    signature,
)
from transforms.clean.language import (
    LanguageVerdict,
    detect_language,
    language_verdict,
    own_prose,
    release_models,
)
from transforms.clean.stage import CLEANED_TEXT_SCHEMA, clean_articles, clean_texts, text_key

__all__ = [
    "CLEANED_TEXT_SCHEMA",
    "Cleaned",
    "LanguageVerdict",
    "clean_articles",
    "clean_meta",
    "clean_text",
    "clean_texts",
    "detect_language",
    "fix_unicode",
    "language_verdict",
    "mark_near_duplicates",
    "mark_near_duplicates_from_signatures",
    "own_prose",
    "related_headlines",
    "release_models",
    "rules",
    "signature",
    "text_key",
]
