"""Compares the rows of two releases table by table, whatever their layout (single files or
Hive-partitioned folders): prints one line per table and exits 1 when any table differs.

    python benchmarks/compare_releases.py OUT_A/current OUT_B/current
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl
from polars.testing import assert_frame_equal

from storage.partitions import read_table
from transforms import schema


def compare(a: Path, b: Path) -> list[str]:
    """Returns the names of the published tables whose rows differ between releases ``a`` and ``b``
    (compared sorted by every key column, so neither row order nor file layout matters)."""
    differ = []
    for t in schema.PUBLISHED_TABLES:
        fa, fb = read_table(a, t), read_table(b, t)
        if fa is None or fb is None:
            print(f"{t.name}: missing in {'the first' if fa is None else 'the second'} release")
            differ.append(t.name)
            continue
        order = list(dict.fromkeys([*t.key, *t.sort_by]))
        try:
            assert_frame_equal(fa.sort(order, nulls_last=True), fb.sort(order, nulls_last=True))
        except AssertionError as err:
            print(f"{t.name}: DIFFERENT ({str(err).splitlines()[0]})")
            differ.append(t.name)
            continue
        print(f"{t.name}: {fa.height} rows identical")
    return differ


def main() -> int:
    """Runs the comparison; returns the exit code."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("first", type=Path)
    p.add_argument("second", type=Path)
    args = p.parse_args()
    pl.Config.set_tbl_rows(5)
    return 1 if compare(args.first, args.second) else 0


if __name__ == "__main__":
    sys.exit(main())
