"""Visible checks for ``ps1-timeline``: durations, gaps, weekdays, summits and a timeline chart.

The checks call the student's functions on SMALL MADE-UP tables built here (three fictional
visits in 2030 and four fictional events), whose expected answers were worked out by hand and
are written below as literals. They never compute answers for the course's real tables: the
hidden tests, which only the instructor's notebook holds, do that at grading time.
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

from peninsula.checks import CheckFailed, expect_equal, expect_type
from peninsula.checks import call_quietly as _call

ASSIGNMENT = "ps1-timeline"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SUMMIT_COLUMNS = ["previous_summit", "days_since_previous", "next_summit", "days_to_next"]

# ---------------------------------------------------------------- made-up tables
#: Three FICTIONAL visits (not in the course data), as (visit_id, first day, last day).
TOY_VISITS = [
    (101, "2030-01-06", "2030-01-08"),  # Sunday to Tuesday: 3 days
    (102, "2030-02-10", "2030-02-10"),  # a one-day visit, Sunday
    (103, "2030-03-01", "2030-03-04"),  # Friday to Monday: 4 days
]
#: Hand-computed answers for TOY_VISITS.
TOY_DAYS = [3, 1, 4]  # both ends counted
TOY_NIGHTS = [2, 0, 3]  # the usual slip: end - start
TOY_GAP_IDS = [102, 103]
TOY_GAPS = [33, 19]  # 8 Jan -> 10 Feb 2030; 10 Feb -> 1 Mar 2030 (February 2030 has 28 days)
TOY_FIRST_DAYS = ["Sunday", "Sunday", "Friday"]
TOY_LAST_DAYS = ["Tuesday", "Sunday", "Monday"]

#: FICTIONAL events, as (event_id, category, first day, last day, title).
TOY_EVENTS = [
    ("toy-summit-d", "summit", "2030-03-10", "2030-03-10", "Made-up summit D"),
    ("toy-talks", "diplomacy", "2030-01-12", "2030-01-13", "Made-up talks (not a summit)"),
    ("toy-summit-b", "summit", "2030-01-20", "2030-01-21", "Made-up summit B"),
    ("toy-summit-c", "summit", "2030-02-20", "2030-02-21", "Made-up summit C"),
]
#: Hand-computed summit_context for TOY_VISITS and TOY_EVENTS (None: no summit).
TOY_PREVIOUS = [None, "toy-summit-b", "toy-summit-c"]
TOY_DAYS_SINCE = [None, 20, 8]  # 21 Jan -> 10 Feb; 21 Feb -> 1 Mar
TOY_NEXT = ["toy-summit-b", "toy-summit-c", "toy-summit-d"]
TOY_DAYS_TO_NEXT = [12, 10, 6]  # 8 Jan -> 20 Jan; 10 Feb -> 20 Feb; 4 Mar -> 10 Mar
#: Summits that start between the first visit's start and the last visit's end (B and C).
TOY_WINDOW_SUMMITS = ["2030-01-20", "2030-02-20"]


def toy_visits() -> pd.DataFrame:
    """The made-up visits as a table with the course's column types (newest row first)."""
    rows = [
        {"visit_id": vid, "start_date": pd.Timestamp(a), "end_date": pd.Timestamp(b),
         "label_reported": f"made-up visit {vid}", "mode": "train", "cities": "Nowhere"}
        for vid, a, b in reversed(TOY_VISITS)
    ]
    frame = pd.DataFrame(rows)
    return frame.astype(
        {"visit_id": "Int64", "label_reported": "string", "mode": "string", "cities": "string"}
    )


def toy_events() -> pd.DataFrame:
    """The made-up events as a table with the course's column types (not in date order)."""
    rows = [
        {"event_id": eid, "start_date": pd.Timestamp(a), "end_date": pd.Timestamp(b),
         "title": title, "category": cat}
        for eid, cat, a, b, title in TOY_EVENTS
    ]
    kinds = {"event_id": "string", "title": "string", "category": "string"}
    return pd.DataFrame(rows).astype(kinds)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("start_date").reset_index(drop=True)


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


def _by_index(series: pd.Series, ids: list[int], name: str) -> pd.Series:
    """``series`` reordered to ``ids`` (so that a correct answer in another order passes)."""
    got = _index_ids(series, name)
    if sorted(got) != sorted(ids):
        expect_equal(got, ids, f"the index of {name}", "one value per visit_id (made-up ids).")
    return series.set_axis(got).loc[ids]


