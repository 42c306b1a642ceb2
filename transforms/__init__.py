"""Pure transforms of newsfacts: text, spaCy Docs and polars frames in, frames out.

Nothing here touches files: :mod:`storage` reads and writes them (only the rule files of
:mod:`transforms.lexicons` are read, as package data).
"""

__version__ = "0.1.0"
