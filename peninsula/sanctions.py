"""A queryable model of the UN Security Council's DPRK sanctions (1718 → 2397).

The model reads the ``measures`` and ``resolutions`` tables (through :mod:`peninsula.data`)
and answers questions such as "which measures were in force on a date?", "what was the
refined-petroleum cap then?" or "was coal banned on 4 August 2017?".

Conventions
-----------
* ``in_force_from`` is the first day a measure applies; ``in_force_until`` (if set) is the
  last day it applies (inclusive).
* A measure with ``superseded_by`` stops applying on the day its successor starts.
  A measure whose successor starts on or before its own start never took effect.
* Paragraph numbers are shown only where the data marks them verified (non-empty);
  otherwise they are reported as ``"UNVERIFIED"``.
* Dates are the days resolutions were adopted in New York; wind-down periods for
  contracts already signed are not modelled (the data notes where they are unverified).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

#: First day covered by the model: adoption of resolution 1718.
DATA_START = pd.Timestamp("2006-10-14")
#: Last day covered by the model (the course's stated end of the data).
DATA_END = pd.Timestamp("2024-12-31")
#: Placeholder for a paragraph number that the data does not mark as verified.
UNVERIFIED = "UNVERIFIED"

DateLike = str | dt.date | dt.datetime | pd.Timestamp

_WITH_EXCEPTION = re.compile(r"\bwith (?:an? )?(?:[\w-]+ )?exceptions?\b")


def to_timestamp(value: DateLike, *, name: str = "date") -> pd.Timestamp:
    """Convert ``value`` (str, date, datetime or Timestamp) to a normalised Timestamp.

    Raises ``ValueError`` naming the bad value when it cannot be parsed.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(f"{name}={value!r} is not a date; use e.g. '2018-01-02'.")
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name}={value!r} is not a date; use ISO format such as '2018-01-02'."
        ) from exc
    if pd.isna(ts):
        raise ValueError(f"{name}={value!r} is not a date; use e.g. '2018-01-02'.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def suggest(value: str, options: Iterable[str]) -> str:
    """Return a " Did you mean ...?" hint for ``value`` among ``options`` (or "")."""
    by_lower = {str(o).lower(): str(o) for o in options}
    close = difflib.get_close_matches(str(value).lower(), list(by_lower), n=3, cutoff=0.5)
    if not close:
        return ""
    return " Did you mean " + " or ".join(repr(by_lower[c]) for c in close) + "?"


def _paragraph(value: object) -> str:
    text = "" if value is None or pd.isna(value) else str(value).strip()
    return text if text else UNVERIFIED


@dataclass(frozen=True)
class CapRecord:
    """A numerical cap in force on one day."""

    category: str
    value: float | None
    unit: str
    resolution: int
    paragraph: str
    measure_id: str
    alt_value: float | None = None
    alt_unit: str = ""
    in_force_from: pd.Timestamp | None = None
    in_force_until: pd.Timestamp | None = None
    description: str = ""
    source: str = ""

    def __str__(self) -> str:
        if self.value is None:
            amount = "a cap without a stated number"
        else:
            amount = f"{self.value:,.0f} {self.unit}"
        if self.alt_value is not None:
            amount += f" or {self.alt_value:,.0f} {self.alt_unit}"
        para = (
            "paragraph not verified"
            if self.paragraph == UNVERIFIED
            else f"paragraph {self.paragraph}"
        )
        return f"{amount} (resolution {self.resolution}, {para})"


@dataclass(frozen=True)
class BanResult:
    """Whether one shipment of ``category`` on ``date`` fell under a full ban."""

    category: str
    date: pd.Timestamp
    banned: bool
    resolution: int | None
    paragraph: str | None
    source: str
    note: str

    def __bool__(self) -> bool:
        return self.banned

    def __str__(self) -> str:
        return self.note


def _as_float(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)


def _as_date(value: object) -> pd.Timestamp | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).normalize()