# ---------------------------------------------------------------- Part A
def check_visit_days(visit_days: Callable[..., Any]) -> None:
    """Check visit_days on three made-up visits: whole days, by visit_id, both ends counted."""
    name = "visit_days(made-up visits)"
    hint = "use the visits table's start_date and end_date; one value per visit_id."
    got = _call(visit_days, toy_visits())
    _ints(got, name, hint)
    ids = [v[0] for v in TOY_VISITS]
    values = _ints(_by_index(got, ids, name), name, hint)
    if values == TOY_NIGHTS:
        raise CheckFailed(
            f"`{name}` gives {values}: that counts nights, not days.",
            "a visit from the 7th to the 8th lasts 2 days: count the first and the last day.",
        )
    expect_equal(
        values, TOY_DAYS, f"{name} for visits {ids} ({TOY_VISITS})",
        "count both the first and the last day; a one-day visit lasts 1 day.",
    )


def check_gap_days(gap_days: Callable[..., Any]) -> None:
    """Check gap_days on three made-up visits, given newest first and then oldest first."""
    name = "gap_days(made-up visits)"
    for visits, order in ((_sorted(toy_visits()), "oldest first"), (toy_visits(), "newest first")):
        got = _call(gap_days, visits)
        values = _ints(got, name)
        if len(values) == len(TOY_GAPS) + 1:
            raise CheckFailed(
                f"`{name}` has {len(values)} values; the first visit has no gap before it.",
                "drop the first row (its gap is missing), e.g. with .dropna() or .iloc[1:].",
            )
        ids = _index_ids(got, name)
        if sorted(ids) != TOY_GAP_IDS or _ints(got.set_axis(ids).loc[TOY_GAP_IDS], name) != (
            TOY_GAPS
        ):
            shown = dict(zip(ids, values, strict=False))
            if order == "newest first":
                raise CheckFailed(
                    f"with the rows given newest first, `{name}` is {shown}, but with them "
                    f"oldest first it is right.",
                    "sort by start_date before using shift(); never rely on the row order.",
                )
            if [v + 1 for v in values] == TOY_GAPS:
                raise CheckFailed(
                    f"`{name}` gives {values}: one less than expected.",
                    "define the gap as (start of this visit) - (end of the previous visit), "
                    "in days.",
                )
            raise CheckFailed(
                f"for the made-up visits {TOY_VISITS}, `{name}` is {shown}, but it should be "
                f"{dict(zip(TOY_GAP_IDS, TOY_GAPS, strict=True))}.",
                "index by the later visit's visit_id; gap = its start_date - previous end_date.",
            )


def check_part_a(visit_days: Callable[..., Any], gap_days: Callable[..., Any]) -> None:
    """Check both functions of Part A."""
    check_visit_days(visit_days)
    check_gap_days(gap_days)


# ---------------------------------------------------------------- Part B
def check_part_b(weekdays: Callable[..., Any], claim_matches: Callable[..., Any]) -> None:
    """Check weekdays (English day names) and claim_matches (a real bool) on made-up visits."""
    visits = toy_visits()
    table = _call(weekdays, visits)
    name = "weekdays(made-up visits)"
    expect_type(table, pd.DataFrame, name)
    expect_equal([str(c) for c in table.columns], ["first_day", "last_day"], "the columns")
    ids = [v[0] for v in TOY_VISITS]
    got_ids = _index_ids(table, name)
    if sorted(got_ids) != sorted(ids):
        expect_equal(got_ids, ids, "the index", "index the table by visit_id.")
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
    table = table.set_axis(got_ids).loc[ids]
    for column, want in (("first_day", TOY_FIRST_DAYS), ("last_day", TOY_LAST_DAYS)):
        got = [str(x) for x in table[column]]
        expect_equal(got, want, f"{column} of the made-up visits {TOY_VISITS}")
    for vid, first, last, expected in (
        (101, "Sunday", "Tuesday", True),
        (101, "Tuesday", "Sunday", False),
        (102, "Sunday", "Sunday", True),
        (103, "Friday", "Sunday", False),
    ):
        call = f"claim_matches(made-up visits, {vid}, {first!r}, {last!r})"
        result = _call(claim_matches, visits, vid, first, last)
        expect_type(result, bool, call)
        if result is not expected:
            raise CheckFailed(
                f"`{call}` is {result}, but it should be {expected} (visit {vid} ran from "
                f"{TOY_FIRST_DAYS[ids.index(vid)]} to {TOY_LAST_DAYS[ids.index(vid)]}).",
                "compare the claimed days with the visit's real first and last day names.",
            )


