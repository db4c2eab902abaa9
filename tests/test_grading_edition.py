"""The student edition: exactly the student files, no instructor material, locked nbgrader tools."""

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_hostile as fx  # noqa: E402

from peninsula.grading.cli import main  # noqa: E402
from peninsula.grading.edition import MARKERS, scan  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A miniature course repository with every kind of file, instructor-only ones included."""
    root = tmp_path_factory.mktemp("repo")
    fx.build_course(root)
    fx.make_submissions(root, ["good"])
    for name in ("autograded/good/fixture-ps", "feedback/good/fixture-ps", "release/fixture-ps"):
        (root / name).mkdir(parents=True)
        (root / name / "part1.html").write_text(fx.HIDDEN_DOUBLE)
    (root / "lessons").mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lesson")]),
                   root / "lessons" / "01-lesson.ipynb")
    (root / "lessons" / ".ipynb_checkpoints").mkdir()
    (root / "lessons" / ".ipynb_checkpoints" / "x.ipynb").write_text(fx.HIDDEN_DOUBLE)
    (root / "data").mkdir()
    (root / "data" / "places.csv").write_text("name\nPyongyang\n")
    for name in ("__init__.py", "geo.py", "grading/__init__.py", "grading/cli.py",
                 "__pycache__/geo.cpython-311.pyc"):
        (root / "peninsula" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "peninsula" / name).write_text("# code\n")
    for name in ("environment.yml", "requirements.txt", "pyproject.toml"):
        if (REPO / name).is_file():
            shutil.copy(REPO / name, root / name)
        else:
            (root / name).write_text("# placeholder\n")
    (root / "README.md").write_text("# Course\n")
    (root / "LICENSE").write_text("MIT\n")
    (root / "tests").mkdir()
    (root / "tests" / "test_x.py").write_text(fx.HIDDEN_DOUBLE)
    shutil.copytree(REPO / "binder-student", root / "binder-student")
    return root


def _export(repo: Path, out: Path) -> int:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["student-edition", str(out), "--repo", str(repo)])


def test_exports_exactly_the_student_files(repo, tmp_path):
    out = tmp_path / "edition"
    assert _export(repo, out) == 0
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files == {
        "lessons/01-lesson.ipynb", "assignments/fixture-ps/part1.ipynb",
        "assignments/fixture-ps/part2.ipynb", "data/places.csv", "peninsula/__init__.py",
        "peninsula/geo.py", "environment.yml", "requirements.txt", "pyproject.toml",
        "README.md", "LICENSE", "postBuild"}
    assert os.access(out / "postBuild", os.X_OK)
    assert "peninsula-grade" not in (out / "pyproject.toml").read_text()
    secrets = [*fx.HIDDEN_TEXTS, *fx.SOLUTION_TEXTS, *MARKERS]
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert not [s for s in secrets if s in text], path
    assert scan(out, repo / "source") == []


def test_a_leaked_hidden_test_fails_the_export(repo, tmp_path):
    leaky = tmp_path / "leaky"
    shutil.copytree(repo, leaky)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(fx.HIDDEN_KM)])
    nbformat.write(nb, leaky / "lessons" / "02-oops.ipynb")
    assert _export(leaky, tmp_path / "out") == 1
    problems = scan(tmp_path / "out", leaky / "source")
    assert any("02-oops.ipynb" in p for p in problems)


def test_refuses_to_overwrite_without_force(repo, tmp_path):
    out = tmp_path / "edition"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert _export(repo, out) == 2
    assert (out / "keep.txt").exists()


@pytest.mark.slow
def test_real_repository_edition_has_no_leaks(tmp_path):
    """The actual course: whatever is in lessons/, assignments/ and data/ right now."""
    out = tmp_path / "student-edition"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        status = main(["student-edition", str(out), "--repo", str(REPO)])
    problems = scan(out, REPO / "source")
    assert problems == [] and status == 0, problems
    assert not (out / "peninsula" / "grading").exists() and not (out / "source").exists()


@pytest.mark.slow
def test_postbuild_disables_and_locks_instructor_tools(tmp_path):
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path), "JUPYTER_PREFER_ENV_PATH": "0",
           "PENINSULA_JUPYTER_LEVEL": "user",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    run = subprocess.run([str(REPO / "binder-student" / "postBuild")], env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    page = json.loads((tmp_path / "labconfig" / "page_config.json").read_text())
    for plugin in ("formgrader", "create-assignment", "course-list"):
        assert page["disabledExtensions"][f"@jupyter/nbgrader:{plugin}"] is True
        assert page["lockedExtensions"][f"@jupyter/nbgrader:{plugin}"] is True
    assert "@jupyter/nbgrader:assignment-list" not in page["disabledExtensions"]
    server = json.loads(
        (tmp_path / "jupyter_server_config.d" / "zz-peninsula-student.json").read_text())
    assert server["ServerApp"]["jpserver_extensions"] == {
        "nbgrader.server_extensions.formgrader": False,
        "nbgrader.server_extensions.course_list": False}
