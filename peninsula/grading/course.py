"""The course on disk: nbgrader configuration, gradebook URL and folder layout."""

import importlib.util
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"
GRADEBOOK_ENV = "PENINSULA_GRADEBOOK_URL"

# nbgrader's autograde pipeline with Execute swapped for the guarded version.
_AUTOGRADE_PREPROCESSORS = [
    "peninsula.grading.kernel.GuardedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]


@dataclass(frozen=True)
class Course:
    """Where a course lives and how to grade it.

    ``db_url``: explicit gradebook URL (else env ``PENINSULA_GRADEBOOK_URL``, else the config).
    ``timeout``: per-cell limit in seconds (else the config). ``memory_mb``: kernel memory cap.
    """

    root: Path
    db_url: str | None = None
    timeout: int | None = None
    memory_mb: int = 2048
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root).resolve())

    @classmethod
    def find(cls, start: Path | None = None, **kwargs) -> "Course":
        """The course whose ``nbgrader_config.py`` is in ``start`` or one of its parents."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_FILE).is_file():
                return cls(root=folder, **kwargs)
        raise FileNotFoundError(f"no {CONFIG_FILE} in {here} or any parent folder")

    def config(self) -> Config:
        """The nbgrader configuration of this course, with the grading overrides applied."""
        path = self.root / CONFIG_FILE
        if not path.is_file():
            raise FileNotFoundError(f"{path}: nbgrader configuration file not found")
        cfg = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        cfg.CourseDirectory.root = str(self.root)
        url = self.db_url or os.environ.get(GRADEBOOK_ENV)
        if url:
            cfg.CourseDirectory.db_url = url
        if not cfg.CourseDirectory.get("db_url"):
            cfg.CourseDirectory.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        cfg.CourseDirectory.db_url = normalize_db_url(cfg.CourseDirectory.db_url)
        if not cfg.CourseDirectory.get("course_id"):
            raise ValueError(f"{path}: CourseDirectory.course_id must be set (PostgreSQL needs it)")
        if self.timeout is not None:
            cfg.Execute.timeout = self.timeout
        cfg.GuardedExecute.timeout = cfg.Execute.get("timeout", 60)
        cfg.GuardedExecute.shutdown_kernel = "immediate"  # kill after the last cell: saves time
        cfg.LimitedKernelManager.memory_limit_mb = self.memory_mb
        cfg.Autograde.autograde_preprocessors = list(_AUTOGRADE_PREPROCESSORS)
        for section, values in self.extra.items():
            for key, value in values.items():
                setattr(cfg[section], key, value)
        cfg.NbGraderAPI.log_level = "WARN"
        return cfg

    @property
    def db_url_resolved(self) -> str:
        """The gradebook URL this course will use."""
        return self.config().CourseDirectory.db_url

    @property
    def course_id(self) -> str:
        """The nbgrader course id."""
        return self.config().CourseDirectory.course_id

    def folder(self, name: str) -> Path:
        """A course folder by nbgrader role: source, release, submitted, autograded, feedback."""
        cd = self.config().CourseDirectory
        default = {
            "source": "source",
            "release": "release",
            "submitted": "submitted",
            "autograded": "autograded",
            "feedback": "feedback",
        }[name]
        return self.root / cd.get(f"{name}_directory", default)


def ensure_tools_on_path() -> None:
    """Put this interpreter's ``bin/`` on PATH (nbgrader runs ``alembic`` for a new gradebook)."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])


def normalize_db_url(url: str) -> str:
    """Pick an installed PostgreSQL driver for a bare ``postgresql://`` URL.

    SQLAlchemy 2.1 maps ``postgresql://`` to psycopg 3; the course pins psycopg2-binary, so a
    bare URL becomes ``postgresql+psycopg2://`` when only psycopg2 is installed.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("postgresql", "postgres"):
        return url
    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2"):
        return f"postgresql+psycopg2://{rest}"
    return f"postgresql://{rest}"
