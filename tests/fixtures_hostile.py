"""Generate a small nbgrader course with a 2-notebook problem set and hostile submissions.

Used by the grading tests and by ``bench/bench_grading.py``; also runnable by hand:
``python tests/fixtures_hostile.py OUT_DIR`` builds the course and every submission in OUT_DIR.

The assignment ``fixture-ps`` has ``part1.ipynb`` (``double``: 2 points) and ``part2.ipynb``
(``km_to_miles``: 3 points). Each test cell checks the type first, then the value, then hidden
cases. Every submission below is made from the RELEASED notebooks, the way a student's would be.
"""

import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ASSIGNMENT = "fixture-ps"
REPO = Path(__file__).resolve().parents[1]
HIDDEN_DOUBLE = 'assert double(123457) == 246914, "hidden check: a large odd number"'
HIDDEN_KM = 'assert abs(km_to_miles(1000.0) - 621.3711922373339) < 1e-6, "hidden: 1000 km"'
HIDDEN_TEXTS = (HIDDEN_DOUBLE, HIDDEN_KM)
SOLUTION_TEXTS = ("return 2 * x  # solution-line", "return km / 1.609344  # solution-line")
MAX_SCORE = 5.0


def _meta(grade_id: str, *, grade: bool, solution: bool, points: float = 0) -> dict:
    meta = {
        "grade": grade,
        "solution": solution,
        "locked": not solution,
        "grade_id": grade_id,
        "schema_version": 3,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _source_notebooks() -> dict[str, nbformat.NotebookNode]:
    part1 = new_notebook(
        cells=[
            new_markdown_cell(
                "# Part 1: doubling\nWrite `double(x)` returning twice `x`.",
                metadata=_meta("intro1", grade=False, solution=False),
            ),
            new_code_cell(
                "def double(x):\n    ### BEGIN SOLUTION\n    "
                + SOLUTION_TEXTS[0]
                + "\n    ### END SOLUTION",
                metadata=_meta("double", grade=False, solution=True),
            ),
            new_code_cell(
                'assert type(double(2)) is int, "double(2) should return an int"\n'
                'assert double(2) == 4, "double(2) should be 4"\n'
                f"### BEGIN HIDDEN TESTS\n{HIDDEN_DOUBLE}\n### END HIDDEN TESTS",
                metadata=_meta("test_double", grade=True, solution=False, points=2),
            ),
        ]
    )
    part2 = new_notebook(
        cells=[
            new_markdown_cell(
                "# Part 2: units\nWrite `km_to_miles(km)`.",
                metadata=_meta("intro2", grade=False, solution=False),
            ),
            new_code_cell(
                "def km_to_miles(km):\n    ### BEGIN SOLUTION\n    "
                + SOLUTION_TEXTS[1]
                + "\n    ### END SOLUTION",
                metadata=_meta("km", grade=False, solution=True),
            ),
            new_code_cell(
                'assert type(km_to_miles(1.609344)) is float, "km_to_miles must return a float"\n'
                'assert abs(km_to_miles(1.609344) - 1.0) < 1e-9, "1.609344 km is one mile"\n'
                f"### BEGIN HIDDEN TESTS\n{HIDDEN_KM}\n### END HIDDEN TESTS",
                metadata=_meta("test_km", grade=True, solution=False, points=3),
            ),
        ]
    )
    for nb in (part1, part2):
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
    return {"part1": part1, "part2": part2}


def build_course(root: Path, db_url: str | None = None) -> Path:
    """Create a course in ``root`` (config copied from the repo), generate and release the PS."""
    from nbgrader.apps import NbGraderAPI

    from peninsula.grading.course import Course, ensure_tools_on_path

    ensure_tools_on_path()
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    src = root / "source" / ASSIGNMENT
    src.mkdir(parents=True, exist_ok=True)
    for name, nb in _source_notebooks().items():
        nbformat.write(nb, src / f"{name}.ipynb")
    course = Course(root, db_url=db_url or f"sqlite:///{root / 'gradebook.db'}")
    cfg = course.config()
    cfg.NbGraderAPI.log_level = "INFO"
    api = NbGraderAPI(config=cfg)
    result = api.generate_assignment(ASSIGNMENT)
    if not result["success"]:
        raise RuntimeError(f"generate_assignment failed:\n{result.get('log')}")
    return root


# --- submissions -------------------------------------------------------------------------------

GOOD = {
    "part1": "def double(x):\n    return 2 * x",
    "part2": "def km_to_miles(km):\n    return km / 1.609344",
}
WRONG = {
    "part1": "def double(x):\n    return x + 2",  # passes double(2) == 4, fails hidden
    "part2": "def km_to_miles(km):\n    return km * 0.6",
}
EQ_CHEAT = (
    "class Anything:\n    def __eq__(self, other):\n        return True\n"
    "    def __sub__(self, other):\n        return 0.0\n    __rsub__ = __sub__\n"
    "\ndef double(x):\n    return Anything()"
)


def _released(root: Path) -> dict[str, nbformat.NotebookNode]:
    rel = root / "assignments" / ASSIGNMENT
    return {p.stem: nbformat.read(p, as_version=4) for p in sorted(rel.glob("*.ipynb"))}


def _answer(nb: nbformat.NotebookNode, grade_id: str, code: str) -> None:
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = code
            return
    raise KeyError(grade_id)


def _notebooks(root: Path, part1: str, part2: str) -> dict[str, nbformat.NotebookNode]:
    nbs = _released(root)
    _answer(nbs["part1"], "double", part1)
    _answer(nbs["part2"], "km", part2)
    return nbs


def _write(root: Path, student: str, files: dict[str, object]) -> Path:
    folder = root / "submitted" / student / ASSIGNMENT
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2026-11-20 12:00:00.000000 UTC")
    for name, content in files.items():
        if isinstance(content, nbformat.NotebookNode):
            nbformat.write(content, folder / name)
        elif isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(str(content))
    return folder


def _plain(root: Path, part1: str, part2: str) -> dict[str, object]:
    return {f"{k}.ipynb": v for k, v in _notebooks(root, part1, part2).items()}


def _edited_tests(root: Path) -> dict[str, object]:
    nbs = _notebooks(root, WRONG["part1"], GOOD["part2"])
    for cell in nbs["part1"].cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_double":
            cell.source = "assert True  # the student 'fixed' the test"
    return {f"{k}.ipynb": v for k, v in nbs.items()}


def _deleted_tests(root: Path) -> dict[str, object]:
    nbs = _notebooks(root, GOOD["part1"], GOOD["part2"])
    for nb in nbs.values():
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
    return {f"{k}.ipynb": v for k, v in nbs.items()}


def _text_of(root: Path, part1: str) -> str:
    return nbformat.writes(_notebooks(root, part1, GOOD["part2"])["part1"])


def _wrong_nbformat(root: Path) -> dict[str, object]:
    v3 = {
        "metadata": {"name": "part1"},
        "nbformat": 3,
        "nbformat_minor": 0,
        "worksheets": [
            {
                "cells": [
                    {
                        "cell_type": "code",
                        "input": GOOD["part1"],
                        "language": "python",
                        "outputs": [],
                    }
                ]
            }
        ],
    }
    return {
        "part1.ipynb": json.dumps(v3),
        "part2.ipynb": _notebooks(root, GOOD["part1"], GOOD["part2"])["part2"],
    }


def _with(root: Path, **changes: object) -> dict[str, object]:
    files = _plain(root, GOOD["part1"], GOOD["part2"])
    for name, content in changes.items():
        name = name.replace("__", ".").replace("_dash_", "-")
        if content is None:
            files.pop(name, None)
        else:
            files[name] = content
    return files


# Each case: student id -> (builder, expected outcome, expected score).
CASES: dict[str, tuple[Callable[[Path], dict[str, object]], str, float]] = {
    "good": (lambda r: _plain(r, GOOD["part1"], GOOD["part2"]), "graded", 5.0),
    "wrong": (lambda r: _plain(r, WRONG["part1"], WRONG["part2"]), "graded", 0.0),
    "infinite-loop": (lambda r: _plain(r, "while True:\n    pass", GOOD["part2"]), "timeout", 3.0),
    "kernel-crash": (lambda r: _plain(r, "import os\nos._exit(1)", GOOD["part2"]), "crashed", 3.0),
    "memory-bomb": (
        lambda r: _plain(
            r,
            "blocks = []\nwhile True:\n    blocks.append(bytearray(10**8))\n" + GOOD["part1"],
            GOOD["part2"],
        ),
        "graded",
        3.0,
    ),
    "deep-recursion": (
        lambda r: _plain(r, "def double(x):\n    return double(x)", GOOD["part2"]),
        "graded",
        3.0,
    ),
    "output-flood": (
        lambda r: _plain(
            r, "for i in range(100_000):\n    print('flood', i)\n" + GOOD["part1"], GOOD["part2"]
        ),
        "graded",
        5.0,
    ),
    "edited-tests": (_edited_tests, "graded", 3.0),
    "deleted-tests": (_deleted_tests, "graded", 5.0),
    "eq-cheat": (lambda r: _plain(r, EQ_CHEAT, GOOD["part2"]), "graded", 3.0),
    "not-json": (
        lambda r: _with(r, part1__ipynb="this is not a notebook {"),
        "invalid-notebook",
        3.0,
    ),
    "truncated": (
        lambda r: _with(r, part1__ipynb=_text_of(r, GOOD["part1"])[:300]),
        "invalid-notebook",
        3.0,
    ),
    "wrong-nbformat": (_wrong_nbformat, "invalid-notebook", 3.0),
    "missing-notebook": (lambda r: _with(r, part1__ipynb=None), "missing", 3.0),
    "renamed-notebook": (
        lambda r: _with(
            r, part1__ipynb=None, part1_dash_Copy1__ipynb=_notebooks(r, *GOOD.values())["part1"]
        ),
        "missing",
        3.0,
    ),
    "stray-files": (
        lambda r: _with(
            r,
            notes__txt="my notes",
            Untitled__ipynb=nbformat.v4.new_notebook(),
            core__bin=b"\0" * 4096,
        ),
        "graded",
        5.0,
    ),
}
ABSENT_STUDENT = "absent"  # in the roster, never submitted: outcome "missing", score 0


def make_submissions(root: Path, cases: list[str] | None = None) -> dict[str, tuple[str, float]]:
    """Write the chosen hostile submissions (all by default); return student -> expected."""
    chosen = cases or list(CASES)
    for student in chosen:
        _write(root, student, CASES[student][0](root))
    return {s: (CASES[s][1], CASES[s][2]) for s in chosen}


def add_absent_student(root: Path, db_url: str) -> None:
    """Put a student in the roster (gradebook) who never submits anything."""
    from nbgrader.api import Gradebook

    from peninsula.grading.course import Course

    course = Course(root, db_url=db_url)
    with Gradebook(course.db_url_resolved, course.course_id) as gb:
        gb.update_or_create_student(ABSENT_STUDENT)


def make_class(root: Path, size: int) -> dict[str, float]:
    """A synthetic class of ``size`` students cycling through good and wrong answers."""
    variants = [
        (GOOD["part1"], GOOD["part2"], 5.0),
        (WRONG["part1"], GOOD["part2"], 3.0),
        (GOOD["part1"], WRONG["part2"], 2.0),
        (WRONG["part1"], WRONG["part2"], 0.0),
        ("def double(x):\n    return 2.0 * x", GOOD["part2"], 3.0),
    ]
    expected = {}
    for i in range(size):
        p1, p2, score = variants[i % len(variants)]
        student = f"student{i + 1:03d}"
        _write(root, student, _plain(root, p1, p2))
        expected[student] = score
    return expected


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-course").resolve()
    build_course(out)
    for name, (outcome, score) in make_submissions(out).items():
        print(f"{name:18} expected {outcome:17} {score}")
