"""Drive one notebook in JupyterLab through Playwright: open, run, inspect cells and outputs.

Everything goes through the public page (DOM) or ``window.jupyterapp`` (exposed with
``--LabApp.expose_app_in_browser=True``); nothing here knows about a particular lesson.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from e2e_js import js
from playwright.sync_api import Page


class NotebookError(AssertionError):
    """The notebook could not be opened or run in the browser."""


@dataclass
class CellInfo:
    """One cell as JupyterLab's model sees it after running."""

    index: int
    type: str
    source: str
    trusted: bool
    execution_count: int | None
    outputs: list[dict] = field(default_factory=list)

    def short(self, n: int = 80) -> str:
        """The first line of the source, shortened (for messages)."""
        first = self.source.strip().splitlines()[0] if self.source.strip() else "(empty)"
        return first if len(first) <= n else first[: n - 1] + "…"


def open_notebook(page: Page, url: str, timeout_s: float = 90.0) -> dict:
    """Open a notebook URL and wait until its kernel is idle; return the kernel state.

    A dialog that blocks the start (e.g. "Select Kernel") is a failure: a student would see it too.
    """
    page.goto(url, wait_until="domcontentloaded")
    deadline = time.monotonic() + timeout_s
    state: dict = {}
    while time.monotonic() < deadline:
        state = page.evaluate(js("kernel-state"))
        if state.get("dialogs"):
            raise NotebookError(f"{url}: a dialog blocks the notebook: {state['dialogs']}")
        if state.get("ready"):
            return state
        page.wait_for_timeout(250)
    raise NotebookError(f"{url}: kernel not idle after {timeout_s:.0f} s (last state: {state})")


def run_command(page: Page, command: str, timeout_s: float = 120.0) -> float:
    """Execute a JupyterLab command and await its promise; return the time it took (s)."""
    result = page.evaluate(js("run-command"), [command, int(timeout_s * 1000)])
    wait_until_idle(page, timeout_s)
    return result["ms"] / 1000


def wait_until_idle(page: Page, timeout_s: float = 60.0, settle_s: float = 0.5) -> None:
    """Wait until the kernel is idle and no cell shows ``[*]``, stable for ``settle_s``."""
    deadline = time.monotonic() + timeout_s
    idle_since: float | None = None
    while time.monotonic() < deadline:
        if page.evaluate(js("busy")):
            idle_since = None
        else:
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle_s:
                return
        page.wait_for_timeout(100)
    raise NotebookError(f"kernel still busy after {timeout_s:.0f} s")


def cells(page: Page) -> list[CellInfo]:
    """All cells of the current notebook with their execution counts and outputs."""
    return [
        CellInfo(
            c["index"], c["type"], c["source"], c["trusted"], c["executionCount"], c["outputs"]
        )
        for c in page.evaluate(js("cells"))
    ]


def error_outputs(page: Page, all_cells: list[CellInfo]) -> list[str]:
    """Readable descriptions of every error output and every stderr traceback."""
    problems = []
    for cell in all_cells:
        for out in cell.outputs:
            if out["type"] == "error":
                problems.append(
                    f"cell {cell.index} ({cell.short()}): {out['ename']}: {out['evalue']}"
                )
            elif out["type"] == "stream" and out["name"] == "stderr" and "Traceback" in out["text"]:
                problems.append(f"cell {cell.index} ({cell.short()}): traceback on stderr")
    dom = page.evaluate(js("dom-tracebacks"))
    if dom and not problems:
        problems.append(f"{len(dom)} stderr traceback(s) in the page: {dom[0][-400:]}")
    return problems


def unexecuted_cells(all_cells: list[CellInfo]) -> list[str]:
    """Non-empty code cells that have no execution count after running everything."""
    return [
        f"cell {c.index} ({c.short()})"
        for c in all_cells
        if c.type == "code" and c.source.strip() and c.execution_count is None
    ]


def full_page_screenshot(page: Page, path: Path, max_height: int = 16000) -> Path:
    """Screenshot the whole notebook: grow the viewport to the notebook's height first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or {"width": 1280, "height": 900}
    height = min(max(int(page.evaluate(js("scroll-height"))), size["height"]), max_height)
    page.set_viewport_size({"width": size["width"], "height": height})
    try:
        page.wait_for_timeout(300)
        page.evaluate(js("scroll-top"))
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def screenshot(page: Page, path: Path) -> Path:
    """Screenshot of what the viewport shows now (dialogs included)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def shutdown_kernel(page: Page) -> None:
    """Shut down the current notebook's kernel (frees CPU and memory for the next one)."""
    page.evaluate(
        "async () => { const w = window.jupyterapp.shell.currentWidget;"
        " if (w && w.sessionContext) { await w.sessionContext.shutdown(); } }"
    )
