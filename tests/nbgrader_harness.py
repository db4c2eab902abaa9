"""Run the real nbgrader CLI on a throw-away copy of the course, for tests of the graders.

Never touches the repository's own ``gradebook.db``: ``make_course`` copies ``nbgrader_config.py``
and ``source/<assignment>/`` into a temporary course directory, and every nbgrader command runs
there with the PostgreSQL setting removed from the environment.

Typical use::

    course = make_course(tmp_path, "ps1-timeline")
    wrong = with_answer(solution_notebook("ps1-timeline"), "durations", "def f(): ...")
    results = autograde(course, "ps1-timeline", {"good": solution_notebook("ps1-timeline"),
                                                 "wrong": wrong})
    assert results["good"].score == results["good"].max_auto_score
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "source"
RELEASED = REPO / "assignments"
COURSE_ID = "trains-planes-sanctions"
CLI_TIMEOUT_S = 900
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its output."""


@dataclass
class CellResult:
    """The grade of one nbgrader grade cell in one student's submission."""

    grade_id: str
    score: float | None
    max_score: float
    manual: bool  # a markdown answer or task cell, graded by a person
    needs_manual_grade: bool
    output: str  # text of the cell's outputs after autograding (errors, stdout, stderr)


@dataclass
class Result:
    """One student's autograded notebook(s) for an assignment."""

    student: str
    log: str = ""
    cells: dict[str, CellResult] = field(default_factory=dict)
    notebooks: dict[str, NotebookNode] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Total points awarded so far (manual cells not yet graded count as 0)."""
        return sum(c.score or 0.0 for c in self.cells.values())

    @property
    def auto_score(self) -> float:
        """Points awarded by autograded (test) cells only."""
        return sum(c.score or 0.0 for c in self.cells.values() if _is_auto(c))

    @property
    def max_auto_score(self) -> float:
        """Points available from autograded test cells."""
        return sum(c.max_score for c in self.cells.values() if _is_auto(c))

    def output(self, grade_id: str) -> str:
        """The output text of one grade cell (KeyError names the valid ids)."""
        if grade_id not in self.cells:
            raise KeyError(f"no grade cell {grade_id!r}; have {sorted(self.cells)}")
        return self.cells[grade_id].output


def _is_auto(cell: CellResult) -> bool:
    return not cell.manual


def _env(course: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PENINSULA_GRADEBOOK_URL", None)  # never the shared PostgreSQL gradebook
    # nbgrader shells out to `alembic`, and kernels start `python`: both must be this venv's.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PENINSULA_COURSE_ROOT"] = str(course)
    env["PENINSULA_COURSE_ID"] = COURSE_ID
    env["PENINSULA_EXCHANGE"] = str(course / "exchange")
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def run_nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader ARGS`` in ``course``; raise NbgraderError with its output on failure."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(
        cmd,
        cwd=course,
        env=_env(course),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    if proc.returncode != 0:
        raise NbgraderError(
            f"{' '.join(args)} failed (exit {proc.returncode}) in {course}\n"
            f"--- stdout ---\n{proc.stdout}\n--- stderr ---\n{proc.stderr}"
        )
    return proc


def assignment_names() -> list[str]:
    """Every assignment that has a folder in ``source/``."""
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and not p.name.startswith("."))


def make_course(tmp_path: Path, assignment: str | Iterable[str]) -> Path:
    """Copy the config and ``source/<assignment>`` into a temp course and generate the release.

    ``assignment`` may be one name or several. Returns the course directory; student versions are
    in ``<course>/assignments/<assignment>/``.
    """
    names = [assignment] if isinstance(assignment, str) else list(assignment)
    course = Path(tmp_path) / "course"
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    for name in names:
        src = SOURCE / name
        if not src.is_dir():
            raise FileNotFoundError(f"no source folder {src} (have {assignment_names()})")
        shutil.copytree(
            src,
            course / "source" / name,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        run_nbgrader(course, "generate_assignment", name, "--force")
    return course


def _notebook_names(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*.ipynb"))


def solution_notebook(assignment: str, name: str | None = None) -> NotebookNode:
    """The instructor's source notebook (with solutions and hidden tests) from ``source/``."""
    return _read_one(SOURCE / assignment, name)


def released_notebook(course: Path, assignment: str, name: str | None = None) -> NotebookNode:
    """The student version generated in ``course`` (``<course>/assignments/<assignment>``)."""
    return _read_one(Path(course) / "assignments" / assignment, name)


def _read_one(folder: Path, name: str | None) -> NotebookNode:
    names = _notebook_names(folder)
    if name is None:
        if len(names) != 1:
            raise ValueError(f"{folder} has notebooks {names}; pass name= to choose one")
        name = names[0]
    path = folder / f"{name}.ipynb"
    if not path.is_file():
        raise FileNotFoundError(f"no notebook {path} (have {names})")
    return nbformat.read(path, as_version=4)


