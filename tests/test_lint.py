"""ruff passes on the package, the tests, the tools and every notebook's code cells."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_clean() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run([str(ruff), "check", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:]


def test_ruff_checks_notebooks() -> None:
    """ruff must actually read .ipynb files, or the check above proves nothing for lessons."""
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run([str(ruff), "check", "--show-files", "lessons"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert ".ipynb" in done.stdout
