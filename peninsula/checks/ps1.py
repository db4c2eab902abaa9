"""Visible checks for ``ps1-timeline``: durations, gaps, weekdays, summits and a timeline chart.

Reference values are computed here from the ``visits`` and ``events`` tables (loaded through
:mod:`peninsula.data`), never typed in, so a correction to the data flows through.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from peninsula import data
from peninsula.checks import CheckFailed, expect_equal, expect_type
from peninsula.checks import call_quietly as _call

ASSIGNMENT = "ps1-timeline"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SUMMIT_COLUMNS = ["previous_summit", "days_since_previous", "next_summit", "days_to_next"]


def _visits() -> pd.DataFrame:
    return data.load("visits").sort_values("start_date")


def _ints(series: Any, name: str, hint: str = "") -> list[int | None]:
    """The values of a Series as Python ints (None for missing), refusing non-integers."""
    expect_type(series, pd.Series, name, hint)
    if not (pd.api.types.is_integer_dtype(series.dtype) or series.dtype == object):
        raise CheckFailed(
            f"`{name}` holds {series.dtype} values, but it should hold whole numbers (int).",
            hint or "`.dt.days` gives whole days; drop missing values, then use .astype(int).",
        )
    out: list[int | None] = []
    for i, v in enumerate(series.tolist()):
        if v is None or v is pd.NA:
            out.append(None)
            continue
        expect_type(v, int, f"{name}[{i}]", hint)
        out.append(int(v))
    return out


def _index_ids(series: pd.Series | pd.DataFrame, name: str) -> list[int]:
    try:
        return [int(i) for i in series.index]
    except (TypeError, ValueError) as exc:
        raise CheckFailed(
            f"the index of `{name}` should be the visit_id numbers, not {list(series.index)}.",
            "use .set_index('visit_id') (or build the result with index=visits['visit_id']).",
        ) from exc


# ---------------------------------------------------------------- Part A
def reference_days(visits: pd.DataFrame) -> pd.Series:
    """Inclusive length of each visit in days, indexed by visit_id."""
    v = visits.sort_values("start_date").set_index("visit_id")
    return ((v["end_date"] - v["start_date"]).dt.days + 1).astype("int64").rename("days")


def reference_gaps(visits: pd.DataFrame) -> pd.Series:
    """Days from the end of each visit to the start of the next, indexed by the later visit."""
    v = visits.sort_values("start_date").set_index("visit_id")
    gaps = (v["start_date"] - v["end_date"].shift()).dt.days.iloc[1:]
    return gaps.astype("int64").rename("gap_days")


def check_visit_days(visit_days: Callable[..., Any]) -> None:
    """Check visit_days: whole days, indexed by visit_id, first and last day both counted."""
    visits = _visits()
    want = reference_days(visits)
    got = _call(visit_days, visits)
    hint = "use the visits table's start_date and end_date; one value per visit_id."
    values = _ints(got, "visit_days(visits)", hint)
    expect_equal(_index_ids(got, "visit_days(visits)"), list(want.index), "the index (visit_id)")
    exclusive = [w - 1 for w in want]
    if values == exclusive:
        raise CheckFailed(
            f"`visit_days(visits)` gives {values}: that counts nights, not days.",
            "a visit from the 7th to the 8th lasts 2 days: count the first and the last day.",
        )
    expect_equal(values, [int(w) for w in want], "visit_days(visits)", hint)


def check_gap_days(gap_days: Callable[..., Any]) -> None:
    """Check gap_days: days from the end of one visit to the start of the next."""
    visits = _visits()
    want_gaps = reference_gaps(visits)
    got_gaps = _call(gap_days, visits)
    values = _ints(got_gaps, "gap_days(visits)")
    if len(values) == len(want_gaps) + 1:
        raise CheckFailed(
            f"`gap_days(visits)` has {len(values)} values; the first visit has no gap before it.",
            "drop the first row (its gap is missing), e.g. with .dropna() or .iloc[1:].",
        )
    expect_equal(_index_ids(got_gaps, "gap_days(visits)"), list(want_gaps.index), "gap index")
    if values == [int(g) - 1 for g in want_gaps]:
        raise CheckFailed(
            f"`gap_days(visits)` gives {values}: one less than expected.",
            "define the gap as (start of this visit) - (end of the previous visit), in days.",
        )
    expect_equal(values, [int(g) for g in want_gaps], "gap_days(visits)")


def check_part_a(visit_days: Callable[..., Any], gap_days: Callable[..., Any]) -> None:
    """Check both functions of Part A."""
    check_visit_days(visit_days)
    check_gap_days(gap_days)


# ---------------------------------------------------------------- Part B
def check_part_b(weekdays: Callable[..., Any], claim_matches: Callable[..., Any]) -> None:
    """Check weekdays (English day names) and claim_matches on the op-ed's weekday claim."""
    visits = _visits()
    table = _call(weekdays, visits)
    expect_type(table, pd.DataFrame, "weekdays(visits)")
    expect_equal([str(c) for c in table.columns], ["first_day", "last_day"], "the columns")
    expect_equal(_index_ids(table, "weekdays(visits)"), list(visits["visit_id"]), "the index")
    first = visits.set_index("visit_id")["start_date"]
    for i, value in enumerate(table["first_day"]):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise CheckFailed(
                f"first_day[{i}] is the number {value!r}; the column should hold day names.",
                "`.dt.day_name()` gives names such as 'Monday'.",
            )
        expect_type(value, str, f"first_day[{i}]")
        if value not in WEEKDAYS:
            raise CheckFailed(
                f"first_day[{i}] is {value!r}, which is not an English day name.",
                f"use one of {', '.join(WEEKDAYS)}.",
            )
    expect_equal(str(table["first_day"].iloc[0]), first.iloc[0].day_name(), "first_day[0]")
    third = int(visits["visit_id"].iloc[2])
    result = _call(claim_matches, visits, third, "Tuesday", "Wednesday")
    expect_type(result, bool, f"claim_matches(visits, {third}, 'Tuesday', 'Wednesday')")
    other = _call(claim_matches, visits, third, "Wednesday", "Thursday")
    expect_type(other, bool, f"claim_matches(visits, {third}, 'Wednesday', 'Thursday')")
    if result == other:
        raise CheckFailed(
            "claim_matches gives the same answer for two different pairs of days.",
            "compare the claimed days with the visit's real first and last day names.",
        )


