"""nbgrader configuration for the course (the course root is this repository's root).

Instructor notebooks live in ``source/<assignment>/``; ``nbgrader generate_assignment``
releases the student versions into ``assignments/<assignment>/``. The gradebook is SQLite by
default (``gradebook.db``, kept out of git); set ``PENINSULA_GRADEBOOK_URL`` (for example
``postgresql://user@host/db``) to use PostgreSQL.
"""

import importlib.util
import os
from pathlib import Path

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

course_root = Path(__file__).resolve().parent

c.CourseDirectory.root = os.environ.get("PENINSULA_COURSE_ROOT", str(course_root))
c.CourseDirectory.course_id = os.environ.get("PENINSULA_COURSE_ID", "trains-planes-sanctions")
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "assignments"


def gradebook_url(url: str) -> str:
    """SQLAlchemy 2 reads a bare ``postgresql://`` as psycopg 3; use psycopg2 when that is what
    is installed (requirements-dev.txt pins psycopg2-binary)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres") and importlib.util.find_spec("psycopg") is None:
        return f"postgresql+psycopg2://{rest}"
    return url


c.CourseDirectory.db_url = gradebook_url(
    os.environ.get(
        "PENINSULA_GRADEBOOK_URL", f"sqlite:///{Path(c.CourseDirectory.root) / 'gradebook.db'}"
    )
)

# Grading safety: a per-cell limit, no whole-notebook failure on slow output,
# and deleted test cells restored.
c.Execute.timeout = int(os.environ.get("PENINSULA_CELL_TIMEOUT", "60"))
c.Execute.raise_on_iopub_timeout = False
c.OverwriteCells.add_missing_cells = True

# The exchange (used by the assignment list and nbgrader release/collect) must be writable.
c.Exchange.root = os.environ.get("PENINSULA_EXCHANGE", str(course_root / "exchange"))
