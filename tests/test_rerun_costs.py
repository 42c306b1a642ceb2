"""What a small rerun spends beside its stages' work: removing an old release, garbage collections."""

from __future__ import annotations

import gc
from pathlib import Path

from storage.releases import remove_tree


def test_remove_tree_removes_a_release_of_partition_folders(tmp_path: Path) -> None:
    rel = tmp_path / "r"
    for t in ("a.parquet", "b.parquet"):
        for d in ("published_date=2024-01-01", "published_date=2024-01-02"):
            (rel / t / d).mkdir(parents=True)
            (rel / t / d / "part-1.parquet").write_bytes(b"x")
    (rel / "manifest.json").write_text("{}")
    (rel / "one.parquet").write_bytes(b"x")
    remove_tree(rel)
    assert not rel.exists()
    remove_tree(rel)  # gone already: nothing to do, no error


def test_free_memory_freezes_only_within_a_run_that_froze() -> None:
    from flows.stagekit import free_memory as _free_memory

    gc.unfreeze()
    _free_memory(freeze=True)  # outside a flow run (a test): nothing frozen
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        kept = [object()]
        _free_memory(freeze=True)
        assert gc.get_freeze_count() > 0 and kept
    finally:
        gc.unfreeze()
