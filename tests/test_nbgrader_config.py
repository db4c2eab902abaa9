"""nbgrader_config.py sets what the course relies on (issue: auto-graded assignments, item 1)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent


def _load(monkeypatch: pytest.MonkeyPatch, **env: str) -> Config:
    for name in ("PENINSULA_GRADEBOOK_URL", "PENINSULA_COURSE_ROOT", "PENINSULA_COURSE_ID"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = Config()
    runpy.run_path(str(ROOT / "nbgrader_config.py"), init_globals={"get_config": lambda: config})
    return config


def test_course_layout_and_safety_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    c = _load(monkeypatch)
    assert Path(c.CourseDirectory.root) == ROOT
    assert c.CourseDirectory.source_directory == "source"
    assert c.CourseDirectory.release_directory == "assignments"
    assert c.CourseDirectory.course_id, "PostgreSQL needs a non-empty course_id"
    assert c.Execute.timeout > 0
    assert c.Execute.raise_on_iopub_timeout is False
    assert c.OverwriteCells.add_missing_cells is True
    assert c.CourseDirectory.db_url == f"sqlite:///{ROOT / 'gradebook.db'}"


def test_gradebook_is_ignored_by_git() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    for entry in ("gradebook.db", "submitted/", "autograded/", "feedback/"):
        assert entry in ignored


@pytest.mark.parametrize(
    ("given", "expected_prefix"),
    [
        ("postgresql://grader@127.0.0.1:5432/course", "postgresql+psycopg2://"),
        ("postgresql+psycopg2://grader@host/course", "postgresql+psycopg2://"),
        ("sqlite:////tmp/gradebook.db", "sqlite:////tmp/"),
    ],
)
def test_gradebook_url_from_environment(
    monkeypatch: pytest.MonkeyPatch, given: str, expected_prefix: str
) -> None:
    pytest.importorskip("psycopg2")
    c = _load(monkeypatch, PENINSULA_GRADEBOOK_URL=given)
    assert c.CourseDirectory.db_url.startswith(expected_prefix)
    assert c.CourseDirectory.db_url.endswith(given.split("://", 1)[1])
