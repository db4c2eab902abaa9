"""Tests of the ps3-sanctions grader: visible checks (fast) and real nbgrader runs (slow).

The slow test generates the assignment in a temporary course, submits the solution, the blank
release, an ``__eq__``-always-True cheat and typical wrong answers as different students, runs
ONE ``nbgrader autograde`` and checks every student's per-cell scores and failure messages.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import ipywidgets as widgets
import numpy as np
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

from peninsula import data
from peninsula.checks import CheckFailed, self_check
from peninsula.checks import ps3 as checks

A = "ps3-sanctions"

# ----------------------------------------------------------------------------- reference answers
# Built from the fact sheets (adoption dates of 2270, 2371, 2375, 2397), independent of the
# notebook's solution cells.
GOOD_BANS = {
    "coal": (2371, "2017-08-05"),
    "iron": (2371, "2017-08-05"),
    "gold": (2270, "2016-03-02"),
    "seafood": (2371, "2017-08-05"),
    "textiles": (2375, "2017-09-11"),
    "food_agricultural": (2397, "2017-12-22"),
    "machinery": (2397, "2017-12-22"),
    "wood": (2397, "2017-12-22"),
}


def good_banned(category, date, rules=None):
    rules = GOOD_BANS if rules is None else rules
    if category not in rules:
        raise ValueError(f"Unknown category {category!r}; valid: {sorted(rules)}")
    return bool(pd.Timestamp(date) >= pd.Timestamp(rules[category][1]))


def good_percent_cut(old, new):
    if old <= 0:
        raise ValueError("old must be positive")
    return (old - new) / old * 100


def good_explorer(rules=None, *, observe=True):
    rules = GOOD_BANS if rules is None else rules
    days = pd.date_range("2016-01-01", "2018-12-31").date
    dd = widgets.Dropdown(options=sorted(rules))
    sl = widgets.SelectionSlider(options=[(d.isoformat(), d) for d in days])
    lb = widgets.Label()

    def update(_=None):
        status = "banned" if good_banned(dd.value, sl.value, rules) else "not banned"
        lb.value = f"{dd.value} on {sl.value.isoformat()}: {status}"

    if observe:
        dd.observe(update, names="value")
        sl.observe(update, names="value")
    update()
    return widgets.VBox([dd, sl, lb])


class AlwaysEqual:
    """A cheat: equal to everything, true, and a number-like string-like thing."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return 0

    def __bool__(self):
        return True


def first_full_export_ban(category):
    """(resolution, first day) of the first full DPRK export ban on ``category`` in the data.

    The test's own reading of the measures table (the hidden test in the instructor's notebook
    has its own copy; the student-facing package has none).
    """
    m = data.load("measures")
    rows = m[
        (m["category"] == category)
        & (m["kind"] == "export_ban")
        & (m["direction"] == "dprk_exports")
        & ~m["description"].str.contains("Exceptions:", regex=False, na=False)
    ].sort_values("in_force_from")
    assert not rows.empty, f"no full export ban on {category!r} in the measures table"
    return int(rows.iloc[0]["resolution"]), pd.Timestamp(rows.iloc[0]["in_force_from"])


# ------------------------------------------------------------------------- fast: visible checks
def test_first_full_export_ban_reads_the_data():
    """The data agree with the fact sheets on the boundaries the assignment relies on."""
    assert first_full_export_ban("coal") == (2371, pd.Timestamp("2017-08-05"))
    assert first_full_export_ban("iron") == (2371, pd.Timestamp("2017-08-05"))
    assert first_full_export_ban("textiles") == (2375, pd.Timestamp("2017-09-11"))
    for cat in ("food_agricultural", "machinery", "wood"):
        assert first_full_export_ban(cat) == (2397, pd.Timestamp("2017-12-22"))
    for cat, (res, day) in GOOD_BANS.items():
        assert first_full_export_ban(cat) == (res, pd.Timestamp(day))


