"""Unit tests for peninsula.checks (type-first checks, self_check) and peninsula.hints."""

from __future__ import annotations

import json
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from nbgrader_harness import SOURCE

from peninsula import hints
from peninsula.checks import (
    ASSIGNMENTS,
    CheckFailed,
    call_quietly,
    expect_close,
    expect_equal,
    expect_type,
    resolve_assignment,
    self_check,
)


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


class EqualFloat(float):
    def __eq__(self, other):
        return True

    def __hash__(self):
        return 0


class EqualFrame(pd.DataFrame):
    def __eq__(self, other):
        return True


class PlainFrame(pd.DataFrame):
    """A harmless subclass: adds nothing that changes comparisons."""


# ------------------------------------------------------------------ expect_type
@pytest.mark.parametrize(
    ("value", "types"),
    [(1.5, float), (np.float64(2.0), float), (np.int64(3), int), (3, (float, int)), ("x", str),
     (True, bool), (pd.DataFrame(), pd.DataFrame), (PlainFrame(), pd.DataFrame)],
)
def test_expect_type_accepts_honest_values(value, types):
    expect_type(value, types, "v")


@pytest.mark.parametrize(
    ("value", "types", "message"),
    [
        (AlwaysEqual(), float, "should be of type float, but it is of type AlwaysEqual"),
        (EqualFloat(1.0), float, "changes how it compares"),
        (EqualFrame(), pd.DataFrame, "changes how it compares"),
        (True, (float, int), "should be a number, but it is a bool"),
        (np.bool_(True), bool, "plain Python bool"),
        ("3.0", float, "should be of type float, but it is of type str"),
    ],
)
def test_expect_type_rejects_impostors(value, types, message):
    with pytest.raises(CheckFailed, match=re.escape(message)):
        expect_type(value, types, "v")


def test_check_failed_is_an_assertion_error_with_hint():
    with pytest.raises(AssertionError) as info:
        expect_type("x", int, "answer", hint="convert it with int(...)")
    assert "`answer`" in str(info.value) and "Hint: convert it with int(...)" in str(info.value)


# ------------------------------------------------------------------ expect_close / equal
def test_expect_close_passes_within_tolerance_and_reveals_when_asked():
    expect_close(10.04, 10.0, 0.05, "d")
    with pytest.raises(CheckFailed, match=r"is 11, but it should be 10"):
        expect_close(11.0, 10.0, 0.05, "d")


def test_expect_close_can_hide_the_expected_value():
    with pytest.raises(CheckFailed) as info:
        expect_close(11.0, 10.123, 0.05, "d", hint="check the radius", reveal=False)
    text = str(info.value)
    assert "too large" in text and "10.123" not in text and "check the radius" in text


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), EqualFloat(10.0), AlwaysEqual()])
def test_expect_close_rejects_non_finite_and_cheats(bad):
    with pytest.raises(CheckFailed):
        expect_close(bad, 10.0, 1.0, "d")


def test_expect_equal_compares_types_and_items():
    expect_equal([1, "a"], [np.int64(1), "a"], "xs")
    with pytest.raises(CheckFailed, match=r"has 1 items, but it should have 2"):
        expect_equal([1], [1, 2], "xs")
    with pytest.raises(CheckFailed, match=r"`xs\[1\]` is 'b', but it should be 'a'"):
        expect_equal([1, "b"], [1, "a"], "xs")
    with pytest.raises(CheckFailed):
        expect_equal(AlwaysEqual(), 3, "x")


def test_call_quietly_silences_warnings(recwarn):
    import warnings

    def noisy():
        warnings.warn("loud", UserWarning, stacklevel=1)
        return 7

    assert call_quietly(noisy) == 7
    assert not recwarn.list


