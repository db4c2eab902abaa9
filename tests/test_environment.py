"""environment.yml, the pinned requirements and pyproject.toml must not drift apart."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;#]+)$")
TEST_ONLY = {"frictionless", "jupyter-repo2docker", "playwright", "ruff", "psycopg2-binary"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(path: Path) -> tuple[dict[str, str], list[str]]:
    pins, includes = {}, []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-r "):
            includes.append(line[3:].strip())
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not pinned with =="
        pins[_norm(match.group(1))] = match.group(2)
    return pins, includes


def _environment() -> tuple[str, list[str]]:
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    python = re.search(r"^\s*-\s*python\s*=\s*([\d.]+)\s*$", text, re.M)
    assert python, "environment.yml must pin python=3.11"
    pip_lines = re.findall(r"^\s{4,}-\s*(.+?)\s*$", text, re.M)
    return python.group(1), pip_lines


def test_requirements_are_pinned_and_lean() -> None:
    pins, _ = _requirements(ROOT / "requirements.txt")
    for needed in ("jupyterlab", "notebook", "nbgrader", "ipywidgets", "folium", "pandas",
                   "matplotlib", "pytest", "nbclient"):
        assert needed in pins, f"requirements.txt must pin {needed}"
    assert pins["nbgrader"] == "0.9.6"
    assert pins["jupyterlab"].startswith("4.") and pins["notebook"].startswith("7.")
    assert pins["ipywidgets"].startswith("8.") and pins["folium"].startswith("0.20")
    leaked = TEST_ONLY & set(pins)
    assert not leaked, f"test-only tools belong in requirements-dev.txt, not Binder's: {leaked}"


def test_dev_requirements_extend_not_override() -> None:
    course, _ = _requirements(ROOT / "requirements.txt")
    dev, includes = _requirements(ROOT / "requirements-dev.txt")
    assert includes == ["requirements.txt"]
    assert not set(course) & set(dev), "a package is pinned twice; pin it in one file only"
    assert TEST_ONLY <= set(dev)


def test_pyproject_dependencies_are_all_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins, _ = _requirements(ROOT / "requirements.txt")
    for dep in project["dependencies"]:
        name = _norm(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0])
        assert name in pins, f"pyproject depends on {name}, which requirements.txt does not pin"
        assert dep.strip() == re.split(r"[<>=!~;]", dep)[0].strip(), (
            f"pyproject.toml pins {dep!r}; versions belong in requirements.txt only"
        )
    assert project["requires-python"] == ">=3.11"


def test_environment_yml_installs_pins_and_package() -> None:
    python, pip_lines = _environment()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert python == "3.11"
    assert project["requires-python"].lstrip(">=") <= python
    assert "-r requirements.txt" in pip_lines, "Binder must install the single pinned file"
    assert any(line in {"-e .", "."} for line in pip_lines), "Binder must install the package"
    extra = [line for line in pip_lines if not line.startswith("-") and line != "."]
    assert not extra, f"environment.yml pins packages outside requirements.txt: {extra}"


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make lab" in readme
    assert re.search(r"^make test$", ci, re.M), ".ci/run must call `make test` exactly"


def test_second_make_run_reinstalls_nothing() -> None:
    """After `make test` has installed everything, make considers the environment up to date."""
    import shutil
    import subprocess

    stamps = [ROOT / ".venv" / ".stamp-course", ROOT / ".venv" / ".stamp-dev"]
    if not all(p.exists() for p in stamps) or not shutil.which("make"):
        import pytest

        pytest.skip("the environment was not created by `make` here")
    done = subprocess.run(
        ["make", "-q", *(str(p.relative_to(ROOT)) for p in stamps)], cwd=ROOT,
        capture_output=True, text=True,
    )
    assert done.returncode == 0, "make would reinstall: requirements or pyproject changed"
    dry = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True)
    assert "pip" not in dry.stdout and "venv" not in dry.stdout.replace(".venv/bin", ""), dry.stdout


def test_make_lab_serves_the_course_root_and_opens_the_start_lesson() -> None:
    """`make lab` must show lessons/ and assignments/ (not only lessons/) and open lesson 00."""
    import shutil
    import subprocess

    import pytest

    if not shutil.which("make"):
        pytest.skip("make is not installed")
    dry = subprocess.run(["make", "-n", "-W", "requirements.txt", "lab"], cwd=ROOT,
                         capture_output=True, text=True).stdout
    command = next(line for line in dry.splitlines() if "jupyter lab" in line)
    assert f'--ServerApp.root_dir="{ROOT}"' in command or f"--ServerApp.root_dir={ROOT}" in command
    assert "--LabApp.default_url=/lab/tree/lessons/00-start-here.ipynb" in dry
    assert (ROOT / "lessons" / "00-start-here.ipynb").is_file()
