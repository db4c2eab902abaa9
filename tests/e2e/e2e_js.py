"""Load the JavaScript snippets (tests/e2e/js/*.js) that the tests evaluate in the browser."""

from __future__ import annotations

from functools import cache
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent / "js"


@cache
def js(name: str) -> str:
    """The source of ``js/<name>.js``: one function expression for ``page.evaluate``."""
    path = JS_DIR / f"{name}.js"
    if not path.is_file():
        raise FileNotFoundError(f"browser snippet {path} is missing")
    return path.read_text()
