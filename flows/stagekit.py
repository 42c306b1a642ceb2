"""What every stage of :mod:`flows.stages` shares: whether a stage ignores its cache, the stage
cache lookup around a stage's work, and freeing memory between steps."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from storage import stagecache
from storage.locations import Locations

from .parallel import trim_memory
from .params import RERUN_CHOICES


def free_memory(freeze: bool = False) -> None:
    """Collects garbage and returns the freed heap pages to the system (after a step that freed
    many objects: the process keeps its peak otherwise). ``freeze``: in a flow run that froze its
    long-lived objects (:func:`flows.pipeline.newsfacts_pipeline`, which unfreezes at its end),
    what survives is kept out of later collections too: GX, imported in the background during the
    parse, doubles the objects every full collection walks (~0.3 s each). A stage called outside
    the flow (a test) freezes nothing."""
    gc.collect()
    if freeze and gc.get_freeze_count():
        gc.freeze()
    trim_memory()


def ignores_cache(stage: str, rerun_from: str, full_refresh: bool) -> bool:
    """Returns True when ``stage`` must be recomputed: a full refresh, or the operator asked to
    rerun from this stage or an earlier one."""
    if full_refresh:
        return True
    if rerun_from not in RERUN_CHOICES:
        raise ValueError(f"rerun_from must be one of {', '.join(RERUN_CHOICES)}, not {rerun_from!r}")
    if rerun_from == "auto":
        return False
    return RERUN_CHOICES.index(stage) >= RERUN_CHOICES.index(rerun_from)


def cache_or_compute(
    loc: Locations,
    stage: str,
    key: str,
    dest: Path,
    refresh: bool,
    compute: Callable[[], dict[str, Any]],
    outputs: Sequence[str] | None,
    reused: Callable[[dict[str, Any]], None],
    keep: Callable[[dict[str, Any]], bool] | None = None,
) -> dict[str, Any]:
    """Returns the stage's result: the stored one when ``key`` is in the stage cache (its outputs
    copied into ``dest``, ``reused`` told), else ``compute()``'s, stored with the outputs
    ``outputs`` of ``dest`` (every entry when None) unless ``keep`` says no. ``refresh`` skips the
    lookup."""
    if not refresh and (hit := stagecache.restore(loc.cache_root, stage, key, dest)):
        reused(hit)
        return hit
    result = compute()
    if keep is None or keep(result):
        stagecache.store(loc.cache_root, stage, key, dest, outputs, result)
    return result
