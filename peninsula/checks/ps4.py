"""Visible checks for ``ps4-fact-check`` (fact-checking the Global Times op-ed of 21 June 2018).

These check the *form* of the answers (every claim labelled, labels from the allowed set, cited
rows that exist) and the date-comparison function on examples that are not in the op-ed. The
expected verdicts are not here: hidden tests hold them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from peninsula import data, oped
from peninsula.checks import CheckFailed, expect_type

ASSIGNMENT = "ps4-fact-check"

#: The values ``date_claim_status`` may return.
STATUSES = ("exact", "within", "outside", "after_start")


def _primary_key(table: str) -> str:
    """The single primary-key column of ``table`` (the row id students cite)."""
    key = data.resource(table)["schema"].get("primaryKey")
    if isinstance(key, list):
        if len(key) != 1:
            raise CheckFailed(f"Table {table!r} has a composite key {key}; cite another table.")
        key = key[0]
    if not key:
        raise CheckFailed(f"Table {table!r} has no row id column; cite another table.")
    return str(key)


def row_ids(table: str) -> list[str]:
    """The row ids of ``table`` as strings (the values of its primary-key column)."""
    frame = data.load(table)
    return [str(v) for v in frame[_primary_key(table)].tolist()]


def check_part_a(verdicts: Any) -> None:
    """Check that ``VERDICTS`` labels every claim, and only with the allowed labels."""
    expect_type(verdicts, dict, "VERDICTS", "Write a dict such as {'gt-01': 'true', ...}.")
    ids = oped.claim_ids()
    unknown = [k for k in verdicts if k not in ids]
    if unknown:
        raise CheckFailed(
            f"`VERDICTS` has keys that are not claim ids: {unknown}.",
            f"Use exactly these ids: {', '.join(ids)} (see oped.claims_table()).",
        )
    missing = [k for k in ids if k not in verdicts]
    if missing:
        raise CheckFailed(
            f"`VERDICTS` has no label for {', '.join(missing)}.",
            "Give every claim one label, even when you are unsure.",
        )
    labels = tuple(oped.VERDICTS)
    for claim_id in ids:
        label = verdicts[claim_id]
        expect_type(label, str, f"VERDICTS[{claim_id!r}]", f"Use one of {labels}.")
        if label not in labels:
            hint = f"Use one of {labels}, in lower case."
            if label.strip().lower() in labels:
                hint = f"Write {label.strip().lower()!r} (lower case, no spaces)."
            raise CheckFailed(f"`VERDICTS[{claim_id!r}]` is {label!r}, not a valid label.", hint)


def check_part_b(evidence: Any, verdicts: Any) -> None:
    """Check that ``EVIDENCE`` cites an existing table row for every checkable claim."""
    expect_type(evidence, dict, "EVIDENCE", "Write a dict such as {'gt-01': ('visits', '3'), ...}.")
    check_part_a(verdicts)
    needs = [c for c in oped.claim_ids() if verdicts[c] in ("true", "imprecise")]
    missing = [c for c in needs if c not in evidence]
    if missing:
        raise CheckFailed(
            f"`EVIDENCE` has no citation for {', '.join(missing)}, which you labelled "
            "'true' or 'imprecise'.",
            "Every claim you judged against the data needs the table and row you used.",
        )
    tables = data.table_names()
    for claim_id, cite in evidence.items():
        if claim_id not in oped.claim_ids():
            raise CheckFailed(f"`EVIDENCE` has a key {claim_id!r} that is not a claim id.")
        what = f"EVIDENCE[{claim_id!r}]"
        expect_type(cite, tuple, what, "Write a pair: (table name, row id), e.g. ('visits', '3').")
        if len(cite) != 2:
            raise CheckFailed(f"`{what}` has {len(cite)} items; it should be (table, row id).")
        table, row = cite
        expect_type(table, str, f"{what}[0]", "The table name is a string such as 'events'.")
        expect_type(row, str, f"{what}[1]", "Give the row id as a string, e.g. '3', not 3.")
        if table not in tables:
            raise CheckFailed(
                f"`{what}` cites a table {table!r} that does not exist.",
                f"Tables: {', '.join(tables)}.",
            )
        if row not in row_ids(table):
            key = _primary_key(table)
            raise CheckFailed(
                f"`{what}` cites row {row!r}, but table {table!r} has no row with {key} = {row!r}.",
                f"Look it up with data.load({table!r})[{key!r}].",
            )


def _run_status(func: Callable[..., Any], claimed: Any, start: Any, end: Any) -> str:
    result = func(claimed, start, end)
    what = f"date_claim_status({claimed!r}, {start!r}, {end!r})"
    expect_type(result, str, what, f"Return one of the strings {STATUSES}.")
    if result not in STATUSES:
        raise CheckFailed(f"`{what}` returned {result!r}.", f"Return one of {STATUSES}.")
    return result


def check_part_c(date_claim_status: Any) -> None:
    """Check ``date_claim_status`` on events that are not in the op-ed (Hanoi, 2019)."""
    if not callable(date_claim_status):
        raise CheckFailed("`date_claim_status` should be a function.")
    start, end = "2019-02-27", "2019-02-28"  # the Hanoi summit, not an op-ed claim
    cases: list[tuple[Any, Any, Any, str, str]] = [
        ("2019-02-27", start, end, "exact", "A claimed date equal to the first day is 'exact'."),
        ("2019-02-28", start, end, "within", "A later day of the event (the last day counts)."),
        ("2019-03-01", start, end, "outside", "A day after the event is 'outside'."),
        ("2019-02-26", start, end, "outside", "A day before the event is 'outside'."),
        (dt.date(2019, 2, 28), start, end, "within", "Accept datetime.date values too."),
        (pd.Timestamp("2019-02-27"), start, end, "exact", "Accept pandas Timestamps too."),
        (
            "2019-03-03",
            "2019-03-02",
            None,
            "after_start",
            "With no end date, a later day is "
            "'after_start': we cannot tell whether the event was still going on.",
        ),
    ]
    for claimed, first, last, expected, hint in cases:
        got = _run_status(date_claim_status, claimed, first, last)
        if got != expected:
            raise CheckFailed(
                f"`date_claim_status({claimed!r}, {first!r}, {last!r})` returned {got!r}, "
                f"but it should be {expected!r}.",
                hint,
            )
    try:
        date_claim_status("2019-02-27", end, start)
    except ValueError:
        pass
    else:
        raise CheckFailed(
            "`date_claim_status` accepted an event that ends before it starts.",
            "Raise ValueError (naming both dates) when end is before start.",
        )


PARTS: Mapping[str, tuple[Callable[..., None], tuple[str, ...]]] = {
    "A": (check_part_a, ("VERDICTS",)),
    "B": (check_part_b, ("EVIDENCE", "VERDICTS")),
    "C": (check_part_c, ("date_claim_status",)),
}
