"""The grading round trip on SQLite and PostgreSQL, and sharded graders sharing one PostgreSQL
gradebook. PostgreSQL comes from env PENINSULA_TEST_PG_URL (see tools/postgres-for-tests.sh);
without it these tests skip locally and FAIL when CI=true."""

import contextlib
import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixtures_hostile as fx  # noqa: E402

from peninsula.grading import outcomes  # noqa: E402
from peninsula.grading.cli import main  # noqa: E402
from peninsula.grading.course import normalize_db_url  # noqa: E402

COURSE_ID = "trains-planes-sanctions"
CASES = ["good", "wrong", "kernel-crash", "not-json", "missing-notebook", "eq-cheat"]
pytestmark = pytest.mark.slow


def _server_url() -> str:
    url = os.environ.get("PENINSULA_TEST_PG_URL")
    if not url:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI=true but PENINSULA_TEST_PG_URL is unset: run "
                        "`tools/postgres-for-tests.sh start` and export its url")
        pytest.skip("PENINSULA_TEST_PG_URL is unset: start a server with "
                    "tools/postgres-for-tests.sh start and export PENINSULA_TEST_PG_URL")
    return url


@contextlib.contextmanager
def fresh_database():
    """A new, empty PostgreSQL database on the test server; dropped afterwards."""
    import psycopg2

    server = _server_url()
    name = f"peninsula_t_{uuid.uuid4().hex[:12]}"
    admin = psycopg2.connect(server)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _state(db: str) -> dict[str, tuple[str, float]]:
    db = normalize_db_url(db)
    rows = outcomes.load(db, COURSE_ID, fx.ASSIGNMENT)
    with Gradebook(db, COURSE_ID) as gb:
        scores = {s.student_id: float(s.score)
                  for s in gb.find_assignment(fx.ASSIGNMENT).submissions}
    assert set(scores) == {s for (_, s) in rows}
    return {s: (rows[(fx.ASSIGNMENT, s)]["outcome"], scores[s]) for s in scores}


def _grade(root: Path, db: str, *extra: str) -> int:
    with contextlib.redirect_stdout(io.StringIO()):
        return main(["--course", str(root), "--db", db, "autograde", fx.ASSIGNMENT,
                     "--timeout", "20", "--quiet", *extra])


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_round_trip(backend, tmp_path):
    with contextlib.ExitStack() as stack:
        db = (f"sqlite:///{tmp_path / 'gradebook.db'}" if backend == "sqlite"
              else stack.enter_context(fresh_database()))
        fx.build_course(tmp_path, db)
        expected = fx.make_submissions(tmp_path, CASES)
        fx.add_absent_student(tmp_path, db)
        expected[fx.ABSENT_STUDENT] = ("missing", 0.0)
        assert _grade(tmp_path, db) == 1
        assert _state(db) == expected
        assert main(["--course", str(tmp_path), "--db", db, "feedback", fx.ASSIGNMENT]) == 0
        out = tmp_path / "grades.csv"
        assert main(["--course", str(tmp_path), "--db", db, "export-grades", str(out)]) == 0
        assert len(out.read_text().splitlines()) == 1 + 2 * len(expected)


@pytest.mark.postgres
def test_two_shards_in_parallel_equal_one_run(tmp_path):
    one, sharded = tmp_path / "one", tmp_path / "sharded"
    with fresh_database() as db_one, fresh_database() as db_sharded:
        for root, db in ((one, db_one), (sharded, db_sharded)):
            fx.build_course(root, db)
            fx.make_class(root, 6)
            fx.make_submissions(root, ["kernel-crash", "not-json"])
        assert _grade(one, db_one) == 1
        bindir = Path(sys.executable).parent
        env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}
        procs = [subprocess.Popen(
            [str(bindir / "peninsula-grade"), "--course", str(sharded), "--db", db_sharded,
             "autograde", fx.ASSIGNMENT, "--shard", shard, "--workers", "1", "--timeout", "20",
             "--quiet"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for shard in ("1/2", "2/2")]
        outs = [p.communicate(timeout=600) for p in procs]
        tables = [o[0] for o in outs]
        assert all(p.returncode in (0, 1) for p in procs), [o[1][-2000:] for o in outs]
        graded_by = [{line.split()[0] for line in t.split("\n\n")[0].splitlines()[2:]}
                     for t in tables]
        assert graded_by[0] and graded_by[1] and not graded_by[0] & graded_by[1]
        assert _state(db_sharded) == _state(db_one)
        assert len(_state(db_one)) == 8
