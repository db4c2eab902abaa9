"""The student's path through a released assignment, driven in JupyterLab.

Answer one part (the instructor's solution from source/, typed into the cell), run the
setup, that part's cells and the self-check cell, save, then validate with nbgrader.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import e2e_notebook as nb
from e2e_js import js
from e2e_server import LabServer
from playwright.sync_api import Page

SOLUTION_MARKER = re.compile(r"^\s*###? (BEGIN|END) SOLUTION\s*$")
SELF_CHECK = re.compile(r"\bself_check\(")
PART_HEADING = re.compile(r"^#+\s*Part\s+([A-Z])\b", re.MULTILINE)
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
    """One part to answer: its letter, answer cells, test cells, and the cells to run in order."""

    part: str
    answer_cells: list[int]
    part_tests: list[int]
    run: list[int]
    self_check: int


def _meta(cell: dict) -> dict:
    return cell.get("nbgrader") or {}


def _is_answer(cell: dict) -> bool:
    return cell["type"] == "code" and bool(_meta(cell).get("solution"))


def _is_test(cell: dict) -> bool:
    return cell["type"] == "code" and bool(_meta(cell).get("grade")) and not _is_answer(cell)


def parts(cells: list[dict]) -> dict[str, range]:
    """Part letter -> cell range, from the "## Part X" headings to the next part or self-check."""
    starts = [
        (i, m.group(1))
        for i, c in enumerate(cells)
        if c["type"] == "markdown" and (m := PART_HEADING.search(c["source"]))
    ]
    checks = [
        i for i, c in enumerate(cells) if c["type"] == "code" and SELF_CHECK.search(c["source"])
    ]
    found = {}
    for n, (i, letter) in enumerate(starts):
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(cells)
        stop = min([stop] + [k for k in checks if k > i])
        found[letter] = range(i, stop)
    return found


def plan(cells: list[dict], answers: dict[str, str]) -> Plan:
    """Choose an auto-graded part with visible tests whose answers exist in source/.

    Parts with a single answer cell are preferred ("fill in one solution cell"). Setup cells
    (code before the first part) run first, then the part's cells, then the self-check cell.
    Other parts are skipped: their stubs raise NotImplementedError.
    """
    checks = [
        i for i, c in enumerate(cells) if c["type"] == "code" and SELF_CHECK.search(c["source"])
    ]
    if not checks:
        raise AssertionError(
            "the released notebook has no self-check cell (calling self_check(...))"
        )
    found = parts(cells)
    if not found:
        raise AssertionError("the released notebook has no '## Part X' headings")
    candidates = []
    for letter, span in found.items():
        answer_cells = [i for i in span if _is_answer(cells[i])]
        tests = [i for i in span if _is_test(cells[i])]
        ids = [_meta(cells[i]).get("grade_id") for i in answer_cells]
        if answer_cells and tests and all(i in answers for i in ids):
            candidates.append((len(answer_cells) != 1, letter, answer_cells, tests, span))
    if not candidates:
        raise AssertionError("no auto-graded part with visible tests has its solution in source/")
    _, letter, answer_cells, tests, span = min(candidates, key=lambda c: c[0])
    first = min(r.start for r in found.values())
    setup = [i for i in range(first) if cells[i]["type"] == "code" and i not in checks]
    body = [i for i in span if cells[i]["type"] == "code"]
    return Plan(letter, answer_cells, tests, setup + body + [checks[-1]], checks[-1])


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
