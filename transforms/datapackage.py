"""A release's ``datapackage.json`` (Frictionless Data Package) and DuckDB ``load.sql``, both
generated from the schema module (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from transforms import schema

PROFILE = "data-package"


def _field_type(dtype: Any) -> dict[str, Any]:
    if isinstance(dtype, pl.List):
        return {"type": "array", "arrayItem": {"type": _field_type(dtype.inner)["type"]}}
    if dtype.is_integer():
        return {"type": "integer"}
    if dtype.is_float():
        return {"type": "number"}
    if dtype == pl.Date:
        return {"type": "date"}
    if dtype == pl.Boolean:
        return {"type": "boolean"}
    if isinstance(dtype, pl.Datetime):
        return {"type": "datetime"}
    return {"type": "string"}


def table_schema(table: schema.Table) -> dict[str, Any]:
    """Returns the Frictionless Table Schema of ``table``: types, descriptions, required, enums."""
    fields = []
    for c in table.columns:
        f: dict[str, Any] = {"name": c.name, "description": c.description, **_field_type(c.dtype)}
        constraints: dict[str, Any] = {}
        if not c.nullable:
            constraints["required"] = True
        if c.values and f["type"] == "string":
            constraints["enum"] = list(c.values)
        if c.pattern and f["type"] == "string":
            constraints["pattern"] = c.pattern
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    out: dict[str, Any] = {"fields": fields}
    if table.key:
        out["primaryKey"] = list(table.key)
    return out


def datapackage(man: Mapping[str, Any], base_url: str | None = None) -> dict[str, Any]:
    """Returns the datapackage.json of a release from its manifest: one resource per Parquet file
    with its bytes, sha256 and Table Schema. ``base_url`` makes the paths absolute URLs."""
    rid = str(man["release_id"])
    resources = []
    for tname, files in sorted(_by_table(man["files"]).items()):
        table = schema.TABLES.get(tname)
        if table is None:
            continue
        paths = [f"{base_url.rstrip('/')}/{name}" if base_url else name for name, _ in files]
        res: dict[str, Any] = {
            "name": table.name,
            # a partitioned table: the list of its partition files (the key is in each path)
            "path": paths[0] if len(paths) == 1 and "/" not in files[0][0] else paths,
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "description": table.description,
            "bytes": sum(int(f.get("bytes", 0) or 0) for _, f in files),
            "schema": table_schema(table),
        }
        if isinstance(res["path"], str):
            res["hash"] = f"sha256:{files[0][1].get('sha256')}"
        if table.partition is not None and isinstance(res["path"], list):
            res["partitioned_by"] = table.partition.name
        resources.append(res)
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "newsfacts",
        "title": f"newsfacts release {rid}",
        "version": rid,
        "created": man["created_at"],
        "description": "Articles, entities, events and quotes extracted from news articles; every "
        "mention, quote and event mention points into articles.text by character offsets.",
        "licenses": [
            {
                "name": "other",
                "title": "newsfacts terms: extracted data for research; article texts belong to their publishers",
                "path": "README.md",
            }
        ],
        "keywords": ["news", "named entities", "quotations", "events"],
        "resources": resources,
    }


def _by_table(files: Mapping[str, Any]) -> dict[str, list[tuple[str, Mapping[str, Any]]]]:
    """Returns the manifest's data files grouped by table (``articles.parquet/…`` → articles)."""
    out: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for name, facts in sorted(files.items()):
        out.setdefault(name.split("/", 1)[0].removesuffix(".parquet"), []).append((name, facts))
    return out


def load_sql(man: Mapping[str, Any]) -> str:
    """Returns DuckDB SQL that creates one view per table of the release (run it in the release
    folder; a partitioned table is read as one with its partition key as a column) with every
    column's description as a comment (``duckdb_columns()`` shows them)."""
    lines = ["-- newsfacts release " + str(man["release_id"]) + ": duckdb -init load.sql", ""]
    for tname, files in sorted(_by_table(man["files"]).items()):
        table = schema.TABLES.get(tname)
        if table is None:
            continue
        if any("/" in name for name, _ in files):
            # the key stays a string ('undated' beside the days), as polars and pyarrow read it
            source = f"read_parquet('{tname}.parquet/*/*.parquet', hive_partitioning = true, hive_types_autocast = false)"
        else:
            source = f"'{files[0][0]}'"
        lines.append(f"CREATE OR REPLACE VIEW {table.name} AS SELECT * FROM {source};")
        lines.append(f"COMMENT ON VIEW {table.name} IS {_sql_str(table.description)};")
        parts = (table.partition,) if table.partition is not None and "/" in files[0][0] else ()
        for c in (*table.columns, *parts):
            lines.append(f"COMMENT ON COLUMN {table.name}.{c.name} IS {_sql_str(c.description)};")
        lines.append("")
    return "\n".join(lines)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
