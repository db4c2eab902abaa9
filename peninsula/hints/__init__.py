"""Hints for the assignments, in three levels that get more specific without giving the answer.

Use it in a notebook::

    from peninsula.hints import hint
    hint("ps1", "A")        # a nudge
    hint("ps1", "A", 2)     # a stronger hint

The texts live beside this module, one JSON file per assignment (``ps1-timeline.json`` …)::

    {"assignment": "ps1-timeline",
     "parts": {"A": ["level 1 text", "level 2 text", "level 3 text"], ...}}
"""

from __future__ import annotations

import json
from pathlib import Path
from string import ascii_uppercase

from peninsula.checks import ASSIGNMENTS, resolve_assignment

__all__ = ["available", "hint", "hint_text", "parts"]

HINTS_DIR = Path(__file__).resolve().parent


def _load(assignment: str) -> dict[str, list[str]]:
    """The parts table of one assignment's hint file ."""
    path = HINTS_DIR / f"{assignment}.json"
    if not path.is_file():
        raise FileNotFoundError(f"No hints for {assignment!r} yet (expected {path}).")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if doc.get("assignment") != assignment:
        found = doc.get("assignment")
        raise ValueError(f"{path}: 'assignment' should be {assignment!r}, not {found!r}")
    table = doc.get("parts")
    if not isinstance(table, dict) or not table:
        raise ValueError(f"{path}: 'parts' should be a non-empty object of part -> list of hints")
    for part, levels in table.items():
        if not isinstance(levels, list) or not levels or not all(
            isinstance(t, str) and t.strip() for t in levels
        ):
            raise ValueError(f"{path}: part {part!r} should be a non-empty list of non-empty texts")
    return {str(k).upper(): list(v) for k, v in table.items()}


def parts(assignment: str) -> list[str]:
    """The parts of ``assignment`` that have hints, e.g. ``["A", "B", "C", "D"]``."""
    return list(_load(resolve_assignment(assignment)))


def _part_key(part: int | str, valid: list[str], assignment: str) -> str:
    if isinstance(part, bool):
        key = ""
    elif isinstance(part, int):
        key = ascii_uppercase[part - 1] if 1 <= part <= len(ascii_uppercase) else ""
    else:
        key = str(part).strip().upper().removeprefix("PART").strip()
    if key not in valid:
        raise ValueError(
            f"{assignment} has no part {part!r}. Valid parts: {', '.join(valid)} "
            f"(or their numbers 1–{len(valid)})."
        )
    return key


def hint_text(assignment: str, part: int | str, level: int = 1) -> str:
    """The text of one hint (see :func:`hint`)."""
    full = resolve_assignment(assignment)
    table = _load(full)
    key = _part_key(part, list(table), full)
    levels = table[key]
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(levels):
        raise ValueError(
            f"{full} part {key} has hint levels 1–{len(levels)}; got level {level!r}."
        )
    return levels[level - 1]


def hint(assignment: str, part: int | str, level: int = 1) -> None:
    """Print hint number ``level`` for one part of an assignment.

    ``assignment`` is a full name (``"ps2-routes"``) or a short alias (``"ps2"``); ``part`` is a
    letter (``"A"``) or its number (``1``). Higher levels say more but never give the answer.
    """
    text = hint_text(assignment, part, level)
    full = resolve_assignment(assignment)
    key = _part_key(part, parts(full), full)
    count = len(_load(full)[key])
    more = f" (Stronger: hint({full!r}, {key!r}, {level + 1}).)" if level < count else ""
    print(f"Hint {level}/{count} for {full}, part {key}: {text}{more}")


def available() -> dict[str, list[str]]:
    """Assignments that have hint files, with their parts."""
    return {a: parts(a) for a in ASSIGNMENTS if (HINTS_DIR / f"{a}.json").is_file()}
