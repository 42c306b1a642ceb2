"""Checks an operator can act on, run before the flow reads anything."""

from __future__ import annotations

import importlib.util
import sys


def check_model(model: str) -> None:
    """Raises ``RuntimeError`` with the fix when the spaCy model package ``model`` is not
    installed in this Python (found without importing spaCy or loading the model)."""
    try:
        found = importlib.util.find_spec(model) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed in {sys.prefix} (the Python that runs the flow). "
            f"Install it there: `{sys.executable} -m pip install {model}` (the project's model is "
            "pinned in requirements-model.txt: `pip install -r requirements-model.txt`), or set the "
            "run's `model` parameter to an installed spaCy model package."
        )
