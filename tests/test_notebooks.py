"""Every lesson runs top to bottom, and no committed notebook carries outputs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted((ROOT / "lessons").glob("*.ipynb"))
ALL_NOTEBOOKS = sorted(
    p for folder in ("lessons", "source", "assignments") for p in (ROOT / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def test_there_are_lessons() -> None:
    assert any(p.name.startswith("00-start-here") for p in LESSONS), "lessons/00-start-here.ipynb"


@pytest.mark.slow
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_runs_top_to_bottom(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Restart & Run All, offline (the test machine has no internet)."""
    monkeypatch.setenv("PENINSULA_MAPS_OFFLINE", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=180, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    errors = [
        (i, out.get("ename"), out.get("evalue"))
        for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
        for out in cell.get("outputs", []) if out.get("output_type") == "error"
    ]
    assert not errors, f"{path.name}: cells raised {errors}"


NOTEBOOK_IDS = [str(p.relative_to(ROOT)) for p in ALL_NOTEBOOKS]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_committed_without_outputs(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [
        i for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))
    ]
    assert not dirty, (
        f"{path.relative_to(ROOT)}: code cells {dirty} carry outputs or execution counts; "
        "clear them (jupyter nbconvert --clear-output --inplace)"
    )


def test_notebooks_use_python3_kernel() -> None:
    for path in ALL_NOTEBOOKS:
        spec = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("kernelspec", {})
        assert spec.get("name", "python3") == "python3", f"{path}: kernel {spec.get('name')}"


def test_offline_switch_is_only_an_environment_variable() -> None:
    """Lessons never hard-code offline mode: Binder users get tiles."""
    for path in LESSONS:
        assert "PENINSULA_MAPS_OFFLINE" not in path.read_text(encoding="utf-8"), path.name


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=NOTEBOOK_IDS)
def test_currency_dollars_are_escaped_in_markdown(path: Path) -> None:
    """JupyterLab typesets "$...$" as mathematics: "US$2.43 ... US$2.72" would turn into maths."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            assert not re.search(r"(?<!\\)\$\s?\d", text), (
                f"{path.relative_to(ROOT)} cell {i}: write US\\$ for currency"
            )
