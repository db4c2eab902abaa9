"""Run each lesson once in the browser and keep everything the tests assert on.

Running a lesson is the slow part (kernel start, run-all, maps), so one run per lesson
serves all the test files: clean run, maps, widgets, trust and accessibility.
What a lesson should show (maps, widgets) is read from the notebook's source beforehand,
so a map that silently fails to appear is a failure, not a skipped check.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import e2e_axe
import e2e_notebook as nb
import e2e_outputs as out
from e2e_server import REPO, LabServer
from playwright.sync_api import Browser, ConsoleMessage, Page

LESSONS_DIR = REPO / "lessons"
ARTIFACTS = REPO / "test-artifacts" / "e2e"

_MAP_CALL = re.compile(r"\bpeninsula\.maps\b|\bmaps\.\w+_map\(|\bfolium\.Map\(|_map\(")
_WIDGET_CALL = re.compile(r"\b\w*Explorer\(|\bipywidgets\b|\bwidgets\.\w+\(|\binteract\(")
# The course's explorers (peninsula.widgets) and the controls each one must offer.
EXPLORER_CONTROLS: dict[str, frozenset[str]] = {
    "SanctionsExplorer": frozenset({"date slider", "checkbox", "dropdown"}),
    "TradeExplorer": frozenset({"slider", "toggle", "dropdown"}),
}
DATE_LABEL = re.compile(r"date|month|year|when", re.IGNORECASE)


def lesson_names() -> list[str]:
    """File names of the lessons present now (used to parametrize at collection time)."""
    return sorted(p.name for p in LESSONS_DIR.glob("*.ipynb"))


def lessons_building(kind: str) -> list[str]:
    """Lessons whose code builds ``kind`` ("maps" or "widgets"), for parametrizing."""
    return [n for n in lesson_names() if getattr(expectations(LESSONS_DIR / n), kind)]


@dataclass(frozen=True)
class Expectations:
    """What the lesson's code cells promise to display, judged from their source."""

    maps: bool
    widgets: bool
    controls: frozenset[str] = frozenset()  # interaction kinds that must be possible


def expectations(path: Path) -> Expectations:
    """Expect maps / widgets when the notebook's code builds them."""
    notebook = json.loads(path.read_text())
    code = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook.get("cells", [])
        if c.get("cell_type") == "code"
    )
    controls = set()
    for explorer, kinds in EXPLORER_CONTROLS.items():
        if re.search(rf"\b{explorer}\(", code):
            controls |= kinds
    return Expectations(
        maps=bool(_MAP_CALL.search(code)),
        widgets=bool(_WIDGET_CALL.search(code)),
        controls=frozenset(controls),
    )


@dataclass
class LessonRun:
    """Everything observed while running one lesson in JupyterLab."""

    name: str
    expect: Expectations
    open_error: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    kernel: str = ""
    cells: list[nb.CellInfo] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unexecuted: list[str] = field(default_factory=list)
    maps: list[out.MapReport] = field(default_factory=list)
    trust_prompts: list[dict] = field(default_factory=list)
    untrusted_cells: list[int] = field(default_factory=list)
    widget_errors: list[str] = field(default_factory=list)
    unlabelled_controls: list[str] = field(default_factory=list)
    interactions: list[out.Interaction] = field(default_factory=list)
    violations: list[e2e_axe.Violation] = field(default_factory=list)
    axe_ran: bool = False
    external_requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)  # uncaught, any frame


class _Clock:
    """Context manager factory that adds each phase's wall time to a dict."""

    def __init__(self, into: dict[str, float]) -> None:
        self._into = into

    @contextmanager
    def __call__(self, phase: str) -> Iterator[None]:
        start = time.monotonic()
        try:
            yield
        finally:
            self._into[phase] = round(time.monotonic() - start, 2)


def _console(run: LessonRun, message: ConsoleMessage) -> None:
    """Keep console errors, with where they came from ("about:srcdoc" = a map iframe)."""
    if message.type == "error":
        url = (message.location or {}).get("url", "")
        run.console_errors.append(f"{url or '?'}: {message.text[:300]}")


def _inspect(page: Page, run: LessonRun) -> None:
    run.cells = nb.cells(page)
    run.errors = nb.error_outputs(page, run.cells)
    run.unexecuted = nb.unexecuted_cells(run.cells)
    run.untrusted_cells = [
        c.index for c in run.cells if c.type == "code" and c.outputs and not c.trusted
    ]
    run.maps = out.map_reports(page)
    run.trust_prompts = out.trust_prompts(page)
    run.widget_errors = out.widget_errors(page)
    run.unlabelled_controls = out.unlabelled_controls(page)


def _accessibility(page: Page, run: LessonRun) -> None:
    if not e2e_axe.axe_available():
        return
    run.violations = e2e_axe.scan_outputs(page, out.map_frames(page))
    run.axe_ran = True


def _interact(page: Page, run: LessonRun) -> None:
    if not run.expect.widgets:
        return
    run.interactions += out.move_sliders(page, DATE_LABEL)
    run.interactions += out.click_checkbox(page)
    run.interactions += out.pick_toggle(page)
    run.interactions += out.pick_dropdown(page)


def run_lesson(browser: Browser, server: LabServer, name: str) -> LessonRun:
    """Open ``lessons/<name>``, run all cells, inspect, scan, interact, screenshot, close."""
    run = LessonRun(name, expectations(server.root / "lessons" / name))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    origin = server.url
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith((origin, "data:", "blob:", "about:"))
            else run.external_requests.append(f"{r.resource_type} {r.url[:160]}")
        ),
    )
    page.on("console", lambda m: _console(run, m))
    page.on("pageerror", lambda e: run.page_errors.append(str(e)[:300]))
    clock = _Clock(run.seconds)
    try:
        with clock("open"):
            state = nb.open_notebook(page, server.lab_url(f"lessons/{name}"))
        run.kernel = state.get("kernel") or ""
        with clock("run all"):
            nb.run_command(page, "notebook:run-all-cells", timeout_s=150)
        with clock("inspect"):
            _inspect(page, run)
        with clock("axe"):
            _accessibility(page, run)
        with clock("widgets"):
            _interact(page, run)
        with clock("screenshot"):
            run.screenshot = nb.full_page_screenshot(page, ARTIFACTS / f"{Path(name).stem}.png")
    except Exception as err:  # noqa: BLE001 - kept and asserted by tests
        run.open_error = f"{type(err).__name__}: {err}"
        try:
            nb.full_page_screenshot(page, ARTIFACTS / f"{Path(name).stem}-FAILED.png")
        except Exception:  # noqa: BLE001 - best effort only
            pass
    finally:
        try:
            nb.shutdown_kernel(page)
        except Exception:  # noqa: BLE001 - the server stops all kernels at the end anyway
            pass
        context.close()
    return run


class LessonRuns:
    """Session cache: each lesson is run at most once, by whichever test asks first."""

    def __init__(self, browser: Browser, server: LabServer) -> None:
        self._browser = browser
        self._server = server
        self._runs: dict[str, LessonRun] = {}

    def get(self, name: str) -> LessonRun:
        """The (cached) run of ``lessons/<name>``."""
        if name not in self._runs:
            self._runs[name] = run_lesson(self._browser, self._server, name)
        return self._runs[name]