# ---------------------------------------------------------------- Part C
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
    """Check summit_context on made-up visits and events (one of them not a summit)."""
    name = "summit_context(made-up visits, made-up events)"
    got = _call(summit_context, toy_visits(), toy_events())
    expect_type(got, pd.DataFrame, name)
    expect_equal([str(c) for c in got.columns], SUMMIT_COLUMNS, "the columns")
    ids = [v[0] for v in TOY_VISITS]
    got_ids = _index_ids(got, name)
    if sorted(got_ids) != sorted(ids):
        expect_equal(got_ids, ids, "the index", "index the table by visit_id.")
    got = got.set_axis(got_ids).loc[ids]
    nxt = _labels(got["next_summit"], "next_summit")
    if nxt != TOY_NEXT:
        hint = "keep only events whose category is 'summit'."
        not_summits = {e[0] for e in TOY_EVENTS if e[1] != "summit"}
        if any(n in not_summits for n in nxt):
            hint = "the next event is not always a summit: " + hint
        raise CheckFailed(
            f"for the made-up tables, next_summit is {nxt}, but it should be {TOY_NEXT}.", hint
        )
    prev = _labels(got["previous_summit"], "previous_summit")
    if prev != TOY_PREVIOUS:
        raise CheckFailed(
            f"for the made-up tables, previous_summit is {prev}, but it should be "
            f"{TOY_PREVIOUS}.",
            "the first visit has no summit before it (leave it missing); compare end dates with "
            "the visit's start date.",
        )
    expect_equal(
        _ints(got["days_since_previous"], "days_since_previous"),
        TOY_DAYS_SINCE,
        "days_since_previous (made-up tables)",
        "count from the summit's last day to the visit's first day; missing if no summit.",
    )
    expect_equal(
        _ints(got["days_to_next"], "days_to_next"),
        TOY_DAYS_TO_NEXT,
        "days_to_next (made-up tables)",
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


def _one_sentence(text: str) -> bool:
    body = text.strip()
    return body.endswith(".") and not re.search(r"[.!?]\s+[A-Z]", body[:-1])


def _check_text(timeline_text: Any) -> None:
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


def check_part_d(timeline_figure: Callable[..., Any], timeline_text: Any) -> None:
    """Check the Figure drawn for made-up tables (bars, labels, summit lines) and the text."""
    fig = _call(timeline_figure, toy_visits(), toy_events())
    expect_type(fig, Figure, "timeline_figure(...)", "return the Figure, not the Axes.")
    axes = fig.get_axes()
    if len(axes) != 1:
        raise CheckFailed(f"the figure has {len(axes)} axes; draw everything on one.")
    ax = axes[0]
    found = sorted(bars(ax), key=lambda b: b.get_x())
    if len(found) != len(TOY_VISITS):
        raise CheckFailed(
            f"for three made-up visits the chart has {len(found)} bars, not 3.",
            "draw all visits with one call to ax.barh(...).",
        )
    ylabels = [t.get_text() for t in ax.get_yticklabels()]
    for (vid, first, _last), bar, days in zip(TOY_VISITS, found, TOY_DAYS, strict=True):
        if not any(f"Visit {vid}" in lab for lab in ylabels):
            raise CheckFailed(
                f"no y tick label says 'Visit {vid}' (labels: {ylabels}).",
                "set the y tick labels to 'Visit 1', 'Visit 2', ... from the visit_id column.",
            )
        if abs(bar.get_x() - mdates.date2num(pd.Timestamp(first))) >= 0.5:
            raise CheckFailed(
                f"the bar of made-up visit {vid} does not start on {first}.",
                "pass left=mdates.date2num(start dates) to barh.",
            )
        if abs(bar.get_width() - days) >= 0.5:
            raise CheckFailed(
                f"the bar of made-up visit {vid} is {bar.get_width():g} days long, but that "
                f"visit lasts {days} days: the bar has the wrong length.",
                "use the inclusive length from Part A as the bar width.",
            )
    lines = sorted(vertical_lines(ax))
    want = [mdates.date2num(pd.Timestamp(d)) for d in TOY_WINDOW_SUMMITS]
    if len(lines) != len(want) or any(abs(a - b) >= 0.5 for a, b in zip(lines, want, strict=False)):
        raise CheckFailed(
            f"for the made-up tables the chart has {len(lines)} vertical line(s); it should have "
            f"{len(want)}, on {' and '.join(TOY_WINDOW_SUMMITS)} (the summits that start between "
            "the first visit's start and the last visit's end).",
            "keep only summits in that window, and draw one ax.axvline per summit.",
        )
    if not ax.get_title() and not fig.get_suptitle():
        raise CheckFailed("the chart has no title.", "use ax.set_title(...).")
    if not ax.get_xlabel():
        raise CheckFailed("the x axis has no label.", "use ax.set_xlabel(...).")
    _check_text(timeline_text)


PARTS = {
    "A": (check_part_a, ("visit_days", "gap_days")),
    "B": (check_part_b, ("weekdays", "claim_matches")),
    "C": (check_part_c, ("summit_context",)),
    "D": (check_part_d, ("timeline_figure", "TIMELINE_TEXT")),
}
