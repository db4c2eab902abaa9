"""Checks on a submission folder before nbgrader sees it: missing, renamed, invalid notebooks."""

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

IGNORED = {"timestamp.txt"}


@dataclass
class Inspection:
    """What a submission folder holds, compared with the notebooks the assignment expects."""

    valid: list[str] = field(default_factory=list)
    invalid: dict[str, str] = field(default_factory=dict)  # notebook name -> why
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # relative paths of files nobody asked for


def notebook_problem(path: Path) -> str | None:
    """Why ``path`` is not a usable nbformat-4 notebook, or None if it is fine."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"{path.name}: cannot be read as UTF-8 text ({exc.__class__.__name__})"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if not isinstance(data, dict) or "cells" not in data and "worksheets" not in data:
        return f"{path.name}: JSON but not a notebook (no 'cells')"
    if data.get("nbformat") != 4:
        return f"{path.name}: nbformat {data.get('nbformat')!r}, expected 4"
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # nbformat raises several types for broken structure
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return f"{path.name}: not a valid nbformat-4 notebook ({first[:120]})"
    return None


def inspect(folder: Path, expected: list[str]) -> Inspection:
    """Sort the files of a submission ``folder`` against the ``expected`` notebook names."""
    found = Inspection()
    present = {p.stem for p in folder.glob("*.ipynb")} if folder.is_dir() else set()
    for name in expected:
        if name not in present:
            found.missing.append(name)
            continue
        problem = notebook_problem(folder / f"{name}.ipynb")
        if problem:
            found.invalid[name] = problem
        else:
            found.valid.append(name)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder)
            if (
                path.is_file()
                and rel.name not in IGNORED
                and not (rel.suffix == ".ipynb" and rel.stem in expected and len(rel.parts) == 1)
            ):
                if ".ipynb_checkpoints" not in rel.parts:
                    found.extra.append(str(rel))
    return found


def renamed_candidates(missing: str, extra: list[str]) -> list[str]:
    """Extra notebooks whose names suggest they are ``missing`` under another name."""
    return [e for e in extra if e.endswith(".ipynb") and missing.lower() in e.lower()]
