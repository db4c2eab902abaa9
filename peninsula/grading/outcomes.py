"""Outcomes of grading one submission, and where they are recorded.

Every submission ends with exactly one outcome and a reason. Severity order (worst first):
``missing`` > ``invalid-notebook`` > ``crashed`` > ``error`` > ``timeout`` > ``graded``.
Outcomes are kept in the gradebook database itself, in the extra table ``peninsula_outcome``
(nbgrader ignores unknown tables), one row per (course, assignment, student).
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import (
    Column,
    DateTime,
    Float,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError


class Outcome(StrEnum):
    """What happened to a submission."""

    GRADED = "graded"
    TIMEOUT = "timeout"
    ERROR = "error"
    CRASHED = "crashed"
    INVALID = "invalid-notebook"
    MISSING = "missing"

    @property
    def severity(self) -> int:
        """Higher is worse."""
        return list(Outcome).index(self)

    @property
    def fails_run(self) -> bool:
        """Whether this outcome makes ``peninsula-grade autograde`` exit non-zero."""
        return self in (Outcome.CRASHED, Outcome.INVALID, Outcome.MISSING, Outcome.ERROR)


@dataclass
class Result:
    """The graded state of one submission."""

    student: str
    assignment: str
    outcome: Outcome = Outcome.GRADED
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    seconds: float = 0.0

    def note(self, outcome: Outcome, reason: str) -> None:
        """Add a reason; keep the worst outcome seen."""
        self.reasons.append(reason)
        if outcome.severity > self.outcome.severity:
            self.outcome = outcome

    @property
    def reason(self) -> str:
        """All reasons in one line ("ok" when there is nothing to say)."""
        return "; ".join(self.reasons) if self.reasons else "ok"


_META = MetaData()
OUTCOME_TABLE = Table(
    "peninsula_outcome",
    _META,
    Column("course_id", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("student", String(128), primary_key=True),
    Column("outcome", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("max_score", Float, nullable=False),
    Column("graded_at", DateTime, nullable=False),
)


def ensure_table(db_url: str) -> None:
    """Create ``peninsula_outcome`` if needed (safe when two graders race to create it)."""
    engine = create_engine(db_url)
    try:
        _META.create_all(engine, checkfirst=True)
    except DBAPIError:
        _META.create_all(engine, checkfirst=True)  # the other process won the race
    finally:
        engine.dispose()


def record(db_url: str, course_id: str, result: Result) -> None:
    """Store (replace) the outcome of one submission."""
    engine = create_engine(db_url)
    key = (
        (OUTCOME_TABLE.c.course_id == course_id)
        & (OUTCOME_TABLE.c.assignment == result.assignment)
        & (OUTCOME_TABLE.c.student == result.student)
    )
    try:
        with engine.begin() as conn:
            conn.execute(delete(OUTCOME_TABLE).where(key))
            conn.execute(
                insert(OUTCOME_TABLE).values(
                    course_id=course_id,
                    assignment=result.assignment,
                    student=result.student,
                    outcome=str(result.outcome),
                    reason=result.reason,
                    score=result.score,
                    max_score=result.max_score,
                    graded_at=datetime.now(UTC).replace(tzinfo=None),
                )
            )
    finally:
        engine.dispose()


def load(db_url: str, course_id: str, assignment: str | None = None) -> dict[tuple[str, str], dict]:
    """Recorded outcomes as {(assignment, student): row}; empty if none were ever recorded."""
    engine = create_engine(db_url)
    try:
        _META.create_all(engine, checkfirst=True)
        query = select(OUTCOME_TABLE).where(OUTCOME_TABLE.c.course_id == course_id)
        if assignment:
            query = query.where(OUTCOME_TABLE.c.assignment == assignment)
        with engine.connect() as conn:
            return {(r.assignment, r.student): dict(r._mapping) for r in conn.execute(query)}
    finally:
        engine.dispose()
