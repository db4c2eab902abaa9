"""Every lesson in a real browser: runs clean, maps render, widgets respond, no trust prompt.

Lessons are collected from lessons/*.ipynb when pytest starts. Each is run once (Restart is
implicit: a fresh kernel) with JupyterLab's "Run All"; the tests below assert on that run.
"""

from __future__ import annotations

import pytest
from e2e_lessons import DATE_LABEL, lesson_names, lessons_building
from e2e_notebook import open_notebook
from e2e_server import LabServer

pytestmark = pytest.mark.e2e
LESSONS = lesson_names()
MAP_LESSONS = lessons_building("maps")
WIDGET_LESSONS = lessons_building("widgets")
START_PAGE = "00-start-here.ipynb"


def _ran(lesson_runs, name: str):
    run = lesson_runs.get(name)
    assert not run.open_error, f"{name}: could not run in JupyterLab: {run.open_error}"
    return run


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_clean(lesson_runs, name: str) -> None:
    """Run All finishes, every code cell ran, and no cell shows an error or a traceback."""
    run = _ran(lesson_runs, name)
    assert run.kernel, f"{name}: no kernel"
    assert not run.errors, f"{name}: error outputs after Run All:\n" + "\n".join(run.errors)
    assert not run.unexecuted, f"{name}: cells not executed:\n" + "\n".join(run.unexecuted)
    blocked = [r for r in run.external_requests if r.split()[0] in ("script", "stylesheet")]
    assert not blocked, f"{name}: scripts/styles requested from the internet:\n" + "\n".join(
        blocked
    )
    uncaught = "\n".join(run.page_errors)
    assert not uncaught, f"{name}: uncaught JavaScript errors:\n{uncaught}"
    assert run.screenshot and run.screenshot.is_file(), f"{name}: no screenshot saved"


def test_some_lessons_have_maps_and_widgets() -> None:
    """The map and widget checks below must have lessons to check (no silent empty run)."""
    assert len(MAP_LESSONS) >= 3, f"lessons with maps: {MAP_LESSONS}"
    assert len(WIDGET_LESSONS) >= 2, f"lessons with widgets: {WIDGET_LESSONS}"


@pytest.mark.parametrize("name", MAP_LESSONS)
def test_lesson_maps_render(lesson_runs, name: str) -> None:
    """Each Leaflet map renders in its iframe with markers, and the lesson draws route lines."""
    run = lesson_runs.get(name)
    assert not run.open_error, f"{name}: could not run in JupyterLab: {run.open_error}"
    assert run.maps, f"{name}: its code builds a map but no map iframe appeared in the outputs"
    for m in run.maps:
        where = f"{name} cell {m.cell}"
        assert m.rendered, f"{where}: map did not render ({m.error})"
        assert m.stats["leaflet"], f"{where}: Leaflet did not load (offline assets missing?)"
        assert m.height > 150, f"{where}: map iframe is only {m.height:.0f} px high"
        assert m.marker_count > 0 or m.stats["timelineControl"], f"{where}: no markers: {m.stats}"
        drawn = m.stats["svgPaths"] + m.stats["markerIcons"]
        assert drawn > 0, f"{where}: nothing drawn on the map: {m.stats}"
        assert not m.stats["brokenIcons"], (
            f"{where}: marker images failed: {m.stats['brokenIcons']}"
        )
    assert sum(m.stats["lines"] for m in run.maps) > 0, f"{name}: no route lines on any map"
    in_maps = [e for e in run.console_errors if e.startswith("about:srcdoc")]
    assert not in_maps, f"{name}: console errors inside map iframes:\n" + "\n".join(in_maps)


@pytest.mark.parametrize("name", LESSONS)
def test_no_trust_prompt(lesson_runs, name: str) -> None:
    """Outputs of cells the user ran are trusted: no visible "Make this Notebook Trusted"."""
    run = _ran(lesson_runs, name)
    assert not run.untrusted_cells, f"{name}: untrusted output cells {run.untrusted_cells}"
    exposed = [p for p in run.trust_prompts if not p["covered"]]
    assert not exposed, f"{name}: trust prompt visible (not covered by a map): {exposed}"


@pytest.mark.parametrize("name", WIDGET_LESSONS)
def test_widgets_respond(lesson_runs, name: str) -> None:
    """Moving the date slider / clicking a category / switching a toggle changes the output."""
    run = lesson_runs.get(name)
    assert not run.open_error, f"{name}: could not run in JupyterLab: {run.open_error}"
    assert not run.widget_errors, f"{name}: widgets failed to render: {run.widget_errors}"
    assert run.interactions, f"{name}: no labelled slider, checkbox, toggle or dropdown found"
    report = "\n".join(str(i) for i in run.interactions)
    for kind in ("slider", "toggle", "dropdown"):
        dead = [i for i in run.interactions if i.kind == kind and not i.changed]
        assert not dead, f"{name}: {kind} did not update the output:\n{report}"
    kinds = {i.kind for i in run.interactions}
    kinds |= {
        "date slider" for i in run.interactions if i.kind == "slider" and DATE_LABEL.search(i.label)
    }
    missing = sorted(run.expect.controls - kinds)
    assert not missing, f"{name}: expected controls not found by label: {missing}\n{report}"
    boxes = [i for i in run.interactions if i.kind == "checkbox"]
    assert not boxes or any(i.changed for i in boxes), f"{name}: no checkbox changed it:\n{report}"


def test_start_page_opens(page, lab_server: LabServer) -> None:
    """The first-run page lessons/00-start-here.ipynb opens in JupyterLab with its title."""
    assert START_PAGE in LESSONS, f"lessons/{START_PAGE} is missing (the Makefile opens it)"
    state = open_notebook(page, lab_server.lab_url(f"lessons/{START_PAGE}"))
    assert state["path"] == f"lessons/{START_PAGE}"
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown h1").first
    heading.wait_for(timeout=10_000)
    assert heading.inner_text().strip(), "the start page has no H1 title"
