"""Checks over every assignment in source/: the committed releases are fresh and leak nothing.

The staleness test regenerates all assignments with the real nbgrader in a temporary course and
compares them, cell by cell, with the committed ``assignments/`` folder.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbgrader_harness import RELEASED, SOURCE, assignment_names, make_course

ASSIGNMENTS = assignment_names()
LEAK_MARKERS = ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                "BEGIN MARK SCHEME", "END MARK SCHEME"]
# metadata that nbgrader recomputes or that varies between runs
VOLATILE_NBGRADER_KEYS = {"checksum"}


def _notebooks(folder):
    return sorted(folder.glob("*.ipynb"))


def _comparable(nb):
    """Cells as (type, source, nbgrader metadata without volatile keys)."""
    out = []
    for cell in nb.cells:
        meta = dict(cell.get("metadata", {}).get("nbgrader", {}))
        for key in VOLATILE_NBGRADER_KEYS:
            meta.pop(key, None)
        out.append((cell.cell_type, cell.source, json.dumps(meta, sort_keys=True)))
    return out


SECRET_REGIONS = [("BEGIN SOLUTION", "END SOLUTION"), ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
                  ("BEGIN MARK SCHEME", "END MARK SCHEME")]


def _split(source):
    """(secret lines, public lines) of one cell: inside or outside the marked regions."""
    secret, public, inside = [], [], False
    for line in source.splitlines():
        if any(begin in line for begin, _ in SECRET_REGIONS):
            inside = True
        elif any(end in line for _, end in SECRET_REGIONS):
            inside = False
        else:
            (secret if inside else public).append(line.strip())
    return secret, public


def _secret_lines(nb):
    """Distinctive lines of solutions, hidden tests and mark schemes in a source notebook."""
    secrets, public = set(), set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and meta.get("solution"):
            secrets.update(line.strip() for line in cell.source.splitlines())
            continue
        secret, shown = _split(cell.source)
        secrets.update(secret)
        public.update(shown)
    # Short lines (``return out``) and lines also shown to students are not evidence of a leak.
    return {line for line in secrets - public if len(line) >= 25}


def test_leak_check_catches_a_leaky_release():
    """The leak check itself fails when the 'release' is the instructor's notebook."""
    source = nbformat.read(_notebooks(SOURCE / "ps2-routes")[0], as_version=4)
    with pytest.raises(AssertionError, match="contains"):
        _assert_no_leaks(source, source, "source as release")
    stripped = nbformat.from_dict(source)
    for cell in stripped.cells:
        cell.source = "\n".join(ln for ln in cell.source.splitlines() if "BEGIN" not in ln
                                 and "END" not in ln)
    with pytest.raises(AssertionError, match="leaks"):
        _assert_no_leaks(stripped, source, "markers removed, content kept")


def test_staleness_comparison_sees_edits_but_not_checksums():
    """The cell comparison behind the staleness test flags real edits and ignores checksums."""
    path = _notebooks(RELEASED / "ps1-timeline")[0]
    nb = nbformat.read(path, as_version=4)
    same = nbformat.read(path, as_version=4)
    for cell in same.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata["nbgrader"]["checksum"] = "0" * 32
        cell["id"] = "changed-id"
    assert _comparable(same) == _comparable(nb)
    edited = nbformat.read(path, as_version=4)
    edited.cells[-1].source += "\nOne more sentence."
    assert _comparable(edited) != _comparable(nb)
    relocked = nbformat.read(path, as_version=4)
    graded = next(c for c in relocked.cells if c.metadata.get("nbgrader", {}).get("grade"))
    graded.metadata["nbgrader"]["points"] += 1
    assert _comparable(relocked) != _comparable(nb)