class SanctionsModel:
    """Questions about the sanctions measures over time.

    Build it with :meth:`from_data` (the course data) or directly from two DataFrames with
    the columns of the ``measures`` and ``resolutions`` tables (used in tests).
    """

    RESTRICTIVE_KINDS = ("export_ban", "import_ban", "cap")

    def __init__(
        self,
        measures: pd.DataFrame,
        resolutions: pd.DataFrame,
        *,
        start: DateLike = DATA_START,
        end: DateLike = DATA_END,
    ) -> None:
        self.start = to_timestamp(start, name="start")
        self.end = to_timestamp(end, name="end")
        self.resolutions = resolutions.sort_values("adopted").reset_index(drop=True)
        self.measures = self._effective_periods(measures)
        cats = self.measures["category"].dropna().astype(str)
        self._categories = tuple(sorted(c for c in cats.unique() if c))
        self._category_set = frozenset(self._categories)

    @classmethod
    def from_data(cls) -> SanctionsModel:
        """Build the model from the course's ``measures`` and ``resolutions`` tables."""
        from peninsula import data

        return cls(data.load("measures"), data.load("resolutions"))

    # ------------------------------------------------------------------ setup
    def _effective_periods(self, measures: pd.DataFrame) -> pd.DataFrame:
        """Add ``effective_from``/``effective_until`` after applying ``superseded_by``."""
        m = measures.copy()
        m["in_force_from"] = pd.to_datetime(m["in_force_from"]).dt.normalize()
        m["in_force_until"] = pd.to_datetime(m["in_force_until"]).dt.normalize()
        starts = m.set_index("measure_id")["in_force_from"]
        until = m["in_force_until"].copy()
        for i, succ in m["superseded_by"].items():
            if succ is None or pd.isna(succ) or str(succ).strip() == "":
                continue
            succ = str(succ).strip()
            if succ not in starts.index:
                raise ValueError(
                    f"measures table: measure {m.at[i, 'measure_id']!r} has superseded_by="
                    f"{succ!r}, which is not a measure_id in the table."
                )
            cut = starts[succ] - pd.Timedelta(days=1)
            if pd.isna(until[i]) or cut < until[i]:
                until[i] = cut
        m["effective_from"] = m["in_force_from"]
        m["effective_until"] = until
        m["took_effect"] = m["effective_until"].isna() | (
            m["effective_until"] >= m["effective_from"]
        )
        m["paragraph_shown"] = m["paragraph"].map(_paragraph)
        return m

    # --------------------------------------------------------------- checking
    @property
    def categories(self) -> list[str]:
        """Sorted list of the category slugs in the data."""
        return list(self._categories)

    @property
    def resolution_numbers(self) -> list[int]:
        """Resolution numbers in order of adoption."""
        return [int(r) for r in self.resolutions["resolution"]]

    def check_category(self, category: str) -> str:
        """Return ``category`` if known, else raise ``ValueError`` with suggestions."""
        if not isinstance(category, str) or category not in self._category_set:
            hint = suggest(str(category), self.categories)
            raise ValueError(
                f"Unknown category {category!r}.{hint} "
                f"Valid categories: {', '.join(self.categories)}."
            )
        return category

    def check_date(self, value: DateLike, *, name: str = "date") -> pd.Timestamp:
        """Parse ``value`` and check it lies within the model's date range."""
        ts = to_timestamp(value, name=name)
        if not self.start <= ts <= self.end:
            raise ValueError(
                f"{name} {ts.date()} is outside the data's range "
                f"{self.start.date()} to {self.end.date()} "
                f"(from the adoption of resolution 1718 to the end of the data)."
            )
        return ts

    def check_resolution(self, resolution: int | str) -> int:
        """Return ``resolution`` as an int if it is in the data, else raise ``ValueError``."""
        valid = self.resolution_numbers
        try:
            number = int(str(resolution).strip())
        except ValueError:
            number = None
        if number not in valid:
            hint = suggest(str(resolution), [str(v) for v in valid])
            raise ValueError(
                f"Unknown resolution {resolution!r}.{hint} "
                f"Valid resolutions: {', '.join(str(v) for v in valid)}."
            )
        return number

    # ---------------------------------------------------------------- queries
    def _active(self, date: pd.Timestamp) -> pd.Series:
        m = self.measures
        return (
            m["took_effect"]
            & (m["effective_from"] <= date)
            & (m["effective_until"].isna() | (date <= m["effective_until"]))
        )

    def _table(self, rows: pd.DataFrame) -> pd.DataFrame:
        cols = [
            "measure_id",
            "resolution",
            "paragraph_shown",
            "kind",
            "direction",
            "category",
            "description",
            "source",
        ]
        out = rows[cols].rename(columns={"paragraph_shown": "paragraph"})
        return out.sort_values(["resolution", "measure_id"]).reset_index(drop=True)

    def in_force(self, date: DateLike, categories: Iterable[str] | None = None) -> pd.DataFrame:
        """Measures in force on ``date`` (optionally only the given categories).

        Columns: measure_id, resolution, paragraph (or "UNVERIFIED"), kind, direction,
        category, description, source.
        """
        ts = self.check_date(date)
        mask = self._active(ts)
        if categories is not None:
            cats = [self.check_category(c) for c in categories]
            mask &= self.measures["category"].isin(cats)
        return self._table(self.measures[mask])

    def changes(self, start: DateLike, end: DateLike) -> pd.DataFrame:
        """Measures that began or stopped applying after ``start`` up to ``end`` (inclusive).

        Columns: date, change ("in force", "ended", "replaced", "never took effect"),
        measure_id, resolution, paragraph, kind, category, description.
        """
        t0 = self.check_date(start, name="start")
        t1 = self.check_date(end, name="end")
        if t1 < t0:
            raise ValueError(f"end {t1.date()} is before start {t0.date()}.")
        events = []
        m = self.measures
        adopted = self.resolutions.set_index("resolution")["adopted"]
        by_id = m.set_index("measure_id")
        for _, row in m.iterrows():
            succ = row["superseded_by"]
            has_succ = isinstance(succ, str) and succ.strip() != ""
            if not row["took_effect"]:
                when = pd.Timestamp(adopted[by_id.at[succ, "resolution"]]) if has_succ else None
                if when is not None and t0 < when <= t1:
                    events.append((when, "never took effect", row))
                continue
            if t0 < row["effective_from"] <= t1:
                events.append((row["effective_from"], "in force", row))
            stop = row["effective_until"]
            if pd.notna(stop) and t0 < stop + pd.Timedelta(days=1) <= t1:
                label = "replaced" if has_succ else "ended"
                events.append((stop + pd.Timedelta(days=1), label, row))
        return self._events_table(events)

    def _events_table(self, events: list) -> pd.DataFrame:
        cols = ["date", "change", "measure_id", "resolution", "paragraph", "kind", "category"]
        rows = [
            {
                "date": when,
                "change": label,
                "measure_id": r["measure_id"],
                "resolution": int(r["resolution"]),
                "paragraph": r["paragraph_shown"],
                "kind": r["kind"],
                "category": r["category"],
                "description": r["description"],
            }
            for when, label, r in events
        ]
        if not rows:
            return pd.DataFrame(columns=[*cols, "description"])
        out = pd.DataFrame(rows)
        return out.sort_values(["date", "resolution", "measure_id"]).reset_index(drop=True)

    def changes_with(self, resolution: int | str) -> pd.DataFrame:
        """What ``resolution`` added, and which earlier measures it replaced.

        Columns: change ("new" or "replaced"), measure_id, resolution, paragraph, kind,
        direction, category, description, replaced_by.
        """
        number = self.check_resolution(resolution)
        m = self.measures
        new = m[m["resolution"] == number]
        new_ids = set(new["measure_id"])
        replaced = m[m["superseded_by"].isin(new_ids)]
        rows = []
        for label, frame in (("new", new), ("replaced", replaced)):
            for _, r in frame.iterrows():
                rows.append(
                    {
                        "change": label,
                        "measure_id": r["measure_id"],
                        "resolution": int(r["resolution"]),
                        "paragraph": r["paragraph_shown"],
                        "kind": r["kind"],
                        "direction": r["direction"],
                        "category": r["category"],
                        "description": r["description"],
                        "replaced_by": r["superseded_by"] if label == "replaced" else "",
                    }
                )
        cols = ["change", "measure_id", "resolution", "paragraph", "kind", "direction", "category"]
        return pd.DataFrame(rows, columns=[*cols, "description", "replaced_by"])

    def previous_resolution(self, resolution: int | str) -> int | None:
        """The resolution adopted just before ``resolution`` (None for the first)."""
        number = self.check_resolution(resolution)
        order = self.resolution_numbers
        i = order.index(number)
        return order[i - 1] if i > 0 else None

    def latest_resolution(self, date: DateLike) -> int:
        """The most recent resolution adopted on or before ``date``."""
        ts = self.check_date(date)
        done = self.resolutions[self.resolutions["adopted"] <= ts]
        return int(done["resolution"].iloc[-1])

    # ------------------------------------------------------------------- caps
    def cap_on(self, category: str, date: DateLike) -> CapRecord | None:
        """The cap on ``category`` in force on ``date``, or None if no cap applies.

        If several caps apply, the one from the latest resolution is returned.
        """
        cat = self.check_category(category)
        ts = self.check_date(date)
        m = self.measures
        rows = m[self._active(ts) & (m["category"] == cat) & (m["kind"] == "cap")]
        if rows.empty:
            return None
        r = rows.sort_values(["in_force_from", "resolution"]).iloc[-1]
        return CapRecord(
            category=cat,
            value=_as_float(r["cap_value"]),
            unit="" if pd.isna(r["cap_unit"]) else str(r["cap_unit"]),
            alt_value=_as_float(r["cap_alt_value"]),
            alt_unit="" if pd.isna(r["cap_alt_unit"]) else str(r["cap_alt_unit"]),
            resolution=int(r["resolution"]),
            paragraph=r["paragraph_shown"],
            measure_id=str(r["measure_id"]),
            in_force_from=_as_date(r["effective_from"]),
            in_force_until=_as_date(r["effective_until"]),
            description=str(r["description"]),
            source=str(r["source"]),
        )

    def cap_series(self, category: str, start: DateLike, end: DateLike) -> pd.DataFrame:
        """The cap on ``category`` as a step function between ``start`` and ``end``.

        One row per step (the value holds until the next row's date); the last row repeats
        the final value at ``end`` so the step can be drawn to the edge. Columns: date,
        value (NaN: no cap or a cap without a number), unit, resolution (<NA> if none),
        paragraph, capped (bool).
        """
        cat = self.check_category(category)
        t0 = self.check_date(start, name="start")
        t1 = self.check_date(end, name="end")
        if t1 < t0:
            raise ValueError(f"end {t1.date()} is before start {t0.date()}.")
        m = self.measures[(self.measures["category"] == cat) & (self.measures["kind"] == "cap")]
        points = {t0}
        for _, r in m.iterrows():
            if not r["took_effect"]:
                continue
            points.add(r["effective_from"])
            if pd.notna(r["effective_until"]):
                points.add(r["effective_until"] + pd.Timedelta(days=1))
        points = sorted(p for p in points if t0 <= p <= t1)
        rows = []
        for p in points:
            cap = self.cap_on(cat, p)
            rows.append(
                {
                    "date": p,
                    "value": float("nan") if cap is None or cap.value is None else cap.value,
                    "unit": "" if cap is None else cap.unit,
                    "resolution": pd.NA if cap is None else cap.resolution,
                    "paragraph": "" if cap is None else cap.paragraph,
                    "capped": cap is not None,
                }
            )
        last = dict(rows[-1])
        last["date"] = t1
        rows.append(last)
        out = pd.DataFrame(rows)
        out["resolution"] = out["resolution"].astype("Int64")
        return out

    # ------------------------------------------------------------------- bans
    @staticmethod
    def _is_partial(row: pd.Series) -> bool:
        """A cap, or a ban whose description opens by saying it comes "with exceptions".

        (Resolution 2270's coal and iron bans came "with a livelihood exception"; a ban with
        a narrow listed exception, such as aircraft spare parts, still counts as a ban.)
        """
        if row["kind"] == "cap":
            return True
        first = str(row.get("description", "")).split(". ")[0].lower()
        return _WITH_EXCEPTION.search(first) is not None

    def export_ban_timeline(self) -> pd.DataFrame:
        """How bans on DPRK exports tightened, one row per category.

        Columns: category, first_resolution, first_date, first_step ("partial" or "full"),
        full_ban_resolution, full_ban_date, steps (e.g. "2270 partial → 2321 cap → 2371 full").
        """
        m = self.measures
        sel = m[
            m["kind"].isin(["export_ban", "cap"])
            & m["direction"].isin(["dprk_exports", "both"])
            & m["took_effect"]
        ].sort_values(["effective_from", "resolution"])
        rows = []
        for cat, grp in sel.groupby("category", sort=False):
            steps = []
            full_res, full_date = pd.NA, pd.NaT
            for _, r in grp.iterrows():
                partial = self._is_partial(r)
                label = "cap" if r["kind"] == "cap" else ("partial" if partial else "full")
                step = f"{int(r['resolution'])} {label}"
                if not steps or steps[-1] != step:
                    steps.append(step)
                if not partial and pd.isna(full_date):
                    full_res, full_date = int(r["resolution"]), r["effective_from"]
            first = grp.iloc[0]
            rows.append(
                {
                    "category": cat,
                    "first_resolution": int(first["resolution"]),
                    "first_date": first["effective_from"],
                    "first_step": "partial" if self._is_partial(first) else "full",
                    "full_ban_resolution": full_res,
                    "full_ban_date": full_date,
                    "steps": " → ".join(steps),
                }
            )
        out = pd.DataFrame(rows)
        if out.empty:
            return out
        out["full_ban_resolution"] = out["full_ban_resolution"].astype("Int64")
        return out.sort_values(["first_date", "category"]).reset_index(drop=True)

    def is_banned(self, category: str, date: DateLike, direction: str | None = None) -> BanResult:
        """Was a shipment of ``category`` on ``date`` under a full UN ban?

        ``direction`` ("dprk_exports" or "supply_to_dprk") narrows the question; by default
        any direction counts. A partial ban (an exception, or a cap) gives ``banned=False``
        with a note that names the restriction.
        """
        cat = self.check_category(category)
        ts = self.check_date(date)
        directions = {"dprk_exports", "supply_to_dprk", None}
        if direction not in directions:
            raise ValueError(
                f"Unknown direction {direction!r}; use 'dprk_exports', 'supply_to_dprk' or None."
            )
        m = self.measures
        mask = self._active(ts) & (m["category"] == cat) & m["kind"].isin(self.RESTRICTIVE_KINDS)
        if direction is not None:
            mask &= m["direction"].isin([direction, "both"])
        rows = m[mask].sort_values(["effective_from", "resolution"])
        day = ts.date().isoformat()
        full = [r for _, r in rows.iterrows() if not self._is_partial(r)]
        def result(r: pd.Series, banned: bool, verdict: str, extra: str = "") -> BanResult:
            where = f"resolution {int(r['resolution'])} ({_para_text(r['paragraph_shown'])})"
            return BanResult(
                category=cat,
                date=ts,
                banned=banned,
                resolution=int(r["resolution"]),
                paragraph=r["paragraph_shown"],
                source=str(r["source"]),
                note=f"{cat} on {day}: {verdict} under {where}.{extra}",
            )

        if full:
            r = full[-1]
            listed = re.search(r"\bExceptions?:", str(r["description"]))
            extra = " The data lists exceptions; see the description." if listed else ""
            return result(r, True, "banned", extra)
        if not rows.empty:
            r = rows.iloc[-1]
            what = "capped" if r["kind"] == "cap" else "restricted, with exceptions,"
            return result(r, False, f"not fully banned; {what}")
        others = m[self._active(ts) & (m["category"] == cat)]
        note = f"{cat} on {day}: no UN ban or cap in force in the data."
        if not others.empty:
            listed = ", ".join(
                f"{r.kind} (resolution {int(r.resolution)})" for r in others.itertuples()
            )
            note += f" Other measures on {cat} apply: {listed}."
        return BanResult(
            category=cat,
            date=ts,
            banned=False,
            resolution=None,
            paragraph=None,
            source="",
            note=note,
        )


