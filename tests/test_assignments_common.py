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