def test_there_are_assignments():
    assert {"ps1-timeline", "ps2-routes"} <= set(ASSIGNMENTS), ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_exists_for_every_source(assignment):
    src = [p.name for p in _notebooks(SOURCE / assignment)]
    rel = [p.name for p in _notebooks(RELEASED / assignment)]
    assert src, f"source/{assignment} has no notebook"
    assert rel == src, (
        f"assignments/{assignment} has {rel}, source has {src}: run "
        f"`nbgrader generate_assignment {assignment} --force` at the repository root"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebooks_are_stored_without_outputs(assignment):
    for path in _notebooks(SOURCE / assignment):
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                assert not cell.outputs, f"{path.name} cell {i} has outputs: clear them"
                assert cell.execution_count is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_autograder_cells_are_well_formed(assignment):
    """Every test cell is locked, has points, and opens with a one-line docstring."""
    for path in _notebooks(SOURCE / assignment):
        nb = nbformat.read(path, as_version=4)
        ids = []
        for i, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if not meta:
                continue
            ids.append(meta.get("grade_id"))
            if meta.get("grade") and cell.cell_type == "code":
                where = f"{path.name} cell {i} ({meta.get('grade_id')})"
                assert meta.get("locked"), f"{where}: test cells must be locked"
                assert meta.get("points", 0) > 0, f"{where}: test cells need points"
                first = cell.source.lstrip().splitlines()[0]
                assert re.fullmatch(r'"""[^"]+"""', first), f"{where}: needs a one-line docstring"
        assert all(ids), f"{path.name}: a cell with nbgrader metadata has no grade_id"
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate grade_id in {ids}"


def _assert_no_leaks(released_nb, source_nb, label):
    text = "\n".join(c.source for c in released_nb.cells)
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{label}: contains {marker!r}"
    shown = {line.strip() for line in text.splitlines()}
    leaked = sorted(_secret_lines(source_nb) & shown)
    assert not leaked, f"{label}: leaks solution/hidden/mark-scheme lines {leaked[:5]}"
    for i, cell in enumerate(released_nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"{label} cell {i} has outputs"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_leaks_nothing(assignment):
    for path in _notebooks(SOURCE / assignment):
        released = RELEASED / assignment / path.name
        assert released.is_file(), f"missing {released}"
        _assert_no_leaks(
            nbformat.read(released, as_version=4),
            nbformat.read(path, as_version=4),
            f"assignments/{assignment}/{path.name}",
        )


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    """All assignments generated afresh from source/ in a throw-away course."""
    return make_course(tmp_path_factory.mktemp("all"), ASSIGNMENTS)


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_is_not_stale(regenerated, assignment):
    fresh_dir = regenerated / "assignments" / assignment
    for path in _notebooks(SOURCE / assignment):
        fresh = nbformat.read(fresh_dir / path.name, as_version=4)
        committed = nbformat.read(RELEASED / assignment / path.name, as_version=4)
        _assert_no_leaks(fresh, nbformat.read(path, as_version=4), f"fresh {path.name}")
        a, b = _comparable(committed), _comparable(fresh)
        assert len(a) == len(b), (
            f"assignments/{assignment}/{path.name} has {len(a)} cells, a fresh release has "
            f"{len(b)}: regenerate it (`nbgrader generate_assignment {assignment} --force`)"
        )
        for i, (old, new) in enumerate(zip(a, b, strict=True)):
            assert old == new, (
                f"assignments/{assignment}/{path.name} cell {i} is stale: regenerate it "
                f"(`nbgrader generate_assignment {assignment} --force`)\n"
                f"committed: {old[1][:200]!r}\nfresh:     {new[1][:200]!r}"
            )
    extra_fresh = sorted(p.name for p in fresh_dir.iterdir() if p.suffix != ".ipynb")
    extra_committed = sorted(
        p.name for p in (RELEASED / assignment).iterdir() if p.suffix != ".ipynb"
    )
    assert extra_committed == extra_fresh, "non-notebook files differ from a fresh release"


# ------------------------------------------------------------ solutions never ship in the package
PACKAGE = SOURCE.parent / "peninsula"
#: Student-facing modules are every .py in peninsula/ except the instructor-only grading tools.
INSTRUCTOR_ONLY = ("grading",)
MIN_SOLUTION_LINE = 25
_BOILERPLATE = re.compile(r"^(import |from \S+ import |return None$|raise NotImplementedError)")


def _normal_line(line):
    return " ".join(line.split())


def solution_code_lines(notebook_text_cells):
    """Lines of real code (>= 25 characters) inside ``### BEGIN/END SOLUTION`` regions.

    Comments, docstrings, imports and ``return None`` / ``raise NotImplementedError``
    boilerplate are left out: sharing those with a module proves nothing.
    """
    found = set()
    for source in notebook_text_cells:
        inside, in_doc = False, False
        for raw in source.splitlines():
            if "### BEGIN SOLUTION" in raw:
                inside, in_doc = True, False
                continue
            if "### END SOLUTION" in raw:
                inside = False
                continue
            if not inside:
                continue
            line = _normal_line(raw)
            quotes = line.count('"""') + line.count("'''")
            if in_doc or line.startswith(('"""', "'''")):
                if quotes % 2 == 1:
                    in_doc = not in_doc
                continue
            if len(line) < MIN_SOLUTION_LINE or line.startswith("#") or _BOILERPLATE.match(line):
                continue
            found.add(line)
    return found


def student_modules(package):
    """Every .py file of the package that students receive (not peninsula/grading/)."""
    return sorted(
        p for p in package.rglob("*.py")
        if not set(p.relative_to(package).parts[:-1]) & set(INSTRUCTOR_ONLY)
    )


def shipped_solution_lines(source_dir, package):
    """(module, notebook, line) for every solution line that a student-facing module contains."""
    hits = []
    modules = {p: [_normal_line(ln) for ln in p.read_text(encoding="utf-8").splitlines()]
               for p in student_modules(package)}
    for nb_path in sorted(source_dir.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb_path.parts:
            continue
        cells = [c.source for c in nbformat.read(nb_path, as_version=4).cells]
        for line in sorted(solution_code_lines(cells)):
            for module, lines in modules.items():
                if any(line in text for text in lines):
                    hits.append((module.relative_to(package).as_posix(), nb_path.name, line))
    return hits


def test_no_solution_code_in_student_facing_modules():
    """No line of any solution region appears in peninsula/ (outside peninsula/grading/).

    A reference implementation in the package (e.g. in peninsula/checks) lets a student import
    the answer; peninsula/geo.py must not share a line with the ps2 haversine solution either.
    """
    hits = shipped_solution_lines(SOURCE, PACKAGE)
    assert not hits, "solution code ships to students:\n" + "\n".join(
        f"  peninsula/{m}: line of {nb}: {line!r}" for m, nb, line in hits[:20]
    )


def test_solution_line_scanner_can_fail(tmp_path):
    """The scanner finds a solution line pasted into a module, but not boilerplate or grading."""
    source = tmp_path / "source" / "ps9"
    source.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "def visit_days(visits):\n"
        '    """Inclusive length of each visit in days: an int Series indexed by visit_id."""\n'
        "    ### BEGIN SOLUTION\n"
        "    # sort first, then subtract the dates of each visit\n"
        "    import pandas as pd\n"
        '    v = visits.sort_values("start_date").set_index("visit_id")\n'
        '    return ((v["end_date"] - v["start_date"]).dt.days + 1).astype(int)\n'
        "    ### END SOLUTION\n"
    )]
    nbformat.write(nb, source / "ps9.ipynb")
    package = tmp_path / "peninsula"
    (package / "checks").mkdir(parents=True)
    (package / "grading").mkdir()
    (package / "checks" / "clean.py").write_text(
        '"""Inclusive length of each visit in days: an int Series indexed by visit_id."""\n'
        "# sort first, then subtract the dates of each visit\nimport pandas as pd\n",
        encoding="utf-8",
    )
    assert shipped_solution_lines(tmp_path / "source", package) == []
    # instructor-only code may hold a reference implementation
    (package / "grading" / "reference.py").write_text(
        'v = visits.sort_values("start_date").set_index("visit_id")\n', encoding="utf-8"
    )
    assert shipped_solution_lines(tmp_path / "source", package) == []
    # a student-facing module with the solution's line, indented and spaced differently
    (package / "checks" / "leaky.py").write_text(
        "def reference_days(visits):\n"
        '        v  =  visits.sort_values("start_date").set_index("visit_id")\n'
        "        return v\n",
        encoding="utf-8",
    )
    hits = shipped_solution_lines(tmp_path / "source", package)
    assert hits == [("checks/leaky.py", "ps9.ipynb",
                     'v = visits.sort_values("start_date").set_index("visit_id")')]


# ------------------------------------------------------------ hidden tests reject delegation
#: Every auto-graded function and the test cell whose hidden tests must check it for delegation.
DELEGATION_CHECKED = {
    "ps1-timeline": {"visit_days": "test_visit_days", "gap_days": "test_gap_days",
                     "weekdays": "test_weekdays", "claim_matches": "test_weekdays",
                     "summit_context": "test_summit_context",
                     "timeline_figure": "test_timeline_figure"},
    "ps2-routes": {"haversine_km": "test_haversine_km", "route_length_km": "test_route_length_km",
                   "compare_train_flight": "test_compare_train_flight",
                   "trips_map": "test_trips_map"},
    "ps3-sanctions": {"banned": "test-banned-boundaries", "percent_cut": "test-petroleum-hidden",
                      "make_ban_explorer": "test-explorer-hidden"},
    "ps4-fact-check": {"date_claim_status": "test-date-status-hidden"},
}


def _hidden(cell_source):
    begin, end = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
    assert begin in cell_source and end in cell_source
    return cell_source[cell_source.index(begin) + len(begin): cell_source.index(end)]


def _grade_cells(assignment):
    nb = nbformat.read(next((SOURCE / assignment).glob("*.ipynb")), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id")}


@pytest.mark.parametrize("assignment", sorted(DELEGATION_CHECKED))
def test_every_coding_part_has_a_hidden_delegation_check(assignment):
    cells = _grade_cells(assignment)
    for func, grade_id in DELEGATION_CHECKED[assignment].items():
        hidden = _hidden(cells[grade_id])
        assert f"_used = _course_code({func}," in hidden, f"{grade_id}: no check of {func}"
        assert "def _course_code(" in hidden, f"{grade_id}: defines no _course_code"


def _course_code_from(assignment, grade_id):
    """The hidden test's _course_code function, executed on its own."""
    hidden = _hidden(_grade_cells(assignment)[grade_id])
    head = hidden[: hidden.index("_used = _course_code(")]
    ns: dict = {}
    exec(compile(head, f"{assignment}:{grade_id}", "exec"), ns)  # noqa: S102
    return ns["_course_code"]


def test_delegation_check_flags_calls_to_the_course_code(tmp_path):
    """_course_code sees an attribute call, an alias imported outside, and code in a lambda."""
    course_code = _course_code_from("ps2-routes", "test_haversine_km")
    mods, words = ("peninsula.geo",), (r"peninsula\.geo", r"\bgeo\.")
    module = tmp_path / "student_answers.py"
    module.write_text(
        "import math\n"
        "from peninsula import geo\n"
        "from peninsula.geo import haversine_km as h\n\n"
        "def by_attribute(a, b, c, d):\n    return geo.haversine_km(a, b, c, d)\n\n"
        "def by_alias(a, b, c, d):\n    return h(a, b, c, d)\n\n"
        "def in_lambda(a, b, c, d):\n    f = lambda: h(a, b, c, d)\n    return f()\n\n"
        "def own(lat1, lon1, lat2, lon2):\n"
        "    return 6371.0088 * math.radians(abs(lat2 - lat1))  # not geo-graphic code\n",
        encoding="utf-8",
    )
    ns: dict = {}
    exec(compile(module.read_text(encoding="utf-8"), str(module), "exec"), ns)  # noqa: S102
    assert course_code(ns["by_attribute"], mods, words) == ["geo.", "peninsula.geo"]
    assert course_code(ns["by_alias"], mods, words) == ["peninsula.geo"]
    assert course_code(ns["in_lambda"], mods, words) == ["peninsula.geo"]
    assert course_code(ns["own"], mods, words) == []
    # without source (e.g. a function built by exec from a string) the globals still tell
    exec("def hidden(a, b, c, d):\n    return h(a, b, c, d)\n", ns)  # noqa: S102
    assert course_code(ns["hidden"], mods, words) == ["peninsula.geo"]
