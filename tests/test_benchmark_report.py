"""The benchmark report: tables for every scale and the targets of issue 18, from made-up figures."""

from __future__ import annotations

from typing import Any

from benchmarks.report import GB, STAGES, cpu_s, report


def _run(wall: float, rss: float, flow_share: float = 0.9, parsed: int = 0) -> dict[str, Any]:
    flow = wall * flow_share
    return {
        "wall_s": wall,
        "flow_s": flow,
        "timings": {s: flow / len(STAGES) for s in STAGES},
        "peak_rss_bytes": rss * GB,
        "peak_pss_bytes": rss * GB,
        "peak_processes": 4,
        "processes": [
            {
                "label": "main",
                "pid": 1,
                "peak_rss_bytes": GB,
                "peak_pss_bytes": GB,
                "cpu_s": wall / 2,
                "first_s": 0.0,
                "last_s": wall,
            },
            {
                "label": "spawn-worker",
                "pid": 2,
                "peak_rss_bytes": GB,
                "peak_pss_bytes": GB,
                "cpu_s": wall,
                "first_s": 1.0,
                "last_s": wall,
            },
        ],
        "counts": {"extract": {"parsed": parsed, "extractor_version": "v1"}},
        "rows": {"entity_mentions": int(wall * 100)},
    }


def _scale(k: int, wall: float, rss: float) -> dict[str, Any]:
    return {
        "scale": k,
        "articles": 840 * k,
        "full": _run(wall, rss, parsed=840 * k),
        "bare": {"articles": 840 * k, "pipe_s": wall * 0.9, "peak_rss_bytes": GB, "peak_processes": 3},
        "nochange": _run(wall * 0.01, rss, flow_share=0.5),
        "incremental": {**_run(wall * 0.04, rss, flow_share=0.5, parsed=9 * k), "new_articles": 9 * k},
    }


def test_report_checks_every_scale_against_the_one_times_run() -> None:
    results = {
        "machine": {"cpu": "test", "cores": 2, "memory_bytes": 8 * GB, "loadavg": [0.0, 0.0, 0.0]},
        "parameters": {"processes": 2, "batch_size": 32, "sample": None},
        "scales": [_scale(1, 100.0, 1.2), _scale(4, 380.0, 1.3), _scale(16, 1500.0, 1.6)],
    }
    text, checks = report(results)
    met = {name: ok for name, ok, _ in checks}
    assert "Cost growth 1× → 16×" in text and "Cost growth 1× → 4×" in text
    assert met["4× whole run ≥ 0.85 of bare spaCy"] and "1× whole run ≥ 0.85 of bare spaCy" not in met
    assert met["16× peak RSS ≤ 1.50 GB"] is False and met["4× peak RSS ≤ 1.50 GB"]
    assert met["peak RSS 1× → 4× within 1.2×"] and met["peak RSS 1× → 16× within 1.2×"] is False
    assert met["4× no-change rerun in-flow ≤ 2% of full"] and met["16× 1%-new rerun in-flow ≤ 5% of full"]
    assert cpu_s(results["scales"][0]["full"]) == 150.0
