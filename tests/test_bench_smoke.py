"""The benchmark's smoke size runs end to end, so bench/ cannot rot (figures are not judged here)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
IN_PROCESS = ("summary_ms", "summary_floor_ms", "usage_ms", "usage_floor_ms", "approval_ms")
DERIVED = ("list_vs_bare", "list_vs_handwritten", "usage_vs_bare", "post_vs_bare", "summary_growth",
           "summary_vs_floor", "usage_growth", "usage_vs_floor", "approval_growth", "worker_peak_rss_mb")


@pytest.mark.server
def test_smoke_run_on_sqlite_writes_every_metric(tmp_path):
    """Not parametrised by backend: the run makes its own throwaway SQLite database."""
    if shutil.which("wrk") is None:
        pytest.fail("wrk is required: apt-get install -y wrk (make bench-deps)")
    result = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.run", "--smoke", "--backends", "sqlite", "--results-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "REGISTRY_ENV": "production"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    results = json.loads(files[0].read_text())
    sqlite = results["backends"]["sqlite"]
    for size in ("200", "2000"):
        figures = sqlite["sizes"][size]["inproc"]
        assert all(figures[key] > 0 for key in IN_PROCESS), figures
        assert figures["approval_outcome"] == "approved"
        assert sqlite["sizes"][size]["seed_s"] > 0
    for name in ("bare", "handwritten_list", "list", "usage", "post"):
        assert sqlite["http"][name]["rps"] > 0
    for name in ("list", "usage", "post"):
        assert sqlite["http"][name]["failed"] == 0, sqlite["http"][name]
    assert len(sqlite["http"]["worker_peak_rss_mb"]) == 2
    assert set(DERIVED) <= set(sqlite["derived"])
    assert {t["figure"] for t in sqlite["targets"]} == {"list_vs_handwritten", "summary_growth", "summary_vs_floor",
                                                         "usage_growth", "usage_vs_floor", "approval_growth",
                                                         "worker_peak_rss_mb"}
    assert "Targets met:" in result.stdout
