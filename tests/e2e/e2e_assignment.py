"""The student's path through a released assignment, driven in JupyterLab.

Answer one part (the instructor's solution from source/, typed into the cell), run the
setup, that part's cells and the self-check cell, save, then validate with nbgrader.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import e2e_notebook as nb
from e2e_js import js
from e2e_server import LabServer
from playwright.sync_api import Page

SOLUTION_MARKER = re.compile(r"^\s*###? (BEGIN|END) SOLUTION\s*$")
SELF_CHECK = re.compile(r"\bself_check\(")
VALIDATE_RESULT = re.compile(r"Success! Your notebook passes|VALIDATION FAILED|The following cell")


def released_notebooks(root: Path) -> list[tuple[str, str]]:
    """(assignment, notebook file name) for every released notebook under ``root/assignments``."""
    return sorted(
        (p.parent.name, p.name)
        for p in (root / "assignments").glob("*/*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )


def solution_answers(source_nb: Path) -> dict[str, str]:
    """grade_id -> the instructor's answer (solution markers removed) for autograded answers."""
    notebook = json.loads(source_nb.read_text())
    answers = {}
    for cell in notebook["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and meta.get("solution") and not meta.get("grade"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines = [ln for ln in src.splitlines() if not SOLUTION_MARKER.match(ln)]
            answers[meta["grade_id"]] = "\n".join(lines)
    return answers


@dataclass
class Plan:
    """Which cells to run for one answered part, and which cells belong to it."""

    answer_cell: int
    grade_id: str
    run: list[int]
    part_tests: list[int]
    self_check: int
    other_tests: list[int] = field(default_factory=list)


def plan(cells: list[dict], answers: dict[str, str]) -> Plan:
    """Choose the first answerable part; run setup cells, that part and the self-check cell.

    Cells before the first answer cell are setup. Each answer cell starts a part that runs to
    the next answer cell. Other parts are skipped: running them would raise NotImplementedError.
    """
    answer_cells = [
        i
        for i, c in enumerate(cells)
        if c["type"] == "code"
        and (c["nbgrader"] or {}).get("solution")
        and not (c["nbgrader"] or {}).get("grade")
    ]
    checks = [
        i for i, c in enumerate(cells) if c["type"] == "code" and SELF_CHECK.search(c["source"])
    ]
    if not answer_cells:
        raise AssertionError("the released notebook has no autograded answer cell")
    if not checks:
        raise AssertionError(
            "the released notebook has no self-check cell (calling self_check(...))"
        )
    chosen = next((i for i in answer_cells if cells[i]["nbgrader"]["grade_id"] in answers), None)
    if chosen is None:
        raise AssertionError("no answer cell of the release has a solution in source/")
    end = next((i for i in answer_cells if i > chosen), len(cells))
    self_check = checks[-1]
    run = [i for i in range(answer_cells[0]) if cells[i]["type"] == "code" and i != self_check]
    part = [i for i in range(chosen, end) if cells[i]["type"] == "code" and i != self_check]
    tests = [i for i in part if (cells[i]["nbgrader"] or {}).get("grade")]
    others = [
        i
        for i, c in enumerate(cells)
        if (c["nbgrader"] or {}).get("grade") and c["type"] == "code" and i not in tests
    ]
    grade_id = cells[chosen]["nbgrader"]["grade_id"]
    return Plan(chosen, grade_id, run + part + [self_check], tests, self_check, others)


def read_cells(page: Page) -> list[dict]:
    """Type, source and nbgrader metadata of every cell of the open notebook."""
    return page.evaluate(js("cell-meta"))


def type_answer(page: Page, index: int, text: str) -> str:
    """Replace the cell's text as a student would (click, select all, type); return the model's."""
    editor = (
        page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell")
        .nth(index)
        .locator(".cm-content")
    )
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(text)
    page.keyboard.press("Escape")  # leave edit mode
    return read_cells(page)[index]["source"]


def run_cell(page: Page, index: int, timeout_s: float = 120.0) -> None:
    """Run one cell (by index) and wait until the kernel is idle again."""
    page.evaluate(js("run-cell"), [index, int(timeout_s * 1000)])
    nb.wait_until_idle(page, timeout_s)


def output_text(page: Page, index: int) -> str:
    """All text the cell shows (streams, results and errors)."""
    texts = []
    for out in nb.cells(page)[index].outputs:
        texts.append(out["text"] or out["plain"] or "")
        if out["type"] == "error":
            texts.append(f"{out['ename']}: {out['evalue']}")
    return "\n".join(texts)


@dataclass
class Validation:
    """What the Validate button (or its fallback) reported."""

    method: str
    text: str
    page_errors: list[str]


def validate_with_button(page: Page, timeout_s: float = 90.0) -> Validation:
    """Click nbgrader's Validate toolbar button and read the dialog it opens."""
    page_errors: list[str] = []
    page.on("pageerror", lambda e: page_errors.append(str(e)))
    page.on("console", lambda m: page_errors.append(m.text) if m.type == "error" else None)
    button = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar").get_by_role(
        "button", name=re.compile("Validate", re.I)
    )
    button.first.click()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        dialogs = page.locator(".jp-Dialog")
        if dialogs.count():
            text = dialogs.last.inner_text()
            if VALIDATE_RESULT.search(text) or "Validation failed" in text or "rror" in text:
                return Validation("toolbar button", text, page_errors)
        if any(
            "is undefined" in e or "Cannot read properties of undefined" in e for e in page_errors
        ):
            return Validation("toolbar button", "", page_errors)
        page.wait_for_timeout(250)
    return Validation("toolbar button", "", page_errors + [f"no dialog after {timeout_s:.0f} s"])


def validate_with_cell(
    page: Page, server: LabServer, assignment: str, name: str, timeout_s: float = 120.0
) -> Validation:
    """Fallback for nbgrader #1866: run ``!nbgrader validate`` in a scratch notebook in JupyterLab.

    The scratch notebook sits beside the course copy's root, not in the assignment folder,
    so validation never executes its own ``!nbgrader`` cell.
    """
    import nbformat

    scratch = server.root / f"validate-{assignment}.ipynb"
    cell = nbformat.v4.new_code_cell(
        f'!cd "assignments/{assignment}" && nbgrader validate "{name}"'
    )
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, scratch)
    nb.open_notebook(page, server.lab_url(scratch.name))
    nb.run_command(page, "notebook:run-all-cells", timeout_s=timeout_s)
    return Validation("`!nbgrader validate` cell", output_text(page, 0), [])
