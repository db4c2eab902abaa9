"""Grade one submission in the current process, through nbgrader's own API.

The submission is first inspected (:mod:`peninsula.grading.checks`); only the valid expected
notebooks are staged into a private folder that nbgrader grades, so a broken notebook costs
the student that notebook's points (nbgrader's own rule for a missing notebook) and never the
whole submission. Whatever happens, a :class:`~peninsula.grading.outcomes.Result` is returned.
"""

import re
import shutil
import tempfile
import time
import traceback
import warnings
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI

from peninsula.grading import outcomes
from peninsula.grading.checks import inspect, renamed_candidates
from peninsula.grading.course import Course
from peninsula.grading.kernel import CELL_TIMEOUT, KERNEL_DIED
from peninsula.grading.outcomes import Outcome, Result

_EXC_LINE = re.compile(r"^\s*([A-Za-z_][\w.]*(Error|Exception|Interrupt)\b.*)$")


def last_exception_line(text: str) -> str:
    """The last ``SomeError: message`` line of a log or traceback (or its last line)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for line in reversed(lines):
        m = _EXC_LINE.match(line)
        if m and "NbGraderException" not in line:
            return m.group(1).strip()[:300]
    return lines[-1].strip()[:300] if lines else "unknown error"


def zero_unscored(db_url: str, course_id: str, assignment: str, student: str) -> None:
    """Make sure the submission exists and give 0 to every grade that has no score at all."""
    with Gradebook(db_url, course_id) as gb:
        gb.update_or_create_student(student)
        sub = gb.update_or_create_submission(assignment, student)
        for notebook in sub.notebooks:
            for grade in notebook.grades:
                if grade.auto_score is None and grade.manual_score is None:
                    grade.auto_score = 0.0
                    grade.needs_manual_grade = False
        gb.db.commit()


def read_score(db_url: str, course_id: str, assignment: str, student: str) -> tuple[float, float]:
    """(score, max_score) of a submission in the gradebook."""
    with Gradebook(db_url, course_id) as gb:
        sub = gb.find_submission(assignment, student)
        return float(sub.score), float(sub.max_score)


def _scan_autograded(folder: Path, result: Result) -> None:
    """Note timeouts and kernel deaths recorded in the executed notebooks."""
    for path in sorted(folder.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells, start=1):
            for out in cell.get("outputs", []):
                if out.get("output_type") != "error":
                    continue
                if out.get("ename") == CELL_TIMEOUT:
                    result.note(
                        Outcome.TIMEOUT,
                        f"{path.name} cell {index}: exceeded the "
                        "per-cell time limit and was interrupted",
                    )
                elif out.get("ename") == "MemoryError":
                    result.reasons.append(
                        f"{path.name} cell {index}: MemoryError (kernel memory is capped)"
                    )
                elif out.get("ename") == KERNEL_DIED and "not run" not in out.get("evalue", ""):
                    result.note(
                        Outcome.CRASHED,
                        f"{path.name}: {out.get('evalue')}; later cells were not run and score 0",
                    )


def _stage(folder: Path, names: list[str], stage_root: Path, student: str, assignment: str) -> None:
    dest = stage_root / student / assignment
    dest.mkdir(parents=True)
    for name in names:
        shutil.copy(folder / f"{name}.ipynb", dest / f"{name}.ipynb")
    if (folder / "timestamp.txt").is_file():
        shutil.copy(folder / "timestamp.txt", dest / "timestamp.txt")


def grade_submission(course: Course, assignment: str, student: str, expected: list[str]) -> Result:
    """Autograde one student's submission; never raises, always returns a Result."""
    start = time.monotonic()
    result = Result(student=student, assignment=assignment)
    cfg = course.config()
    db_url, course_id = cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # nbgrader + SQLAlchemy 2.1 "not in session" noise
            _grade(course, cfg, assignment, student, expected, result)
    except Exception as exc:  # the promise: never drop a submission
        result.note(
            Outcome.ERROR,
            f"grader error: {last_exception_line(traceback.format_exc())}"
            if str(exc)
            else f"grader error: {exc.__class__.__name__}",
        )
        try:
            zero_unscored(db_url, course_id, assignment, student)
        except Exception:
            result.note(Outcome.ERROR, "could not write zeros to the gradebook")
    try:
        result.score, result.max_score = read_score(db_url, course_id, assignment, student)
    except Exception:
        result.note(Outcome.ERROR, "no submission in the gradebook")
    result.seconds = time.monotonic() - start
    outcomes.record(db_url, course_id, result)
    return result


def _grade(
    course: Course, cfg, assignment: str, student: str, expected: list[str], result: Result
) -> None:
    db_url, course_id = cfg.CourseDirectory.db_url, cfg.CourseDirectory.course_id
    folder = course.folder("submitted") / student / assignment
    if not folder.is_dir():
        result.note(
            Outcome.MISSING, f"no submission: {folder.relative_to(course.root)} does not exist"
        )
        zero_unscored(db_url, course_id, assignment, student)
        return
    found = inspect(folder, expected)
    for name in found.missing:
        hint = renamed_candidates(name, found.extra)
        extra = f" (renamed? found {', '.join(hint)})" if hint else ""
        result.note(Outcome.MISSING, f"{name}.ipynb missing{extra}: its tests score 0")
    for problem in found.invalid.values():
        result.note(Outcome.INVALID, f"{problem}: its tests score 0")
    if found.extra:
        shown = ", ".join(found.extra[:5]) + (" ..." if len(found.extra) > 5 else "")
        result.reasons.append(f"ignored {len(found.extra)} extra file(s): {shown}")
    if not found.valid:
        zero_unscored(db_url, course_id, assignment, student)
        return
    with tempfile.TemporaryDirectory(prefix="peninsula-stage-") as stage:
        _stage(folder, found.valid, Path(stage), student, assignment)
        cfg.CourseDirectory.submitted_directory = stage
        api = NbGraderAPI(config=cfg)
        run = api.autograde(assignment, student, force=True, create=True)
        if not run["success"]:
            # One more try: a transient gradebook error (two shards writing the same new rows
            # at once) must not cost a student their grade. A real failure fails again.
            first = last_exception_line((run.get("log") or "") + "\n" + (run.get("error") or ""))
            run = api.autograde(assignment, student, force=True, create=True)
            if run["success"]:
                result.reasons.append(f"graded on the second attempt (first: {first})")
    if not run["success"]:
        text = (run.get("log") or "") + "\n" + (run.get("error") or "")
        if "Kernel died" in text or "DeadKernelError" in text:
            result.note(Outcome.CRASHED, "the kernel died before grading could finish")
        else:
            result.note(Outcome.ERROR, f"nbgrader failed: {last_exception_line(text)}")
        zero_unscored(db_url, course_id, assignment, student)
        return
    _scan_autograded(course.folder("autograded") / student / assignment, result)
