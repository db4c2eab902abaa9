"""End-to-end: a class of hostile submissions through `peninsula-grade` (SQLite gradebook)."""

import contextlib
import csv
import io
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_hostile as fx  # noqa: E402

from peninsula.grading import outcomes  # noqa: E402
from peninsula.grading.cli import main  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The hostile class, autograded once with 2 workers, a 12 s cell limit and 1 GiB kernels."""
    root = tmp_path_factory.mktemp("hostile")
    db = f"sqlite:///{root / 'gradebook.db'}"
    fx.build_course(root, db)
    expected = fx.make_submissions(root)
    fx.add_absent_student(root, db)
    expected[fx.ABSENT_STUDENT] = ("missing", 0.0)
    args = ["--course", str(root), "--db", db]
    return root, db, args, expected


@pytest.fixture(scope="module")
def run(graded):
    """(exit status, summary table) of the autograde run."""
    _, _, args, _ = graded
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main([*args, "autograde", fx.ASSIGNMENT, "--timeout", "12", "--workers", "2",
                       "--memory-mb", "1024",
                       "--quiet"])
    return status, out.getvalue()


def test_every_submission_has_its_expected_outcome_and_score(graded, run):
    root, db, _, expected = graded
    status, table = run
    recorded = outcomes.load(db, "trains-planes-sanctions", fx.ASSIGNMENT)
    assert {s for (_, s) in recorded} == set(expected), "a submission was dropped"
    for student, (outcome, score) in expected.items():
        row = recorded[(fx.ASSIGNMENT, student)]
        assert (row["outcome"], row["score"]) == (outcome, score), (student, row)
        assert row["max_score"] == fx.MAX_SCORE and row["reason"]
        assert student in table
    assert status == 1  # crashed / invalid / missing submissions make the run fail


@pytest.mark.parametrize("student,words", [
    ("infinite-loop", "time limit"), ("kernel-crash", "kernel died"),
    ("memory-bomb", "MemoryError"), ("not-json", "not valid JSON"),
    ("truncated", "not valid JSON"), ("wrong-nbformat", "nbformat 3"),
    ("missing-notebook", "part1.ipynb missing"), ("renamed-notebook", "part1-Copy1.ipynb"),
    ("stray-files", "extra file"), ("absent", "no submission"),
])
def test_reasons_say_what_happened(graded, run, student, words):
    _, db, _, _ = graded
    row = outcomes.load(db, "trains-planes-sanctions", fx.ASSIGNMENT)[(fx.ASSIGNMENT, student)]
    assert words in row["reason"]


def test_gradebook_has_a_score_for_every_cell_of_every_student(graded, run):
    _, db, _, expected = graded
    with Gradebook(db, "trains-planes-sanctions") as gb:
        for student, (_, score) in expected.items():
            sub = gb.find_submission(fx.ASSIGNMENT, student)
            grades = [g for nb in sub.notebooks for g in nb.grades]
            assert len(grades) == 2
            assert all(g.auto_score is not None or g.manual_score is not None for g in grades)
            assert sub.score == score
        # the crashed kernel: part 2 (its own notebook) still counts, part 1 is 0 for the reason
        crash = gb.find_submission(fx.ASSIGNMENT, "kernel-crash")
        assert {g.name: g.score for nb in crash.notebooks for g in nb.grades} == {
            "test_double": 0.0, "test_km": 3.0}


def test_feedback_shows_results_but_never_hidden_tests(graded, run):
    root, _, args, expected = graded
    assert main([*args, "feedback", fx.ASSIGNMENT]) == 0
    pages = sorted((root / "feedback").rglob("*.html"))
    assert len(pages) == 2 * len(expected)
    secrets = [*fx.HIDDEN_TEXTS, *fx.SOLUTION_TEXTS, "BEGIN HIDDEN TESTS", "BEGIN SOLUTION"]
    for page in pages:
        text = page.read_text()
        for secret in secrets:
            assert secret not in text, f"{page} leaks {secret!r}"
    wrong = (root / "feedback" / "wrong" / fx.ASSIGNMENT / "part1.html").read_text()
    assert "failed" in wrong and "AssertionError: hidden check: a large odd number" in wrong
    good = (root / "feedback" / "good" / fx.ASSIGNMENT / "part2.html").read_text()
    assert '"pass">passed' in good and "3 / 3" in good
    # the secrets really are in the graded material, so the scan above could have failed
    graded_nb = (root / "autograded" / "wrong" / fx.ASSIGNMENT / "part1.ipynb").read_text()
    assert "123457" in graded_nb


def test_export_grades_and_report(graded, run, tmp_path):
    _, _, args, expected = graded
    out_csv = tmp_path / "grades.csv"
    assert main([*args, "export-grades", str(out_csv)]) == 0
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 2 * len(expected)
    totals = {}
    for row in rows:
        totals[row["student"]] = totals.get(row["student"], 0.0) + float(row["score"])
        assert row["grade_id"] in {"test_double", "test_km"}
        assert float(row["max_score"]) == {"test_double": 2.0, "test_km": 3.0}[row["grade_id"]]
    assert totals == {s: score for s, (_, score) in expected.items()}

    assert main([*args, "report", str(tmp_path / "report")]) == 0
    html = (tmp_path / "report" / "index.html").read_text()
    assert "mean-per-part.png" in html and "distribution-per-part.png" in html
    assert "<table" in html and "test_double" in html and "alt=" in html
    for png in ("mean-per-part.png", "distribution-per-part.png"):
        assert (tmp_path / "report" / png).read_bytes()[:4] == b"\x89PNG"
    parts = (tmp_path / "report" / "parts.csv").read_text()
    full_part1 = sum(1 for _, score in expected.values() if score in (5.0, 2.0))
    double_mean = 100 * full_part1 / len(expected)
    assert f"fixture-ps / part1 / test_double,{len(expected)},2.0,{round(double_mean, 1)}" in parts
