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
    for name, facts in sorted(man["files"].items()):
        table = schema.TABLES.get(name.removesuffix(".parquet"))
        if table is None:
            continue
        resources.append(
            {
                "name": table.name,
                "path": f"{base_url.rstrip('/')}/{name}" if base_url else name,
                "format": "parquet",
                "mediatype": "application/vnd.apache.parquet",
                "description": table.description,
                "bytes": facts.get("bytes"),
                "hash": f"sha256:{facts.get('sha256')}",
                "schema": table_schema(table),
            }
        )
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


def load_sql(man: Mapping[str, Any]) -> str:
    """Returns DuckDB SQL that creates one view per table of the release (run it in the release
    folder) with every column's description as a comment (``duckdb_columns()`` shows them)."""
    lines = ["-- newsfacts release " + str(man["release_id"]) + ": duckdb -init load.sql", ""]
    for name in sorted(man["files"]):
        table = schema.TABLES.get(name.removesuffix(".parquet"))
        if table is None:
            continue
        lines.append(f"CREATE OR REPLACE VIEW {table.name} AS SELECT * FROM '{name}';")
        lines.append(f"COMMENT ON VIEW {table.name} IS {_sql_str(table.description)};")
        for c in table.columns:
            lines.append(f"COMMENT ON COLUMN {table.name}.{c.name} IS {_sql_str(c.description)};")
        lines.append("")
    return "\n".join(lines)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
