"""Visible checks for ``ps3-sanctions`` (UN sanctions rules as code).

The checks use made-up rules (categories ``"alpha"`` and ``"beta"``) and made-up numbers, or
check that an answer is *consistent* with the course data (``FULL_BANS`` entries must name a full
export-ban row and its first day; caps must be cap values of the measures table). They never
compute an answer: which ban came *first*, and the exact caps and cuts, are checked only by the
hidden tests in the instructor's notebook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from peninsula import data
from peninsula.checks import CheckFailed, expect_close, expect_type

ASSIGNMENT = "ps3-sanctions"

#: The categories whose first full export ban students record in Part A.
CATEGORIES = (
    "coal",
    "iron",
    "gold",
    "seafood",
    "textiles",
    "food_agricultural",
    "machinery",
    "wood",
)

#: Made-up rules for checking Parts B and D without giving away Part A.
TOY_RULES = {"alpha": (1111, "2017-03-01"), "beta": (2222, "2018-01-01")}


def _iso_date(text: Any, what: str) -> pd.Timestamp:
    expect_type(text, str, what, "Write the date as a string such as '2017-01-31'.")
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise CheckFailed(
            f"`{what}` is {text!r}, which is not a date in the form YYYY-MM-DD."
        ) from None
    return pd.Timestamp(day)


def _export_ban_rows(measures: pd.DataFrame, category: str, resolution: int) -> pd.DataFrame:
    """The measures rows of ``resolution`` that ban DPRK exports of ``category``."""
    return measures[
        (measures["category"] == category)
        & (measures["resolution"] == resolution)
        & (measures["kind"] == "export_ban")
        & (measures["direction"] == "dprk_exports")
    ]


def _check_entry(measures: pd.DataFrame, cat: str, resolution: int, day: pd.Timestamp) -> None:
    """One FULL_BANS entry must name a full export-ban row and that row's first day.

    This checks that the student's choice is *a* full ban in the data; whether it is the
    *first* one is left to the hidden tests.
    """
    what = f"FULL_BANS[{cat!r}]"
    rows = _export_ban_rows(measures, cat, resolution)
    if rows.empty:
        raise CheckFailed(
            f"`{what}` names resolution {resolution}, but the measures table has no export "
            f"ban on {cat!r} from that resolution.",
            "Look for rows with this category, kind 'export_ban' and direction 'dprk_exports'.",
        )
    full = rows[~rows["description"].str.contains("Exceptions:", regex=False, na=False)]
    if full.empty:
        raise CheckFailed(
            f"`{what}` names resolution {resolution}, whose ban on {cat!r} lists exceptions.",
            "A ban whose description lists exceptions, and a cap, are not full bans: "
            "look for the first row of this category that is neither.",
        )
    starts = sorted(pd.Timestamp(d) for d in full["in_force_from"])
    if day not in starts:
        hint = "Use the in_force_from column of the measures table for that resolution's row."
        if day > starts[0]:
            hint = (
                "Use the in_force_from column of the measures table; China's own "
                "implementation dates (events table) came later than the UN ban."
            )
        raise CheckFailed(
            f"`{what}` gives {day.date()}, which is not the in_force_from date of resolution "
            f"{resolution}'s ban on {cat!r}.",
            hint,
        )


def check_part_a(full_bans: Any) -> None:
    """Check the form of ``FULL_BANS`` and that each entry names a full ban and its first day."""
    expect_type(full_bans, dict, "FULL_BANS", "Keep the dict given in the answer cell.")
    missing = [c for c in CATEGORIES if c not in full_bans]
    extra = [c for c in full_bans if c not in CATEGORIES]
    if missing or extra:
        raise CheckFailed(
            f"`FULL_BANS` should have exactly the keys {list(CATEGORIES)}; "
            f"missing {missing}, unexpected {extra}.",
            "Keep the keys of the answer cell; fill in the values.",
        )
    known = set(data.load("resolutions")["resolution"].astype(int))
    days = {}
    for cat in CATEGORIES:
        value = full_bans[cat]
        what = f"FULL_BANS[{cat!r}]"
        expect_type(value, tuple, what, "Each value is a pair: (resolution, 'YYYY-MM-DD').")
        if len(value) != 2:
            raise CheckFailed(f"`{what}` has {len(value)} items; it should be a pair.")
        resolution, day = value
        expect_type(resolution, int, f"{what}[0]", "The resolution number, e.g. 1718.")
        if resolution not in known:
            raise CheckFailed(
                f"`{what}[0]` is {resolution}, which is not a resolution in the data.",
                "See data.load('resolutions').",
            )
        days[cat] = _iso_date(day, f"{what}[1]")
    measures = data.load("measures")
    for cat in CATEGORIES:
        _check_entry(measures, cat, full_bans[cat][0], days[cat])


def _bool_result(func: Callable[..., Any], *args: Any) -> bool:
    result = func(*args)
    shown = ", ".join(repr(a) for a in args[:2])
    expect_type(
        result,
        bool,
        f"banned({shown}, ...)",
        "Return True or False; wrap a numpy or pandas comparison in bool(...).",
    )
    return result


def check_part_b(banned: Any) -> None:
    """Check ``banned(category, date, rules)`` on made-up rules, including the first day."""
    if not callable(banned):
        raise CheckFailed("`banned` should be a function.")
    cases = [
        ("alpha", "2017-02-28", False, "The day before a ban starts is not banned."),
        (
            "alpha",
            "2017-03-01",
            True,
            "The first day of the ban counts as banned: compare with >=, not >.",
        ),
        ("alpha", dt.date(2019, 1, 1), True, "Accept datetime.date values as well as strings."),
        ("beta", pd.Timestamp("2017-12-31"), False, "Accept pandas Timestamps too."),
        ("beta", "2018-01-01", True, "The first day of the ban counts as banned."),
    ]
    for category, day, expected, hint in cases:
        got = _bool_result(banned, category, day, TOY_RULES)
        if got is not expected:
            raise CheckFailed(
                f"With rules {TOY_RULES}, `banned({category!r}, {day!r}, rules)` returned "
                f"{got}, but it should be {expected}.",
                hint,
            )
    try:
        banned("gamma", "2018-01-01", TOY_RULES)
    except ValueError as exc:
        if "gamma" not in str(exc):
            raise CheckFailed(
                "The ValueError for an unknown category should name the category.",
                f"Your message was: {exc}",
            ) from None
    else:
        raise CheckFailed(
            "`banned('gamma', ...)` did not raise ValueError for a category not in the rules.",
            "Raise ValueError naming the unknown category (and the valid ones).",
        )


def check_part_c(
    percent_cut: Any,
    refined_cap_2397: Any,
    refined_cap_2375: Any,
    monthly_cap: Any,
    cut_vs_2375: Any,
    cut_vs_2016: Any,
) -> None:
    """Check ``percent_cut`` on made-up numbers, the caps read from data, and plausible results."""
    if not callable(percent_cut):
        raise CheckFailed("`percent_cut` should be a function.")
    expect_close(
        percent_cut(200, 50),
        75.0,
        1e-9,
        "percent_cut(200, 50)",
        "A cut from 200 to 50 is 75 percent: (old - new) / old * 100.",
    )
    expect_close(percent_cut(80, 80), 0.0, 1e-9, "percent_cut(80, 80)", "No change is a 0% cut.")
    try:
        percent_cut(0, 10)
    except ValueError:
        pass
    else:
        raise CheckFailed(
            "`percent_cut(0, 10)` did not raise ValueError.",
            "A percentage of zero is undefined: raise ValueError when old <= 0.",
        )
    m = data.load("measures")
    petroleum = m.loc[m["category"] == "refined_petroleum", "cap_value"].dropna()
    caps = sorted({float(v) for v in petroleum})
    for value, what in (
        (refined_cap_2397, "REFINED_CAP_2397"),
        (refined_cap_2375, "REFINED_CAP_2375"),
    ):
        expect_type(value, (float, int), what, "Read the number from the cap_value column.")
        if not any(abs(float(value) - c) <= 0.5 for c in caps):
            raise CheckFailed(
                f"`{what}` is {value!r}, which is not a cap_value of any refined_petroleum row "
                "of the measures table.",
                "Read the cap_value of that resolution's row in the measures table.",
            )
    if not float(refined_cap_2397) < float(refined_cap_2375):
        raise CheckFailed(
            "`REFINED_CAP_2397` should be lower than `REFINED_CAP_2375`: resolution 2397 "
            "replaced the 2375 cap with a lower one.",
            "Check which row belongs to which resolution, and use the annual 2375 cap.",
        )
    expect_type(monthly_cap, (float, int), "monthly_cap")
    expect_close(
        monthly_cap * 12,
        float(refined_cap_2397),
        1.0,
        "monthly_cap * 12",
        "The 2397 cap is per 12 months; spread it evenly over the months.",
    )
    for value, what in ((cut_vs_2375, "cut_vs_2375"), (cut_vs_2016, "cut_vs_2016")):
        expect_type(value, (float, int), what)
        if 0 < value < 1:
            raise CheckFailed(
                f"`{what}` is {value:.4g}, which looks like a fraction.",
                "Give a percentage: multiply by 100 (percent_cut should do this).",
            )
        if value < 0:
            raise CheckFailed(
                f"`{what}` is negative ({value:.4g}).",
                "A cut is (old - new) / old: did you subtract the wrong way round?",
            )
        if value > 100:
            raise CheckFailed(
                f"`{what}` is {value:.4g}, more than 100%.",
                "Divide by the old amount, not by the new one.",
            )


def find_widgets(box: Any) -> tuple[Any, Any, Any]:
    """The Dropdown, SelectionSlider and Label inside the explorer ``box``."""
    import ipywidgets as widgets

    expect_type(box, widgets.VBox, "make_ban_explorer(...)", "Return a widgets.VBox.")
    kids = list(box.children)

    def one(kind: type) -> Any:
        found = [w for w in kids if isinstance(w, kind)]
        if len(found) != 1:
            raise CheckFailed(
                f"The VBox should hold exactly one {kind.__name__}; it holds {len(found)}.",
                "children=[dropdown, slider, label]",
            )
        return found[0]

    return one(widgets.Dropdown), one(widgets.SelectionSlider), one(widgets.Label)


def _status(label: Any) -> str:
    value = label.value
    if value.endswith(": not banned"):
        return "not banned"
    if value.endswith(": banned"):
        return "banned"
    raise CheckFailed(
        f"The label reads {value!r}; it should end with ': banned' or ': not banned'.",
        "Use the text format of the Part D instructions, e.g. 'alpha on 2017-03-01: banned'.",
    )


def check_part_d(make_ban_explorer: Any) -> None:
    """Drive the explorer built on made-up rules: choose a category and a date, read the label."""
    if not callable(make_ban_explorer):
        raise CheckFailed("`make_ban_explorer` should be a function.")
    dropdown, slider, label = find_widgets(make_ban_explorer(TOY_RULES))
    options = [o if not isinstance(o, tuple) else o[1] for o in dropdown.options]
    if sorted(options) != sorted(TOY_RULES):
        raise CheckFailed(
            f"With rules {TOY_RULES}, the dropdown offers {list(dropdown.options)}.",
            "Offer the categories of the `rules` argument (sorted).",
        )
    dropdown.value = "alpha"
    for day, expected in ((dt.date(2017, 2, 28), "not banned"), (dt.date(2017, 3, 1), "banned")):
        slider.value = day
        if day.isoformat() not in label.value:
            raise CheckFailed(
                f"After choosing 'alpha' and moving the slider to {day}, the label still reads "
                f"{label.value!r}.",
                "Update the label in a function you register with .observe(..., names='value').",
            )
        got = _status(label)
        if got != expected:
            raise CheckFailed(
                f"With 'alpha' on {day}, the label reads {label.value!r}; it should say "
                f"{expected}.",
                "Use banned(category, date, rules) to decide the status.",
            )
    dropdown.value = "beta"
    if _status(label) != "not banned":
        raise CheckFailed(
            "Changing the category did not update the label.",
            "Observe the dropdown as well as the slider.",
        )


PARTS: Mapping[str, tuple[Callable[..., None], tuple[str, ...]]] = {
    "A": (check_part_a, ("FULL_BANS",)),
    "B": (check_part_b, ("banned",)),
    "C": (
        check_part_c,
        (
            "percent_cut",
            "REFINED_CAP_2397",
            "REFINED_CAP_2375",
            "monthly_cap",
            "cut_vs_2375",
            "cut_vs_2016",
        ),
    ),
    "D": (check_part_d, ("make_ban_explorer",)),
}
