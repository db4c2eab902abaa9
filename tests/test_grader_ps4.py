"""Tests of the ps4-fact-check grader: visible checks (fast) and real nbgrader runs (slow).

The expected verdicts below restate /work/shared/reference/facts.md section 6 (not read at run
time): the WPK group's "May 16" is imprecise (arrived 14 May, met Xi 16 May); the 2397 claims
and the visit dates are true; Putin's invitation is outside our sources; forecasts and causal
arguments are opinions.
"""

from __future__ import annotations

import datetime as dt
import json

import nbformat
import pandas as pd
import pytest
from nbgrader_harness import (
    RELEASED,
    assert_fails_with,
    assert_full_marks,
    assert_no_outputs,
    assert_scores_zero,
    autograde,
    find_cell,
    make_course,
    released_notebook,
    solution_notebook,
    with_answer,
)

from peninsula import data, oped
from peninsula.checks import CheckFailed, self_check
from peninsula.checks import ps4 as checks

A = "ps4-fact-check"

GOOD_VERDICTS = {
    "gt-01": "true",
    "gt-02": "true",
    "gt-03": "true",
    "gt-04": "true",
    "gt-05": "unverifiable",
    "gt-06": "true",
    "gt-07": "true",
    "gt-08": "true",
    "gt-09": "imprecise",
    "gt-10": "opinion",
    "gt-11": "true",
    "gt-12": "unverifiable",
    "gt-13": "opinion",
    "gt-14": "opinion",
}
GOOD_EVIDENCE = {
    "gt-01": ("visits", "3"),
    "gt-02": ("visits", "1"),
    "gt-03": ("visits", "2"),
    "gt-04": ("events", "lavrov-pyongyang-2018-05-31"),
    "gt-06": ("measures", "2397-p5-refined-petroleum"),
    "gt-07": ("measures", "2397-p6-food-agricultural"),
    "gt-08": ("measures", "2397-p8-workers"),
    "gt-09": ("events", "wpk-group-china-2018-05"),
    "gt-11": ("events", "us-200bn-instruction-2018-06-18"),
}


def good_status(claimed, start, end):
    claimed, start = pd.Timestamp(claimed), pd.Timestamp(start)
    if end is None or pd.isna(end):
        if claimed == start:
            return "exact"
        return "after_start" if claimed > start else "outside"
    end = pd.Timestamp(end)
    if end < start:
        raise ValueError(f"end {end.date()} before start {start.date()}")
    if claimed == start:
        return "exact"
    return "within" if start < claimed <= end else "outside"


# ------------------------------------------------------------------------- fast: visible checks
def test_the_data_support_the_expected_verdicts():
    """The rows cited for the dated claims say what the verdicts assume."""
    visits = data.load("visits").set_index("visit_id")
    assert visits.at[3, "start_date"].day_name() == "Tuesday"
    assert visits.at[3, "end_date"].day_name() == "Wednesday"
    assert visits.at[1, "start_date"].month == 3 and visits.at[2, "start_date"].month == 5
    events = data.load("events").set_index("event_id")
    wpk = events.loc["wpk-group-china-2018-05"]
    assert wpk["start_date"] == pd.Timestamp("2018-05-14") and pd.isna(wpk["end_date"])
    assert "16 May" in wpk["details"]
    assert events.at["lavrov-pyongyang-2018-05-31", "start_date"] == pd.Timestamp("2018-05-31")
    measures = data.load("measures").set_index("measure_id")
    assert measures.at["2397-p5-refined-petroleum", "cap_value"] == 500_000
    assert "24 months" in measures.at["2397-p8-workers", "description"]
    tariffs = events[(events["category"] == "trade") & (events["start_date"].dt.year == 2018)]
    days = set(tariffs["start_date"].dt.strftime("%m-%d"))
    assert {"06-15", "06-16", "06-18", "06-19"} <= days


def test_good_answers_pass_visible_checks():
    assert list(GOOD_VERDICTS) == oped.claim_ids()
    checks.check_part_a(dict(GOOD_VERDICTS))
    checks.check_part_b(dict(GOOD_EVIDENCE), dict(GOOD_VERDICTS))
    checks.check_part_c(good_status)


def test_part_a_messages():
    """Part A: missing ids, unknown labels and capitalised labels are explained."""
    with pytest.raises(CheckFailed, match="no label for gt-14"):
        checks.check_part_a({k: v for k, v in GOOD_VERDICTS.items() if k != "gt-14"})
    with pytest.raises(CheckFailed, match="lower case"):
        checks.check_part_a({**GOOD_VERDICTS, "gt-01": "True"})
    with pytest.raises(CheckFailed, match="not a valid label"):
        checks.check_part_a({**GOOD_VERDICTS, "gt-01": "false"})
    with pytest.raises(CheckFailed, match="not claim ids"):
        checks.check_part_a({**GOOD_VERDICTS, "gt-99": "true"})
    with pytest.raises(CheckFailed, match="of type str"):
        checks.check_part_a({**GOOD_VERDICTS, "gt-01": True})


