"""Great Expectations suites as code: one module per published table, and the runner.

Each table module exposes ``TABLE`` (its :mod:`transforms.schema` definition), ``checks(frame,
refs, run)`` (row-level checks computed in polars) and ``expectations(run)`` (the table's own
native GX expectations beyond those the schema implies). :mod:`expectations.runner` assembles the
suites, validates them in one ephemeral GX context and writes the results and Data Docs.
"""