# ------------------------------------------------------------------ assignments and self_check
def test_resolve_assignment_accepts_aliases_and_lists_valid_names():
    assert resolve_assignment("ps2") == "ps2-routes"
    assert resolve_assignment(" PS1-Timeline ") == "ps1-timeline"
    with pytest.raises(ValueError, match="ps4-fact-check"):
        resolve_assignment("ps9")


def _solution_namespace(assignment):
    """Run the imports and solution cells of a source notebook in a plain namespace."""
    nb = nbformat.read(next((SOURCE / assignment).glob("*.ipynb")), as_version=4)
    ns: dict = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or meta.get("grade_id") == "imports"):
            code = "\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("%"))
            exec(compile(code, f"{assignment}:{meta['grade_id']}", "exec"), ns)  # noqa: S102
    return ns


@pytest.mark.parametrize("assignment", ["ps1-timeline", "ps2-routes"])
def test_self_check_passes_the_solution_without_claiming_all_tests(assignment, capsys):
    self_check(assignment, _solution_namespace(assignment))
    out = capsys.readouterr().out
    assert "Visible tests passed for parts A, B, C, D." in out
    assert "all tests passed" not in out.lower()
    assert "Hidden tests run when your work is graded" in out


def test_self_check_reports_missing_and_wrong_parts(capsys):
    ns = _solution_namespace("ps2-routes")
    del ns["trips_map"]

    def haversine_km(lat1, lon1, lat2, lon2):  # forgot the radians
        import math

        a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
            (lon2 - lon1) / 2
        ) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(a))

    ns["haversine_km"] = haversine_km
    self_check("ps2", ns)
    out = capsys.readouterr().out
    assert "Part A:" in out and "radians" in out
    assert "Part D: not attempted yet: define `trips_map`" in out
    summary = out.splitlines()[0]
    assert summary.startswith("Visible tests passed for") and " A" not in summary


def test_self_check_on_an_empty_notebook(capsys):
    def not_yet(*args):
        raise NotImplementedError()

    self_check("ps1", {"visit_days": not_yet, "gap_days": not_yet})
    out = capsys.readouterr().out
    assert out.startswith("Visible tests passed for no parts yet.")
    assert "NotImplementedError" in out and "not attempted yet" in out


