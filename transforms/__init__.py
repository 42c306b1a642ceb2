"""Pure transforms of newsfacts: text, spaCy Docs and polars frames in, frames out.

Only :mod:`transforms.io` touches files.
"""

__version__ = "0.1.0"
