"""A student's path through a released assignment in JupyterLab.

Open the released notebook (in the temporary course copy), type the correct answer into one
solution cell, run the setup, that part and the self-check cell ("Visible tests passed"),
save, and validate with nbgrader: the answered part must pass, the unanswered ones must fail.
"""

from __future__ import annotations

import re

import e2e_notebook as nb
import pytest
from e2e_assignment import (
    output_text,
    plan,
    read_cells,
    released_notebooks,
    run_cell,
    solution_answers,
    type_answer,
    validate_with_button,
    validate_with_cell,
)
from e2e_lessons import ARTIFACTS
from e2e_server import REPO, LabServer

pytestmark = pytest.mark.e2e
FAILED_CELL = "The following cell failed:"
RELEASED = released_notebooks(REPO)
CASES = RELEASED or [pytest.param("-", "-", marks=pytest.mark.skip("no released assignment yet"))]


def _first_line(source: str) -> str:
    return next((ln.strip() for ln in source.splitlines() if ln.strip()), "")[:40]


@pytest.mark.parametrize(("assignment", "name"), CASES)
def test_student_answers_one_part_and_validates(
    page, lab_server: LabServer, assignment: str, name: str
) -> None:
    """Answer one part; the self-check and nbgrader validate pass it and flag the rest."""
    source_nb = REPO / "source" / assignment / name
    assert source_nb.is_file(), f"source/{assignment}/{name} missing: no correct answer to type"
    answers = solution_answers(source_nb)
    nb.open_notebook(page, lab_server.lab_url(f"assignments/{assignment}/{name}"))
    cells = read_cells(page)
    steps = plan(cells, answers)
    where = f"{assignment} part {steps.part}"

    for index in steps.answer_cells:
        answer = answers[cells[index]["nbgrader"]["grade_id"]]
        typed = type_answer(page, index, answer)
        assert typed.strip() == answer.strip(), f"{where}: typing went wrong:\n{typed}"
    for index in steps.run:
        run_cell(page, index)
    ran = [c for c in nb.cells(page) if c.index in steps.run and c.index != steps.self_check]
    errors = nb.error_outputs(page, ran)
    assert not errors, f"{where}: errors in setup or the part:\n" + "\n".join(errors)

    check = output_text(page, steps.self_check)
    passed = re.search(rf"Visible tests passed for parts?\b[^\n]*\b{steps.part}\b", check)
    assert passed, f"{where}: self-check does not pass the part:\n{check}"
    assert not re.search(r"all tests passed", check, re.I), "self-check claims all tests passed"

    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_timeout(500)
    result = validate_with_button(page)
    nb.screenshot(page, ARTIFACTS / f"assignment-{assignment}-validate.png")
    if not result.text:  # nbgrader #1866: the button can fail in JupyterLab 4; use the CLI
        print(f"Validate button gave no result ({result.page_errors[-3:]}); running the CLI")
        result = validate_with_cell(page, lab_server, assignment, name)
    text = result.text
    verdict = FAILED_CELL in text or "VALIDATION FAILED" in text or "Success!" in text
    assert verdict, f"{result.method}: no verdict:\n{text}"
    failed = text.split(FAILED_CELL)[1:]
    for index in steps.part_tests:
        line = _first_line(cells[index]["source"])
        assert not any(line in block for block in failed), (
            f"{where}: answered part flagged by {result.method}: {line}\n{text}"
        )
    assert failed, f"{result.method}: the unanswered parts were not flagged:\n{text}"