def test_part_a_accepts_good_and_explains_wrong():
    """Part A: the right dict passes; China's date, the partial ban and bad types are explained."""
    checks.check_part_a(dict(GOOD_BANS))
    with pytest.raises(CheckFailed, match="China's own"):
        checks.check_part_a({**GOOD_BANS, "coal": (2371, "2017-08-15")})
    with pytest.raises(CheckFailed, match="exceptions"):
        checks.check_part_a({**GOOD_BANS, "coal": (2270, "2016-03-02")})
    with pytest.raises(CheckFailed, match="YYYY-MM-DD"):
        checks.check_part_a({**GOOD_BANS, "gold": (2270, "2 March 2016")})
    with pytest.raises(CheckFailed, match="should be of type int"):
        checks.check_part_a({**GOOD_BANS, "gold": ("2270", "2016-03-02")})
    with pytest.raises(CheckFailed, match="missing"):
        checks.check_part_a({k: v for k, v in GOOD_BANS.items() if k != "wood"})
    with pytest.raises(CheckFailed, match="should be of type dict"):
        checks.check_part_a(AlwaysEqual())


def test_part_b_catches_strict_comparison_and_missing_error():
    """Part B: >= passes; > fails on the first day; unknown categories must raise ValueError."""
    checks.check_part_b(good_banned)

    def strict(category, date, rules=None):
        return bool(pd.Timestamp(date) > pd.Timestamp(rules[category][1]))

    with pytest.raises(CheckFailed, match=">="):
        checks.check_part_b(strict)

    def silent(category, date, rules=None):
        if category not in rules:
            return False
        return good_banned(category, date, rules)

    with pytest.raises(CheckFailed, match="did not raise ValueError"):
        checks.check_part_b(silent)
    with pytest.raises(CheckFailed, match="should be of type bool"):
        checks.check_part_b(lambda c, d, r=None: AlwaysEqual())
    with pytest.raises(CheckFailed, match=r"bool\(\.\.\.\)"):
        checks.check_part_b(lambda c, d, r=None: np.bool_(good_banned(c, d, r)))


def test_part_c_catches_fraction_and_reversal():
    """Part C: fractions and reversed subtraction get their own hints."""
    cap97, cap75 = 500_000.0, 2_000_000.0
    good = (good_percent_cut, cap97, cap75, cap97 / 12, 75.0, 400 / 4.5)
    checks.check_part_c(*good)
    with pytest.raises(CheckFailed, match="75 percent"):
        checks.check_part_c(lambda o, n: (o - n) / o, *good[1:])
    with pytest.raises(CheckFailed, match="wrong way round"):
        checks.check_part_c(good_percent_cut, cap97, cap75, cap97 / 12, -75.0, 88.9)
    with pytest.raises(CheckFailed, match="cap_value"):
        checks.check_part_c(good_percent_cut, 400_000.0, cap75, cap97 / 12, 75.0, 88.9)
    with pytest.raises(CheckFailed, match="12 months"):
        checks.check_part_c(good_percent_cut, cap97, cap75, cap97, 75.0, 88.9)
    with pytest.raises(CheckFailed, match="should be lower"):
        checks.check_part_c(good_percent_cut, cap75, cap97, cap75 / 12, 75.0, 88.9)
    with pytest.raises(CheckFailed, match="should be of type float"):
        checks.check_part_c(good_percent_cut, "500000", cap75, cap97 / 12, 75.0, 88.9)


def test_part_a_checks_consistency_not_the_answer():
    """A FULL_BANS entry that names a full ban of another category's resolution is refused with
    a pointer to the data, and the check module holds no 'first ban' function to import."""
    with pytest.raises(CheckFailed, match="no export ban on 'textiles' from that resolution"):
        checks.check_part_a({**GOOD_BANS, "textiles": (2270, "2016-03-02")})
    assert not hasattr(checks, "first_full_export_ban")


def test_part_d_drives_the_widget():
    """Part D: a wired explorer passes; one whose label never updates fails."""
    checks.check_part_d(good_explorer)
    with pytest.raises(CheckFailed, match="observe"):
        checks.check_part_d(lambda rules=None: good_explorer(rules, observe=False))
    with pytest.raises(CheckFailed, match="VBox"):
        checks.check_part_d(lambda rules=None: widgets.HBox())


