"""Benchmarks that print figures (throughput, time per stage, memory, reruns, scale-out).

Run from the repository root: ``.venv/bin/python -m benchmarks.run_benchmarks --help``.
"""
