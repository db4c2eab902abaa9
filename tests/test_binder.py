"""Binder (repo2docker) picks up environment.yml, Python 3.11 and the package install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _dockerfile() -> str:
    exe = Path(sys.executable).with_name("repo2docker")
    if not exe.exists():
        found = shutil.which("repo2docker")
        if not found:
            pytest.fail("repo2docker is not installed (pip install -r requirements-dev.txt)")
        exe = Path(found)
    done = subprocess.run(
        [str(exe), "--no-build", "--debug", "--user-name", "jovyan", "--user-id", "1000",
         str(ROOT)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout + done.stderr


def test_binder_uses_environment_python_311_and_installs_package() -> None:
    text = _dockerfile()
    assert "Building conda environment for python=3.11" in text
    update = text.find('--file "environment.yml"')
    copy = text.find("COPY --chown=1000:1000 src/ ${REPO_DIR}/")
    assert update != -1, "repo2docker did not use environment.yml"
    assert copy != -1 and copy < update, (
        "the repository must be copied before the environment step, so `-r requirements.txt` "
        "and `-e .` resolve"
    )
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists(), (
        "a binder/ folder would make repo2docker ignore environment.yml at the root"
    )


def test_readme_badges_open_the_start_lesson_in_jupyterlab() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "mybinder.org/v2/" in readme
    assert "urlpath=lab/tree/lessons/00-start-here.ipynb" in readme.replace("%2F", "/")