def find_cell(nb: NotebookNode, grade_id: str) -> NotebookNode:
    """The cell whose nbgrader ``grade_id`` is ``grade_id`` (KeyError lists the ids)."""
    ids = []
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid == grade_id:
            return cell
        if gid:
            ids.append(gid)
    raise KeyError(f"no cell with grade_id {grade_id!r}; have {ids}")


def with_answer(nb: NotebookNode, grade_id: str, source: str) -> NotebookNode:
    """A copy of ``nb`` whose solution cell ``grade_id`` holds ``source`` (a typical answer)."""
    new = copy.deepcopy(nb)
    cell = find_cell(new, grade_id)
    if not cell.metadata["nbgrader"].get("solution", False):
        raise ValueError(f"cell {grade_id!r} is not a solution cell; students cannot edit it")
    cell.source = source
    return new


def _output_text(cell: NotebookNode) -> str:
    parts: list[str] = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            parts.append(out.get("text", ""))
        elif kind == "error":
            parts.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            parts.extend(out.get("traceback", []))
        elif kind in ("execute_result", "display_data"):
            parts.append(str(out.get("data", {}).get("text/plain", "")))
    return _ANSI.sub("", "\n".join(parts))


def autograde(
    course: Path,
    assignment: str,
    submissions: Mapping[str, NotebookNode | Mapping[str, NotebookNode]],
) -> dict[str, Result]:
    """Submit one notebook per student, run ONE ``nbgrader autograde``, return per-student results.

    A submission is a notebook (for a one-notebook assignment) or ``{notebook_name: notebook}``.
    Students whose autograding failed (e.g. the kernel died) get a Result with no cells.
    """
    from nbgrader.api import Gradebook, MissingEntry

    course = Path(course)
    released = _notebook_names(course / "assignments" / assignment)
    for student, sub in submissions.items():
        if isinstance(sub, NotebookNode) and "cells" in sub:
            if len(released) != 1:
                raise ValueError(f"{assignment} has notebooks {released}; submit a dict of them")
            sub = {released[0]: sub}
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for name, nb in sub.items():
            nbformat.write(nb, folder / f"{name}.ipynb")
        (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC\n")
    proc = run_nbgrader(course, "autograde", assignment, "--create", "--force")

    results: dict[str, Result] = {}
    db = f"sqlite:///{course / 'gradebook.db'}"
    with Gradebook(db, COURSE_ID) as gb:
        for student in submissions:
            result = Result(student)
            for name in released:
                path = course / "autograded" / student / assignment / f"{name}.ipynb"
                if not path.is_file():
                    continue
                nb = nbformat.read(path, as_version=4)
                result.notebooks[name] = nb
                try:
                    sub_nb = gb.find_submission_notebook(name, assignment, student)
                except MissingEntry:
                    continue
                for grade in sub_nb.grades:
                    try:
                        output = _output_text(find_cell(nb, grade.name))
                    except KeyError:
                        output = ""
                    result.cells[grade.name] = CellResult(
                        grade_id=grade.name,
                        score=grade.score,
                        max_score=grade.max_score,
                        manual=grade.cell_type == "markdown",
                        needs_manual_grade=bool(grade.needs_manual_grade),
                        output=output,
                    )
            results[student] = result
    for r in results.values():
        r.log = proc.stdout + proc.stderr
    return results


# --- assertions shared by the per-assignment grader tests ----------------------------------


def assert_full_marks(result: Result, total: float, cells: Iterable[str] = ()) -> None:
    """Every auto-graded cell scores its maximum, ``total`` in all; ``cells`` all exist."""
    missing = set(cells) - set(result.cells)
    assert not missing, f"grade cells {sorted(missing)} missing; have {sorted(result.cells)}"
    failing = {
        k: c.output[-600:]
        for k, c in result.cells.items()
        if _is_auto(c) and c.score != c.max_score
    }
    assert not failing, failing
    assert result.auto_score == result.max_auto_score == total


def assert_scores_zero(result: Result, total: float, cell: str, message: str) -> None:
    """Every auto-graded cell (``total`` points available) scores 0, and ``cell`` says why."""
    assert result.max_auto_score == total
    scores = {k: c.score for k, c in result.cells.items() if _is_auto(c)}
    assert result.auto_score == 0, scores
    assert message in result.output(cell), result.output(cell)[-1500:]


def assert_fails_with(result: Result, cell: str, message: str) -> None:
    """``cell`` scores 0 and its output carries the intended ``message``."""
    score = result.cells[cell].score
    assert score == 0, f"{result.student}: {cell} scored {score}"
    output = result.output(cell)
    assert message in output, f"{result.student}: {cell} output was:\n{output[-1500:]}"


def assert_full_score(result: Result, cells: Iterable[str]) -> None:
    """Each of ``cells`` scores its maximum (a mistake elsewhere leaves them alone)."""
    for cell in cells:
        got = result.cells[cell]
        assert got.score == got.max_score, (result.student, cell, result.output(cell)[-800:])


def assert_no_outputs(nb: NotebookNode) -> None:
    """A released notebook carries no outputs and no execution counts."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:200]
