"""The data dictionary: the published tables of :mod:`transforms.schema` rendered as Markdown for the
dataset card (the schema holds the columns; this module only writes them out)."""

from __future__ import annotations

import polars as pl

from transforms.schema import PUBLISHED_TABLES, Table


def _type_name(dtype: object) -> str:
    """The type as the dictionary names it (``string``, ``int64``, ``list<string>``)."""
    names = {"String": "string", "Int64": "int64", "Float64": "float64", "Date": "date"}
    if isinstance(dtype, pl.List):
        return f"list<{_type_name(dtype.inner)}>"
    return names.get(type(dtype).__name__, str(dtype))


def data_dictionary(tables: tuple[Table, ...] = PUBLISHED_TABLES) -> str:
    """The data dictionary of the published tables as Markdown (one section per table)."""
    lines: list[str] = []
    for t in tables:
        lines += [f"### `{t.name}.parquet`", "", t.description, "", f"Key: `{', '.join(t.key)}`.", ""]
        if t.partition is not None:
            k = t.partition.name
            lines += [
                f"A folder partitioned Hive-style by `{k}`: `{t.name}.parquet/{k}=…/part-<hash>.parquet`, "
                "one file per partition; read the folder as one table (the key becomes a column).",
                "",
            ]
        lines += ["| column | type | nullable | description |", "|---|---|---|---|"]
        for c in (*t.columns, *((t.partition,) if t.partition is not None else ())):
            desc = c.description
            if c.values:
                desc += " Values: " + ", ".join(f"`{v}`" for v in c.values) + "."
            lines.append(
                f"| `{c.name}` | `{_type_name(c.dtype)}` | {'yes' if c.nullable else 'no'} | {desc} |"
            )
        lines.append("")
    return "\n".join(lines)
