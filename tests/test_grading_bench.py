"""Smoke test of bench/bench_grading.py with a class of 4: same scores as plain nbgrader."""

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_grading.py"


@pytest.mark.slow
def test_parallel_grader_gives_the_same_scores_as_nbgrader():
    spec = importlib.util.spec_from_file_location("bench_grading", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    figures = bench.run(size=4, workers=2)
    assert figures["graded_plain"] == figures["graded_ours"] == 4, figures
    assert figures["identical"] and figures["as_expected"], figures
    assert figures["plain_s"] > 0 and figures["ours_s"] > 0  # timings are reported, not judged
