"""Fast unit tests of peninsula.grading (no kernels, no nbgrader runs)."""

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from peninsula.grading.autograde import exit_status, parse_shard, summary_table
from peninsula.grading.checks import inspect, notebook_problem, renamed_candidates
from peninsula.grading.edition import scan, secret_regions, student_pyproject
from peninsula.grading.feedback import PartReport, render
from peninsula.grading.outcomes import Outcome, Result
from peninsula.grading.worker import last_exception_line


def test_worst_outcome_wins_and_reasons_accumulate():
    r = Result("s", "a")
    r.note(Outcome.TIMEOUT, "cell 2 timed out")
    r.note(Outcome.INVALID, "part1.ipynb: not valid JSON")
    r.note(Outcome.CRASHED, "kernel died")
    assert r.outcome is Outcome.INVALID
    assert r.reason == "cell 2 timed out; part1.ipynb: not valid JSON; kernel died"
    assert Result("s", "a").reason == "ok"


def test_exit_status_only_for_unfinished_submissions():
    graded, timeout = Result("a", "x"), Result("b", "x", Outcome.TIMEOUT)
    assert exit_status([graded, timeout]) == 0
    for bad in (Outcome.CRASHED, Outcome.INVALID, Outcome.MISSING, Outcome.ERROR):
        assert exit_status([graded, Result("c", "x", bad)]) == 1


def test_summary_table_lists_every_student_with_reason():
    rows = [Result("ana", "ps", Outcome.GRADED, [], 5, 5), Result("bo", "ps", Outcome.MISSING,
                                                                  ["no submission"], 0, 5)]
    text = summary_table(rows)
    assert "ana" in text and "bo" in text and "no submission" in text and "missing: 1" in text


@pytest.mark.parametrize("text,expected", [("1/2", (1, 2)), ("3/3", (3, 3))])
def test_parse_shard(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/2", "3/2", "1-2", "a/b"])
def test_parse_shard_rejects(text):
    with pytest.raises(ValueError, match="shard"):
        parse_shard(text)


def test_notebook_problems(tmp_path):
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), good)
    assert notebook_problem(good) is None
    cases = {
        "junk.ipynb": ("{not json", "not valid JSON (line 1"),
        "list.ipynb": ("[1, 2]", "not a notebook"),
        "v3.ipynb": (json.dumps({"nbformat": 3, "worksheets": []}), "nbformat 3, expected 4"),
        "bad.ipynb": (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                  "cells": [{"cell_type": "nonsense"}]}), "not a valid nbformat-4"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        problem = notebook_problem(tmp_path / name)
        assert problem and problem.startswith(name) and message in problem, problem


def test_inspect_sorts_missing_invalid_extra(tmp_path):
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "part2.ipynb")
    (tmp_path / "part3.ipynb").write_text("truncated {")
    nbformat.write(nbformat.v4.new_notebook(), tmp_path / "part1 (copy).ipynb")
    (tmp_path / "timestamp.txt").write_text("2026-11-20 12:00:00 UTC")
    found = inspect(tmp_path, ["part1", "part2", "part3"])
    assert found.valid == ["part2"]
    assert found.missing == ["part1"] and list(found.invalid) == ["part3"]
    assert found.extra == ["part1 (copy).ipynb"]
    assert renamed_candidates("part1", found.extra) == ["part1 (copy).ipynb"]


def test_last_exception_line():
    log = "Traceback\n  File x\nDeadKernelError: Kernel died\n[ERROR] NbGraderException: x"
    assert last_exception_line(log) == "DeadKernelError: Kernel died"
    assert last_exception_line("") == "unknown error"


def test_memory_cap_launcher_turns_a_bomb_into_memoryerror():
    code = "b = bytearray(600 * 1024 * 1024)"
    cap = str(300 * 1024 * 1024)
    run = subprocess.run([sys.executable, "-m", "peninsula.grading.limits", cap, "--",
                          sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "MemoryError" in run.stderr
    ok = subprocess.run([sys.executable, "-m", "peninsula.grading.limits", cap, "--",
                         sys.executable, "-c", "b = bytearray(10 * 1024 * 1024)"], timeout=60)
    assert ok.returncode == 0


def test_student_pyproject_drops_console_script():
    text = ('[project]\nname = "peninsula"\n\n[project.scripts]\n'
            'peninsula-grade = "peninsula.grading.cli:main"\n\n[tool.ruff]\nline-length = 100\n')
    out = student_pyproject(text)
    assert "peninsula-grade" not in out and "[project.scripts]" not in out
    assert '[tool.ruff]' in out and 'name = "peninsula"' in out
    keep = student_pyproject(text.replace('peninsula-grade = "peninsula.grading.cli:main"',
                                          'peninsula-grade = "x:y"\nother = "a.b:c"'))
    assert "[project.scripts]" in keep and 'other = "a.b:c"' in keep


def _source_with_secrets(root: Path) -> Path:
    src = root / "source" / "ps"
    src.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell(
        "def f(x):\n    ### BEGIN SOLUTION\n    return sorted(x, key=lambda v: (-v[1], v[0]))\n"
        "    ### END SOLUTION")
    cell.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "f"}
    test = nbformat.v4.new_code_cell(
        "assert f([]) == []\n### BEGIN HIDDEN TESTS\nassert f([('b', 1), ('a', 2)]) == "
        "[('a', 2), ('b', 1)]\n### END HIDDEN TESTS")
    short = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell, test, short]), src / "ps.ipynb")
    return root / "source"