def test_part_b_messages():
    """Part B: uncited claims, integer ids, unknown tables and rows are explained."""
    with pytest.raises(CheckFailed, match="no citation for gt-09"):
        checks.check_part_b({k: v for k, v in GOOD_EVIDENCE.items() if k != "gt-09"}, GOOD_VERDICTS)
    with pytest.raises(CheckFailed, match="as a string"):
        checks.check_part_b({**GOOD_EVIDENCE, "gt-01": ("visits", 3)}, GOOD_VERDICTS)
    with pytest.raises(CheckFailed, match="does not exist"):
        checks.check_part_b({**GOOD_EVIDENCE, "gt-01": ("visit", "3")}, GOOD_VERDICTS)
    with pytest.raises(CheckFailed, match="no row with visit_id = '9'"):
        checks.check_part_b({**GOOD_EVIDENCE, "gt-01": ("visits", "9")}, GOOD_VERDICTS)
    all_true = dict.fromkeys(GOOD_VERDICTS, "true")
    with pytest.raises(CheckFailed, match="gt-05"):
        checks.check_part_b(dict(GOOD_EVIDENCE), all_true)


def test_part_c_messages():
    """Part C: a missing end date, a missing ValueError and a wrong boundary are caught."""

    def ignores_missing_end(claimed, start, end):
        if pd.isna(end):
            end = start
        return good_status(claimed, start, end)

    with pytest.raises(CheckFailed, match="after_start"):
        checks.check_part_c(ignores_missing_end)

    def no_error(claimed, start, end):
        if end is not None and pd.Timestamp(end) < pd.Timestamp(start):
            return "outside"
        return good_status(claimed, start, end)

    with pytest.raises(CheckFailed, match="ValueError"):
        checks.check_part_c(no_error)

    def end_exclusive(claimed, start, end):
        got = good_status(claimed, start, end)
        if end is not None and pd.Timestamp(claimed) == pd.Timestamp(end):
            return "outside"
        return got

    with pytest.raises(CheckFailed, match="the last day counts"):
        checks.check_part_c(end_exclusive)
    with pytest.raises(CheckFailed, match="of type str"):
        checks.check_part_c(lambda c, s, e: 1)


def test_self_check_never_claims_everything_passed(capsys):
    self_check("ps4", {"VERDICTS": dict(GOOD_VERDICTS)})
    out = capsys.readouterr().out
    assert "Visible tests passed for parts A." in out
    assert "Part B: not attempted yet" in out and "all tests passed" not in out.lower()


def test_hints_cover_every_part():
    from peninsula.hints import hint_text, parts

    assert parts(A) == ["A", "B", "C", "D"]
    for part in parts(A):
        assert len({hint_text("ps4", part, level) for level in (1, 2, 3)}) == 3


def test_hints_do_not_give_the_verdicts():
    """No hint names a claim id next to its verdict."""
    from peninsula.hints import HINTS_DIR

    hints = (HINTS_DIR / "ps4-fact-check.json").read_text(encoding="utf-8")
    assert "gt-0" not in hints and "gt-1" not in hints


# --------------------------------------------------------------------- slow: real nbgrader runs
CHEAT = """
class _Cheat:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __contains__(self, item): return True
    def get(self, *a): return self
    def __getitem__(self, k): return self
"""


def _leaks(nb) -> list[str]:
    text = json.dumps(nb)
    needles = [
        "BEGIN SOLUTION",
        "BEGIN HIDDEN TESTS",
        "MARK SCHEME",
        "Mark scheme",
        "Model answer",
        '\\"gt-09\\": \\"imprecise\\"',
        "wpk-group-china-2018-05",
        "lavrov-pyongyang-2018-05-31",
    ]
    return [n for n in needles if n in text]


def _assert_clean_release(nb) -> None:
    assert _leaks(nb) == []
    assert_no_outputs(nb)
    assert find_cell(nb, "essay").source.strip() == "YOUR ANSWER HERE"


