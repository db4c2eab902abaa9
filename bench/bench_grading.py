"""Benchmark: `peninsula-grade autograde` (parallel) against one `nbgrader autograde` run.

A synthetic class (default 40 students) is built from the solution and wrong variants of the
fixture problem set in tests/fixtures_hostile.py, in two identical course folders. One is graded
by plain `nbgrader autograde fixture-ps`, the other by `peninsula-grade autograde fixture-ps`.
Prints both wall-clock times, the speed-up ratio and whether every student's score is identical.
Never asserts timings. Usage: python bench/bench_grading.py [--size 40] [--workers 2]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import fixtures_hostile as fx  # noqa: E402

COURSE_ID = "trains-planes-sanctions"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("PENINSULA_GRADEBOOK_URL", "PENINSULA_COURSE_ROOT", "PENINSULA_COURSE_ID"):
        env.pop(name, None)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def _scores(root: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID) as gb:
        return {s.student_id: float(s.score) for s in gb.find_assignment(fx.ASSIGNMENT).submissions}


def _timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def run(size: int, workers: int) -> dict:
    """Build two identical classes, grade each way, return the figures."""
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        plain, ours = Path(tmp) / "plain", Path(tmp) / "ours"
        for root in (plain, ours):
            fx.build_course(root, f"sqlite:///{root / 'gradebook.db'}")
            expected = fx.make_class(root, size)
        t_plain = _timed([str(bindir / "nbgrader"), "autograde", fx.ASSIGNMENT], plain)
        t_ours = _timed(
            [
                str(bindir / "peninsula-grade"),
                "--course",
                str(ours),
                "autograde",
                fx.ASSIGNMENT,
                "--workers",
                str(workers),
                "--quiet",
            ],
            ours,
        )
        s_plain, s_ours = _scores(plain), _scores(ours)
    return {
        "size": size,
        "workers": workers,
        "plain_s": t_plain,
        "ours_s": t_ours,
        "ratio": t_plain / t_ours,
        "identical": s_plain == s_ours,
        "as_expected": s_ours == expected,
        "graded_plain": len(s_plain),
        "graded_ours": len(s_ours),
    }


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    r = run(args.size, args.workers)
    print(f"class of {r['size']} submissions, {os.cpu_count()} CPU cores")
    print(
        f"nbgrader autograde (serial):          {r['plain_s']:7.1f} s  ({r['graded_plain']} graded)"
    )
    print(
        f"peninsula-grade autograde ({r['workers']} workers): {r['ours_s']:7.1f} s  "
        f"({r['graded_ours']} graded)"
    )
    print(f"speed-up: {r['ratio']:.2f}x")
    print(f"scores identical: {r['identical']}; scores as designed: {r['as_expected']}")
    return r


if __name__ == "__main__":
    main()