def test_secret_regions_skip_short_ones(tmp_path):
    regions = secret_regions(_source_with_secrets(tmp_path))
    assert any("sorted(x, key=lambda" in r for r in regions)
    assert any("[('a', 2), ('b', 1)]" in r for r in regions)
    assert not any(r.strip() == "x = 1" for r in regions)


def test_scan_finds_leaked_solution_inside_a_notebook(tmp_path):
    source = _source_with_secrets(tmp_path / "repo")
    out = tmp_path / "out"
    (out / "lessons").mkdir(parents=True)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(x):\n    return sorted(x,   key=lambda v: (-v[1], v[0]))")])
    nbformat.write(nb, out / "lessons" / "l.ipynb")
    (out / "data").mkdir()
    (out / "data" / "notes.md").write_text("see ### BEGIN HIDDEN TESTS")
    problems = scan(out, source)
    assert any("lessons/l.ipynb" in p and "region" in p for p in problems)
    assert any("data/notes.md" in p and "BEGIN HIDDEN TESTS" in p for p in problems)
    (out / "lessons" / "l.ipynb").unlink()
    (out / "data" / "notes.md").write_text("clean")
    assert scan(out, source) == []


def test_feedback_page_escapes_and_marks_pass_fail():
    tests = [PartReport("t1", "assert f(1) == '<b>'", 1, 1, "passed"),
             PartReport("t2", "assert g()", 0, 2, "AssertionError: <script>")]
    page = render("ana", "ps", "part1", {"outcome": "graded", "reason": "ok"}, tests)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.count('"fail">failed') == 1 and page.count('"pass">passed') == 1
    assert "1 / 3" in page


def _dies_for_doomed(course, assignment, student, expected):
    """A stand-in grader whose worker process dies on one student (like an OOM kill)."""
    import os

    if student == "doomed":
        os._exit(9)
    return Result(student, assignment, Outcome.GRADED, [], 1.0, 5.0)


@pytest.mark.slow
def test_a_dying_worker_process_is_retried_then_recorded_as_crashed(tmp_path):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fixtures_hostile as fx

    from peninsula.grading import outcomes
    from peninsula.grading.autograde import grade_class
    from peninsula.grading.course import Course

    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    fx.build_course(tmp_path, db)
    results = grade_class(Course(tmp_path, db_url=db), fx.ASSIGNMENT,
                          students=["ana", "doomed", "zoe"], progress=None,
                          grade=_dies_for_doomed)
    by_student = {r.student: r for r in results}
    assert set(by_student) == {"ana", "doomed", "zoe"}
    assert by_student["ana"].outcome is Outcome.GRADED
    assert by_student["doomed"].outcome is Outcome.CRASHED
    assert "worker process died twice" in by_student["doomed"].reason
    row = outcomes.load(db, "trains-planes-sanctions", fx.ASSIGNMENT)[(fx.ASSIGNMENT, "doomed")]
    assert row["outcome"] == "crashed"


def test_cli_usage_errors_exit_2_with_a_message(tmp_path, monkeypatch, capsys):
    from peninsula.grading.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["autograde", "ps1"]) == 2
    assert "no nbgrader_config.py" in capsys.readouterr().err
    assert main(["autograde", "ps1", "--shard", "3/2"]) == 2
    assert "shard '3/2'" in capsys.readouterr().err


def test_near_leaks_warns_about_a_shipped_reference_solution(tmp_path):
    from peninsula.grading.edition import near_leaks

    source = tmp_path / "source" / "ps"
    source.mkdir(parents=True)
    cell = nbformat.v4.new_code_cell(
        "def f(visits):\n    ### BEGIN SOLUTION\n"
        "    v = visits.sort_values('start_date').set_index('visit_id')\n"
        "    return (v['end_date'] - v['start_date']).dt.days + 1\n    ### END SOLUTION")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), source / "ps.ipynb")
    out = tmp_path / "out"
    (out / "peninsula").mkdir(parents=True)
    (out / "peninsula" / "checks.py").write_text(
        "def reference(visits):\n"
        "    v = visits.sort_values('start_date').set_index('visit_id')\n"
        "    return (v['end_date'] - v['start_date']).dt.days.add(1)\n")
    warnings = near_leaks(out, tmp_path / "source")
    assert len(warnings) == 1 and "peninsula/checks.py" in warnings[0], warnings
    assert scan(out, tmp_path / "source") == []  # one shared line: a warning, not a leak
    (out / "peninsula" / "checks.py").write_text("def reference(x):\n    return x\n")
    assert near_leaks(out, tmp_path / "source") == []