# ------------------------------------------------------------------ hints
def test_hint_prints_levels_and_points_to_the_next(capsys):
    hints.hint("ps2", "a")
    first = capsys.readouterr().out
    hints.hint("ps2-routes", 1, 2)
    second = capsys.readouterr().out
    assert first.startswith("Hint 1/3 for ps2-routes, part A:")
    assert "hint('ps2-routes', 'A', 2)" in first
    assert second.startswith("Hint 2/3") and first != second


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ps9", "A"), "Valid assignments: 'ps1-timeline'"),
        (("ps1", "Z"), "Valid parts: A, B, C, D, E"),
        (("ps1", 0), "Valid parts"),
        (("ps1", "A", 9), "hint levels 1–3"),
        (("ps1", "A", 0), "hint levels 1–3"),
    ],
)
def test_hint_rejects_unknown_choices_clearly(args, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        hints.hint(*args)


HINT_FILES = sorted(hints.HINTS_DIR.glob("*.json"))


@pytest.mark.parametrize("path", HINT_FILES, ids=lambda p: p.stem)
def test_hint_files_are_well_formed(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["assignment"] == path.stem and path.stem in ASSIGNMENTS
    for part, levels in doc["parts"].items():
        assert len(levels) >= 2, f"{path.name} part {part}: give at least two levels"
        assert len(set(levels)) == len(levels), f"{path.name} part {part}: repeated hint"


def _solution_lines(assignment):
    nb = nbformat.read(next((SOURCE / assignment).glob("*.ipynb")), as_version=4)
    lines, inside = set(), False
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if "BEGIN SOLUTION" in line or "BEGIN MARK SCHEME" in line:
                inside = True
            elif "END SOLUTION" in line or "END MARK SCHEME" in line:
                inside = False
            elif inside and len(line.strip()) >= 20:
                lines.add(line.strip())
    return lines


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_hints_never_contain_solution_code(assignment):
    texts = " ".join(t for p in hints.parts(assignment) for t in
                     [hints.hint_text(assignment, p, i + 1) for i in range(3)])
    leaked = [line for line in _solution_lines(assignment) if line in texts]
    assert not leaked, leaked


@pytest.mark.parametrize("assignment", ["ps1-timeline", "ps2-routes"])
def test_every_auto_graded_part_has_hints(assignment):
    import importlib

    module = importlib.import_module(f"peninsula.checks.{ASSIGNMENTS[assignment]}")
    assert set(module.PARTS) <= set(hints.parts(assignment))


def test_map_check_inspects_without_changing_the_map():
    """check_part_d walks the map's children; it must not render or add anything."""
    from peninsula.checks import ps2

    ns = _solution_namespace("ps2-routes")
    made = []

    def trips_map(*args):
        m = ns["trips_map"](*args)
        made.append(m)
        return m

    ps2.check_part_d(trips_map)
    (m,) = made

    def snapshot(el):
        return [(type(c).__name__, c.get_name(), str(getattr(c, "location", None)),
                 str(getattr(c, "locations", None))) for c in ps2.walk(el)]

    def root(el):
        r = el.get_root()  # rendering would add to the header, body and script of this figure
        return [list(part._children) for part in (r, r.header, r.html, r.script)]

    before_map, before_root = snapshot(m), root(m)
    ps2.check_part_d(lambda *a: m)
    assert snapshot(m) == before_map
    assert root(m) == before_root
    lines, markers = ps2.map_parts(m)
    assert len(lines) == 3 and len(markers) == 7  # the made-up tables of the check


def test_available_lists_assignments_with_hint_files():
    found = hints.available()
    assert found["ps1-timeline"] == ["A", "B", "C", "D", "E"]
    assert found["ps2-routes"] == ["A", "B", "C", "D", "E"]
    assert set(found) <= set(ASSIGNMENTS)


@pytest.mark.parametrize(("module", "forbidden"), [
    ("ps1", ("peninsula.data", "peninsula.maps")),
    ("ps2", ("peninsula.data", "peninsula.geo", "peninsula.maps")),
    ("ps3", ("peninsula.sanctions", "peninsula.widgets")),
    ("ps4", ("peninsula.sanctions",)),
])
def test_visible_checks_do_not_use_the_course_references(module, forbidden):
    """Visible checks work on made-up inputs: they never call the course's own implementations
    (which would make them a second copy of the answer for students to import)."""
    import importlib
    import types

    mod = importlib.import_module(f"peninsula.checks.{module}")
    used = {v.__name__ if isinstance(v, types.ModuleType) else getattr(v, "__module__", "")
            for v in vars(mod).values()}
    assert not {u for u in used if isinstance(u, str) and u.startswith(forbidden)}, used
    assert not [n for n in vars(mod) if n.startswith(("reference_", "first_full"))]


# ------------------------------------------------------------------ the made-up answers are right
def test_ps1_hand_worked_answers_match_pandas():
    """The literals of ps1's made-up tables agree with a direct computation (here, not shipped)."""
    from peninsula.checks import ps1

    v = ps1.toy_visits().sort_values("start_date")
    assert list((v["end_date"] - v["start_date"]).dt.days + 1) == ps1.TOY_DAYS
    assert list((v["end_date"] - v["start_date"]).dt.days) == ps1.TOY_NIGHTS
    assert list((v["start_date"] - v["end_date"].shift()).dt.days.iloc[1:]) == ps1.TOY_GAPS
    assert list(v["start_date"].dt.day_name()) == ps1.TOY_FIRST_DAYS
    assert list(v["end_date"].dt.day_name()) == ps1.TOY_LAST_DAYS
    ev = ps1.toy_events()
    summits = ev[ev["category"] == "summit"].sort_values("start_date")
    for i, row in enumerate(v.itertuples()):
        before = summits[summits["end_date"] < row.start_date]
        after = summits[summits["start_date"] > row.end_date]
        prev = before.iloc[-1] if len(before) else None
        assert (None if prev is None else prev["event_id"]) == ps1.TOY_PREVIOUS[i]
        since = None if prev is None else (row.start_date - prev["end_date"]).days
        assert since == ps1.TOY_DAYS_SINCE[i]
        assert after.iloc[0]["event_id"] == ps1.TOY_NEXT[i]
        assert (after.iloc[0]["start_date"] - row.end_date).days == ps1.TOY_DAYS_TO_NEXT[i]
    window = summits[summits["start_date"].between(v["start_date"].min(), v["end_date"].max())]
    assert list(window["start_date"].dt.strftime("%Y-%m-%d")) == ps1.TOY_WINDOW_SUMMITS


def test_ps2_hand_worked_distances_match_the_course_formula():
    """The literals of ps2's made-up points agree with peninsula.geo (used here, not shipped)."""
    import math

    from peninsula import geo
    from peninsula.checks import ps2

    for args, expected, swapped, _ in ps2.HAVERSINE_CASES:
        assert math.isclose(geo.haversine_km(*args), expected, rel_tol=1e-6, abs_tol=1e-9), args
        if swapped is not None:
            lat1, lon1, lat2, lon2 = args
            assert math.isclose(geo.haversine_km(lon1, lat1, lon2, lat2), swapped, rel_tol=1e-6)

    def km(a, b):
        return geo.haversine_km(*ps2._toy_point(a), *ps2._toy_point(b))

    stops = ps2.TOY_LINE_STOPS
    assert math.isclose(sum(km(a, b) for a, b in zip(stops, stops[1:], strict=False)),
                        ps2.TOY_LINE_KM, rel_tol=1e-6)
    assert math.isclose(km(stops[0], stops[-1]), ps2.TOY_LINE_STRAIGHT_KM, rel_tol=1e-6)
    rows = [p for r, _, p in ps2.TOY_RAIL if r == ps2.TOY_LINE]
    assert math.isclose(sum(km(a, b) for a, b in zip(rows, rows[1:], strict=False)),
                        ps2.TOY_LINE_ROW_ORDER_KM, rel_tol=1e-6)
    legs = {(t, s): (f, to) for t, s, _, f, to, _ in ps2.TOY_LEGS}
    for trip, mode, distance in ps2.TOY_COMPARISON[1:]:
        assert mode == "air" and math.isclose(km(*legs[(trip, 1)]), distance, rel_tol=1e-6)


def _haversine(lat1, lon1, lat2, lon2, radius=6371.0088, factor=2.0, degrees=False):
    """A test-side haversine with switchable slips."""
    import math

    conv = (lambda x: x) if degrees else math.radians
    p1, p2 = conv(lat1), conv(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        conv(lon2 - lon1) / 2) ** 2
    return factor * radius * math.asin(min(1.0, math.sqrt(h)))


@pytest.mark.parametrize(("student", "message"), [
    (lambda *a: _haversine(*a, degrees=True), "convert every latitude and longitude"),
    (lambda a, b, c, d: _haversine(b, a, d, c), "latitude comes first"),
    (lambda *a: _haversine(*a, factor=1.0), "drop the factor 2"),
    (lambda *a: _haversine(*a, radius=6378.137), "not the equatorial radius"),
    (lambda *a: _haversine(*a) / 1.609344, "not miles"),
    (lambda *a: float(_haversine(*a) > -1), "should be 0"),
])
def test_ps2_part_a_diagnoses_common_slips(student, message):
    from peninsula.checks import ps2

    ps2.check_part_a(_haversine)
    with pytest.raises(CheckFailed, match=re.escape(message)):
        ps2.check_part_a(student)