def test_self_check_reports_parts(capsys):
    """self_check lists passing parts and never claims that all tests passed."""
    ns = {
        "FULL_BANS": dict(GOOD_BANS),
        "banned": good_banned,
        "percent_cut": good_percent_cut,
        "REFINED_CAP_2397": 500_000.0,
        "REFINED_CAP_2375": 2_000_000.0,
        "monthly_cap": 500_000 / 12,
        "cut_vs_2375": 75.0,
        "cut_vs_2016": 88.89,
    }
    self_check("ps3", ns)
    out = capsys.readouterr().out
    assert "Visible tests passed for parts A, B, C." in out
    assert "Part D: not attempted yet" in out
    assert "all tests passed" not in out.lower()


def test_hint_file_covers_every_part():
    """Every auto-graded part has three hint levels."""
    from peninsula.hints import hint_text, parts

    assert parts(A) == ["A", "B", "C", "D"]
    for part in parts(A):
        texts = [hint_text("ps3", part, level) for level in (1, 2, 3)]
        assert len(set(texts)) == 3
    with pytest.raises(ValueError, match="Valid parts"):
        hint_text("ps3", "E")


# --------------------------------------------------------------------- slow: real nbgrader runs
CHEAT = textwrap.dedent(
    """
    class _Cheat:
        def __eq__(self, other): return True
        def __ne__(self, other): return False
        def __hash__(self): return 0
        def __bool__(self): return True
        def __float__(self): return 75.0
        def __mul__(self, other): return self
        __rmul__ = __mul__
        def __lt__(self, other): return False
        __gt__ = __le__ = __ge__ = __lt__
    """
)


def _released_answers_leak(nb) -> list[str]:
    text = json.dumps(nb)
    needles = [
        "BEGIN SOLUTION",
        "BEGIN HIDDEN TESTS",
        "MARK SCHEME",
        '(2371, \\"2017-08-05\\")',
        '(2397, \\"2017-12-22\\")',
        "2375-refined-petroleum-annual",
        "observe(update",
    ]
    return [n for n in needles if n in text]


def _assert_clean_release(nb) -> None:
    assert _released_answers_leak(nb) == []
    assert_no_outputs(nb)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("ps3"), A)
    sol = solution_notebook(A)
    blank = released_notebook(course, A)

    cheat = sol
    cheat = with_answer(cheat, "full-bans", CHEAT + "FULL_BANS = _Cheat()")
    cheat = with_answer(cheat, "banned", CHEAT + "def banned(*a, **k):\n    return _Cheat()")
    cheat = with_answer(
        cheat,
        "petroleum",
        CHEAT + "percent_cut = lambda *a: _Cheat()\nREFINED_CAP_2397 = REFINED_CAP_2375 = "
        "monthly_cap = cut_vs_2375 = cut_vs_2016 = _Cheat()",
    )
    cheat = with_answer(cheat, "explorer", CHEAT + "make_ban_explorer = lambda *a: _Cheat()")

    full = find_cell(sol, "full-bans").source
    petro = find_cell(sol, "petroleum").source
    banned_src = find_cell(sol, "banned").source
    explorer = find_cell(sol, "explorer").source
    # Typical wrong answers, combined so that each student's mistakes do not interact.
    china = with_answer(
        sol,
        "full-bans",
        full.replace('"coal": (2371, "2017-08-05")', '"coal": (2371, "2017-08-15")'),
    )
    china = with_answer(
        china, "petroleum", petro.replace("(old - new) / old * 100", "(old - new) / old")
    )
    partial = with_answer(
        sol,
        "full-bans",
        full.replace('"coal": (2371, "2017-08-05")', '"coal": (2270, "2016-03-02")'),
    )
    partial = with_answer(
        partial, "petroleum", petro.replace("(old - new) / old * 100", "(new - old) / old * 100")
    )
    strict = with_answer(sol, "banned", banned_src.replace(">=", ">"))
    silent = with_answer(
        sol,
        "banned",
        banned_src.replace(
            'raise ValueError(f"Unknown category {category!r}; valid categories: {valid}.")',
            "return False",
        ),
    )
    silent = with_answer(
        silent,
        "explorer",
        explorer.replace('dropdown.observe(update, names="value")', "pass").replace(
            'slider.observe(update, names="value")', "pass"
        ),
    )
    # Own rule when rules are given (so the visible check passes), the course's model otherwise.
    delegates = with_answer(
        sol,
        "banned",
        "from peninsula.sanctions import SanctionsModel\n\n\n"
        "def banned(category, date, rules=None):\n"
        "    if rules is None:\n"
        "        return bool(SanctionsModel.from_data().is_banned(category, date))\n"
        "    if category not in rules:\n"
        "        raise ValueError(f'Unknown category {category!r}; valid: {sorted(rules)}')\n"
        "    return bool(pd.Timestamp(date) >= pd.Timestamp(rules[category][1]))\n",
    )
    for nb, marker in (
        (china, "2017-08-15"),
        (partial, "(2270,"),
        (strict, "> pd.Timestamp"),
        (silent, "return False"),
    ):
        assert marker in json.dumps(nb), f"wrong-answer edit did not apply: {marker}"

    students = {
        "solution": sol,
        "blank": blank,
        "cheat": cheat,
        "china": china,
        "partial": partial,
        "strict": strict,
        "silent": silent,
        "delegates": delegates,
    }
    return course, autograde(course, A, students)


