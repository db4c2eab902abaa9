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