def _para_text(paragraph: str) -> str:
    return "paragraph not verified" if paragraph == UNVERIFIED else f"paragraph {paragraph}"


# ---------------------------------------------------------------------- charts
CAP_CATEGORIES = ("refined_petroleum", "crude_oil")


def cap_chart(
    model: SanctionsModel,
    categories: Iterable[str] = CAP_CATEGORIES,
    start: DateLike = "2016-01-01",
    end: DateLike = "2019-12-31",
    *,
    marker: DateLike | None = None,
):
    """Step chart of the caps on ``categories`` (values as stated in the data).

    Periods without a cap, or with a cap that has no number (resolution 2375's crude-oil
    limit), are drawn as a gap and labelled. Returns a matplotlib ``Figure``; the optional
    ``marker`` date is drawn as a vertical line (see :func:`cap_chart_text` for the text
    alternative).
    """
    from matplotlib.figure import Figure

    from peninsula.trade import OKABE_ITO, _date_ticks, source_note

    styles = [
        {"color": OKABE_ITO["blue"], "linestyle": "-", "marker": "o"},
        {"color": OKABE_ITO["orange"], "linestyle": "--", "marker": "s"},
        {"color": OKABE_ITO["green"], "linestyle": "-.", "marker": "D"},
        {"color": OKABE_ITO["vermillion"], "linestyle": ":", "marker": "^"},
    ]
    t0 = model.check_date(start, name="start")
    t1 = model.check_date(end, name="end")
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.add_subplot()
    for style, cat in zip(styles * 3, categories, strict=False):
        s = model.cap_series(cat, t0, t1)
        ax.step(s["date"], s["value"] / 1e6, where="post", linewidth=2, markevery=list(
            range(len(s) - 1)), label=cat.replace("_", " "), **style)
        unnumbered = s[s["capped"] & s["value"].isna()]
        for _, r in unnumbered.iterrows():
            ax.annotate(
                f"{cat.replace('_', ' ')}: cap without a number ({r['resolution']})",
                xy=(r["date"], 0), xytext=(0, 12), textcoords="offset points",
                fontsize=7, color=style["color"], rotation=0,
            )
    if marker is not None:
        m = model.check_date(marker, name="marker")
        ax.axvline(m, color=OKABE_ITO["black"], linewidth=1.5, label=f"{m:%d %b %Y}")
    ax.set_xlim(t0, t1)
    _date_ticks(ax, "year" if (t1 - t0).days > 3 * 366 else "quarter")
    ax.set_ylim(bottom=0)
    ax.set_title("UN caps on oil supplied to the DPRK")
    ax.set_xlabel("Date")
    ax.set_ylabel("Cap (million barrels, per period stated)")
    ax.grid(axis="y", color="#dddddd")
    ax.legend(fontsize=8, loc="upper left")
    source_note(ax, "Source: course measures table (UN resolutions 2375 and 2397; "
             "see each row's source). The Oct–Dec 2017 cap covers 3 months.")
    return fig


def cap_chart_text(
    model: SanctionsModel,
    categories: Iterable[str] = CAP_CATEGORIES,
    start: DateLike = "2016-01-01",
    end: DateLike = "2019-12-31",
) -> str:
    """Text alternative for :func:`cap_chart`: one sentence per category."""
    lines = []
    for cat in categories:
        s = model.cap_series(cat, start, end).iloc[:-1]
        parts = []
        for _, r in s.iterrows():
            when = f"from {r['date']:%d %b %Y}"
            if not r["capped"]:
                parts.append(f"{when}: no cap")
            elif pd.isna(r["value"]):
                parts.append(
                    f"{when}: a cap without a number (resolution {r['resolution']}, "
                    f"{_para_text(r['paragraph'])})"
                )
            else:
                parts.append(
                    f"{when}: {r['value']:,.0f} {r['unit']} (resolution {r['resolution']}, "
                    f"{_para_text(r['paragraph'])})"
                )
        lines.append(f"{cat.replace('_', ' ').capitalize()}: " + "; ".join(parts) + ".")
    return "\n".join(lines)