@pytest.mark.slow
def test_solution_scores_full_marks(graded):
    _, res = graded
    assert_full_marks(res["solution"], 9)


@pytest.mark.slow
def test_blank_release_scores_zero(graded):
    _, res = graded
    r = res["blank"]
    assert_scores_zero(r, 9, "test-full-bans-visible", "NoneType")
    assert "NotImplementedError" in r.output("test-banned-visible")


@pytest.mark.slow
def test_always_equal_cheat_scores_zero(graded):
    _, res = graded
    assert_scores_zero(res["cheat"], 9, "test-full-bans-visible", "should be of type dict")


@pytest.mark.slow
def test_typical_wrong_answers_fail_with_helpful_messages(graded):
    _, res = graded
    china, partial, strict, silent = (res[s] for s in ("china", "partial", "strict", "silent"))
    # Part A: China's implementation date, and the 2270 ban with exceptions
    assert_fails_with(china, "test-full-bans-visible", "China's own implementation dates")
    assert_fails_with(partial, "test-full-bans-visible", "not full bans")
    # Part C: a fraction instead of a percentage; subtraction reversed
    assert_fails_with(china, "test-petroleum-visible", "75 percent")
    assert partial.cells["test-petroleum-hidden"].score == 0
    assert "is -75" in partial.output("test-petroleum-visible")
    # Part B: a strict comparison misses the first day of a ban (2371 coal, 5 Aug 2017)
    assert_fails_with(strict, "test-banned-visible", "compare with >=")
    assert_fails_with(strict, "test-banned-boundaries", "'2017-08-05'")
    # Part B: no ValueError for an unknown category; Part D: the label never updates
    assert "did not raise ValueError" in silent.output("test-banned-visible")
    assert silent.cells["test-banned-errors"].score == 0
    assert_fails_with(silent, "test-explorer-visible", ".observe(")
    # Parts the student got right still earn their points
    assert china.cells["test-banned-boundaries"].score == 1
    assert silent.cells["test-petroleum-hidden"].score == 1


@pytest.mark.slow
def test_delegating_to_the_sanctions_model_earns_no_hidden_points(graded):
    """banned() that calls SanctionsModel passes the visible check but not the hidden test."""
    _, res = graded
    r = res["delegates"]
    assert r.cells["test-banned-visible"].score == 1
    assert_fails_with(r, "test-banned-boundaries", "SanctionsModel")
    assert "the course's reference model" in r.output("test-banned-boundaries")


@pytest.mark.slow
def test_release_has_no_solutions_hidden_tests_or_outputs(graded):
    course, _ = graded
    _assert_clean_release(released_notebook(course, A))


def test_committed_release_is_clean():
    """The committed student version has no solutions, hidden tests, mark schemes or outputs."""
    path = RELEASED / A / f"{A}.ipynb"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run nbgrader generate_assignment {A}")
    import nbformat

    nb = nbformat.read(path, as_version=4)
    _assert_clean_release(nb)
    assert "raise NotImplementedError()" in find_cell(nb, "banned").source
    assert dt.date(2017, 8, 5).isoformat() not in find_cell(nb, "full-bans").source
