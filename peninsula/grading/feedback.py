"""Per-student feedback HTML that never shows hidden tests.

Test sources come from the RELEASED notebooks (``assignments/<assignment>/``), which nbgrader
has already stripped of hidden tests and solutions. The gradebook and the autograded notebooks
(which both contain hidden tests) are used only for scores and for the last line of each error.
"""

import html
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from peninsula.grading import outcomes
from peninsula.grading.autograde import roster
from peninsula.grading.course import Course

RELEASE_FILES = ("timestamp.txt", "submission_secret.txt")


@dataclass
class PartReport:
    """One autograded test cell as the student may see it."""

    grade_id: str
    visible_source: str
    score: float
    max_score: float
    message: str

    @property
    def passed(self) -> bool:
        """Full marks on this test."""
        return self.max_score > 0 and self.score >= self.max_score


def released_tests(notebook: Path) -> list[tuple[str, str]]:
    """(grade_id, source) of each autograded test cell in a released notebook, in order."""
    nb = nbformat.read(notebook, as_version=4)
    tests = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.cell_type == "code":
            tests.append((meta["grade_id"], cell.source))
    return tests


def error_messages(notebook: Path) -> dict[str, str]:
    """grade_id -> last line of the (last) exception shown by that cell in an executed notebook."""
    if not notebook.is_file():
        return {}
    nb = nbformat.read(notebook, as_version=4)
    found = {}
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if grade_id and errors:
            last = errors[-1]
            found[grade_id] = f"{last.get('ename', 'Error')}: {last.get('evalue', '')}".strip()
    return found


def notebook_report(
    course: Course, gb: Gradebook, assignment: str, student: str, notebook: str
) -> list[PartReport]:
    """The tests of one notebook for one student."""
    released = course.folder("release") / assignment / f"{notebook}.ipynb"
    executed = course.folder("autograded") / student / assignment / f"{notebook}.ipynb"
    messages = error_messages(executed)
    reports = []
    for grade_id, source in released_tests(released):
        try:
            grade = gb.find_grade(grade_id, notebook, assignment, student)
            score, max_score = float(grade.score), float(grade.max_score)
        except MissingEntry:
            score, max_score = 0.0, 0.0
        message = messages.get(grade_id, "")
        if not message:
            message = "passed" if max_score and score >= max_score else "not run"
        reports.append(PartReport(grade_id, source, score, max_score, message))
    return reports


_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.4rem;text-align:left;
vertical-align:top}pre{margin:0;white-space:pre-wrap}.pass{color:#005a8c}.fail{color:#a04000}"""


def render(
    student: str, assignment: str, notebook: str, outcome: dict | None, tests: list[PartReport]
) -> str:
    """The feedback page of one notebook (all text escaped)."""
    e = html.escape
    total = sum(t.score for t in tests)
    maximum = sum(t.max_score for t in tests)
    rows = "\n".join(
        f'<tr><td>{e(t.grade_id)}</td><td class="{"pass" if t.passed else "fail"}">'
        f"{'passed' if t.passed else 'failed'}</td><td>{t.score:g} / {t.max_score:g}</td>"
        f"<td>{e(t.message)}</td><td><pre>{e(t.visible_source)}</pre></td></tr>"
        for t in tests
    )
    status = (
        f"<p>Grading outcome: <strong>{e(outcome['outcome'])}</strong> — {e(outcome['reason'])}</p>"
        if outcome
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Feedback: {e(assignment)} / {e(notebook)}</title>
<style>{_STYLE}</style></head><body>
<h1>Feedback: {e(assignment)} — {e(notebook)}</h1>
<p>Student: {e(student)}. Score on this notebook: {total:g} / {maximum:g}.</p>
{status}
<p>Each row is one autograded test. “Message” is the last line of the error the test raised.
Only the visible part of each test is shown; hidden tests are not.</p>
<table><caption>Autograded tests in {e(notebook)}</caption>
<thead><tr><th scope="col">Test</th><th scope="col">Result</th><th scope="col">Points</th>
<th scope="col">Message</th><th scope="col">Visible test code</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def generate(course: Course, assignment: str, students: list[str] | None = None) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<notebook>.html``; return the files written."""
    cfg = course.config().CourseDirectory
    release = course.folder("release") / assignment
    notebooks = sorted(p.stem for p in release.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(
            f"{release}: no released notebooks (run nbgrader generate_assignment)"
        )
    recorded = outcomes.load(cfg.db_url, cfg.course_id, assignment)
    chosen = students or sorted({s for (_, s) in recorded} or set(roster(course, assignment)))
    written = []
    with Gradebook(cfg.db_url, cfg.course_id) as gb:
        for student in chosen:
            try:
                gb.find_submission(assignment, student)
            except MissingEntry:
                continue
            out_dir = course.folder("feedback") / student / assignment
            out_dir.mkdir(parents=True, exist_ok=True)
            submitted = course.folder("submitted") / student / assignment
            for name in RELEASE_FILES:  # what `nbgrader release_feedback` needs next to the pages
                if (submitted / name).is_file():
                    shutil.copy(submitted / name, out_dir / name)
            for notebook in notebooks:
                tests = notebook_report(course, gb, assignment, student, notebook)
                page = render(
                    student, assignment, notebook, recorded.get((assignment, student)), tests
                )
                path = out_dir / f"{notebook}.html"
                path.write_text(page, encoding="utf-8")
                written.append(path)
    return written