def _set_verdicts(nb, verdicts):
    body = "VERDICTS = " + json.dumps(verdicts, indent=4)
    return with_answer(nb, "verdicts", body)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("ps4"), A)
    sol = solution_notebook(A)
    blank = released_notebook(course, A)
    status_src = find_cell(sol, "date-claim-status").source

    cheat = with_answer(sol, "verdicts", CHEAT + "VERDICTS = _Cheat()")
    cheat = with_answer(cheat, "evidence", CHEAT + "EVIDENCE = _Cheat()")
    cheat = with_answer(
        cheat, "date-claim-status", CHEAT + "def date_claim_status(*a):\n    return _Cheat()"
    )

    # P: calls the WPK claim true, cites the wrong row for it, ignores a missing end date
    p = _set_verdicts(sol, {**GOOD_VERDICTS, "gt-09": "true"})
    p = with_answer(
        p,
        "evidence",
        "EVIDENCE = " + repr({**GOOD_EVIDENCE, "gt-09": ("events", "visit-2")}),
    )
    p = with_answer(
        p,
        "date-claim-status",
        status_src.replace("if end is None or pd.isna(end):", "if False:"),
    )
    # Q: capitalised labels, and no ValueError for an end before the start
    q = _set_verdicts(sol, {k: v.capitalize() for k, v in GOOD_VERDICTS.items()})
    q = with_answer(
        q,
        "date-claim-status",
        status_src.replace(
            'raise ValueError(f"end {end.date()} is before start {start.date()}")',
            'return "outside"',
        ),
    )
    # R: everything "true"; S: row ids as integers
    r = _set_verdicts(sol, dict.fromkeys(GOOD_VERDICTS, "true"))
    s = with_answer(
        sol, "evidence", "EVIDENCE = " + repr({**GOOD_EVIDENCE, "gt-01": ("visits", 3)})
    )
    assert "if False:" in find_cell(p, "date-claim-status").source
    assert "raise ValueError" not in find_cell(q, "date-claim-status").source

    students = {"solution": sol, "blank": blank, "cheat": cheat, "p": p, "q": q, "r": r, "s": s}
    return course, autograde(course, A, students)


@pytest.mark.slow
def test_solution_scores_full_marks(graded):
    _, res = graded
    sol = res["solution"]
    assert_full_marks(sol, 8)
    essay = sol.cells["essay"]
    assert essay.manual and essay.needs_manual_grade and essay.max_score == 4


@pytest.mark.slow
def test_blank_release_scores_zero(graded):
    _, res = graded
    assert_scores_zero(res["blank"], 8, "test-verdicts-format", "NoneType")


@pytest.mark.slow
def test_always_equal_cheat_scores_zero(graded):
    _, res = graded
    assert_scores_zero(res["cheat"], 8, "test-verdicts-format", "of type dict")


@pytest.mark.slow
def test_typical_wrong_answers_fail_with_helpful_messages(graded):
    _, res = graded
    p, q, r, s = res["p"], res["q"], res["r"], res["s"]
    # the WPK "May 16" claim is imprecise, not true; the cited row must be the WPK group's
    assert_fails_with(p, "test-verdicts-visits", "VERDICTS['gt-09'] = 'true'")
    assert p.cells["test-verdicts-sanctions"].score == 1
    assert p.cells["test-evidence-format"].score == 1
    assert_fails_with(p, "test-evidence-rows", "gt-09: cite the events row of the WPK group")
    # a missing end date (NaT) is not "outside"
    assert_fails_with(p, "test-date-status-visible", "after_start")
    # capitalised labels; no ValueError
    assert_fails_with(q, "test-verdicts-format", "Write 'true' (lower case")
    assert "accepted an event that ends before it starts" in q.output("test-date-status-visible")
    assert q.cells["test-date-status-hidden"].score == 0
    # labelling everything "true" earns only the format point of Part A
    assert [
        r.cells[g].score
        for g in (
            "test-verdicts-format",
            "test-verdicts-visits",
            "test-verdicts-sanctions",
            "test-verdicts-judgements",
        )
    ] == [1, 0, 0, 0]
    assert "no citation for gt-05" in r.output("test-evidence-format")
    # integer row ids
    assert_fails_with(s, "test-evidence-format", "as a string")
    assert s.cells["test-date-status-hidden"].score == 1


@pytest.mark.slow
def test_release_is_clean_and_graders_see_the_mark_scheme(graded):
    course, res = graded
    _assert_clean_release(released_notebook(course, A))
    # the locked task cell is restored from the gradebook in the autograded copy graders read
    autograded = res["blank"].notebooks[A]
    assert "BEGIN MARK SCHEME" in find_cell(autograded, "essay-task").source


def test_committed_release_is_clean():
    """The committed student version has no solutions, hidden tests, mark schemes or outputs."""
    path = RELEASED / A / f"{A}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run nbgrader generate_assignment {A}")
    nb = nbformat.read(path, as_version=4)
    _assert_clean_release(nb)
    assert "raise NotImplementedError()" in find_cell(nb, "date-claim-status").source


def test_claim_dates_in_part_c_examples_are_real():
    """The Hanoi dates used by the visible check match the events table."""
    events = data.load("events").set_index("event_id")
    assert events.at["hanoi-summit-2019-02", "start_date"].date() == dt.date(2019, 2, 27)
    assert events.at["hanoi-summit-2019-02", "end_date"].date() == dt.date(2019, 2, 28)
