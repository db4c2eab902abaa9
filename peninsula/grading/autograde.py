"""Autograde a whole class in parallel worker processes, with progress and a summary."""

import multiprocessing
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import TextIO

from nbgrader.api import Gradebook, MissingEntry

from peninsula.grading import outcomes
from peninsula.grading.course import Course, ensure_tools_on_path
from peninsula.grading.outcomes import Outcome, Result
from peninsula.grading.worker import grade_submission, read_score


def parse_shard(text: str) -> tuple[int, int]:
    """``"i/n"`` -> (i, n) with 1 <= i <= n."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"shard {text!r}: expected the form i/n, e.g. 1/2") from None
    if not 1 <= i <= n:
        raise ValueError(f"shard {text!r}: need 1 <= i <= n")
    return i, n


def expected_notebooks(course: Course, assignment: str) -> list[str]:
    """Notebook names of ``assignment`` in the gradebook (from ``generate_assignment``)."""
    cfg = course.config().CourseDirectory
    with Gradebook(cfg.db_url, cfg.course_id) as gb:
        try:
            return sorted(nb.name for nb in gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            raise ValueError(
                f"assignment {assignment!r} is not in the gradebook {cfg.db_url}: run "
                f"`nbgrader generate_assignment {assignment}` first"
            ) from None


def roster(course: Course, assignment: str) -> list[str]:
    """Everyone expected to submit: students in the gradebook plus every folder in submitted/."""
    cfg = course.config().CourseDirectory
    with Gradebook(cfg.db_url, cfg.course_id) as gb:
        students = {s.id for s in gb.students}
    submitted = course.folder("submitted")
    if submitted.is_dir():
        students |= {
            p.name for p in submitted.iterdir() if p.is_dir() and not p.name.startswith(".")
        }
    return sorted(students)


def _progress(stream: TextIO, done: int, total: int, result: Result, started: float) -> None:
    elapsed = time.monotonic() - started
    stream.write(
        f"\r[{done}/{total}] {elapsed:6.1f}s  {result.student}: {result.outcome}{' ' * 20}"
    )
    if done == total:
        stream.write("\n")
    stream.flush()


def _run_pool(
    course: Course,
    assignment: str,
    students: list[str],
    expected: list[str],
    workers: int,
    on_done: Callable[[Result], None],
    grade: Callable[[Course, str, str, list[str]], Result],
) -> list[str]:
    """Grade ``students`` in a pool; return those whose worker process died."""
    broken = []
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(grade, course, assignment, s, expected): s for s in students}
        for future in as_completed(futures):
            try:
                on_done(future.result())
            except BrokenProcessPool:
                broken.append(futures[future])
    return broken


def grade_class(
    course: Course,
    assignment: str,
    students: Iterable[str] | None = None,
    workers: int = 2,
    shard: tuple[int, int] | None = None,
    progress: TextIO | None = sys.stderr,
    grade: Callable[[Course, str, str, list[str]], Result] = grade_submission,
) -> list[Result]:
    """Autograde every (or the chosen) student's submission; one Result per student, sorted.

    ``grade`` grades one submission inside a worker process (tests replace it).
    """
    ensure_tools_on_path()
    expected = expected_notebooks(course, assignment)
    cfg = course.config().CourseDirectory
    outcomes.ensure_table(cfg.db_url)
    chosen = sorted(set(students)) if students else roster(course, assignment)
    if shard:
        i, n = shard
        chosen = chosen[i - 1 :: n]
    results: dict[str, Result] = {}
    started = time.monotonic()

    def on_done(result: Result) -> None:
        results[result.student] = result
        if progress is not None:
            _progress(progress, len(results), len(chosen), result, started)

    pending = _run_pool(course, assignment, chosen, expected, max(1, workers), on_done, grade)
    for student in pending:  # a worker process died: retry alone, then record the crash
        if _run_pool(course, assignment, [student], expected, 1, on_done, grade):
            result = Result(student=student, assignment=assignment)
            result.note(Outcome.CRASHED, "the grading worker process died twice")
            try:
                result.score, result.max_score = read_score(
                    cfg.db_url, cfg.course_id, assignment, student
                )
            except Exception:
                result.reasons.append("no score in the gradebook")
            outcomes.record(cfg.db_url, cfg.course_id, result)
            on_done(result)
    return [results[s] for s in chosen]


def summary_table(results: list[Result]) -> str:
    """A plain-text table: student, score, max, outcome, reason."""
    rows = [("student", "score", "max", "outcome", "reason")]
    rows += [
        (r.student, f"{r.score:g}", f"{r.max_score:g}", str(r.outcome), r.reason) for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(row))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths) + "  ------")
    counts = {}
    for r in results:
        counts[str(r.outcome)] = counts.get(str(r.outcome), 0) + 1
    lines.append("")
    lines.append(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no submissions")
    return "\n".join(lines)


def exit_status(results: list[Result]) -> int:
    """0 if every submission was graded (timeouts included); 1 if any was not fully graded."""
    return 1 if any(r.outcome.fails_run for r in results) else 0