# ---------------------------------------------------------------- Part C
def reference_summits(visits: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """For each visit: the last summit that ended before it and the first that began after it."""
    summits = events.loc[events["category"] == "summit"].sort_values("start_date")
    rows = []
    for v in visits.sort_values("start_date").itertuples():
        before = summits.loc[summits["end_date"].fillna(summits["start_date"]) < v.start_date]
        after = summits.loc[summits["start_date"] > v.end_date]
        prev = before.iloc[-1] if len(before) else None
        nxt = after.iloc[0] if len(after) else None
        ended = None
        if prev is not None:
            ended = prev["end_date"] if pd.notna(prev["end_date"]) else prev["start_date"]
        rows.append(
            {
                "visit_id": v.visit_id,
                "previous_summit": None if prev is None else prev["event_id"],
                "days_since_previous": None if prev is None else (v.start_date - ended).days,
                "next_summit": None if nxt is None else nxt["event_id"],
                "days_to_next": None if nxt is None else (nxt["start_date"] - v.end_date).days,
            }
        )
    out = pd.DataFrame(rows).set_index("visit_id")
    for col in ("days_since_previous", "days_to_next"):
        out[col] = out[col].astype("Int64")
    return out


def _labels(series: pd.Series, name: str) -> list[str | None]:
    out: list[str | None] = []
    for i, v in enumerate(series.tolist()):
        if v is None or v is pd.NA or (isinstance(v, float) and v != v):
            out.append(None)
        else:
            expect_type(v, str, f"{name}[{i}]")
            out.append(v)
    return out


def check_part_c(summit_context: Callable[..., Any]) -> None:
    """Check summit_context: the summits just before and after each visit, and the day counts."""
    visits, events = _visits(), data.load("events")
    want = reference_summits(visits, events)
    got = _call(summit_context, visits, events)
    expect_type(got, pd.DataFrame, "summit_context(visits, events)")
    expect_equal([str(c) for c in got.columns], SUMMIT_COLUMNS, "the columns")
    expect_equal(_index_ids(got, "summit_context(...)"), list(want.index), "the index")
    nxt = _labels(got["next_summit"], "next_summit")
    if nxt != list(want["next_summit"]):
        hint = "keep only events whose category is 'summit'."
        if any(n and n.startswith("visit-") for n in nxt):
            hint = "the next event is not always a summit: " + hint
        raise CheckFailed(f"next_summit is {nxt}, which is not right yet.", hint)
    prev = _labels(got["previous_summit"], "previous_summit")
    wanted_prev = [None if pd.isna(p) else p for p in want["previous_summit"]]
    if prev != wanted_prev:
        raise CheckFailed(
            f"previous_summit is {prev}, which is not right yet.",
            "the first visit had no summit before it (leave it missing); compare end dates with "
            "the visit's start date.",
        )
    expect_equal(
        _ints(got["days_to_next"], "days_to_next"),
        [int(x) for x in want["days_to_next"]],
        "days_to_next",
        "count from the last day of the visit to the summit's first day.",
    )


# ---------------------------------------------------------------- Part D
def bars(ax: Axes) -> list[Rectangle]:
    """The bar rectangles drawn with ``bar``/``barh`` on ``ax`` (legend handles excluded)."""
    return [p for c in ax.containers for p in c.patches if isinstance(p, Rectangle)]


def _num(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return float(mdates.date2num(value))


def vertical_lines(ax: Axes) -> list[float]:
    """x positions (matplotlib date numbers) of the vertical lines on ``ax``."""
    xs = []
    for line in ax.get_lines():
        x = [_num(v) for v in line.get_xdata()]
        if len(x) >= 2 and max(x) - min(x) < 1e-9:
            xs.append(x[0])
    return xs


def summits_in_window(visits: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Summits that start between the first visit's start and the last visit's end."""
    start, end = visits["start_date"].min(), visits["end_date"].max()
    s = events.loc[(events["category"] == "summit") & events["start_date"].between(start, end)]
    return s.sort_values("start_date")


def _one_sentence(text: str) -> bool:
    body = text.strip()
    return body.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", body[:-1])


def check_part_d(timeline_figure: Callable[..., Any], timeline_text: Any) -> None:
    """Check the timeline Figure (bars, summit lines, labels) and its text alternative."""
    visits, events = _visits(), data.load("events")
    fig = _call(timeline_figure, visits, events)
    expect_type(fig, Figure, "timeline_figure(visits, events)", "return the Figure, not the Axes.")
    axes = fig.get_axes()
    if len(axes) != 1:
        raise CheckFailed(f"the figure has {len(axes)} axes; draw everything on one.")
    ax = axes[0]
    found = bars(ax)
    if len(found) != len(visits):
        raise CheckFailed(
            f"the chart has {len(found)} bars, but there are {len(visits)} visits.",
            "draw all visits with one call to ax.barh(...).",
        )
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    for vid in visits["visit_id"]:
        if not any(f"Visit {vid}" in lab for lab in ylabels):
            raise CheckFailed(
                f"no y tick label says 'Visit {vid}' (labels: {ylabels}).",
                "set the y tick labels to 'Visit 1', 'Visit 2', ... .",
            )
    n_summits = len(summits_in_window(visits, events))
    lines = vertical_lines(ax)
    if len(lines) != n_summits:
        raise CheckFailed(
            f"the chart has {len(lines)} vertical lines, but {n_summits} summits fall between "
            "the first and the last visit.",
            "draw one ax.axvline per summit in that window.",
        )
    if not ax.get_title() and not fig.get_suptitle():
        raise CheckFailed("the chart has no title.", "use ax.set_title(...).")
    if not ax.get_xlabel():
        raise CheckFailed("the x axis has no label.", "use ax.set_xlabel(...).")
    expect_type(timeline_text, str, "TIMELINE_TEXT")
    text = timeline_text.strip()
    if not 40 <= len(text) <= 400:
        raise CheckFailed(
            f"TIMELINE_TEXT has {len(text)} characters; write one sentence of 40 to 400.",
        )
    if not _one_sentence(text):
        raise CheckFailed(
            "TIMELINE_TEXT should be exactly one sentence ending with a full stop.",
        )
    if "four" not in text.lower() and "4" not in text:
        raise CheckFailed(
            "TIMELINE_TEXT should say how many visits the chart shows.",
            "a reader who cannot see the chart needs the main facts: how many visits, and when.",
        )


PARTS = {
    "A": (check_part_a, ("visit_days", "gap_days")),
    "B": (check_part_b, ("weekdays", "claim_matches")),
    "C": (check_part_c, ("summit_context",)),
    "D": (check_part_d, ("timeline_figure", "TIMELINE_TEXT")),
}
