"""Rule data (cue verbs, event verbs, titles, boilerplate patterns) kept as TOML files.

Rules are data, not code: each ``NAME.toml`` beside this file is loaded by :func:`load`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any


@cache
def load(name: str) -> dict[str, Any]:
    """Returns the parsed contents of ``transforms/lexicons/NAME.toml`` (cached per process)."""
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)
