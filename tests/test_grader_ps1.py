"""Real nbgrader on ps1-timeline: the solution earns full marks, blanks and typical mistakes do not.

One ``nbgrader autograde`` run grades every variant below as a separate student.
"""

from __future__ import annotations

import textwrap

import pytest
from nbgrader_harness import (
    assert_fails_with,
    assert_full_marks,
    assert_full_score,
    assert_scores_zero,
    autograde,
    find_cell,
    make_course,
    released_notebook,
    solution_notebook,
    with_answer,
)

pytestmark = pytest.mark.slow

A = "ps1-timeline"
AUTO_CELLS = ["test_visit_days", "test_gap_days", "test_weekdays", "test_summit_context",
              "test_timeline_figure"]


def _src(code: str) -> str:
    return textwrap.dedent(code).strip("\n")


DAYS_NIGHTS = _src('''
    def visit_days(visits):
        v = visits.set_index("visit_id")
        return (v["end_date"] - v["start_date"]).dt.days
''')

GAPS_WITH_NAN = _src('''
    def gap_days(visits):
        v = visits.sort_values("start_date").set_index("visit_id")
        return (v["start_date"] - v["end_date"].shift()).dt.days
''')

GAPS_UNSORTED = _src('''
    def gap_days(visits):
        v = visits.set_index("visit_id")
        return (v["start_date"] - v["end_date"].shift()).dt.days.dropna().astype(int)
''')

WEEKDAY_NUMBERS = _src('''
    def weekdays(visits):
        v = visits.set_index("visit_id")
        return pd.DataFrame({"first_day": v["start_date"].dt.weekday,
                             "last_day": v["end_date"].dt.weekday})
''')

CLAIM_NUMPY_BOOL = _src('''
    def claim_matches(visits, visit_id, first_day, last_day):
        row = weekdays(visits).loc[visit_id]
        return (row == [first_day, last_day]).all()
''')

SUMMITS_ALL_EVENTS = _src('''
    def summit_context(visits, events):
        ev = events.sort_values("start_date")
        rows = {}
        for v in visits.itertuples():
            before = ev[ev["end_date"] < v.start_date]
            after = ev[ev["start_date"] > v.end_date]
            rows[v.visit_id] = {
                "previous_summit": before["event_id"].iloc[-1] if len(before) else pd.NA,
                "days_since_previous": (v.start_date - before["end_date"].iloc[-1]).days
                if len(before) else pd.NA,
                "next_summit": after["event_id"].iloc[0],
                "days_to_next": (after["start_date"].iloc[0] - v.end_date).days,
            }
        out = pd.DataFrame.from_dict(rows, orient="index")
        return out.astype({"days_since_previous": "Int64", "days_to_next": "Int64"})
''')

# Returns the visible check's made-up answers: passes the visible check, fails the hidden tests.
DAYS_FIT_THE_CHECK = _src('''
    def visit_days(visits):
        return pd.Series([3, 1, 4], index=[101, 102, 103])
''')

TEXT_TWO_SENTENCES = _src('''
    TIMELINE_TEXT = ("The chart shows four visits to China in 2018 and 2019. "
                     "Summits fall between them.")
''')


TAMPER = _src('''
    class _Fake:
        def __getattr__(self, name):
            return lambda *args, **kwargs: None


    ps1 = _Fake()
    visits.drop(visits.index[0], inplace=True)
''')


def _bars_exclusive(nb):
    cell = find_cell(nb, "timeline_figure")
    wrong = cell.source.replace(
        'days = (v["end_date"] - v["start_date"]).dt.days + 1',
        'days = (v["end_date"] - v["start_date"]).dt.days',
    )
    assert wrong != cell.source, "the solution's timeline_figure changed; update this test"
    return with_answer(nb, "timeline_figure", wrong)


CHEAT = _src('''
    class Anything:
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __getattr__(self, name): return Anything()
        def __call__(self, *a, **k): return Anything()
        def __iter__(self): return iter([])
        def __len__(self): return 4
        def __bool__(self): return True
        def __hash__(self): return 0
''')

