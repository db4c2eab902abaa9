"""Accessibility of what the lessons display, checked with axe-core in the browser.

Scope: the notebook output areas (maps, widgets, charts, tables) and every map iframe's own
document. JupyterLab's chrome (menus, toolbars, file browser) is not ours and is left out.
Fails on axe's "serious" and "critical" impacts; "moderate" and "minor" ones are printed.
"""

from __future__ import annotations

import pytest
from e2e_axe import describe_all
from e2e_lessons import lesson_names, lessons_building

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", lesson_names())
def test_outputs_have_no_serious_violations(axe_ready, lesson_runs, name: str) -> None:
    """No serious or critical axe violations in the lesson's outputs or map iframes."""
    run = lesson_runs.get(name)
    assert not run.open_error, f"{name}: could not run in JupyterLab: {run.open_error}"
    assert run.axe_ran, f"{name}: axe did not run"
    minor = [v for v in run.violations if not v.serious]
    if minor:
        lines = "\n".join(v.one_line() for v in minor)
        print(f"\n{name}: moderate/minor accessibility findings (not failed):\n{lines}")
    upstream = [v for v in run.violations if v.serious and v.upstream]
    for v in upstream:
        print(f"\n{name}: known upstream, not failed: {v.one_line()}\n  ({v.upstream})")
    serious = [v for v in run.violations if v.serious and not v.upstream]
    if serious:
        pytest.fail(f"{name}: serious accessibility violations:\n{describe_all(serious)}", False)


@pytest.mark.parametrize("name", lessons_building("widgets"))
def test_widget_controls_have_visible_labels(lesson_runs, name: str) -> None:
    """Every slider, dropdown, toggle and text box shows a description label."""
    run = lesson_runs.get(name)
    assert not run.open_error, f"{name}: could not run in JupyterLab: {run.open_error}"
    unlabelled = run.unlabelled_controls
    assert not unlabelled, f"{name}: controls without a label: {unlabelled}"