# --- kernel death that surfaces as something other than DeadKernelError ---------------------


class _Process:
    def __init__(self, code):
        self.code = code

    def poll(self):
        return self.code


class _KM:
    def __init__(self, exit_code):
        self.provisioner = type("P", (), {"process": _Process(exit_code)})()


def _guarded(monkeypatch, exit_code, error):
    from nbgrader.preprocessors import Execute

    from peninsula.grading.kernel import GuardedExecute

    def boom(self, cell, resources, index):
        raise error

    monkeypatch.setattr(Execute, "preprocess_cell", boom, raising=False)
    ex = GuardedExecute()
    ex.km = _KM(exit_code)
    return ex


def test_error_from_a_dead_kernel_marks_the_cell_instead_of_failing(monkeypatch):
    from nbformat.v4 import new_code_cell

    ex = _guarded(monkeypatch, 1, RuntimeError("Cannot interrupt kernel. No kernel is running!"))
    cell, _ = ex.preprocess_cell(new_code_cell("import os; os._exit(1)"), {}, 3)
    assert cell.outputs[-1]["ename"] == "KernelDied"
    assert "cell 4" in cell.outputs[-1]["evalue"] and "RuntimeError" in cell.outputs[-1]["evalue"]
    later, _ = ex.preprocess_cell(new_code_cell("x = 1"), {}, 4)
    assert later.outputs[0]["evalue"].startswith("not run:")


def test_error_with_a_live_kernel_is_not_swallowed(monkeypatch):
    from nbformat.v4 import new_code_cell

    ex = _guarded(monkeypatch, None, RuntimeError("a real grader bug"))
    with pytest.raises(RuntimeError, match="a real grader bug"):
        ex.preprocess_cell(new_code_cell("x = 1"), {}, 0)


def test_death_outside_a_cell_marks_the_rest_as_not_run(monkeypatch):
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbformat.v4 import new_code_cell, new_notebook

    from peninsula.grading.kernel import GuardedExecute

    nb = new_notebook(cells=[new_code_cell("a = 1"), new_code_cell("b = 2"), new_code_cell("c")])

    def dies_after_first_cell(self, nb, resources=None, km=None):
        self.km = _KM(-9)
        self.preprocess_cell(nb.cells[0], resources, 0)  # Execute.preprocess_cell not patched:
        raise RuntimeError("shutdown of a dead kernel failed")

    monkeypatch.setattr(ExecutePreprocessor, "preprocess", dies_after_first_cell)
    monkeypatch.setattr(
        "nbgrader.preprocessors.Execute.preprocess_cell",
        lambda self, cell, resources, index: (cell, resources), raising=False,
    )
    out, _ = GuardedExecute().preprocess(nb, {})
    assert [o["ename"] for o in out.cells[0].outputs] == ["KernelDied"]
    assert all(c.outputs[0]["evalue"].startswith("not run:") for c in out.cells[1:])


@pytest.mark.slow
def test_a_transient_nbgrader_failure_is_retried_once(tmp_path, monkeypatch):
    """A gradebook hiccup (two shards inserting the same rows) costs no grade: one retry."""
    sys.path.insert(0, str(Path(__file__).parent))
    import fixtures_hostile as fx
    from nbgrader.apps import NbGraderAPI

    from peninsula.grading.course import Course
    from peninsula.grading.outcomes import ensure_table
    from peninsula.grading.worker import grade_submission

    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    fx.build_course(tmp_path, db)
    fx.make_class(tmp_path, 1)
    real = NbGraderAPI.autograde
    calls = []

    def flaky(self, *args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            return {"success": False, "log": "sqlalchemy.exc.OperationalError: database is locked"}
        return real(self, *args, **kwargs)

    monkeypatch.setattr(NbGraderAPI, "autograde", flaky)
    course = Course(tmp_path, db_url=db)
    student = next(p.name for p in (tmp_path / "submitted").iterdir())
    ensure_table(db)
    result = grade_submission(course, fx.ASSIGNMENT, student, ["part1", "part2"])
    assert len(calls) == 2
    assert result.outcome == Outcome.GRADED, result.reason
    assert "second attempt" in result.reason and "database is locked" in result.reason
    assert result.score > 0