# student -> (edits: [(grade_id of a solution cell, new source)], expected failures:
# [(test cell that must score 0, text its output must contain)]). Mistakes in independent parts
# share a student to keep the number of notebooks (and the run time) down.
WRONG = {
    "nights-numbers": (
        [("visit_days", DAYS_NIGHTS), ("weekdays", WEEKDAY_NUMBERS)],
        [("test_visit_days", "that counts nights, not days"),
         ("test_weekdays", "the column should hold day names")],
    ),
    "nan-allevents": (
        [("gap_days", GAPS_WITH_NAN), ("summit_context", SUMMITS_ALL_EVENTS)],
        [("test_gap_days", "drop missing values, then use .astype(int)"),
         ("test_summit_context", "the next event is not always a summit")],
    ),
    "unsorted-npbool-bars": (
        [("gap_days", GAPS_UNSORTED), ("claim_matches", CLAIM_NUMPY_BOOL)],
        [("test_gap_days", "sort by start_date before using shift()"),
         ("test_weekdays", "return a plain Python bool"),
         ("test_timeline_figure", "has the wrong length")],
    ),
    # Replaces the checks module with a fake and changes the shared `visits` table in place:
    # the wrong answer still fails, and the right answers still pass.
    "tamper": (
        [("visit_days", DAYS_NIGHTS + "\n\n" + TAMPER)],
        [("test_visit_days", "that counts nights, not days")],
    ),
    "fits-the-check": (
        [("visit_days", DAYS_FIT_THE_CHECK)],
        [("test_visit_days", "the index of visit_days(visits)")],
    ),
    "twosentences": (
        [("timeline_text", TEXT_TWO_SENTENCES)],
        [("test_timeline_figure", "exactly one sentence")],
    ),
}


def _cheat(nb):
    """Every answer returns an object that claims to equal anything."""
    for gid, sig in [
        ("visit_days", "visit_days(visits)"),
        ("gap_days", "gap_days(visits)"),
        ("weekdays", "weekdays(visits)"),
        ("claim_matches", "claim_matches(visits, visit_id, first_day, last_day)"),
        ("summit_context", "summit_context(visits, events)"),
        ("timeline_figure", "timeline_figure(visits, events)"),
    ]:
        nb = with_answer(nb, gid, f"{CHEAT}\n\ndef {sig}:\n    return Anything()")
    return with_answer(
        nb, "timeline_text",
        "class AnyText(str):\n    def __eq__(self, other): return True\n"
        "    def __hash__(self): return 0\n\n"
        "TIMELINE_TEXT = AnyText('The chart shows the four visits to China and the summits.')",
    )


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Generate the assignment in a temp course and autograde all variants in one run."""
    course = make_course(tmp_path_factory.mktemp("ps1"), A)
    solution = solution_notebook(A)
    subs = {"solution": solution, "blank": released_notebook(course, A), "cheat": _cheat(solution)}
    for student, (edits, _) in WRONG.items():
        nb = solution
        for grade_id, source in edits:
            nb = with_answer(nb, grade_id, source)
        subs[student] = nb
    subs["unsorted-npbool-bars"] = _bars_exclusive(subs["unsorted-npbool-bars"])
    return autograde(course, A, subs)


def test_solution_scores_full_marks(graded):
    assert_full_marks(graded["solution"], 10, AUTO_CELLS)


def test_blank_release_scores_zero(graded):
    assert_scores_zero(graded["blank"], 10, "test_visit_days", "NotImplementedError")


def test_manual_part_is_left_for_a_person(graded):
    cell = graded["solution"].cells["part-e-oped"]
    assert cell.manual and cell.max_score == 2


@pytest.mark.parametrize(
    ("student", "cell", "message"),
    [(s, c, m) for s, (_, fails) in sorted(WRONG.items()) for c, m in fails],
)
def test_typical_mistake_fails_with_its_message(graded, student, cell, message):
    assert_fails_with(graded[student], cell, message)


def test_mistakes_leave_independent_parts_alone(graded):
    assert_full_score(graded["twosentences"], AUTO_CELLS[:-1])


def test_visible_check_passes_but_hidden_tests_catch_a_fitted_answer(graded):
    """Answers fitted to the made-up tables of the visible check earn nothing."""
    out = graded["fits-the-check"].output("test_visit_days")
    assert "made-up" not in out, out[-800:]  # the visible check on made-up visits passed
    assert "has 3 items, but it should have" in out, out[-800:]  # the hidden test did not


def test_tampering_with_shared_state_changes_no_grade(graded):
    assert_full_score(graded["tamper"], AUTO_CELLS[1:])


def test_always_equal_cheat_earns_nothing(graded):
    assert_scores_zero(
        graded["cheat"], 10, "test_visit_days",
        "should be of type Series, but it is of type Anything",
    )
